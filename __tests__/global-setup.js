/**
 * Makes this test run's scratch folder ($TELEMETRY_TEST_SCRATCH) and runs, before any test, the project's commands
 * the tests run as users do (fixtures/commands.ts as a script, through scripts/run-ts.js — the runner every command
 * uses, so the processes the tests start load the code as users' do; the configured synth, which the invariant and
 * snapshot tests read, among them). A failed command is recorded, not thrown, so the test that reads it shows
 * its messages as a test failure.
 */
const { spawnSync } = require('node:child_process');
const { mkdtempSync } = require('node:fs');
const { tmpdir } = require('node:os');
const path = require('node:path');

module.exports = async function globalSetup() {
  const scratch = mkdtempSync(path.join(tmpdir(), 'telemetry-tests-'));
  process.env.TELEMETRY_TEST_SCRATCH = scratch;
  const commands = spawnSync(
    process.execPath,
    [path.join(__dirname, '..', 'scripts', 'run-ts.js'), path.join(__dirname, 'fixtures', 'commands.ts'), scratch],
    {
      cwd: path.join(__dirname, '..'),
      stdio: 'inherit',
    },
  );
  if (commands.status !== 0)
    throw new Error(
      `__tests__/fixtures/commands.ts failed ` +
        `(${commands.error?.message ?? commands.signal ?? `exit ${commands.status}`})`,
    );
};
