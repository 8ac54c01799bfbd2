/**
 * Where jest keeps snapshots: beside each test file (`__snapshots__/`). With $TELEMETRY_SNAPSHOT_DIR set, the
 * snapshots of the configured matrix (synth-snapshots.test.ts) go there instead: CI's second run, against
 * config/examples/customer.json, regenerates them into a scratch folder, never into the repository, while the
 * example tests' snapshots (which no config changes) are still checked against the repository's.
 */
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const SCRATCH_TEST = path.join(__dirname, 'synth-snapshots.test.ts');
const extension = '.snap';
const scratchDir = () =>
  process.env.TELEMETRY_SNAPSHOT_DIR ? path.resolve(process.env.TELEMETRY_SNAPSHOT_DIR) : undefined;

module.exports = {
  resolveSnapshotPath(testPath) {
    const scratch = scratchDir();
    if (scratch && testPath === SCRATCH_TEST) return path.join(scratch, `${path.basename(testPath)}${extension}`);
    return path.join(path.dirname(testPath), '__snapshots__', `${path.basename(testPath)}${extension}`);
  },
  resolveTestPath(snapshotPath) {
    const scratch = scratchDir();
    if (scratch && path.dirname(snapshotPath) === scratch) return SCRATCH_TEST;
    return path.join(path.dirname(path.dirname(snapshotPath)), path.basename(snapshotPath, extension));
  },
  testPathForConsistencyCheck: path.join(root, '__tests__', 'stacks', 'telemetry-stack.example.test.ts'),
};
