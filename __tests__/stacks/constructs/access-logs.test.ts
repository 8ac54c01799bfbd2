/**
 * AccessLogs built alone in a bare stack, from only the props it declares: a log bucket for one source bucket, what it
 * lets the logging service do there, and what it asks of the key it is encrypted with (recorded, not rendered).
 */
import { KmsKey } from '@cdktf/provider-aws/lib/kms-key';
import { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';
import { AccessLogs } from '../../../stacks/constructs/access-logs';
import type { PolicyStatement } from '../../../stacks/iam';
import { parsePolicy } from '../../../terraform-json/policy';
import { all, bareStack, ENV, one, synth, type Tf } from './bare';

const SOURCE = 'bare-source';
const LOGS = 'bare-source-access-logs';

function build(extra: { retentionDays: number; allowDestroy?: boolean }): { tf: Tf; keyStatements: PolicyStatement[] } {
  const stack = bareStack();
  const key = new KmsKey(stack, 'key', { enableKeyRotation: true });
  const source = new S3Bucket(stack, 'source', { bucket: SOURCE });
  const keyStatements: PolicyStatement[] = [];
  new AccessLogs(stack, 'access-logs', {
    env: ENV,
    source,
    sourceName: SOURCE,
    logBucketName: LOGS,
    encryption: { key, addToKeyPolicy: (s) => void keyStatements.push(s) },
    ...extra,
  });
  return { tf: synth(stack), keyStatements };
}

const bucketNamed = (tf: Tf, name: string) => all(tf, 'aws_s3_bucket').find((b) => b.bucket === name);

describe('AccessLogs, built alone in a bare stack', () => {
  const { tf, keyStatements } = build({ retentionDays: 90 });

  it('creates a log bucket kept from destroy by default, encrypted with the given key', () => {
    expect(bucketNamed(tf, LOGS)).toMatchObject({ lifecycle: { prevent_destroy: true } });
    expect(bucketNamed(tf, LOGS)?.force_destroy).toBeUndefined();
    const rule = (one(tf, 'aws_s3_bucket_server_side_encryption_configuration').rule as Record<string, unknown>[])[0];
    expect(rule).toMatchObject({
      apply_server_side_encryption_by_default: {
        sse_algorithm: 'aws:kms',
        kms_master_key_id: expect.stringContaining('aws_kms_key.key'),
      },
    });
  });

  it('lets only the logging service put objects under the source prefix, for that source bucket and account', () => {
    const statements = parsePolicy(one(tf, 'aws_s3_bucket_policy').policy) ?? [];
    expect(statements.map((s) => s.Sid)).toEqual(['DenyInsecureTransport', 'S3ServerAccessLogsOfSourceBucket']);
    expect(statements[1]).toEqual({
      Sid: 'S3ServerAccessLogsOfSourceBucket',
      Effect: 'Allow',
      Principal: { Service: 'logging.s3.amazonaws.com' },
      Action: 's3:PutObject',
      Resource: `arn:aws:s3:::${LOGS}/${SOURCE}/*`,
      Condition: {
        ArnEquals: { 'aws:SourceArn': `arn:aws:s3:::${SOURCE}` },
        StringEquals: { 'aws:SourceAccount': ENV.accountId },
      },
    });
  });

  it('asks the key for one statement: the logging service may use it, for this account only', () => {
    expect(keyStatements).toEqual([
      expect.objectContaining({
        Sid: 'S3ServerAccessLoggingUsesKey',
        Principal: { Service: 'logging.s3.amazonaws.com' },
        Condition: { StringEquals: { 'aws:SourceAccount': ENV.accountId } },
      }),
    ]);
  });

  it('turns logging on for the source bucket only (the log bucket logs nothing), after the log bucket policy', () => {
    const logging = one(tf, 'aws_s3_bucket_logging');
    expect(logging).toMatchObject({ bucket: '${aws_s3_bucket.source.id}', target_prefix: `${SOURCE}/` });
    expect(logging.target_bucket).toMatch(/^\$\{aws_s3_bucket\.access-logs_bucket_[0-9A-F]+\.id\}$/);
    expect(logging.depends_on).toEqual([expect.stringMatching(/^aws_s3_bucket_policy\.access-logs_tls-only_/)]);
  });

  it('expires log objects after the given days', () => {
    expect(one(tf, 'aws_s3_bucket_lifecycle_configuration').rule).toEqual([
      expect.objectContaining({ status: 'Enabled', expiration: [{ days: 90 }] }),
    ]);
    expect(one(build({ retentionDays: 7 }).tf, 'aws_s3_bucket_lifecycle_configuration').rule).toEqual([
      expect.objectContaining({ expiration: [{ days: 7 }] }),
    ]);
  });

  it('allowDestroy: the log bucket is force-destroyed with its logs instead of kept', () => {
    const { tf: destroyable } = build({ retentionDays: 90, allowDestroy: true });
    expect(bucketNamed(destroyable, LOGS)).toMatchObject({ force_destroy: true });
    expect(bucketNamed(destroyable, LOGS)?.lifecycle).toBeUndefined();
  });
});
