/**
 * Stops the background commands of global-setup.js if they are still running (a run that never read them), and
 * removes the scratch folder.
 */
const { rmSync } = require('node:fs');

module.exports = async function globalTeardown() {
  const commands = globalThis.telemetryTestCommands;
  if (commands && commands.exitCode === null && commands.signalCode === null) {
    try {
      process.kill(-commands.pid);
    } catch {
      // They ended meanwhile.
    }
  }
  if (process.env.TELEMETRY_TEST_SCRATCH) rmSync(process.env.TELEMETRY_TEST_SCRATCH, { recursive: true, force: true });
};
