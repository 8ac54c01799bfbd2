/**
 * IAM policy documents as plain JSON strings. Terraform references inside them (`${aws_kms_key.x.arn}`) are
 * interpolated by Terraform, so the synthesized JSON stays readable for reviewers and for `scripts/report`.
 */

/**
 * A JSON document (policy, event pattern, redrive policy, dashboard, crawler configuration) as a Terraform
 * string attribute. Pretty-printed on purpose: `cdktf synth --hcl` writes a multi-line string as a heredoc,
 * where references stay references and quotes need no escaping; a one-line string holding both quotes and a
 * reference comes out as broken HCL (cdktf 0.21's renderer leaves such strings unescaped).
 */
export function jsonDocument(value: unknown): string {
  return JSON.stringify(value, null, 2);
}

export type Condition = Record<string, Record<string, string | string[]>>;

export interface PolicyStatement {
  Sid?: string;
  Effect: 'Allow' | 'Deny';
  Principal?: '*' | Record<string, string | string[]>;
  Action: string | string[];
  Resource: string | string[];
  Condition?: Condition;
}

/**
 * Denies every request that does not use TLS (`aws:SecureTransport` false): the TLS-only statement of a bucket, topic
 * or queue policy (S3 user guide, "Enforce encryption in transit"; SNS and SQS developer guides, "Enforce encryption of
 * data in transit"; Security Hub S3.5). AWS services deliver over TLS, so publishers keep working.
 */
export function denyInsecureTransport(actions: string | string[], resources: string | string[]): PolicyStatement {
  return {
    Sid: 'DenyInsecureTransport',
    Effect: 'Deny',
    Principal: '*',
    Action: actions,
    Resource: resources,
    Condition: { Bool: { 'aws:SecureTransport': 'false' } },
  };
}

/**
 * Lets CloudWatch Logs of the region use a key for one log group only (the encryption context names it): the key
 * policy statement a KMS-encrypted log group needs (CloudWatch Logs user guide, "Encrypt log data using AWS KMS").
 */
export function logsEncryptLogGroup(sid: string, env: AwsEnvironment, logGroup: string): PolicyStatement {
  return {
    Sid: sid,
    Effect: 'Allow',
    Principal: { Service: principalIn(env)(`logs.${env.region}`) },
    Action: ['kms:Encrypt*', 'kms:Decrypt*', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:Describe*'],
    Resource: '*',
    Condition: { ArnEquals: { 'kms:EncryptionContext:aws:logs:arn': arnsOf(env).logGroup(logGroup) } },
  };
}

export interface TrustStatement {
  Effect: 'Allow';
  Principal: Record<string, string | string[]>;
  Action: string;
  /** Required for service and federated principals (stacks/rules/trust/); roles and users of config may go without. */
  Condition?: Condition;
}

export function policyDocument(statements: (PolicyStatement | TrustStatement)[]): string {
  return jsonDocument({ Version: '2012-10-17', Statement: statements });
}

import { servicePrincipal } from '../config/aws';

/** Where a construct's resources live: what their ARNs and the service principals they trust are built from. */
export interface AwsEnvironment {
  /** `aws`, `aws-cn` or `aws-us-gov`. */
  readonly partition: string;
  readonly region: string;
  readonly accountId: string;
}

/** The ARN builders of an environment. */
export function arnsOf(env: AwsEnvironment): ReturnType<typeof arns> {
  return arns(env.partition, env.region, env.accountId);
}

/** Service principal in the environment's partition, e.g. `firehose.amazonaws.com`. */
export function principalIn(env: AwsEnvironment): (service: string) => string {
  return (service) => servicePrincipal(service, env.region);
}

/** ARN builders for the stack's own resources; names come from config, so ARNs are known at synth. */
export function arns(partition: string, region: string, accountId: string) {
  return {
    bucket: (name: string) => `arn:${partition}:s3:::${name}`,
    deliveryStream: (name: string) => `arn:${partition}:firehose:${region}:${accountId}:deliverystream/${name}`,
    logGroup: (name: string) => `arn:${partition}:logs:${region}:${accountId}:log-group:${name}`,
    snsTopic: (name: string) => `arn:${partition}:sns:${region}:${accountId}:${name}`,
    sqsQueue: (name: string) => `arn:${partition}:sqs:${region}:${accountId}:${name}`,
    eventRule: (name: string) => `arn:${partition}:events:${region}:${accountId}:rule/${name}`,
    alarm: (name: string) => `arn:${partition}:cloudwatch:${region}:${accountId}:alarm:${name}`,
    kmsAlias: (alias: string) => `arn:${partition}:kms:${region}:${accountId}:${alias}`,
    glue: (resource: string) => `arn:${partition}:glue:${region}:${accountId}:${resource}`,
    kmsKey: (id: string) => `arn:${partition}:kms:${region}:${accountId}:key/${id}`,
    athenaWorkgroup: (name: string) => `arn:${partition}:athena:${region}:${accountId}:workgroup/${name}`,
    identityPool: (id: string) => `arn:${partition}:cognito-identity:${region}:${accountId}:identitypool/${id}`,
    dashboard: (name: string) => `arn:${partition}:cloudwatch::${accountId}:dashboard/${name}`,
    role: (name: string) => `arn:${partition}:iam::${accountId}:role/${name}`,
    policy: (path: string) => `arn:${partition}:iam::${accountId}:policy${path}`,
    oidcProvider: (host: string) => `arn:${partition}:iam::${accountId}:oidc-provider/${host}`,
    root: () => `arn:${partition}:iam::${accountId}:root`,
    managedPolicy: (path: string) => `arn:${partition}:iam::aws:policy/${path}`,
  };
}
