import type { KmsKey } from '@cdktf/provider-aws/lib/kms-key';
import { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';
import { S3BucketOwnershipControls } from '@cdktf/provider-aws/lib/s3-bucket-ownership-controls';
import { S3BucketPolicy } from '@cdktf/provider-aws/lib/s3-bucket-policy';
import { S3BucketPublicAccessBlock } from '@cdktf/provider-aws/lib/s3-bucket-public-access-block';
// eslint-disable-next-line max-len -- a module path cannot be wrapped, and prettier keeps a one-name import on one line
import { S3BucketServerSideEncryptionConfigurationA } from '@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration';
import type { Construct } from 'constructs';
import { denyInsecureTransport, policyDocument, type PolicyStatement } from '../iam';

export interface PrivateBucketProps {
  /** Bucket name (globally unique: it carries account and region). */
  readonly bucketName: string;
  /** Its ARN, built from the name, for the TLS-only policy. */
  readonly bucketArn: string;
  /** The KMS key every object is encrypted with by default. */
  readonly key: KmsKey;
  /**
   * Whether `terraform destroy` may delete the bucket. False: `lifecycle.prevent_destroy`. True: `force_destroy`, so
   * Terraform empties it (every version) and deletes it; either way the bucket depends on its key, so a destroy
   * deletes the bucket before the key is scheduled for deletion, never the other way round.
   * @default false
   */
  readonly allowDestroy?: boolean;
  /**
   * Statements the bucket policy holds beside the TLS-only deny (S3 keeps one policy per bucket).
   * @default none
   */
  readonly policyStatements?: PolicyStatement[];
}

/**
 * A bucket as every bucket of this project is made: owner-enforced (no ACLs), all public access blocked, SSE-KMS
 * with a bucket key by default, and a policy refusing requests without TLS. The resources are created directly
 * in `scope` (ids `data`, `ownership`, `public-access-block`, `encryption`, `tls-only` unless `id` prefixes them),
 * so the policy checks find all four protections beside the bucket.
 */
export function privateBucket(scope: Construct, id: string, props: PrivateBucketProps): S3Bucket {
  const bucket = new S3Bucket(scope, id, {
    bucket: props.bucketName,
    // Terraform destroys a resource before those it depends on: the bucket (and its objects) go before the key.
    // Without this edge both are deleted in parallel, and a key pending deletion makes every object unreadable
    // after its window (KMS developer guide, "Deleting AWS KMS keys").
    dependsOn: [props.key],
    ...(props.allowDestroy ? { forceDestroy: true } : { lifecycle: { preventDestroy: true } }),
  });
  new S3BucketOwnershipControls(scope, 'ownership', {
    bucket: bucket.id,
    rule: { objectOwnership: 'BucketOwnerEnforced' },
  });
  const publicAccessBlock = new S3BucketPublicAccessBlock(scope, 'public-access-block', {
    bucket: bucket.id,
    blockPublicAcls: true,
    blockPublicPolicy: true,
    ignorePublicAcls: true,
    restrictPublicBuckets: true,
  });
  new S3BucketServerSideEncryptionConfigurationA(scope, 'encryption', {
    bucket: bucket.id,
    // Bucket keys cut KMS requests (and their cost) for many small objects.
    rule: [
      {
        bucketKeyEnabled: true,
        applyServerSideEncryptionByDefault: { sseAlgorithm: 'aws:kms', kmsMasterKeyId: props.key.arn },
      },
    ],
  });
  new S3BucketPolicy(scope, 'tls-only', {
    bucket: bucket.id,
    // Applied after the public access block so S3 never sees a policy on an unprotected bucket.
    dependsOn: [publicAccessBlock],
    policy: policyDocument([
      denyInsecureTransport('s3:*', [props.bucketArn, `${props.bucketArn}/*`]),
      ...(props.policyStatements ?? []),
    ]),
  });
  return bucket;
}

/**
 * A key's `lifecycle`: `prevent_destroy` unless destroying is allowed. A destroyed key takes every object encrypted
 * under it with it once its deletion window ends.
 */
export function keyProtection(allowDestroy: boolean): { lifecycle?: { preventDestroy: true } } {
  return allowDestroy ? {} : { lifecycle: { preventDestroy: true } };
}

/** The key-policy statement every key starts with: the account administers it, and IAM policies grant its use. */
export function accountAdministersKey(rootArn: string): PolicyStatement {
  // Key policies must name the key as "*": the policy is attached to exactly one key.
  return {
    Sid: 'AccountAdministersKeyThroughIam',
    Effect: 'Allow',
    Principal: { AWS: rootArn },
    Action: 'kms:*',
    Resource: '*',
  };
}

/** What key users may do: the KMS developer guide's default key policy, "Allows key users to use the KMS key". */
export const KEY_USE_ACTIONS = [
  'kms:Encrypt',
  'kms:Decrypt',
  'kms:ReEncrypt*',
  'kms:GenerateDataKey*',
  'kms:DescribeKey',
];

/**
 * What key administrators may do: the default key policy's key administrator actions, with `kms:Create*` narrowed to
 * `kms:CreateAlias` so administrators cannot grant themselves the key's use (CreateGrant). They can still rewrite the
 * key policy (PutKeyPolicy): separation keeps the key out of administrators' everyday reach, and CloudTrail records
 * any such change.
 */
export const KEY_ADMIN_ACTIONS = [
  'kms:CreateAlias',
  'kms:Describe*',
  'kms:Enable*',
  'kms:List*',
  'kms:Put*',
  'kms:Update*',
  'kms:Revoke*',
  'kms:Disable*',
  'kms:Get*',
  'kms:Delete*',
  'kms:TagResource',
  'kms:UntagResource',
  'kms:ScheduleKeyDeletion',
  'kms:CancelKeyDeletion',
  'kms:RotateKeyOnDemand',
];

/** What a plan reads of a key (terraform-provider-aws internal/service/kms/key.go, resourceKeyRead). */
export const KEY_CONFIGURATION_READS = [
  'kms:DescribeKey',
  'kms:GetKeyPolicy',
  'kms:GetKeyRotationStatus',
  'kms:ListResourceTags',
];

/**
 * The statements a key policy starts with. Without administrators: the account administers and uses the key through
 * IAM. With them: the account only uses it through IAM (and lets AWS services hold grants on it, as Firehose does),
 * and the administrators alone manage it (KMS developer guide, "Default key policy").
 */
export function accountKeyStatements(rootArn: string, administrators: readonly string[] = []): PolicyStatement[] {
  if (administrators.length === 0) return [accountAdministersKey(rootArn)];
  return [
    {
      Sid: 'AccountUsesKeyThroughIam',
      Effect: 'Allow',
      Principal: { AWS: rootArn },
      Action: KEY_USE_ACTIONS,
      Resource: '*',
    },
    {
      Sid: 'AccountLetsAwsServicesHoldGrants',
      Effect: 'Allow',
      Principal: { AWS: rootArn },
      Action: ['kms:CreateGrant', 'kms:ListGrants', 'kms:RevokeGrant'],
      Resource: '*',
      Condition: { Bool: { 'kms:GrantIsForAWSResource': 'true' } },
    },
    // What Terraform's refresh reads of the key (the provider's resource read: DescribeKey, GetKeyPolicy,
    // GetKeyRotationStatus, ListResourceTags): without it the account's IAM cannot let the plan role read the key, and
    // every plan of the stack fails once administrators are set. Reads only; the key's use and its changes stay above.
    {
      Sid: 'AccountReadsTheKeyConfigurationThroughIam',
      Effect: 'Allow',
      Principal: { AWS: rootArn },
      Action: KEY_CONFIGURATION_READS,
      Resource: '*',
    },
    {
      Sid: 'KeyAdministrators',
      Effect: 'Allow',
      Principal: { AWS: [...administrators] },
      Action: KEY_ADMIN_ACTIONS,
      Resource: '*',
    },
  ];
}
