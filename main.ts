/**
 * Wires the shared config to one TelemetryStack per deployment and one state bootstrap stack per account ×
 * region. Configuration and policy problems are printed as one list and stop the run before anything is written.
 */
import { App } from 'cdktf';
import { ConfigError, loadConfiguredDeployments } from './config';
import { buildMatrix, PolicyError, validateStacks } from './stacks/matrix';

const app = new App({ skipValidation: true });
try {
  const deployments = loadConfiguredDeployments();
  validateStacks(buildMatrix(app, deployments).all);
  app.synth();
} catch (error) {
  if (!(error instanceof ConfigError || error instanceof PolicyError)) throw error;
  console.error(error.message);
  process.exitCode = 1;
}
