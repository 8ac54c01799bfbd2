/**
 * Report rules that evidence Security Hub controls no synth-gate rule covers (stacks/rules/controls.ts): each
 * finding fails its control in the report's controls table. Info or warning only: they never fail synth.
 */
import { resources, asList, type TerraformJson } from '../../../stacks/policy-checks';
import type { Principal } from '../../../model/types';
import { ACCOUNT_TOKEN, iamWildcardMatch } from '../../../model/values';
import type { PolicyRule } from '../../../stacks/rules/rule';
import { eventStore, reportFixture, type ReportRuleInput } from './input';

type Body = Record<string, unknown>;
const ofType = (tf: TerraformJson, type: string) => resources(tf).filter(([t]) => t === type);
const first = (value: unknown) => asList(value as Body | Body[])[0] as Body | undefined;

/**
 * S3 server access logging: a bucket is logged when an aws_s3_bucket_logging names it. The log bucket itself is not:
 * logging it into itself would log its own deliveries without end (S3 user guide, "Logging requests with server access
 * logging": source and destination the same bucket create an infinite loop of logs), and into another bucket only
 * moves the question. Security Hub still reports S3.9 on it; docs/compliance.md says how to suppress that finding.
 */
export const bucketAccessLogging: PolicyRule<ReportRuleInput> = {
  id: 'logging-bucket-access',
  check: 'logging',
  level: 'info',
  appliesTo: 'aws_s3_bucket',
  controls: ['S3.9'],
  explanation: 'Server access logs record each request to a bucket, for audits and investigations (S3 user guide, "Logging requests with server access logging"; Security Hub S3.9). The log bucket is not logged itself.',
  evaluate: ({ tf }) => {
    const loggings = ofType(tf, 'aws_s3_bucket_logging').map(([, , l]) => l);
    const refersTo = (value: unknown, name: string, b: Body) => [String(b.bucket), `\${aws_s3_bucket.${name}.id}`, `\${aws_s3_bucket.${name}.bucket}`].includes(String(value));
    return ofType(tf, 'aws_s3_bucket')
      .filter(([, name, b]) => !loggings.some((l) => refersTo(l.bucket, name, b) || refersTo(l.target_bucket, name, b)))
      .map(([, name]) => ({ resource: `aws_s3_bucket.${name}`, message: 'no server access logging' }));
  },
  fixtures: {
    failing: { ...reportFixture({}), tf: { resource: { aws_s3_bucket: { b: { bucket: 'b' } } } } },
    passing: { ...reportFixture({}), tf: { resource: { aws_s3_bucket: { b: { bucket: 'b' }, logs: { bucket: 'logs' } }, aws_s3_bucket_logging: { l: { bucket: '${aws_s3_bucket.b.id}', target_bucket: '${aws_s3_bucket.logs.id}' } } } } },
  },
};

/** A year of logs: the retention Security Hub's CloudWatch.16 asks for. */
export const LOG_RETENTION_CONTROL_DAYS = 365;

export const logRetentionYear: PolicyRule<ReportRuleInput> = {
  id: 'logging-retention-year',
  check: 'logging',
  level: 'info',
  appliesTo: 'CloudWatch log groups',
  controls: ['CloudWatch.16'],
  explanation: `Security Hub CloudWatch.16 (Config rule cw-loggroup-retention-period-check) expects log groups kept at least ${LOG_RETENTION_CONTROL_DAYS} days; the compliance profile keeps them that long.`,
  evaluate: ({ model }) =>
    model.stores
      .filter((s) => s.role === 'logs' && s.retention.expirationDays !== null && s.retention.expirationDays < LOG_RETENTION_CONTROL_DAYS)
      .map((s) => ({ resource: s.name, message: `kept ${s.retention.expirationDays} days, under the ${LOG_RETENTION_CONTROL_DAYS} CloudWatch.16 asks for (logs.retentionDays)` })),
  fixtures: {
    failing: reportFixture({ model: { stores: [{ ...eventStore(null), role: 'logs', kind: 'cloudwatch-logs', retention: { ...eventStore(30).retention, transitions: [], noncurrentDays: null, goneForGoodDay: 30, smallObjectsTransition: null } }] } }),
    passing: reportFixture({ model: { stores: [{ ...eventStore(null), role: 'logs', kind: 'cloudwatch-logs', retention: { ...eventStore(365).retention, transitions: [], noncurrentDays: null, goneForGoodDay: 365, smallObjectsTransition: null } }] } }),
  },
};

export const workgroupMetrics: PolicyRule<ReportRuleInput> = {
  id: 'logging-workgroup-metrics',
  check: 'logging',
  level: 'warning',
  appliesTo: 'aws_athena_workgroup',
  controls: ['Athena.4'],
  explanation: 'A workgroup that publishes CloudWatch metrics shows who queried how much (Security Hub Athena.4).',
  evaluate: ({ tf }) =>
    ofType(tf, 'aws_athena_workgroup')
      .filter(([, , w]) => first(w.configuration)?.publish_cloudwatch_metrics_enabled !== true)
      .map(([, name]) => ({ resource: `aws_athena_workgroup.${name}`, message: 'workgroup does not publish CloudWatch metrics' })),
  fixtures: {
    failing: { ...reportFixture({}), tf: { resource: { aws_athena_workgroup: { w: { name: 'w', configuration: [{}] } } } } },
    passing: { ...reportFixture({}), tf: { resource: { aws_athena_workgroup: { w: { name: 'w', configuration: [{ publish_cloudwatch_metrics_enabled: true }] } } } } },
  },
};

export const workgroupResultsEncrypted: PolicyRule<ReportRuleInput> = {
  id: 'encryption-workgroup-results',
  check: 'encryption',
  level: 'warning',
  appliesTo: 'aws_athena_workgroup',
  controls: ['Athena.1'],
  explanation: 'Query results are derived event data: the workgroup encrypts them (Security Hub Athena.1).',
  evaluate: ({ tf }) =>
    ofType(tf, 'aws_athena_workgroup')
      .filter(([, , w]) => !first(first(first(w.configuration)?.result_configuration)?.encryption_configuration)?.encryption_option)
      .map(([, name]) => ({ resource: `aws_athena_workgroup.${name}`, message: 'workgroup does not encrypt its query results' })),
  fixtures: {
    failing: { ...reportFixture({}), tf: { resource: { aws_athena_workgroup: { w: { configuration: [{ result_configuration: [{}] }] } } } } },
    passing: { ...reportFixture({}), tf: { resource: { aws_athena_workgroup: { w: { configuration: [{ result_configuration: [{ encryption_configuration: [{ encryption_option: 'SSE_KMS' }] }] }] } } } } },
  },
};

export const streamEncrypted: PolicyRule<ReportRuleInput> = {
  id: 'encryption-stream',
  check: 'encryption',
  level: 'warning',
  appliesTo: 'aws_kinesis_firehose_delivery_stream',
  controls: ['DataFirehose.1'],
  explanation: 'Events wait in the stream until its buffer flushes: it encrypts them (Security Hub DataFirehose.1).',
  evaluate: ({ tf }) =>
    ofType(tf, 'aws_kinesis_firehose_delivery_stream')
      .filter(([, , s]) => first(s.server_side_encryption)?.enabled !== true)
      .map(([, name]) => ({ resource: `aws_kinesis_firehose_delivery_stream.${name}`, message: 'stream is not encrypted at rest' })),
  fixtures: {
    failing: { ...reportFixture({}), tf: { resource: { aws_kinesis_firehose_delivery_stream: { s: {} } } } },
    passing: { ...reportFixture({}), tf: { resource: { aws_kinesis_firehose_delivery_stream: { s: { server_side_encryption: [{ enabled: true }] } } } } },
  },
};

export const identityPoolGuests: PolicyRule<ReportRuleInput> = {
  id: 'exposure-identity-pool-guests',
  check: 'exposure',
  level: 'info',
  appliesTo: 'aws_cognito_identity_pool',
  controls: ['Cognito.2'],
  explanation: 'An identity pool that allows unauthenticated identities gives credentials to anyone with its id (Security Hub Cognito.2); the app sends events as a guest by design, so the control is accepted in config with its compensating controls.',
  evaluate: ({ tf }) =>
    ofType(tf, 'aws_cognito_identity_pool')
      .filter(([, , p]) => p.allow_unauthenticated_identities === true)
      .map(([, name]) => ({ resource: `aws_cognito_identity_pool.${name}`, message: 'identity pool allows unauthenticated (guest) identities' })),
  fixtures: {
    failing: { ...reportFixture({}), tf: { resource: { aws_cognito_identity_pool: { p: { allow_unauthenticated_identities: true } } } } },
    passing: { ...reportFixture({}), tf: { resource: { aws_cognito_identity_pool: { p: { allow_unauthenticated_identities: false } } } } },
  },
};

export const bucketLifecycle: PolicyRule<ReportRuleInput> = {
  id: 'retention-bucket-lifecycle',
  check: 'retention',
  level: 'warning',
  appliesTo: 'S3 stores',
  controls: ['S3.13'],
  explanation: 'Every bucket has a lifecycle configuration, so nothing is kept by accident (Security Hub S3.13).',
  evaluate: ({ model }) => model.stores.filter((s) => s.kind === 's3' && s.lifecycle === null).map((s) => ({ resource: s.name, message: 'bucket has no lifecycle configuration' })),
  fixtures: {
    failing: reportFixture({ model: { stores: [{ ...eventStore(90), lifecycle: null }] } }),
    passing: reportFixture({ model: { stores: [eventStore(90)] } }),
  },
};

export const crawlerLogsEncrypted: PolicyRule<ReportRuleInput> = {
  id: 'encryption-crawler-logs',
  check: 'encryption',
  level: 'warning',
  appliesTo: 'aws_glue_crawler',
  controls: ['cloudwatch-log-group-encrypted'],
  explanation: 'A crawler without a Glue security configuration writes unencrypted logs to /aws-glue/crawlers (Glue developer guide, encrypting data written by AWS Glue); its security configuration encrypts them with a KMS key.',
  evaluate: ({ tf }) =>
    ofType(tf, 'aws_glue_crawler')
      .filter(([, , c]) => {
        const name = c.security_configuration;
        const configuration = ofType(tf, 'aws_glue_security_configuration').find(([, n, s]) => name === s.name || String(name).includes(`aws_glue_security_configuration.${n}.`))?.[2];
        return first(first(configuration?.encryption_configuration)?.cloudwatch_encryption)?.cloudwatch_encryption_mode !== 'SSE-KMS';
      })
      .map(([, name]) => ({ resource: `aws_glue_crawler.${name}`, message: 'crawler logs are not KMS-encrypted (no Glue security configuration with CloudWatch encryption)' })),
  fixtures: {
    failing: { ...reportFixture({}), tf: { resource: { aws_glue_crawler: { c: { name: 'c' } } } } },
    passing: {
      ...reportFixture({}),
      tf: { resource: { aws_glue_crawler: { c: { name: 'c', security_configuration: '${aws_glue_security_configuration.s.name}' } }, aws_glue_security_configuration: { s: { name: 's', encryption_configuration: [{ cloudwatch_encryption: [{ cloudwatch_encryption_mode: 'SSE-KMS' }] }] } } } },
    },
  },
};

/**
 * Actions Security Hub S3.6 refuses to grant other accounts in a bucket policy (Security Hub controls reference, S3.6;
 * AWS Config rule s3-bucket-blacklisted-actions-prohibited with these as its action list).
 */
export const S3_6_ACTIONS = ['s3:DeleteBucketPolicy', 's3:PutBucketAcl', 's3:PutBucketPolicy', 's3:PutEncryptionConfiguration', 's3:PutObjectAcl'];


/** A principal outside the stack's account: anyone, or an AWS principal naming another account. */
const otherAccount = (p: Principal) => p.kind === 'any' || (p.kind === 'aws' && p.value.kind === 'literal' && !p.value.text.includes(ACCOUNT_TOKEN));

export const bucketPolicyOtherAccounts: PolicyRule<ReportRuleInput> = {
  id: 'exposure-bucket-other-accounts',
  check: 'exposure',
  level: 'warning',
  appliesTo: 'aws_s3_bucket_policy',
  controls: ['S3.6'],
  explanation: `A bucket policy must not let another account (or anyone) ${S3_6_ACTIONS.join(', ')}: they change who may read the data or how it is encrypted (Security Hub S3.6).`,
  evaluate: ({ model }) =>
    model.resourcePolicies
      .filter((p) => p.kind === 'bucket-policy')
      .flatMap((p) =>
        p.statements
          .filter((s) => s.effect === 'Allow' && s.principals.some(otherAccount))
          .flatMap((s) => S3_6_ACTIONS.filter((action) => s.actions.some((pattern) => iamWildcardMatch(pattern, action, true))))
          .map((action) => ({ resource: p.address, message: `lets another account ${action}` })),
      ),
  fixtures: {
    failing: reportFixture({ model: { resourcePolicies: [{ address: 'aws_s3_bucket_policy.p', kind: 'bucket-policy', governs: { kind: 'literal', text: 'b' }, statements: [{ effect: 'Allow', principals: [{ kind: 'aws', value: { kind: 'literal', text: 'arn:aws:iam::999999999999:root' } }], actions: ['s3:Put*'], resources: [], conditions: [] }] }] } }),
    passing: reportFixture({ model: { resourcePolicies: [{ address: 'aws_s3_bucket_policy.p', kind: 'bucket-policy', governs: { kind: 'literal', text: 'b' }, statements: [{ effect: 'Allow', principals: [{ kind: 'aws', value: { kind: 'literal', text: `arn:aws:iam::${ACCOUNT_TOKEN}:root` } }, { kind: 'service', service: 'logging.s3.amazonaws.com' }], actions: ['s3:*'], resources: [], conditions: [] }, { effect: 'Deny', principals: [{ kind: 'any' }], actions: ['s3:*'], resources: [], conditions: [] }] }] } }),
  },
};
