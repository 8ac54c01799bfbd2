import type { App, TerraformStack } from 'cdktf';
import { ValidateBinaryVersion } from 'cdktf/lib/validations/validate-binary-version';
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

/** Every stack the matrix produces, as main.ts synthesizes it: the pipelines, then their state bootstrap stacks. */
export function buildMatrix(app: App, deployments: ResolvedDeployment[]): { telemetry: TelemetryStack[]; all: TerraformStack[] } {
  const telemetry = buildStacks(app, deployments);
  return { telemetry, all: [...telemetry, ...buildBootstrapStacks(app, deployments)] };
}

/** Thrown when a constructed stack breaks a policy; `problems` lists every one of every stack. */
export class PolicyError extends Error {
  constructor(readonly problems: string[]) {
    super(`${problems.length} policy problem(s):\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'PolicyError';
  }
}

/**
 * cdktf's CloudBackend checks the Terraform version by running `terraform version` — once per stack, ~120 ms
 * each, most of a large matrix's synth time. The answer cannot change within one synth, so ask once per
 * command and constraint.
 */
const versionChecks = new Map<string, string[]>();
const checkVersion = ValidateBinaryVersion.prototype.validate;
ValidateBinaryVersion.prototype.validate = function validateOnce(this: ValidateBinaryVersion): string[] {
  const { versionCommand, versionConstraint } = this as unknown as { versionCommand: string; versionConstraint: string };
  const key = `${versionCommand}\0${versionConstraint}`;
  if (!versionChecks.has(key)) versionChecks.set(key, checkVersion.call(this));
  return versionChecks.get(key)!;
};

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
