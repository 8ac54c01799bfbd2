/**
 * Composition by reference: the data bucket collects its event notifications, and the stack key its policy
 * statements, from whoever needs them, rendered once at synth. A new consumer — here a test-only audit construct —
 * touches nothing but itself.
 */
import { SqsQueue } from '@cdktf/provider-aws/lib/sqs-queue';
import { SqsQueuePolicy } from '@cdktf/provider-aws/lib/sqs-queue-policy';
import { TerraformStack, Testing } from 'cdktf';
import { Construct } from 'constructs';
import { resolveMatrix } from '../../../config/resolve';
import { iamWildcardMatch } from '../../../terraform-json/policy';
import { Storage, type BucketNotifications, type KeyPolicyContributions } from '../../../stacks/constructs/storage';
import { buildStacks } from '../../../stacks/matrix';
import { parsePolicy } from '../../../terraform-json/policy';
import { dataKey, singleDeployment } from '../../helpers';
import { retentionSteps, RETENTION_LEFT_TAG } from '../../../config/rewrite-retention';

/** A consumer the project does not have: an audit queue fed by every object the bucket deletes, under the stack key. */
class AuditQueue extends Construct {
  constructor(
    scope: Construct,
    id: string,
    props: { encryption: KeyPolicyContributions; bucket: BucketNotifications },
  ) {
    super(scope, id);
    const queue = new SqsQueue(this, 'queue', { name: 'audit', kmsMasterKeyId: props.encryption.key.arn });
    const policy = new SqsQueuePolicy(this, 'policy', { queueUrl: queue.url, policy: '{"Statement":[]}' });
    props.encryption.addToKeyPolicy({
      Sid: 'S3UsesKeyForAuditQueue',
      Effect: 'Allow',
      Principal: { Service: 's3.amazonaws.com' },
      Action: ['kms:GenerateDataKey*'],
      Resource: '*',
    });
    props.bucket.addNotification({
      queue: { id: 'deletions-to-audit', queueArn: queue.arn, events: ['s3:ObjectRemoved:*'] },
      after: policy,
    });
  }
}

const [deployment] = resolveMatrix(singleDeployment());
/** Only what Storage declares it uses. */
const storageProps = {
  env: { partition: 'aws', region: 'eu-central-1', accountId: '222222222222' },
  names: {
    stack: 'bare',
    dataBucket: 'bare-data-bucket',
    accessLogBucket: 'bare-data-bucket-access-logs',
    kmsAlias: 'alias/bare',
  },
  lifecycle: deployment.settings.lifecycle,
  folders: { dataPrefix: 'data/', errorPrefix: 'errors/' },
  athena: { resultsPrefix: 'athena-results/', resultsExpirationDays: 30 },
};
type Tf = { resource: Record<string, Record<string, Record<string, unknown>>> };
const only = (tf: Tf, type: string) => Object.values(tf.resource[type])[0];

describe('Storage, built alone in a bare stack', () => {
  const stack = new TerraformStack(Testing.app(), 'bare');
  const storage = new Storage(stack, 'storage', storageProps);
  new AuditQueue(stack, 'audit', { encryption: storage, bucket: storage });
  const tf = JSON.parse(Testing.synth(stack)) as Tf;

  it('renders the one bucket notification with the consumer’s queue, after the consumer’s policy', () => {
    const notification = only(tf, 'aws_s3_bucket_notification');
    expect(notification.queue).toEqual([
      expect.objectContaining({ id: 'deletions-to-audit', events: ['s3:ObjectRemoved:*'] }),
    ]);
    expect(notification.topic).toBeUndefined();
    expect(notification.depends_on).toEqual([expect.stringMatching(/^aws_sqs_queue_policy\.audit_policy_/)]);
  });

  it('renders the key policy with the owner’s statement first and the consumer’s after it', () => {
    expect((parsePolicy(only(tf, 'aws_kms_key').policy) ?? []).map((s) => s.Sid)).toEqual([
      'AccountAdministersKeyThroughIam',
      'S3UsesKeyForAuditQueue',
    ]);
  });

  it(
    'keeps the data bucket and the key from destroy by default, ' +
      'versioned, with the lifecycle on the given folders',
    () => {
      expect(only(tf, 'aws_s3_bucket')).toMatchObject({
        bucket: 'bare-data-bucket',
        lifecycle: { prevent_destroy: true },
      });
      expect(only(tf, 'aws_kms_key').lifecycle).toEqual({ prevent_destroy: true });
      const rules = only(tf, 'aws_s3_bucket_lifecycle_configuration').rule as { id: string; filter: unknown }[];
      expect(rules.filter((r) => !r.id.startsWith('rewritten-')).map((r) => [r.id, r.filter])).toEqual([
        ['events', [{ prefix: 'data/' }]],
        ['failed-records', [{ prefix: 'errors/' }]],
        ['athena-results', [{ prefix: 'athena-results/' }]],
        ['erasure-locate-results', [{ prefix: 'erasure-locate-results/' }]],
        ['erasure-receipts', [{ prefix: 'erasure-requests/' }]],
        ['abort-incomplete-multipart-uploads', [{}]],
        ['expire-noncurrent-versions', [{}]],
      ]);
    },
  );

  it(
    'expires an object an erasure rewrote by the days its data had left: ' +
      'one rule per step, by tag, within the 1,000 rules of a bucket',
    () => {
      const rules = only(tf, 'aws_s3_bucket_lifecycle_configuration').rule as {
        id: string;
        filter: { tag?: { key: string; value: string }[] }[];
        expiration: { days: number }[];
      }[];
      const steps = retentionSteps(storageProps.lifecycle.expirationDays);
      const tagged = rules.filter((r) => r.filter[0].tag?.[0].key === RETENTION_LEFT_TAG);
      expect(tagged.map((r) => [r.filter[0].tag![0].value, r.expiration[0].days])).toEqual(
        steps.map((d) => [String(d), d]),
      );
      // Any retention the schema allows keeps the bucket within S3's 1,000 rules (six rules of its own).
      for (const days of [1, 2, 31, 365, 366, 3650, 36_500, 1_000_000])
        expect(retentionSteps(days).length + 6).toBeLessThanOrEqual(1000);
    },
  );

  it('creates no notification resource when nobody asks for one, and no access logging unless asked', () => {
    const alone = new TerraformStack(Testing.app(), 'alone');
    new Storage(alone, 'storage', storageProps);
    const synthesized = JSON.parse(Testing.synth(alone)) as Tf;
    expect(synthesized.resource.aws_s3_bucket_notification).toBeUndefined();
    expect(synthesized.resource.aws_s3_bucket_logging).toBeUndefined();
  });
});

describe('Storage with access logs, built alone in a bare stack', () => {
  const stack = new TerraformStack(Testing.app(), 'bare');
  new Storage(stack, 'storage', { ...storageProps, accessLogs: { retentionDays: 365 } });
  const tf = JSON.parse(Testing.synth(stack)) as Tf;
  const byName = (type: string, name: string) =>
    Object.entries(tf.resource[type]).find(([, r]) => JSON.stringify(r).includes(name));
  const logBucket = Object.entries(tf.resource.aws_s3_bucket).find(
    ([, b]) => b.bucket === 'bare-data-bucket-access-logs',
  )!;
  const ref = (address: string) => expect.stringContaining(address);

  it('logs every request to the data bucket under its own prefix, after the log bucket lets S3 deliver', () => {
    const logging = only(tf, 'aws_s3_bucket_logging');
    expect(logging).toMatchObject({
      target_bucket: ref(`aws_s3_bucket.${logBucket[0]}.`),
      target_prefix: 'bare-data-bucket/',
    });
    expect(logging.depends_on).toEqual([expect.stringMatching(/^aws_s3_bucket_policy\./)]);
  });

  it(
    'a log bucket like every bucket here (private, owner-enforced, under the stack key, TLS-only), ' +
      'writable only by S3 logging for this bucket and account, expiring after the retention',
    () => {
      const [, policy] = byName('aws_s3_bucket_policy', logBucket[0])!;
      const statements = parsePolicy(policy.policy) ?? [];
      expect(statements.map((s) => s.Sid)).toEqual(['DenyInsecureTransport', 'S3ServerAccessLogsOfSourceBucket']);
      expect(statements[1]).toMatchObject({
        Effect: 'Allow',
        Principal: { Service: 'logging.s3.amazonaws.com' },
        Action: 's3:PutObject',
        Resource: 'arn:aws:s3:::bare-data-bucket-access-logs/bare-data-bucket/*',
        Condition: {
          ArnEquals: { 'aws:SourceArn': 'arn:aws:s3:::bare-data-bucket' },
          StringEquals: { 'aws:SourceAccount': '222222222222' },
        },
      });
      expect(byName('aws_s3_bucket_public_access_block', logBucket[0])![1]).toMatchObject({
        block_public_acls: true,
        block_public_policy: true,
        ignore_public_acls: true,
        restrict_public_buckets: true,
      });
      expect(byName('aws_s3_bucket_ownership_controls', logBucket[0])![1]).toMatchObject({
        rule: { object_ownership: 'BucketOwnerEnforced' },
      });
      expect(JSON.stringify(byName('aws_s3_bucket_server_side_encryption_configuration', logBucket[0])![1])).toContain(
        'aws:kms',
      );
      expect(byName('aws_s3_bucket_lifecycle_configuration', logBucket[0])![1].rule).toEqual([
        expect.objectContaining({ id: 'expire-access-logs', expiration: [{ days: 365 }] }),
      ]);
      expect(logBucket[1].lifecycle).toEqual({ prevent_destroy: true });
    },
  );

  it('lets S3 logging use the stack key, for this account only', () => {
    const statement = (parsePolicy(only(tf, 'aws_kms_key').policy) ?? []).find(
      (s) => s.Sid === 'S3ServerAccessLoggingUsesKey',
    );
    expect(statement).toMatchObject({
      Principal: { Service: 'logging.s3.amazonaws.com' },
      Action: ['kms:GenerateDataKey', 'kms:Decrypt'],
      Condition: { StringEquals: { 'aws:SourceAccount': '222222222222' } },
    });
  });
});

describe('a second consumer in a whole pipeline stack', () => {
  it('adds its notification and key statement beside the stack’s own, with no edit anywhere else', () => {
    const [pipeline] = buildStacks(Testing.app(), [deployment]);
    const storage = pipeline.node.findChild('storage') as Storage;
    new AuditQueue(pipeline, 'audit', { encryption: storage, bucket: storage });
    const tf = JSON.parse(Testing.synth(pipeline)) as Tf;
    const notification = only(tf, 'aws_s3_bucket_notification');
    expect((notification.topic as { id: string }[]).map((t) => t.id)).toEqual(['failed-records-to-alerts']);
    expect((notification.queue as { id: string }[]).map((q) => q.id)).toEqual(['deletions-to-audit']);
    expect((notification.depends_on as string[]).map((d) => d.split('.')[0])).toEqual([
      'aws_sns_topic_policy',
      'aws_sqs_queue_policy',
    ]);
    const sids = (parsePolicy(dataKey(tf)[1].policy) ?? []).map((s) => s.Sid);
    expect(sids).toEqual([
      'AccountAdministersKeyThroughIam',
      'S3ServerAccessLoggingUsesKey',
      'CloudWatchLogsEncryptsCrawlerLogs',
      'CloudWatchLogsEncryptsFirehoseErrorLog',
      'AlarmsUseKeyForAlertTopic',
      'EventBridgeUsesKeyForAlertTopic',
      'S3NotificationsUseKeyForAlertTopic',
      'S3UsesKeyForAuditQueue',
    ]);
  });
});

describe('Storage with key administrators, built alone in a bare stack', () => {
  const admin = 'arn:aws:iam::222222222222:role/key-admins';
  const stack = new TerraformStack(Testing.app(), 'bare');
  new Storage(stack, 'storage', { ...storageProps, keyAdministrators: [admin] });
  const statements = parsePolicy(only(JSON.parse(Testing.synth(stack)) as Tf, 'aws_kms_key').policy) ?? [];
  const actionsOf = (principal: string) =>
    statements
      .filter((s) => JSON.stringify(s.Principal).includes(principal))
      .flatMap((s) => [s.Action].flat() as string[]);
  const covers = (patterns: string[], action: string) => patterns.some((p) => iamWildcardMatch(p, action, true));

  it('the account uses the key through IAM but no longer administers it: no kms:* to the account', () => {
    expect(statements.map((s) => s.Sid)).toEqual([
      'AccountUsesKeyThroughIam',
      'AccountLetsAwsServicesHoldGrants',
      'AccountReadsTheKeyConfigurationThroughIam',
      'KeyAdministrators',
    ]);
    const account = actionsOf(':root');
    // A plan's refresh reads the key's policy, rotation and tags: the plan role gets them through IAM (issue 31).
    for (const action of ['kms:DescribeKey', 'kms:GetKeyPolicy', 'kms:GetKeyRotationStatus', 'kms:ListResourceTags'])
      expect(covers(account, action)).toBe(true);
    expect(account).not.toContain('kms:*');
    for (const action of ['kms:PutKeyPolicy', 'kms:ScheduleKeyDeletion', 'kms:DisableKey'])
      expect(covers(account, action)).toBe(false);
    expect(covers(account, 'kms:Decrypt')).toBe(true);
    expect(statements.find((s) => s.Sid === 'AccountLetsAwsServicesHoldGrants')?.Condition).toEqual({
      Bool: { 'kms:GrantIsForAWSResource': 'true' },
    });
  });

  it('the administrators manage the key but cannot use it or grant its use', () => {
    const administrators = actionsOf(admin);
    for (const action of [
      'kms:PutKeyPolicy',
      'kms:ScheduleKeyDeletion',
      'kms:CancelKeyDeletion',
      'kms:EnableKeyRotation',
      'kms:CreateAlias',
      'kms:TagResource',
    ])
      expect(covers(administrators, action)).toBe(true);
    for (const action of ['kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey', 'kms:ReEncryptFrom', 'kms:CreateGrant'])
      expect(covers(administrators, action)).toBe(false);
  });

  it('without administrators, the account administers and uses the key through IAM', () => {
    const plain = new TerraformStack(Testing.app(), 'plain');
    new Storage(plain, 'storage', storageProps);
    expect(
      (parsePolicy(only(JSON.parse(Testing.synth(plain)) as Tf, 'aws_kms_key').policy) ?? []).map((s) => s.Sid),
    ).toEqual(['AccountAdministersKeyThroughIam']);
  });
});
