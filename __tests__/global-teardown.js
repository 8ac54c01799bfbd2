/** Stops the scratch synth of global-setup.js if it is still running (a run that never read it), and removes its folder. */
const { rmSync } = require('node:fs');

module.exports = async function globalTeardown() {
  const synth = globalThis.configuredSynthProcess;
  if (synth && synth.exitCode === null && synth.signalCode === null) {
    try {
      process.kill(-synth.pid);
    } catch {
      // It ended meanwhile.
    }
  }
  if (process.env.TELEMETRY_TEST_SYNTH) rmSync(process.env.TELEMETRY_TEST_SYNTH, { recursive: true, force: true });
};
