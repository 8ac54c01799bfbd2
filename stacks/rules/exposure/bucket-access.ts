import { bucketControls, resources } from '../../../terraform-json/stack-json';
import { fixture, type PolicyRule } from '../rule';

const buckets = (tf: Parameters<typeof resources>[0]) =>
  resources(tf)
    .filter(([t]) => t === 'aws_s3_bucket')
    .map(([, name]) => name);
const bucket = { aws_s3_bucket: { b: { bucket: 'b' } } };

export const bucketPublicAccess: PolicyRule = {
  id: 'exposure-bucket-public-access',
  check: 'exposure',
  level: 'error',
  controls: ['S3.2', 'S3.3', 'S3.8'],
  appliesTo: 'aws_s3_bucket',
  explanation:
    'All four public access block settings, so no ACL or policy can ever ' +
    'make the bucket public (S3 user guide, blocking public access).',
  evaluate: ({ tf }) =>
    buckets(tf)
      .filter((name) => !bucketControls(tf, name).publicAccessBlocked)
      .map((name) => ({ resource: `aws_s3_bucket.${name}`, message: 'bucket has no full public access block' })),
  fixtures: {
    failing: fixture({ resource: bucket }),
    passing: fixture({
      resource: {
        ...bucket,
        aws_s3_bucket_public_access_block: {
          p: {
            bucket: '${aws_s3_bucket.b.id}',
            block_public_acls: true,
            block_public_policy: true,
            ignore_public_acls: true,
            restrict_public_buckets: true,
          },
        },
      },
    }),
  },
};

export const bucketTlsOnly: PolicyRule = {
  id: 'exposure-bucket-tls-only',
  check: 'exposure',
  level: 'error',
  controls: ['S3.5'],
  appliesTo: 'aws_s3_bucket',
  explanation:
    'A bucket policy denying aws:SecureTransport false refuses every ' +
    'plain-HTTP request (S3 user guide, security best practices).',
  evaluate: ({ tf }) =>
    buckets(tf)
      .filter((name) => !bucketControls(tf, name).tlsOnly)
      .map((name) => ({
        resource: `aws_s3_bucket.${name}`,
        message: 'bucket policy does not deny requests without TLS',
      })),
  fixtures: {
    failing: fixture({ resource: bucket }),
    passing: fixture({
      resource: {
        ...bucket,
        aws_s3_bucket_policy: {
          p: {
            bucket: '${aws_s3_bucket.b.id}',
            policy: JSON.stringify({
              Statement: [
                {
                  Effect: 'Deny',
                  Principal: '*',
                  Action: 's3:*',
                  Resource: '*',
                  Condition: { Bool: { 'aws:SecureTransport': 'false' } },
                },
              ],
            }),
          },
        },
      },
    }),
  },
};
