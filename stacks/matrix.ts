import type { App, TerraformStack } from 'cdktf';
import type { ResolvedDeployment } from '../config/resolve';
import { bootstrapTargets } from '../config/targets';
import { StateBootstrapStack } from './bootstrap-stack';
import { TelemetryStack } from './telemetry-stack';

/** One TelemetryStack per resolved deployment. */
export function buildStacks(app: App, deployments: ResolvedDeployment[]): TelemetryStack[] {
  return deployments.map((deployment) => new TelemetryStack(app, deployment));
}

/** One state-bucket bootstrap stack per account × region that keeps state in S3. */
export function buildBootstrapStacks(app: App, deployments: ResolvedDeployment[]): StateBootstrapStack[] {
  return bootstrapTargets(deployments).map((target) => new StateBootstrapStack(app, target));
}

/** Thrown when a constructed stack breaks a policy; `problems` lists every one of every stack. */
export class PolicyError extends Error {
  constructor(readonly problems: string[]) {
    super(`${problems.length} policy problem(s):\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'PolicyError';
  }
}

/**
 * Runs every stack's validations before anything is written, so a failing stack leaves no half-written
 * matrix behind. Pair with `new App({ skipValidation: true })` so synth does not run them twice.
 */
export function validateStacks(stacks: TerraformStack[]): void {
  const problems = stacks.flatMap((stack) =>
    stack.node.findAll().flatMap((node) => node.node.validate().map((message) => `${stack.node.id}: ${message}`)),
  );
  if (problems.length > 0) throw new PolicyError(problems);
}
