import { S3BucketLifecycleConfiguration } from '@cdktf/provider-aws/lib/s3-bucket-lifecycle-configuration';
import { S3BucketLoggingA } from '@cdktf/provider-aws/lib/s3-bucket-logging';
import type { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';
import type { S3BucketPolicy } from '@cdktf/provider-aws/lib/s3-bucket-policy';
import { Construct } from 'constructs';
import { arnsOf, principalIn, type AwsEnvironment } from '../iam';
import { privateBucket } from './private-bucket';
import type { KeyPolicyContributions } from './storage';

export interface AccessLogsProps {
  /** Account, region and partition of both buckets (S3 delivers access logs within one account and region). */
  readonly env: AwsEnvironment;
  /** The bucket whose requests are logged. */
  readonly source: S3Bucket;
  /** Its name, known at synth, for the log prefix and the log bucket policy's `aws:SourceArn`. */
  readonly sourceName: string;
  /** The log bucket's name. */
  readonly logBucketName: string;
  /** The key the log bucket is encrypted with; the logging service gets its statement in the key's policy. */
  readonly encryption: KeyPolicyContributions;
  /** Days log objects are kept. */
  readonly retentionDays: number;
  /**
   * Whether `terraform destroy` may delete the log bucket (with its logs).
   * @default false
   */
  readonly allowDestroy?: boolean;
}

/**
 * Server access logs of one bucket (S3 user guide, "Enabling Amazon S3 server access logging"): a log bucket in the
 * same account and region, made like every bucket here, whose policy lets the logging service put objects under the
 * source bucket's prefix, for that bucket and account only; the logs expire after `retentionDays`. It is encrypted with
 * the given key: S3 delivers logs to an SSE-KMS bucket when the key policy lets the logging service use the key
 * (aws/aws-cdk PR #25350 and its integration test, which delivered logs that way). The log bucket logs nothing
 * itself: into itself it would log its own deliveries without end (same guide).
 */
export class AccessLogs extends Construct {
  readonly bucket: S3Bucket;

  constructor(scope: Construct, id: string, props: AccessLogsProps) {
    super(scope, id);
    const { env, sourceName, logBucketName } = props;
    const arn = arnsOf(env);
    const logging = principalIn(env)('logging.s3');
    const prefix = `${sourceName}/`;
    const logBucketArn = arn.bucket(logBucketName);
    this.bucket = privateBucket(this, 'bucket', {
      bucketName: logBucketName,
      bucketArn: logBucketArn,
      key: props.encryption.key,
      allowDestroy: props.allowDestroy ?? false,
      policyStatements: [
        {
          Sid: 'S3ServerAccessLogsOfSourceBucket',
          Effect: 'Allow',
          Principal: { Service: logging },
          Action: 's3:PutObject',
          Resource: `${logBucketArn}/${prefix}*`,
          Condition: {
            ArnEquals: { 'aws:SourceArn': arn.bucket(sourceName) },
            StringEquals: { 'aws:SourceAccount': env.accountId },
          },
        },
      ],
    });
    props.encryption.addToKeyPolicy({
      Sid: 'S3ServerAccessLoggingUsesKey',
      Effect: 'Allow',
      Principal: { Service: logging },
      Action: ['kms:GenerateDataKey', 'kms:Decrypt'],
      Resource: '*',
      Condition: { StringEquals: { 'aws:SourceAccount': env.accountId } },
    });
    new S3BucketLifecycleConfiguration(this, 'lifecycle', {
      bucket: this.bucket.id,
      rule: [
        { id: 'expire-access-logs', status: 'Enabled', filter: [{}], expiration: [{ days: props.retentionDays }] },
      ],
    });
    // S3 checks the log bucket's policy when logging is turned on: set it after the policy.
    const policy = this.node.findChild('tls-only') as S3BucketPolicy;
    new S3BucketLoggingA(this, 'logging', {
      bucket: props.source.id,
      targetBucket: this.bucket.id,
      targetPrefix: prefix,
      dependsOn: [policy],
    });
  }
}
