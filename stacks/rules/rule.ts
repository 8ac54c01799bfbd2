/**
 * A policy rule: one check of the synthesized Terraform JSON, with what it applies to and why (its source). Rules run
 * in packs (packs.ts): the synth gate fails synth on an error; the report pack adds what a reviewer should question.
 * Every rule carries a failing and a passing fixture, which __tests__/stacks/rules.test.ts runs.
 */
import type { ControlId } from '../../config/controls';
import type { TerraformJson } from '../../terraform-json/stack-json';

/** What the checks of a stack (the synth gate's and the report's rules) return, and the context they run in. */
export type Severity = 'error' | 'warning' | 'info';

/**
 * The review categories findings show under (the report's Check column, the synth gate's `[check]`), one list:
 * - `residency` — regions a stack's resources, provider and backend are in or reach;
 * - `least-privilege` — what a policy grants beyond what its role or resource needs;
 * - `trust` — who may assume a role (trust policies, the identity pool's guests);
 * - `identity` — the account a stack deploys into (placeholder accounts);
 * - `encryption` — keys, TLS and encryption at rest;
 * - `exposure` — public access and other accounts' access to data;
 * - `protection` — destroy protection, versioning, recovery;
 * - `retention` — how long data, logs and state are kept;
 * - `logging` — access logs and audit trails;
 * - `monitoring` — alarms and who hears of them;
 * - `capacity` — the configured peak against the stream's quotas (the report's capacity check).
 */
export const CHECKS = [
  'residency',
  'least-privilege',
  'trust',
  'identity',
  'encryption',
  'exposure',
  'protection',
  'retention',
  'logging',
  'monitoring',
  'capacity',
] as const;
export type Check = (typeof CHECKS)[number];

/** The check a rule id starts with (`protection-bucket-versioning` → `protection`); ids name their check first. */
export function checkOfRuleId(id: `${Check}-${string}`): Check {
  const check = CHECKS.find((c) => id.startsWith(`${c}-`));
  if (check === undefined) throw new Error(`rule id ${id} starts with no check of ${CHECKS.join(', ')}`);
  return check;
}

export interface Finding {
  severity: Severity;
  /** The check that produced it: one of `CHECKS` (residency, least-privilege, trust, identity, …, capacity). */
  check: Check;
  /** Terraform address, e.g. `aws_s3_bucket.storage_data_978B6A64`. */
  resource: string;
  message: string;
  /** The rule that found it (stacks/rules/). */
  rule?: string;
}

export interface CheckContext {
  /** The stack's own region. */
  region: string;
  /** Other regions the deployment's jurisdiction allows. */
  allowedRegions: string[];
  /**
   * The deployment's opt-out of destroy protection (`protection.allowDestroy`). Default: inferred from the JSON — a
   * stack whose unprotected buckets all have `force_destroy` opted out (only the opt-out sets it).
   */
  allowDestroy?: boolean;
}

/** What a rule reads: the stack's JSON and its context; report rules also read the stack's model (report/rules/). */
export interface RuleInput {
  tf: TerraformJson;
  context: CheckContext;
}

export interface Violation {
  /** Terraform address (or `provider.aws[0]`, `terraform.backend.s3`, …). */
  resource: string;
  /** What is wrong, as a finding says it when suppressed (`<message>: <suppression reason>`). */
  message: string;
  /**
   * Why it matters, when the rule says it apart: a finding that stands reads `<message>, <risk>`; a suppressed one
   * leaves it out, since the suppression's reason answers it (stacks/rules/engine.ts).
   */
  risk?: string;
  /** When one rule reports at several levels (e.g. state backends); otherwise the rule's level. */
  severity?: Severity;
}

export interface PolicyRule<I extends RuleInput = RuleInput> {
  /** Stable id; suppressions name it. */
  readonly id: string;
  /** The review category its findings show under: one of `CHECKS`. */
  readonly check: Check;
  /** Severity of its findings. */
  readonly level: Severity;
  /** What it inspects. */
  readonly appliesTo: string;
  /** The Security Hub controls (config/controls.ts) it evidences: a finding of this rule fails them. */
  readonly controls?: readonly ControlId[];
  /** Why it exists, with its source (AWS documentation, provider behaviour). */
  readonly explanation: string;
  evaluate(input: I): Violation[];
  /** A stack that breaks the rule and one that keeps it (run by the rule tests). */
  readonly fixtures: { failing: I; passing: I };
}

/** A minimal input for fixtures: the JSON and a stack in eu-central-1. */
export function fixture(tf: TerraformJson, context: Partial<CheckContext> = {}): RuleInput {
  return { tf, context: { region: 'eu-central-1', allowedRegions: [], ...context } };
}
