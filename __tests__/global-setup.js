/**
 * Makes this test run's scratch folder ($TELEMETRY_TEST_SCRATCH) and, before any test:
 * - runs the project's commands the tests run as users do (fixtures/commands.ts as a script, through
 *   scripts/run-ts.js — the runner every command uses, so the processes the tests start load the code as users' do;
 *   the configured synth, which the invariant and snapshot tests read, among them). A failed command is recorded, not
 *   thrown, so the test that reads it shows its messages as a test failure;
 * - meanwhile has the project's TypeScript compiled for the test threads, unless an earlier run compiled the same
 *   sources (run-ts.js's compiledProject; its folder in $TELEMETRY_TEST_COMPILED, which register-typescript.mjs reads).
 */
const { spawn } = require('node:child_process');
const { mkdtempSync } = require('node:fs');
const { tmpdir } = require('node:os');
const path = require('node:path');
const { compiledProject } = require('../scripts/run-ts.js');

module.exports = async function globalSetup() {
  const scratch = mkdtempSync(path.join(tmpdir(), 'telemetry-tests-'));
  process.env.TELEMETRY_TEST_SCRATCH = scratch;
  const commands = spawn(
    process.execPath,
    [path.join(__dirname, '..', 'scripts', 'run-ts.js'), path.join(__dirname, 'fixtures', 'commands.ts'), scratch],
    { cwd: path.join(__dirname, '..'), stdio: 'inherit' },
  );
  const ended = new Promise((resolve) => {
    commands.on('error', (error) => resolve(error.message));
    commands.on('close', (status, signal) => resolve(status === 0 ? undefined : (signal ?? `exit ${status}`)));
  });
  process.env.TELEMETRY_TEST_COMPILED = compiledProject(path.join(scratch, 'compiled'));
  const failure = await ended;
  if (failure) throw new Error(`__tests__/fixtures/commands.ts failed (${failure})`);
};
