/**
 * The deployment facts of a stack: written beside its Terraform JSON at synth (`deployment.json`), read by every tool
 * that models the stack, so nothing is re-derived from the configuration in force. Only where no such file exists (a
 * plan of a stack without its synth folder, an older synth, a hand-written fixture) are the facts read back from the
 * provider's default tags (model/build.ts factsFromTags; model/plan.ts and scripts/report/files.ts fall back to it).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ResolvedDeployment } from '../config/resolve';
import type { BootstrapTarget, TrustTarget } from '../config/targets';
import { bootstrapStackName } from '../config/names';
import type { DeploymentFacts } from '../model/types';

/** The file beside each stack's cdk.tf.json. */
export const FACTS_FILE = 'deployment.json';

export function pipelineFacts(d: ResolvedDeployment): DeploymentFacts {
  return {
    stack: d.names.stack,
    role: 'pipeline',
    project: d.project,
    environments: [d.environment],
    region: d.region,
    account: d.accountId,
    jurisdiction: d.jurisdiction,
    classification: d.dataClassification,
    profile: d.profile,
    allowedRegions: [...d.allowedRegions],
    jurisdictionRegions: d.jurisdictionRegions,
    regionExceptions: Object.fromEntries(Object.entries(d.regionExceptions).filter((e): e is [string, string] => e[1] !== undefined)),
    ...(d.movedFrom ? { movedFrom: d.movedFrom } : {}),
    configured: { expirationDays: d.settings.lifecycle.expirationDays, capacity: d.settings.capacity },
    acceptances: d.settings.controls.acceptances,
  };
}

/** A state stack serves the deployments whose state it holds: their environments, and their jurisdiction when one. */
export function stateFacts(t: BootstrapTarget): DeploymentFacts {
  return {
    stack: bootstrapStackName(t.project, t.accountId, t.region),
    role: 'state',
    project: t.project,
    environments: t.environments,
    region: t.region,
    account: t.accountId,
    jurisdiction: t.jurisdictions.length === 1 ? t.jurisdictions[0] : null,
    classification: null,
    profile: null,
    allowedRegions: [],
    jurisdictionRegions: t.jurisdictions.length === 1 ? t.jurisdictionRegions : null,
    regionExceptions: t.regionExceptions,
    configured: null,
    acceptances: t.acceptances,
  };
}

/** A trust stack serves the cloud-run stacks of one account: their environments; IAM is global, so no jurisdiction. */
export function trustFacts(t: TrustTarget): DeploymentFacts {
  return {
    stack: t.stack,
    role: 'trust',
    project: t.project,
    environments: [...new Set(t.workspaces.map((w) => w.environment))].sort(),
    region: t.region,
    account: t.accountId,
    jurisdiction: null,
    classification: null,
    profile: null,
    allowedRegions: [...new Set(t.workspaces.map((w) => w.region))].filter((r) => r !== t.region).sort(),
    configured: null,
    acceptances: t.acceptances,
  };
}

/** The facts written beside a synthesized stack, or undefined for a synth without them. */
export function readFacts(stackDir: string): DeploymentFacts | undefined {
  const path = join(stackDir, FACTS_FILE);
  return existsSync(path) ? (JSON.parse(readFileSync(path, 'utf8')) as DeploymentFacts) : undefined;
}
