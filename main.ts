/**
 * Wires the shared config to one TelemetryStack per deployment. Configuration problems are printed as a list
 * and stop the run before anything is written.
 */
import { App } from 'cdktf';
import { ConfigError, loadDeployments, OVERRIDE_CONTEXT_KEY, overrideFilePath } from './config';
import { TelemetryStack } from './stacks/telemetry-stack';

const app = new App();
try {
  const deployments = loadDeployments(overrideFilePath(app.node.tryGetContext(OVERRIDE_CONTEXT_KEY)));
  for (const deployment of deployments) new TelemetryStack(app, deployment);
  app.synth();
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  console.error(error.message);
  process.exitCode = 1;
}
