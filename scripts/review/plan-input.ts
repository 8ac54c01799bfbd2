/**
 * What `npm run review -- --plan` accepts: the JSON `terraform show -json <plan file>` writes, and nothing else — a
 * package.json, `{}`, or `terraform show -json` of a *state* would otherwise review as an empty "new stack". The plan
 * representation (Terraform, "JSON Output Format") always has `format_version` (major version 1: "Reject any input
 * which reports an unsupported major version"), `terraform_version`, `planned_values` and `configuration`; a state's
 * representation has `values` instead; `errored: true` marks a plan that failed part-way.
 */
import { readFileSync } from 'node:fs';
import type { PlanJson } from '../../terraform-json/plan';

/** The plan in a file, or why it is not one (each missing part named). */
export function readPlanFile(path: string): { plan: PlanJson } | { error: string } {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    return { error: `${path}: not JSON (${(error as Error).message}); give the output of \`terraform show -json plan.tfplan\`` };
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return { error: `${path}: not a Terraform plan (a JSON object from \`terraform show -json plan.tfplan\` is expected)` };
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
    return { error: `${path}: not the output of \`terraform show -json <plan file>\`: missing ${missing.join(', ')}${state}` };
  }
  const major = String(plan.format_version).split('.')[0];
  if (major !== '1') return { error: `${path}: plan format_version ${String(plan.format_version)}; this review reads format 1.x` };
  if (plan.errored === true) return { error: `${path}: the plan errored part-way (errored: true); fix the plan and review a complete one` };
  return { plan: plan as PlanJson };
}
