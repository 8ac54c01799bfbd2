/**
 * Makes this test run's scratch folder ($TELEMETRY_TEST_SCRATCH) and starts, in the background, the project's
 * commands the tests run as users do (fixtures/commands.ts run as a script, with tsx): the configured synth, which
 * the invariant and snapshot tests read, first. It returns at once; the commands run beside the tests, and each
 * test waits for the result it reads (commandResult). A failed command is recorded, not thrown, so the test that
 * reads it shows its messages as a test failure.
 */
const { spawn } = require('node:child_process');
const { mkdtempSync } = require('node:fs');
const { tmpdir } = require('node:os');
const path = require('node:path');

module.exports = async function globalSetup() {
  const scratch = mkdtempSync(path.join(tmpdir(), 'telemetry-tests-'));
  // A process group of its own, so global-teardown.js can stop it, and the command it runs, if the tests end first.
  const commands = spawn(process.execPath, ['--import', 'tsx', path.join(__dirname, 'fixtures', 'commands.ts'), scratch], {
    cwd: path.join(__dirname, '..'),
    stdio: 'inherit',
    detached: true,
  });
  commands.unref();
  globalThis.telemetryTestCommands = commands;
  process.env.TELEMETRY_TEST_SCRATCH = scratch;
};
