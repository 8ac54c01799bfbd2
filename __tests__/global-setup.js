/**
 * Synthesizes the configured matrix once per test run, the way users do (`npm run synth`: scripts/synth.js with
 * TELEMETRY_CONFIG or cdktf.json's context), into a scratch folder. The invariant and snapshot tests read that
 * output (see fixtures/configured.ts) instead of each building the matrix again. A failed synth is recorded, not
 * thrown, so main.test.ts can show its messages as a test failure.
 */
const { spawnSync } = require('node:child_process');
const { mkdtempSync, writeFileSync } = require('node:fs');
const { tmpdir } = require('node:os');
const path = require('node:path');

module.exports = async function globalSetup() {
  const dir = mkdtempSync(path.join(tmpdir(), 'configured-synth-'));
  const outdir = path.join(dir, 'out');
  const result = spawnSync(process.execPath, [path.join(__dirname, '..', 'scripts', 'synth.js')], {
    cwd: path.join(__dirname, '..'),
    env: { ...process.env, CDKTF_OUTDIR: outdir },
    encoding: 'utf8',
  });
  writeFileSync(path.join(dir, 'result.json'), JSON.stringify({ status: result.status, stdout: result.stdout, stderr: result.stderr, outdir }));
  process.env.TELEMETRY_TEST_SYNTH = dir;
};
