/**
 * The controls view of a stack: each Security Hub control that applies to a resource type it deploys
 * (stacks/rules/controls.ts), passed, failed or accepted by the findings of the rules that evidence it, or not checked
 * when no rule does. An acceptance in the configuration (`controls.acceptances`) turns a failing control — or one no
 * rule of these stacks can check, such as an account-level setting — into "accepted", with its reason and
 * compensating controls.
 */
import type { ControlAcceptance } from '../../config/schema';
import type { StackModel } from '../../model/types';
import type { Finding, TerraformJson } from '../../stacks/policy-checks';
import { CONTROLS, type Control, type ControlStatus } from '../../stacks/rules/controls';
import { SYNTH_GATE } from '../../stacks/rules/packs';
import { REPORT_ONLY } from './rules/pack';

export interface ControlResult extends Control {
  status: ControlStatus;
  /** The stack's resources it covers, by address. */
  resources: string[];
  /** The resources that fail it (the findings' resources). */
  failing: string[];
  /** The rules that evidence it. */
  rules: string[];
  /** The acceptance that makes a failing control "accepted". */
  acceptance?: ControlAcceptance;
}

/** Where acceptances are configured, for the reader. */
export const ACCEPTANCES_SETTING = 'controls.acceptances (config/defaults.ts; a profile or a deployment may override it)';

const RULES = [...SYNTH_GATE, ...REPORT_ONLY] as { id: string; controls?: string[] }[];

export function evaluateControls(tf: TerraformJson, model: StackModel, findings: Finding[]): ControlResult[] {
  return CONTROLS.flatMap((control): ControlResult[] => {
    const resources = control.resourceTypes.flatMap((type) => Object.keys(tf.resource?.[type] ?? {}).map((name) => `${type}.${name}`));
    if (resources.length === 0) return [];
    const rules = RULES.filter((r) => r.controls?.includes(control.id)).map((r) => r.id);
    const failing = [...new Set(findings.filter((f) => f.rule !== undefined && rules.includes(f.rule)).map((f) => f.resource))].sort();
    const acceptance = model.acceptances.find((a) => a.control === control.id);
    // A control no rule can check here (an account-level setting) is accepted only by an acceptance that says why.
    const status: ControlStatus = rules.length === 0 ? (acceptance ? 'accepted' : 'not checked') : failing.length === 0 ? 'pass' : acceptance ? 'accepted' : 'fail';
    return [{ ...control, status, resources, failing, rules, ...(status === 'accepted' ? { acceptance } : {}) }];
  });
}
