/** Removes the scratch folder of global-setup.js. */
const { rmSync } = require('node:fs');

module.exports = async function globalTeardown() {
  if (process.env.TELEMETRY_TEST_SCRATCH) rmSync(process.env.TELEMETRY_TEST_SCRATCH, { recursive: true, force: true });
};
