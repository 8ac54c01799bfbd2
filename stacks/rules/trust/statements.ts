import { resources, type TerraformJson } from '../../../terraform-json/stack-json';
import { parsePolicy } from '../../../terraform-json/policy';

/**
 * Condition keys that guard a service role against the confused deputy (IAM user guide, "The confused deputy problem").
 */
export const CONFUSED_DEPUTY_KEYS = ['aws:SourceAccount', 'aws:SourceArn', 'aws:SourceOrgID', 'sts:ExternalId'];

/** The Allow statements of every role's trust policy; `statements` undefined when it is not plain JSON. */
export function trustStatements(tf: TerraformJson) {
  return resources(tf)
    .filter(([type]) => type === 'aws_iam_role')
    .map(([type, name, body]) => ({
      address: `${type}.${name}`,
      statements: parsePolicy(body.assume_role_policy)?.filter((s) => s.Effect === 'Allow'),
    }));
}

/** Condition blocks of a statement that name a confused-deputy key, as [operator, block]. */
export function deputyGuards(
  condition: Record<string, Record<string, unknown>> | undefined,
): [string, Record<string, unknown>][] {
  return Object.entries(condition ?? {}).filter(([, block]) =>
    Object.keys(block).some((k) => CONFUSED_DEPUTY_KEYS.includes(k)),
  );
}

export const trustPolicy = (statement: object) =>
  JSON.stringify({ Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRole', ...statement }] });
