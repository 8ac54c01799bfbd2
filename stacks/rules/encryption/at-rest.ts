import { bucketControls, resources, type TerraformJson } from '../../../terraform-json/stack-json';
import { fixture, type PolicyRule, type Violation } from '../rule';
import { rotatable } from '../../../config/controls';

const ofType = (tf: TerraformJson, type: string) => resources(tf).filter(([t]) => t === type);

export const bucketKms: PolicyRule = {
  id: 'encryption-bucket-kms',
  check: 'encryption',
  level: 'error',
  controls: ['S3.17', 'S3.4'],
  appliesTo: 'aws_s3_bucket',
  explanation:
    'Event data is encrypted by default with a key of the stack (SSE-KMS), so ' +
    'its use is logged and its access is governed by the key policy.',
  evaluate: ({ tf }) =>
    ofType(tf, 'aws_s3_bucket')
      .filter(([, name]) => !bucketControls(tf, name).kmsKey)
      .map(([, name]) => ({ resource: `aws_s3_bucket.${name}`, message: 'bucket has no SSE-KMS default encryption' })),
  fixtures: {
    failing: fixture({ resource: { aws_s3_bucket: { b: { bucket: 'b' } } } }),
    passing: fixture({
      resource: {
        aws_s3_bucket: { b: { bucket: 'b' } },
        aws_s3_bucket_server_side_encryption_configuration: {
          e: {
            bucket: '${aws_s3_bucket.b.id}',
            rule: [{ apply_server_side_encryption_by_default: { sse_algorithm: 'aws:kms', kms_master_key_id: 'k' } }],
          },
        },
      },
    }),
  },
};

export const keyRotation: PolicyRule = {
  id: 'encryption-key-rotation',
  check: 'encryption',
  level: 'error',
  controls: ['KMS.4'],
  appliesTo: 'aws_kms_key',
  explanation:
    'Automatic yearly rotation of key material (KMS developer guide, rotating keys). Symmetric ' +
    'encryption keys only: KMS cannot rotate an HMAC or asymmetric key automatically (KMS API ' +
    'reference, EnableKeyRotation), so such a key is not checked here, and the controls view ' +
    'shows KMS.4 on it as exempted with that reason (config/controls.ts).',
  evaluate: ({ tf }) =>
    ofType(tf, 'aws_kms_key')
      .filter(([, , key]) => rotatable(key) && key.enable_key_rotation !== true)
      .map(([, name]) => ({ resource: `aws_kms_key.${name}`, message: 'KMS key does not rotate' })),
  fixtures: {
    failing: fixture({ resource: { aws_kms_key: { k: {} } } }),
    passing: fixture({
      resource: {
        aws_kms_key: {
          k: { enable_key_rotation: true },
          mac: { customer_master_key_spec: 'HMAC_256', key_usage: 'GENERATE_VERIFY_MAC' },
        },
      },
    }),
  },
};

export const logGroupKms: PolicyRule = {
  id: 'encryption-log-group-kms',
  check: 'encryption',
  level: 'warning',
  controls: ['cloudwatch-log-group-encrypted'],
  appliesTo: 'aws_cloudwatch_log_group',
  explanation: "Delivery error messages may quote record content; they belong under the stack's key like the records.",
  evaluate: ({ tf }) =>
    ofType(tf, 'aws_cloudwatch_log_group')
      .filter(([, , g]) => !g.kms_key_id)
      .map(([, name]) => ({
        resource: `aws_cloudwatch_log_group.${name}`,
        message: 'log group is not encrypted with the stack key',
      })),
  fixtures: {
    failing: fixture({ resource: { aws_cloudwatch_log_group: { g: { name: 'g' } } } }),
    passing: fixture({ resource: { aws_cloudwatch_log_group: { g: { name: 'g', kms_key_id: 'k' } } } }),
  },
};

export const messagingEncryption: PolicyRule = {
  id: 'encryption-topics-and-queues',
  check: 'encryption',
  level: 'error',
  controls: ['SNS.1', 'SQS.1'],
  appliesTo: 'aws_sns_topic, aws_sqs_queue',
  explanation: 'Alerts name buckets and objects; queued S3 events name object keys: both are encrypted at rest.',
  evaluate: ({ tf }) => {
    const violations: Violation[] = [];
    for (const [, name, topic] of ofType(tf, 'aws_sns_topic'))
      if (!topic.kms_master_key_id)
        violations.push({ resource: `aws_sns_topic.${name}`, message: 'SNS topic is not KMS-encrypted' });
    for (const [, name, queue] of ofType(tf, 'aws_sqs_queue')) {
      if (!queue.kms_master_key_id && queue.sqs_managed_sse_enabled !== true)
        violations.push({ resource: `aws_sqs_queue.${name}`, message: 'SQS queue is not encrypted' });
    }
    return violations;
  },
  fixtures: {
    failing: fixture({ resource: { aws_sns_topic: { t: { name: 't' } } } }),
    passing: fixture({
      resource: {
        aws_sns_topic: { t: { name: 't', kms_master_key_id: 'k' } },
        aws_sqs_queue: { q: { sqs_managed_sse_enabled: true } },
      },
    }),
  },
};
