/**
 * Wires the shared config to one TelemetryStack per deployment and one state bootstrap stack per account ×
 * region. Configuration and policy problems are printed as one list and stop the run before anything is published.
 */
import { ConfigError, loadConfiguredDeployments } from './config';
import { PolicyError } from './stacks/matrix';
import { synthesizeChecked } from './stacks/synth';

try {
  // cdktf-cli names the output folder in CDKTF_OUTDIR; plain runs write cdktf.out/ like it.
  const { warnings } = synthesizeChecked(loadConfiguredDeployments(), {
    outdir: process.env.CDKTF_OUTDIR ?? 'cdktf.out',
  });
  for (const warning of warnings) console.error(`Warning ${warning}`);
} catch (error) {
  if (!(error instanceof ConfigError || error instanceof PolicyError)) throw error;
  console.error(error.message);
  process.exitCode = 1;
}
