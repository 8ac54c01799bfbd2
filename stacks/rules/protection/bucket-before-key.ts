import { bucketControls, resources } from '../../../terraform-json/stack-json';
import { asList } from '../../../terraform-json/policy';
import { fixture, type PolicyRule } from '../rule';

export const bucketBeforeKey: PolicyRule = {
  id: 'protection-bucket-before-key',
  check: 'protection',
  level: 'error',
  appliesTo: 'aws_s3_bucket encrypted with a key of the stack',
  explanation:
    'Terraform destroys a resource before what it depends on; without the edge, ' +
    'the key is scheduled for deletion in parallel with its bucket.',
  evaluate: ({ tf }) =>
    resources(tf)
      .filter(([t]) => t === 'aws_s3_bucket')
      .flatMap(([, name, bucket]) => {
        const key = /^\$\{(aws_kms_key\.[A-Za-z0-9_-]+)\.arn\}$/.exec(bucketControls(tf, name).kmsKey ?? '')?.[1];
        return key && !asList(bucket.depends_on as string[] | undefined).includes(key)
          ? [
              {
                resource: `aws_s3_bucket.${name}`,
                message:
                  `does not depend on ${key}: a destroy would schedule the key ` +
                  `for deletion while the bucket still holds objects`,
              },
            ]
          : [];
      }),
  fixtures: {
    failing: fixture({
      resource: {
        aws_s3_bucket: { b: { bucket: 'b' } },
        aws_s3_bucket_server_side_encryption_configuration: {
          e: {
            bucket: '${aws_s3_bucket.b.id}',
            rule: [
              {
                apply_server_side_encryption_by_default: {
                  sse_algorithm: 'aws:kms',
                  kms_master_key_id: '${aws_kms_key.k.arn}',
                },
              },
            ],
          },
        },
      },
    }),
    passing: fixture({
      resource: {
        aws_s3_bucket: { b: { bucket: 'b', depends_on: ['aws_kms_key.k'] } },
        aws_s3_bucket_server_side_encryption_configuration: {
          e: {
            bucket: '${aws_s3_bucket.b.id}',
            rule: [
              {
                apply_server_side_encryption_by_default: {
                  sse_algorithm: 'aws:kms',
                  kms_master_key_id: '${aws_kms_key.k.arn}',
                },
              },
            ],
          },
        },
      },
    }),
  },
};
