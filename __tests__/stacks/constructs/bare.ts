/** A bare stack for one construct, and the props every construct test shares: only what constructs declare. */
import { TerraformStack, Testing } from 'cdktf';
import type { Statement, Value } from '../../../model/types';
import { statementsOf } from '../../../model/values';
import { covered } from '../../../scripts/review/grants';
import type { AwsEnvironment } from '../../../stacks/iam';

export const ENV: AwsEnvironment = { partition: 'aws', region: 'eu-central-1', accountId: '222222222222' };

export type Tf = {
  resource: Record<string, Record<string, Record<string, unknown>>>;
  output?: Record<string, unknown>;
};

export function bareStack(id = 'bare'): TerraformStack {
  return new TerraformStack(Testing.app(), id);
}

export function synth(stack: TerraformStack): Tf {
  return JSON.parse(Testing.synth(stack)) as Tf;
}

export const all = (tf: Tf, type: string) => Object.values(tf.resource[type] ?? {});
export const one = (tf: Tf, type: string) => {
  const found = all(tf, type);
  if (found.length !== 1) throw new Error(`expected one ${type}, found ${found.length}`);
  return found[0];
};

/**
 * A request as the review's coverage test reads it (scripts/review/grants): this action on this resource, with these
 * condition values, relative to ENV — for the tests of a policy, one permission at a time.
 */
export const literal = (text: string): Value => ({
  kind: 'literal',
  text: text.split(ENV.accountId).join('<account>').split(ENV.region).join('<region>'),
});
export const request = (action: string, resource: string, conditions: Statement['conditions'] = []): Statement => ({
  effect: 'Allow',
  principals: [],
  actions: [action],
  resources: [literal(resource)],
  conditions,
});
export const viaService = (service: string) => [
  { operator: 'StringEquals', key: 'kms:ViaService', values: [literal(`${service}.${ENV.region}.amazonaws.com`)] },
];
export const prefix = (value: string) => [{ operator: 'StringLike', key: 's3:prefix', values: [literal(value)] }];

/** A stack key's ARN for constructs that take one. */
export const KEY = `arn:aws:kms:${ENV.region}:${ENV.accountId}:key/k`;

/**
 * The statements of the one customer managed policy in `tf`, and whether they allow a request — read through the
 * review's own coverage test (scripts/review/grants).
 */
export function policyOf(tf: Tf): { granted: Statement[]; allowed: (r: Statement) => boolean } {
  const granted = statementsOf(one(tf, 'aws_iam_policy').policy, { account: ENV.accountId, region: ENV.region });
  return { granted, allowed: (r) => covered(r, granted) };
}
