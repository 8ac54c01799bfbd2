import type { App, TerraformStack } from 'cdktf';
import type { ResolvedDeployment } from '../config/resolve';
import { bootstrapTargets, trustTargets, workspacesTargets } from '../config/targets';
import { StateBootstrapStack } from './bootstrap-stack';
import { CheckedStack } from './checked-stack';
import { TelemetryStack } from './telemetry-stack';
import { TrustStack } from './trust-stack';
import { WorkspacesStack } from './workspaces-stack';

/** One TelemetryStack per resolved deployment. */
export function buildStacks(app: App, deployments: ResolvedDeployment[]): TelemetryStack[] {
  return deployments.map((deployment) => new TelemetryStack(app, deployment));
}

/** One state-bucket bootstrap stack per account × region that keeps state in S3 (with its stacks' deploy roles). */
export function buildBootstrapStacks(
  app: App,
  deployments: ResolvedDeployment[],
  telemetry: TelemetryStack[] = [],
): StateBootstrapStack[] {
  const byName = new Map(telemetry.map((t) => [t.node.id, t]));
  // Without its pipeline stacks, a state bucket alone: no permissions boundaries, no deploy roles.
  return bootstrapTargets(deployments).map(
    (target) =>
      new StateBootstrapStack(
        app,
        target,
        target.stacks.every((s) => byName.has(s)) ? (stack) => byName.get(stack)!.deployPermissions() : undefined,
      ),
  );
}

/**
 * With HCP Terraform backends: per account a trust stack (OIDC provider, each cloud-run stack's plan and apply
 * roles with the permissions generated from that stack, less the actions `omit` names), and per organization a
 * workspaces stack.
 */
export function buildCloudStacks(
  app: App,
  deployments: ResolvedDeployment[],
  telemetry: TelemetryStack[],
  omit: string[] = [],
): TerraformStack[] {
  const byName = new Map(telemetry.map((t) => [t.node.id, t]));
  return [
    ...trustTargets(deployments).map(
      (target) => new TrustStack(app, target, (stack) => byName.get(stack)!.deployPermissions(omit)),
    ),
    ...workspacesTargets(deployments).map((target) => new WorkspacesStack(app, target)),
  ];
}

/** How buildMatrix builds a matrix, besides its deployments. */
export interface MatrixOptions {
  /**
   * The deployments' pipeline stacks, one per deployment in their order, when they are built already (tests comparing
   * matrices that share pipelines build each once).
   * @default one built in the app per deployment (buildStacks)
   */
  telemetry?: TelemetryStack[];
  /**
   * Actions left out of the trust stacks' apply roles (buildCloudStacks; the e2e's planted
   * omission). @default none
   */
  omitFromApplyRoles?: string[];
}

/**
 * Every stack the matrix produces, as main.ts synthesizes it: the pipelines, then their state bootstrap stacks, then
 * the trust and workspaces stacks of cloud-run pipelines.
 */
export function buildMatrix(
  app: App,
  deployments: ResolvedDeployment[],
  options: MatrixOptions = {},
): { telemetry: TelemetryStack[]; all: TerraformStack[] } {
  const telemetry = options.telemetry ?? buildStacks(app, deployments);
  return {
    telemetry,
    all: [
      ...telemetry,
      ...buildBootstrapStacks(app, deployments, telemetry),
      ...buildCloudStacks(app, deployments, telemetry, options.omitFromApplyRoles ?? []),
    ],
  };
}

/** Thrown when a constructed stack breaks a policy; `problems` lists every one of every stack. */
export class PolicyError extends Error {
  constructor(readonly problems: string[]) {
    super(`${problems.length} policy problem(s):\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'PolicyError';
  }
}

/**
 * Every stack's construct validations (cdktf's own, e.g. the Terraform version a Cloud backend needs) and policy
 * checks, all stacks at once: throws PolicyError listing every error; returns the warnings. Run it after
 * `app.synth()` into a staging folder (stacks/synth.ts), so the checks read the JSON aspects and `prepareStack`
 * produced, and nothing is published when one fails.
 */
export function validateStacks(stacks: TerraformStack[]): { warnings: string[] } {
  const problems: string[] = [];
  const warnings: string[] = [];
  for (const stack of stacks) {
    for (const node of stack.node.findAll())
      problems.push(...node.node.validate().map((message) => `${stack.node.id}: ${message}`));
    if (!(stack instanceof CheckedStack)) continue;
    for (const f of stack.policyFindings()) {
      const line = `${stack.node.id}: [${f.check}] ${f.resource}: ${f.message}`;
      if (f.severity === 'error') problems.push(line);
      else if (f.severity === 'warning') warnings.push(line);
    }
  }
  if (problems.length > 0) throw new PolicyError(problems);
  return { warnings };
}
