/**
 * IAM policy documents as plain JSON strings. Terraform references inside them (`${aws_kms_key.x.arn}`) are
 * interpolated by Terraform, so the synthesized JSON stays readable for reviewers and for `scripts/report`.
 */

export type Condition = Record<string, Record<string, string | string[]>>;

export interface PolicyStatement {
  Sid?: string;
  Effect: 'Allow' | 'Deny';
  Principal?: '*' | Record<string, string | string[]>;
  Action: string | string[];
  Resource: string | string[];
  Condition?: Condition;
}

export interface TrustStatement {
  Effect: 'Allow';
  Principal: Record<string, string>;
  Action: string;
  Condition: Condition;
}

export function policyDocument(statements: (PolicyStatement | TrustStatement)[]): string {
  return JSON.stringify({ Version: '2012-10-17', Statement: statements });
}

/** ARN builders for the stack's own resources; names come from config, so ARNs are known at synth. */
export function arns(partition: string, region: string, accountId: string) {
  return {
    bucket: (name: string) => `arn:${partition}:s3:::${name}`,
    deliveryStream: (name: string) => `arn:${partition}:firehose:${region}:${accountId}:deliverystream/${name}`,
    logGroup: (name: string) => `arn:${partition}:logs:${region}:${accountId}:log-group:${name}`,
    glue: (resource: string) => `arn:${partition}:glue:${region}:${accountId}:${resource}`,
    root: () => `arn:${partition}:iam::${accountId}:root`,
    managedPolicy: (path: string) => `arn:${partition}:iam::aws:policy/${path}`,
  };
}
