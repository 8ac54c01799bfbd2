/** Removes the scratch synth of global-setup.js. */
const { rmSync } = require('node:fs');

module.exports = async function globalTeardown() {
  if (process.env.TELEMETRY_TEST_SYNTH) rmSync(process.env.TELEMETRY_TEST_SYNTH, { recursive: true, force: true });
};
