/**
 * The model from a Terraform plan (`terraform show -json plan.tfplan`, format 1.x): the stack as the last apply left
 * it, as it is in the live account now (the refreshed prior state), and as the plan would leave it. Each is shaped
 * like synthesized JSON (resources by type and name, with their values), so build.ts reads all three the same way.
 * The JSON plan format: Terraform's "JSON Output Format" (`planned_values`, `prior_state`, `resource_drift`).
 */
import { readFileSync } from 'node:fs';
import { stackFacts, type DeploymentFacts } from './facts';
import { readStackJson, stackFolder, synthesizedStack } from './synth-output';
import type { TerraformJson } from './stack-json';

interface PlanResource {
  address: string;
  mode?: string;
  type: string;
  name: string;
  values?: Record<string, unknown>;
}

interface Module {
  resources?: PlanResource[];
  child_modules?: Module[];
}

interface ResourceChange {
  address: string;
  mode?: string;
  type: string;
  name: string;
  change: { actions: string[]; before: Record<string, unknown> | null; after: Record<string, unknown> | null };
}

export interface PlanJson {
  format_version?: string;
  terraform_version?: string;
  planned_values?: { root_module?: Module };
  prior_state?: { values?: { root_module?: Module } };
  resource_changes?: ResourceChange[];
  resource_drift?: ResourceChange[];
  configuration?: {
    provider_config?: Record<string, { name?: string; expressions?: Record<string, { constant_value?: unknown }> }>;
  };
}

/** The three states of the stack a plan describes, and the facts its model is built with. */
export interface PlanStates {
  stack: string;
  facts: DeploymentFacts;
  /** As the last apply left it (the prior state with each drifted resource as it was before the refresh). */
  lastApplied: TerraformJson;
  /** As the live account has it now. */
  live: TerraformJson;
  /** As the plan would leave it. */
  planned: TerraformJson;
  /** Addresses the refresh found changed outside Terraform. */
  drifted: string[];
}

const managed = (r: { mode?: string }) => (r.mode ?? 'managed') === 'managed';

function resourcesOf(module: Module | undefined): PlanResource[] {
  if (!module) return [];
  return [...(module.resources ?? []), ...(module.child_modules ?? []).flatMap(resourcesOf)].filter(managed);
}

/** Resources shaped like synthesized JSON, with the provider block the plan's configuration gives. */
function asTerraformJson(
  resources: { type: string; name: string; values: Record<string, unknown> }[],
  provider: Record<string, unknown>,
  synthesized?: TerraformJson,
): TerraformJson {
  const resource: NonNullable<TerraformJson['resource']> = {};
  for (const r of resources) {
    // prevent_destroy is a meta-argument, not a value: it comes from the synthesized configuration when given.
    const lifecycle = synthesized?.resource?.[r.type]?.[r.name]?.lifecycle;
    (resource[r.type] ??= {})[r.name] = { ...r.values, ...(lifecycle ? { lifecycle } : {}) };
  }
  return {
    provider: { aws: [provider] },
    resource,
    ...(synthesized?.terraform ? { terraform: synthesized.terraform } : {}),
  };
}

/** The AWS provider's settings a plan's configuration records as constants (region, account lock, default tags). */
function providerOf(plan: PlanJson): Record<string, unknown> {
  const config = Object.values(plan.configuration?.provider_config ?? {}).find(
    (p) => p.name === 'aws' || p.name === undefined,
  );
  const constant = (key: string) => config?.expressions?.[key]?.constant_value;
  return { region: constant('region'), allowed_account_ids: constant('allowed_account_ids') };
}

/**
 * Reads a plan's states. `synthDir` (a cdktf.out folder) gives each stack's deployment facts and `prevent_destroy`;
 * without it, the facts come from the resources' own tags (`tags_all`) and the provider's configuration. `stackDir`
 * names the stack's own synthesized folder instead (where `terraform plan` ran: `npm run drift`).
 */
export function readPlan(plan: PlanJson, synthDir?: string, stackDir?: string): PlanStates {
  const planned = resourcesOf(plan.planned_values?.root_module).map((r) => ({
    type: r.type,
    name: r.name,
    values: r.values ?? {},
  }));
  const live = resourcesOf(plan.prior_state?.values?.root_module).map((r) => ({
    type: r.type,
    name: r.name,
    values: r.values ?? {},
  }));
  const drift = (plan.resource_drift ?? []).filter(managed);
  const byAddress = new Map(live.map((r) => [`${r.type}.${r.name}`, r]));
  for (const d of drift) {
    if (d.change.before === null) byAddress.delete(d.address);
    else byAddress.set(d.address, { type: d.type, name: d.name, values: d.change.before });
  }
  const lastApplied = [...byAddress.values()];
  const tags = [...planned, ...live]
    .map((r) => r.values.tags_all as Record<string, string> | undefined)
    .find((t) => t?.Stack);
  const stack = tags?.Stack ?? 'stack';
  const found = stackDir ? stackFolder(stackDir, stack) : synthDir ? synthesizedStack(synthDir, stack) : undefined;
  const synthesized = found?.json ? readStackJson(found) : undefined;
  const provider = { ...providerOf(plan), default_tags: tags ? [{ tags }] : [] };
  const facts = stackFacts(stackDir ?? found?.dir, stack, asTerraformJson(planned.length ? planned : live, provider));
  return {
    stack,
    facts,
    lastApplied: asTerraformJson(lastApplied, provider, synthesized),
    live: asTerraformJson(live, provider, synthesized),
    planned: asTerraformJson(planned, provider, synthesized),
    drifted: drift.map((d) => d.address).sort(),
  };
}

/**
 * A plan's text, or why it is not one (each missing part named), each reason after `source: ` (the file, or the
 * command that printed it). The one check of plan JSON: `npm run review -- --plan` reads files through it
 * (readPlanFile) and `npm run drift` the output of its own `terraform show -json`. Accepted: the JSON
 * `terraform show -json <plan file>` writes, and nothing else — a package.json, `{}`, or `terraform show -json` of a
 * *state* would otherwise read as an empty "new stack". The plan representation (Terraform, "JSON Output Format")
 * always has `format_version` (major version 1: "Reject any input which reports an unsupported major version"),
 * `terraform_version`, `planned_values` and `configuration`; a state's representation has `values` instead;
 * `errored: true` marks a plan that failed part-way.
 */
export function parsePlan(text: string, source: string): { plan: PlanJson } | { error: string } {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    return {
      error:
        `${source}: not JSON (${(error as Error).message}); give ` +
        `the output of \`terraform show -json plan.tfplan\``,
    };
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw))
    return {
      error: `${source}: not a Terraform plan (a JSON object from \`terraform show -json plan.tfplan\` is expected)`,
    };
  const plan = raw as Record<string, unknown>;
  const isObject = (v: unknown) => typeof v === 'object' && v !== null && !Array.isArray(v);
  const missing = [
    typeof plan.format_version === 'string' ? undefined : 'format_version',
    typeof plan.terraform_version === 'string' ? undefined : 'terraform_version',
    isObject(plan.planned_values) ? undefined : 'planned_values',
    isObject(plan.configuration) ? undefined : 'configuration',
  ].filter((k): k is string => k !== undefined);
  if (missing.length > 0) {
    const state = isObject(plan.values) ? ' (it has `values`: the JSON of a state, not of a plan)' : '';
    return {
      error: `${source}: not the output of \`terraform show -json <plan file>\`: missing ${missing.join(', ')}${state}`,
    };
  }
  const major = String(plan.format_version).split('.')[0];
  if (major !== '1')
    return { error: `${source}: plan format_version ${String(plan.format_version)}; this review reads format 1.x` };
  if (plan.errored === true)
    return { error: `${source}: the plan errored part-way (errored: true); fix the plan and review a complete one` };
  return { plan: plan as PlanJson };
}

/** The plan in a file (parsePlan, its reasons after the file's path). What `npm run review -- --plan` accepts. */
export function readPlanFile(path: string): { plan: PlanJson } | { error: string } {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    return { error: `${path}: cannot be read (${(error as Error).message})` };
  }
  return parsePlan(text, path);
}
