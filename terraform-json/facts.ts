/**
 * The deployment facts of a stack: written beside its Terraform JSON at synth (`deployment.json`), read by every tool
 * that models the stack, so nothing is re-derived from the configuration in force. Only where no such file exists (a
 * plan of a stack without its synth folder, an older synth, a hand-written fixture) are the facts read back from the
 * provider's default tags (factsFromTags; stackFacts reads one or the other).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ResolvedDeployment } from '../config/resolve';
import type { BootstrapTarget, TrustTarget } from '../config/targets';
import { bootstrapStackName } from '../config/names';
import type { CapacitySettings, ControlAcceptance } from '../config/schema';
import { asList } from './policy';
import type { TerraformJson } from './stack-json';

/**
 * A pipeline stack (one deployment), the state-bucket stack of an account × region, or the trust stack of an account
 * (HCP Terraform's OIDC provider and the deploy roles of its cloud-run stacks).
 */
export type StackRole = 'pipeline' | 'state' | 'trust';

/**
 * What the configuration knew of a stack when it was synthesized, written beside its Terraform JSON
 * (`deployment.json`) and read back from there: nothing is re-derived from the configuration in force, and the
 * provider's tags are read (factsFromTags) only for a stack synthesized without this file.
 */
export interface DeploymentFacts {
  stack: string;
  role: StackRole;
  project: string;
  /**
   * A pipeline's environment; for a state stack, the environments whose state it holds; for a trust stack, those of the
   * stacks it serves.
   */
  environments: string[];
  region: string;
  account: string;
  /** `null` for a state stack serving several jurisdictions' deployments (then see `jurisdictions`). */
  jurisdiction: string | null;
  classification: string | null;
  profile: string | null;
  /** Regions besides its own the deployment may reference (config `allowedRegions`). */
  allowedRegions: string[];
  /**
   * The regions its jurisdiction allows (config/jurisdictions.ts or the matrix's own); for a state stack, those every
   * jurisdiction it serves allows. Absent in a synth older than the jurisdiction table; null when not one jurisdiction.
   */
  jurisdictionRegions?: string[] | null;
  /** Regions outside the jurisdiction it is in or reaches, with the reason configured (`regionExceptions`). */
  regionExceptions?: Record<string, string>;
  /** The deployment this one was before (`environment/region`, config `movedFrom`): what the review pairs it with. */
  movedFrom?: string;
  /** What the configuration promises that the JSON must not exceed, and the traffic it is sized for (pipelines). */
  configured: { expirationDays: number; capacity: CapacitySettings } | null;
  /**
   * Controls accepted as failing or unchecked (config `controls.acceptances`): a pipeline's own; for a state or trust
   * stack, those every stack it serves accepts alike (an account-level control accepted for one is then not silently
   * accepted for another).
   */
  acceptances: ControlAcceptance[];
}

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
    regionExceptions: Object.fromEntries(
      Object.entries(d.regionExceptions).filter((e): e is [string, string] => e[1] !== undefined),
    ),
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

/** Facts for a stack synthesized without them (an older synth, a hand-written fixture): from the JSON's own tags. */
export function factsFromTags(stack: string, tf: TerraformJson): DeploymentFacts {
  const provider = (tf.provider?.aws ?? [])[0] ?? {};
  const tags =
    ((asList(provider.default_tags as Record<string, unknown>[])[0]?.tags ?? {}) as Record<string, string>) ?? {};
  // What only that kind of stack holds: a pipeline its Firehose stream, a trust stack HCP Terraform's OIDC provider
  // (created, or read when the account has one: stacks/trust-stack.ts).
  const role: StackRole = tf.resource?.aws_kinesis_firehose_delivery_stream
    ? 'pipeline'
    : tf.resource?.aws_iam_openid_connect_provider || tf.data?.aws_iam_openid_connect_provider
      ? 'trust'
      : 'state';
  return {
    stack,
    role,
    project: tags.Project ?? '',
    environments: tags.Environment ? [tags.Environment] : [],
    region: String(provider.region ?? ''),
    account: asList(provider.allowed_account_ids as string[])[0] ?? '',
    jurisdiction: tags.DataResidency ?? null,
    classification: tags.DataClassification ?? null,
    profile: tags.RetentionProfile ?? null,
    allowedRegions: (tags.ResidencyExceptions ?? '').split(' ').filter(Boolean),
    configured: null,
    acceptances: [],
  };
}

/**
 * A synthesized stack's facts: those written beside it (`deployment.json`), or, for a folder without them (a plan of
 * a stack without its synth folder, an older synth, a hand-written fixture), read back from its JSON's default tags.
 */
export function stackFacts(stackDir: string | undefined, stack: string, tf: TerraformJson): DeploymentFacts {
  return (stackDir ? readFacts(stackDir) : undefined) ?? factsFromTags(stack, tf);
}
