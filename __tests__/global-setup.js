/**
 * Synthesizes the configured matrix once per test run, the way users do (`npm run synth`: scripts/synth.js with
 * TELEMETRY_CONFIG or cdktf.json's context), into a scratch folder. The invariant and snapshot tests read that
 * output (see fixtures/configured.ts) instead of each building the matrix again. A failed synth is recorded, not
 * thrown, so main.test.ts can show its messages as a test failure.
 * The synth runs beside the test threads' start-up instead of before it (~1 s of one core otherwise left idle):
 * globalSetup returns at once, and configuredSynth() waits for result.json. That file is written by a process of
 * its own (this file run as a script), not by jest's event loop, which a test waiting in jest's own thread (a run
 * in band: `-w 1`, or a single test file) would block.
 */
const { spawn, spawnSync } = require('node:child_process');
const { mkdtempSync, renameSync, writeFileSync } = require('node:fs');
const { tmpdir } = require('node:os');
const path = require('node:path');

/** As a script: runs the synth into `<dir>/out` and writes `<dir>/result.json` when it has ended. */
function synthesize(dir) {
  const outdir = path.join(dir, 'out');
  const result = spawnSync(process.execPath, [path.join(__dirname, '..', 'scripts', 'synth.js')], {
    cwd: path.join(__dirname, '..'),
    env: { ...process.env, CDKTF_OUTDIR: outdir },
    encoding: 'utf8',
  });
  const error = result.error ? `could not run scripts/synth.js: ${result.error.message}` : result.signal ? `scripts/synth.js ended by ${result.signal}` : undefined;
  // Written whole, then renamed: a reader never sees half a file.
  writeFileSync(path.join(dir, 'result.json.partial'), JSON.stringify({ status: result.status, ...(error ? { error } : {}), stdout: result.stdout, stderr: result.stderr, outdir }));
  renameSync(path.join(dir, 'result.json.partial'), path.join(dir, 'result.json'));
}

module.exports = async function globalSetup() {
  const dir = mkdtempSync(path.join(tmpdir(), 'configured-synth-'));
  // A process group of its own, so global-teardown.js can stop it and its synth if the run ends first.
  const synth = spawn(process.execPath, [__filename, dir], { stdio: 'inherit', detached: true });
  synth.unref();
  globalThis.configuredSynthProcess = synth;
  process.env.TELEMETRY_TEST_SYNTH = dir;
};

if (require.main === module) synthesize(process.argv[2]);
