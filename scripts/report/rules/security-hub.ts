/**
 * Report rules that evidence Security Hub controls no synth-gate rule covers (config/controls.ts): each
 * finding fails its control in the report's controls table. Info or warning only: they never fail synth.
 */
import { resources, type TerraformJson } from '../../../terraform-json/stack-json';
import { asList } from '../../../terraform-json/policy';
import type { Principal } from '../../../model/types';
import { ACCOUNT_TOKEN } from '../../../model/values';
import { iamWildcardMatch } from '../../../terraform-json/policy';
import { checkOfRuleId, type Check, type PolicyRule } from '../../../stacks/rules/rule';
import { eventStore, logStore, reportFixture, type ReportRuleInput } from './input';

type Body = Record<string, unknown>;
const ofType = (tf: TerraformJson, type: string) => resources(tf).filter(([t]) => t === type);
const first = (value: unknown) => asList(value as Body | Body[])[0] as Body | undefined;

/**
 * S3 server access logging: a bucket is logged when an aws_s3_bucket_logging has it as its source bucket. The log
 * bucket itself is not: logging it into itself would log its own deliveries without end (S3 user guide, "Logging
 * requests with server access logging"), and into another bucket only moves the question. It fails here as it fails in
 * Security Hub; the controls view accepts it with AWS's own reason (config/controls.ts, S3.9's exemption).
 */
export const bucketAccessLogging: PolicyRule<ReportRuleInput> = {
  id: 'logging-bucket-access',
  check: 'logging',
  level: 'info',
  appliesTo: 'aws_s3_bucket',
  controls: ['S3.9'],
  explanation:
    'Server access logs record each request to a bucket, for audits and investigations (S3 user guide, ' +
    '"Logging requests with server access logging"; Security Hub S3.9). The log bucket is not logged itself.',
  evaluate: ({ tf }) => {
    const loggings = ofType(tf, 'aws_s3_bucket_logging').map(([, , l]) => l);
    const refersTo = (value: unknown, name: string, b: Body) =>
      [String(b.bucket), `\${aws_s3_bucket.${name}.id}`, `\${aws_s3_bucket.${name}.bucket}`].includes(String(value));
    return ofType(tf, 'aws_s3_bucket')
      .filter(([, name, b]) => !loggings.some((l) => refersTo(l.bucket, name, b)))
      .map(([, name]) => ({ resource: `aws_s3_bucket.${name}`, message: 'no server access logging' }));
  },
  fixtures: {
    failing: { ...reportFixture({}), tf: { resource: { aws_s3_bucket: { b: { bucket: 'b' } } } } },
    passing: {
      ...reportFixture({}),
      tf: {
        resource: {
          aws_s3_bucket: { b: { bucket: 'b' } },
          aws_s3_bucket_logging: { l: { bucket: '${aws_s3_bucket.b.id}', target_bucket: 'logs-elsewhere' } },
        },
      },
    },
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
  explanation:
    `Security Hub CloudWatch.16 (Config rule cw-loggroup-retention-period-check) expects log groups kept ` +
    `at least ${LOG_RETENTION_CONTROL_DAYS} days; the compliance profile keeps them that long.`,
  evaluate: ({ model }) =>
    model.stores
      .filter(
        (s) =>
          s.role === 'logs' &&
          s.retention.expirationDays !== null &&
          s.retention.expirationDays < LOG_RETENTION_CONTROL_DAYS,
      )
      .map((s) => ({
        resource: s.name,
        message:
          `kept ${s.retention.expirationDays} days, under the ${LOG_RETENTION_CONTROL_DAYS} CloudWatch.16 asks for ` +
          `(logs.retentionDays)`,
      })),
  fixtures: {
    failing: reportFixture({
      model: {
        stores: [logStore(30)],
      },
    }),
    passing: reportFixture({
      model: {
        stores: [logStore(365)],
      },
    }),
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
      .map(([, name]) => ({
        resource: `aws_athena_workgroup.${name}`,
        message: 'workgroup does not publish CloudWatch metrics',
      })),
  fixtures: {
    failing: {
      ...reportFixture({}),
      tf: { resource: { aws_athena_workgroup: { w: { name: 'w', configuration: [{}] } } } },
    },
    passing: {
      ...reportFixture({}),
      tf: {
        resource: {
          aws_athena_workgroup: { w: { name: 'w', configuration: [{ publish_cloudwatch_metrics_enabled: true }] } },
        },
      },
    },
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
      .filter(
        ([, , w]) =>
          !first(first(first(w.configuration)?.result_configuration)?.encryption_configuration)?.encryption_option,
      )
      .map(([, name]) => ({
        resource: `aws_athena_workgroup.${name}`,
        message: 'workgroup does not encrypt its query results',
      })),
  fixtures: {
    failing: {
      ...reportFixture({}),
      tf: { resource: { aws_athena_workgroup: { w: { configuration: [{ result_configuration: [{}] }] } } } },
    },
    passing: {
      ...reportFixture({}),
      tf: {
        resource: {
          aws_athena_workgroup: {
            w: {
              configuration: [
                { result_configuration: [{ encryption_configuration: [{ encryption_option: 'SSE_KMS' }] }] },
              ],
            },
          },
        },
      },
    },
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
      .map(([, name]) => ({
        resource: `aws_kinesis_firehose_delivery_stream.${name}`,
        message: 'stream is not encrypted at rest',
      })),
  fixtures: {
    failing: { ...reportFixture({}), tf: { resource: { aws_kinesis_firehose_delivery_stream: { s: {} } } } },
    passing: {
      ...reportFixture({}),
      tf: {
        resource: { aws_kinesis_firehose_delivery_stream: { s: { server_side_encryption: [{ enabled: true }] } } },
      },
    },
  },
};

export const identityPoolGuests: PolicyRule<ReportRuleInput> = {
  id: 'exposure-identity-pool-guests',
  check: 'exposure',
  level: 'info',
  appliesTo: 'aws_cognito_identity_pool',
  controls: ['Cognito.2'],
  explanation:
    'An identity pool that allows unauthenticated identities gives credentials to anyone ' +
    'with its id (Security Hub Cognito.2); the app sends events as a guest by design, so ' +
    'the control is accepted in config with its compensating controls.',
  evaluate: ({ tf }) =>
    ofType(tf, 'aws_cognito_identity_pool')
      .filter(([, , p]) => p.allow_unauthenticated_identities === true)
      .map(([, name]) => ({
        resource: `aws_cognito_identity_pool.${name}`,
        message: 'identity pool allows unauthenticated (guest) identities',
      })),
  fixtures: {
    failing: {
      ...reportFixture({}),
      tf: { resource: { aws_cognito_identity_pool: { p: { allow_unauthenticated_identities: true } } } },
    },
    passing: {
      ...reportFixture({}),
      tf: { resource: { aws_cognito_identity_pool: { p: { allow_unauthenticated_identities: false } } } },
    },
  },
};

export const bucketLifecycle: PolicyRule<ReportRuleInput> = {
  id: 'retention-bucket-lifecycle',
  check: 'retention',
  level: 'warning',
  appliesTo: 'S3 stores',
  controls: ['S3.10', 'S3.13'],
  explanation:
    'Every bucket has a lifecycle configuration, so nothing is kept by accident (Security Hub ' +
    'S3.13; S3.10 asks it of versioned buckets, and every bucket here is versioned).',
  evaluate: ({ model }) =>
    model.stores
      .filter((s) => s.kind === 's3' && s.lifecycle === null)
      .map((s) => ({ resource: s.name, message: 'bucket has no lifecycle configuration' })),
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
  explanation:
    'A crawler without a Glue security configuration writes unencrypted logs to ' +
    '/aws-glue/crawlers (Glue developer guide, encrypting data written by AWS ' +
    'Glue); its security configuration encrypts them with a KMS key.',
  evaluate: ({ tf }) =>
    ofType(tf, 'aws_glue_crawler')
      .filter(([, , c]) => {
        const name = c.security_configuration;
        const configuration = ofType(tf, 'aws_glue_security_configuration').find(
          ([, n, s]) => name === s.name || String(name).includes(`aws_glue_security_configuration.${n}.`),
        )?.[2];
        return (
          first(first(configuration?.encryption_configuration)?.cloudwatch_encryption)?.cloudwatch_encryption_mode !==
          'SSE-KMS'
        );
      })
      .map(([, name]) => ({
        resource: `aws_glue_crawler.${name}`,
        message: 'crawler logs are not KMS-encrypted (no Glue security configuration with CloudWatch encryption)',
      })),
  fixtures: {
    failing: { ...reportFixture({}), tf: { resource: { aws_glue_crawler: { c: { name: 'c' } } } } },
    passing: {
      ...reportFixture({}),
      tf: {
        resource: {
          aws_glue_crawler: { c: { name: 'c', security_configuration: '${aws_glue_security_configuration.s.name}' } },
          aws_glue_security_configuration: {
            s: {
              name: 's',
              encryption_configuration: [{ cloudwatch_encryption: [{ cloudwatch_encryption_mode: 'SSE-KMS' }] }],
            },
          },
        },
      },
    },
  },
};

/**
 * Actions Security Hub S3.6 refuses to grant other accounts in a bucket policy (Security Hub controls reference, S3.6;
 * AWS Config rule s3-bucket-blacklisted-actions-prohibited with these as its action list).
 */
export const S3_6_ACTIONS = [
  's3:DeleteBucketPolicy',
  's3:PutBucketAcl',
  's3:PutBucketPolicy',
  's3:PutEncryptionConfiguration',
  's3:PutObjectAcl',
];

/** A principal outside the stack's account: anyone, or an AWS principal naming another account. */
const otherAccount = (p: Principal) =>
  p.kind === 'any' || (p.kind === 'aws' && p.value.kind === 'literal' && !p.value.text.includes(ACCOUNT_TOKEN));

export const bucketPolicyOtherAccounts: PolicyRule<ReportRuleInput> = {
  id: 'exposure-bucket-other-accounts',
  check: 'exposure',
  level: 'warning',
  appliesTo: 'aws_s3_bucket_policy',
  controls: ['S3.6'],
  explanation:
    `A bucket policy must not let another account (or anyone) ${S3_6_ACTIONS.join(', ')}: ` +
    `they change who may read the data or how it is encrypted (Security Hub S3.6).`,
  evaluate: ({ model }) =>
    model.resourcePolicies
      .filter((p) => p.kind === 'bucket-policy')
      .flatMap((p) =>
        p.statements
          .filter((s) => s.effect === 'Allow' && s.principals.some(otherAccount))
          .flatMap((s) =>
            S3_6_ACTIONS.filter((action) => s.actions.some((pattern) => iamWildcardMatch(pattern, action, true))),
          )
          .map((action) => ({ resource: p.address, message: `lets another account ${action}` })),
      ),
  fixtures: {
    failing: reportFixture({
      model: {
        resourcePolicies: [
          {
            address: 'aws_s3_bucket_policy.p',
            kind: 'bucket-policy',
            governs: { kind: 'literal', text: 'b' },
            statements: [
              {
                effect: 'Allow',
                principals: [{ kind: 'aws', value: { kind: 'literal', text: 'arn:aws:iam::999999999999:root' } }],
                actions: ['s3:Put*'],
                resources: [],
                conditions: [],
              },
            ],
          },
        ],
      },
    }),
    passing: reportFixture({
      model: {
        resourcePolicies: [
          {
            address: 'aws_s3_bucket_policy.p',
            kind: 'bucket-policy',
            governs: { kind: 'literal', text: 'b' },
            statements: [
              {
                effect: 'Allow',
                principals: [
                  { kind: 'aws', value: { kind: 'literal', text: `arn:aws:iam::${ACCOUNT_TOKEN}:root` } },
                  { kind: 'service', service: 'logging.s3.amazonaws.com' },
                ],
                actions: ['s3:*'],
                resources: [],
                conditions: [],
              },
              { effect: 'Deny', principals: [{ kind: 'any' }], actions: ['s3:*'], resources: [], conditions: [] },
            ],
          },
        ],
      },
    }),
  },
};

/** The buckets of the JSON, each with the resources of `type` attached to it (their `bucket` names it). */
function bucketsWith(tf: TerraformJson, type: string): { address: string; body: Body; attached: Body[] }[] {
  const attached = ofType(tf, type).map(([, , body]) => body);
  return ofType(tf, 'aws_s3_bucket').map(([, name, b]) => ({
    address: `aws_s3_bucket.${name}`,
    body: b,
    attached: attached.filter((a) =>
      [String(b.bucket), `\${aws_s3_bucket.${name}.id}`, `\${aws_s3_bucket.${name}.bucket}`].includes(String(a.bucket)),
    ),
  }));
}

const bucketRule = (
  id: `${Check}-${string}`,
  controls: PolicyRule<ReportRuleInput>['controls'],
  explanation: string,
  type: string,
  ok: (attached: Body[], bucket: Body) => boolean,
  message: string,
  passing: Record<string, Record<string, Body>>,
): PolicyRule<ReportRuleInput> => ({
  id,
  check: checkOfRuleId(id),
  level: 'info',
  appliesTo: 'aws_s3_bucket',
  controls,
  explanation,
  evaluate: ({ tf }) =>
    bucketsWith(tf, type)
      .filter((b) => !ok(b.attached, b.body))
      .map((b) => ({ resource: b.address, message })),
  fixtures: {
    failing: { ...reportFixture({}), tf: { resource: { aws_s3_bucket: { b: { bucket: 'b' } } } } },
    passing: { ...reportFixture({}), tf: { resource: { aws_s3_bucket: { b: { bucket: 'b' } }, ...passing } } },
  },
});

const versioning = (attached: Body[]) => first(attached[0]?.versioning_configuration);

export const bucketVersioning = bucketRule(
  'protection-bucket-versioning',
  ['S3.14'],
  'Versioning keeps overwritten and deleted objects restorable for the noncurrent ' +
    'window (Security Hub S3.14, AWS Config s3-bucket-versioning-enabled).',
  'aws_s3_bucket_versioning',
  (a) => versioning(a)?.status === 'Enabled',
  'bucket versioning is not enabled',
  {
    aws_s3_bucket_versioning: {
      v: { bucket: '${aws_s3_bucket.b.id}', versioning_configuration: [{ status: 'Enabled' }] },
    },
  },
);

export const bucketMfaDelete = bucketRule(
  'protection-bucket-mfa-delete',
  ['S3.20'],
  'MFA delete makes every deletion of a version, and every change of the versioning state, need the ' +
    'root user’s MFA device (Security Hub S3.20; S3 user guide, "Configuring MFA delete").',
  'aws_s3_bucket_versioning',
  (a) => versioning(a)?.mfa_delete === 'Enabled',
  'MFA delete is not enabled',
  {
    aws_s3_bucket_versioning: {
      v: { bucket: '${aws_s3_bucket.b.id}', versioning_configuration: [{ status: 'Enabled', mfa_delete: 'Enabled' }] },
    },
  },
);

export const bucketOwnerEnforced = bucketRule(
  'exposure-bucket-acls',
  ['S3.12'],
  'With object ownership BucketOwnerEnforced, ACLs are disabled and policies alone ' +
    'decide access (Security Hub S3.12, AWS Config s3-bucket-acl-prohibited).',
  'aws_s3_bucket_ownership_controls',
  (a) => a.some((o) => first(o.rule)?.object_ownership === 'BucketOwnerEnforced'),
  'ACLs are not disabled (object ownership is not BucketOwnerEnforced)',
  {
    aws_s3_bucket_ownership_controls: {
      o: { bucket: '${aws_s3_bucket.b.id}', rule: [{ object_ownership: 'BucketOwnerEnforced' }] },
    },
  },
);

export const bucketNotifications = bucketRule(
  'logging-bucket-notifications',
  ['S3.11'],
  'An event notification tells a consumer of each new or deleted object ' +
    '(Security Hub S3.11, AWS Config s3-event-notifications-enabled).',
  'aws_s3_bucket_notification',
  (a) => a.length > 0,
  'no event notification',
  {
    aws_s3_bucket_notification: {
      n: { bucket: '${aws_s3_bucket.b.id}', queue: [{ queue_arn: 'q', events: ['s3:ObjectCreated:*'] }] },
    },
  },
);

export const bucketReplication = bucketRule(
  'residency-bucket-replication',
  ['S3.7'],
  'Cross-Region replication keeps a copy in another region (Security Hub S3.7, AWS Config ' +
    's3-bucket-cross-region-replication-enabled); a copy elsewhere is also data leaving the stack’s region.',
  'aws_s3_bucket_replication_configuration',
  (a) => a.length > 0,
  'no cross-Region replication (its data stays in its region)',
  {
    aws_s3_bucket_replication_configuration: { r: { bucket: '${aws_s3_bucket.b.id}', rule: [{ status: 'Enabled' }] } },
  },
);

export const bucketObjectLock: PolicyRule<ReportRuleInput> = {
  id: 'protection-bucket-object-lock',
  check: 'protection',
  level: 'info',
  appliesTo: 'aws_s3_bucket',
  controls: ['S3.15'],
  explanation:
    'Object Lock keeps object versions from being deleted or overwritten until their retention ' +
    'ends (Security Hub S3.15; S3 user guide, "Locking objects with Object Lock").',
  evaluate: ({ tf }) =>
    ofType(tf, 'aws_s3_bucket')
      .filter(([, , b]) => b.object_lock_enabled !== true)
      .map(([, name]) => ({ resource: `aws_s3_bucket.${name}`, message: 'Object Lock is not enabled' })),
  fixtures: {
    failing: { ...reportFixture({}), tf: { resource: { aws_s3_bucket: { b: { bucket: 'b' } } } } },
    passing: {
      ...reportFixture({}),
      tf: { resource: { aws_s3_bucket: { b: { bucket: 'b', object_lock_enabled: true } } } },
    },
  },
};

/**
 * The attributes of aws_sns_topic that turn on delivery status logging, one pair per protocol (provider docs,
 * aws_sns_topic).
 */
const FEEDBACK = ['application', 'firehose', 'http', 'lambda', 'sqs'].flatMap((p) => [
  `${p}_success_feedback_role_arn`,
  `${p}_failure_feedback_role_arn`,
]);

export const topicDeliveryLogging: PolicyRule<ReportRuleInput> = {
  id: 'logging-topic-delivery-status',
  check: 'logging',
  level: 'info',
  appliesTo: 'aws_sns_topic',
  controls: ['SNS.2'],
  explanation:
    'Delivery status logging writes each notification’s delivery or failure to CloudWatch Logs ' +
    '(Security Hub SNS.2; SNS developer guide, "Amazon SNS message delivery status").',
  evaluate: ({ tf }) =>
    ofType(tf, 'aws_sns_topic')
      .filter(([, , t]) => !FEEDBACK.some((k) => t[k]))
      .map(([, name]) => ({ resource: `aws_sns_topic.${name}`, message: 'no delivery status logging' })),
  fixtures: {
    failing: { ...reportFixture({}), tf: { resource: { aws_sns_topic: { t: { name: 't' } } } } },
    passing: {
      ...reportFixture({}),
      tf: { resource: { aws_sns_topic: { t: { name: 't', sqs_failure_feedback_role_arn: 'r' } } } },
    },
  },
};

export const alarmActions: PolicyRule<ReportRuleInput> = {
  id: 'monitoring-alarm-actions',
  check: 'monitoring',
  level: 'warning',
  appliesTo: 'aws_cloudwatch_metric_alarm',
  controls: ['CloudWatch.15', 'CloudWatch.17'],
  explanation:
    'An alarm acts when it has an action for the ALARM state (Security Hub CloudWatch.15) and ' +
    'its actions are activated (CloudWatch.17; actions_enabled defaults to true).',
  evaluate: ({ tf }) =>
    ofType(tf, 'aws_cloudwatch_metric_alarm').flatMap(([, name, a]) => [
      ...(asList(a.alarm_actions as string[]).length === 0
        ? [{ resource: `aws_cloudwatch_metric_alarm.${name}`, message: 'no action for the ALARM state' }]
        : []),
      ...(a.actions_enabled === false
        ? [{ resource: `aws_cloudwatch_metric_alarm.${name}`, message: 'alarm actions are deactivated' }]
        : []),
    ]),
  fixtures: {
    failing: {
      ...reportFixture({}),
      tf: { resource: { aws_cloudwatch_metric_alarm: { a: { alarm_actions: ['t'], actions_enabled: false } } } },
    },
    passing: {
      ...reportFixture({}),
      tf: { resource: { aws_cloudwatch_metric_alarm: { a: { alarm_actions: ['t'] } } } },
    },
  },
};
