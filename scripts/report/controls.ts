/**
 * The controls view of a stack: each Security Hub control of the catalogue (config/controls.ts) whose resource type the
 * stack creates, on the resources AWS evaluates, passed, failed or accepted by the findings of the rules that evidence
 * it, or not checked when no rule does. A failure on a resource AWS itself says to exempt (the server access log
 * bucket, for S3.9) is "accepted" with AWS's reason. An acceptance in the configuration (`controls.acceptances`) turns
 * a failing control — or one no rule of these stacks can check, such as an account-level setting — into "accepted",
 * with its reason and compensating controls.
 */
import type { ControlAcceptance } from '../../config/schema';
import type { StackModel } from '../../model/types';
import type { TerraformJson } from '../../terraform-json/stack-json';
import type { Finding } from '../../stacks/rules/rule';
import { CONTROLS, type Control, type ControlId, type ControlStatus } from '../../config/controls';
import { SYNTH_GATE } from '../../stacks/rules/packs';
import { REPORT_ONLY } from './rules/pack';

export interface ControlResult extends Control {
  id: ControlId;
  status: ControlStatus;
  /** The stack's resources it evaluates, by address. */
  resources: string[];
  /** The policies that are its evidence (Control.evidenceTypes), by address: a resource without one has no policy. */
  evidence: string[];
  /** The resources that fail it (the findings' resources), those AWS exempts left out. */
  failing: string[];
  /** Resources that fail it but AWS says to exempt, with AWS's reason. */
  exempted: { resources: string[]; reason: string } | null;
  /** The rules that evidence it. */
  rules: string[];
  /** The acceptance that makes a failing control "accepted". */
  acceptance?: ControlAcceptance;
}

const RULES = [...SYNTH_GATE, ...REPORT_ONLY] as { id: string; controls?: readonly ControlId[] }[];

const ADDRESS = /^aws_[a-z0-9_]+\.[A-Za-z0-9_-]+$/;

export function evaluateControls(tf: TerraformJson, model: StackModel, findings: Finding[]): ControlResult[] {
  // A finding names a resource by its address, or by its AWS name (a store): back to the address where one is known.
  const byName = new Map(Object.entries(model.names).map(([address, name]) => [name, address]));
  const addressOf = (resource: string) =>
    ADDRESS.test(resource) ? resource : (byName.get(resource) ?? byName.get(resource.split('/')[0]));
  // A resource policy (a bucket, topic or queue policy) stands for the resource it governs, which AWS evaluates.
  const governed = new Map(
    model.resourcePolicies.flatMap((p) => (p.governs.kind === 'own' ? [[p.address, p.governs.address] as const] : [])),
  );
  return CONTROLS.flatMap((control): ControlResult[] => {
    const resources = control.resourceTypes.flatMap((type) =>
      Object.keys(tf.resource?.[type] ?? {}).map((name) => `${type}.${name}`),
    );
    if (resources.length === 0) return [];
    const evidence = (control.evidenceTypes ?? []).flatMap((type) =>
      Object.keys(tf.resource?.[type] ?? {}).map((name) => `${type}.${name}`),
    );
    const rules = RULES.filter((r) => r.controls?.includes(control.id)).map((r) => r.id);
    // A finding on a policy that is the control's evidence is a finding on the resource it governs.
    const subject = (resource: string) => {
      const address = addressOf(resource);
      return address !== undefined && evidence.includes(address) ? (governed.get(address) ?? resource) : resource;
    };
    // Only what AWS evaluates counts: a finding on another resource type (an inline policy, for IAM.1) does not.
    const evaluated = (resource: string) => {
      const address = addressOf(resource);
      return address === undefined || resources.includes(address);
    };
    const failed = [
      ...new Set(
        findings
          .filter((f) => f.rule !== undefined && rules.includes(f.rule))
          .map((f) => subject(f.resource))
          .filter(evaluated),
      ),
    ].sort();
    const exempt = new Set(
      control.awsExempts?.resources(tf as Parameters<NonNullable<Control['awsExempts']>['resources']>[0]) ?? [],
    );
    const isExempt = (resource: string) => exempt.has(addressOf(resource) ?? resource);
    const failing = failed.filter((r) => !isExempt(r));
    // An exempt resource is exempted whether a rule flagged it (S3.9's log bucket) or skips it as AWS says to (KMS.4 on
    // an HMAC key): never a "pass" on a resource the control cannot hold for.
    const exemptedResources = [
      ...new Set([
        ...failed.filter(isExempt),
        ...resources.filter((r) => exempt.has(r) && !failed.some((f) => addressOf(f) === r)),
      ]),
    ].sort();
    const acceptance = model.acceptances.find((a) => a.control === control.id);
    // A control no rule can check here (an account-level setting) is accepted only by an acceptance that says why.
    const status: ControlStatus =
      rules.length === 0
        ? acceptance
          ? 'accepted'
          : 'not checked'
        : failing.length > 0
          ? acceptance
            ? 'accepted'
            : 'fail'
          : exemptedResources.length > 0
            ? 'accepted'
            : 'pass';
    const exempted =
      exemptedResources.length && control.awsExempts
        ? { resources: exemptedResources, reason: control.awsExempts.reason }
        : null;
    return [
      {
        ...control,
        status,
        resources,
        evidence,
        failing,
        exempted,
        rules,
        ...(status === 'accepted' && acceptance && (failing.length > 0 || rules.length === 0) ? { acceptance } : {}),
      },
    ];
  });
}
