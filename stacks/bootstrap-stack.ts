import { KmsAlias } from '@cdktf/provider-aws/lib/kms-alias';
import { KmsKey } from '@cdktf/provider-aws/lib/kms-key';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';
import { S3BucketLifecycleConfiguration } from '@cdktf/provider-aws/lib/s3-bucket-lifecycle-configuration';
import { S3BucketOwnershipControls } from '@cdktf/provider-aws/lib/s3-bucket-ownership-controls';
import { S3BucketPolicy } from '@cdktf/provider-aws/lib/s3-bucket-policy';
import { S3BucketPublicAccessBlock } from '@cdktf/provider-aws/lib/s3-bucket-public-access-block';
import { S3BucketServerSideEncryptionConfigurationA } from '@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration';
import { S3BucketVersioningA } from '@cdktf/provider-aws/lib/s3-bucket-versioning';
import { LocalBackend, TerraformOutput } from 'cdktf';
import type { Construct } from 'constructs';
import { partitionOf } from '../config/aws';
import { bootstrapStackName } from '../config/names';
import type { BootstrapTarget } from '../config/targets';
import { CheckedStack } from './checked-stack';
import { arns, policyDocument } from './iam';

/** Where bootstrap stacks keep their own (small) state: a local file beside the project, never in cdktf.out. */
export const BOOTSTRAP_STATE_DIR = 'bootstrap-state';

/**
 * The S3 bucket the telemetry stacks of one account × region keep Terraform state in: versioned, SSE-KMS with
 * its own rotating key, private, TLS-only, old state versions expiring. Its own state is local (see README).
 */
export class StateBootstrapStack extends CheckedStack {
  constructor(scope: Construct, readonly target: BootstrapTarget) {
    const id = bootstrapStackName(target.project, target.accountId, target.region);
    super(scope, id, { region: target.region, allowedRegions: [] });
    const { accountId, region, bucket: bucketName } = target;
    const arn = arns(partitionOf(region), region, accountId);

    new AwsProvider(this, 'aws', {
      region,
      allowedAccountIds: [accountId],
      defaultTags: [{ tags: { Project: target.project, Region: region, Purpose: 'terraform-state', ManagedBy: 'cdktf', Stack: id } }],
    });
    // Relative to the stack's working directory cdktf.out/stacks/<id>/, so the path is the same on every machine.
    new LocalBackend(this, { path: `../../../${BOOTSTRAP_STATE_DIR}/${id}.tfstate` });

    const key = new KmsKey(this, 'state-key', {
      description: `${id}: Terraform state of ${target.stacks.join(', ')}`,
      enableKeyRotation: true,
      deletionWindowInDays: 30,
      policy: policyDocument([
        // Key policies must name the key as "*"; the account root delegates use of the key to IAM policies.
        { Sid: 'AccountAdministersKeyThroughIam', Effect: 'Allow', Principal: { AWS: arn.root() }, Action: 'kms:*', Resource: '*' },
      ]),
    });
    new KmsAlias(this, 'state-key-alias', { name: `alias/${target.project}-tfstate`, targetKeyId: key.keyId });

    const bucket = new S3Bucket(this, 'state', { bucket: bucketName });
    // State is history: keep versions, so a bad apply can be rolled back.
    new S3BucketVersioningA(this, 'versioning', { bucket: bucket.id, versioningConfiguration: { status: 'Enabled' } });
    new S3BucketOwnershipControls(this, 'ownership', { bucket: bucket.id, rule: { objectOwnership: 'BucketOwnerEnforced' } });
    const publicAccessBlock = new S3BucketPublicAccessBlock(this, 'public-access-block', {
      bucket: bucket.id,
      blockPublicAcls: true,
      blockPublicPolicy: true,
      ignorePublicAcls: true,
      restrictPublicBuckets: true,
    });
    new S3BucketServerSideEncryptionConfigurationA(this, 'encryption', {
      bucket: bucket.id,
      rule: [{ bucketKeyEnabled: true, applyServerSideEncryptionByDefault: { sseAlgorithm: 'aws:kms', kmsMasterKeyId: key.arn } }],
    });
    const bucketArn = arn.bucket(bucketName);
    new S3BucketPolicy(this, 'tls-only', {
      bucket: bucket.id,
      dependsOn: [publicAccessBlock],
      policy: policyDocument([
        { Sid: 'DenyInsecureTransport', Effect: 'Deny', Principal: '*', Action: 's3:*', Resource: [bucketArn, `${bucketArn}/*`], Condition: { Bool: { 'aws:SecureTransport': 'false' } } },
      ]),
    });
    new S3BucketLifecycleConfiguration(this, 'lifecycle', {
      bucket: bucket.id,
      rule: [
        {
          id: 'expire-superseded-state',
          status: 'Enabled',
          filter: [{}],
          noncurrentVersionExpiration: [{ noncurrentDays: target.noncurrentVersionExpirationDays }],
          abortIncompleteMultipartUpload: [{ daysAfterInitiation: 7 }],
        },
      ],
    });
    new TerraformOutput(this, 'state_bucket', { value: bucketName });
  }
}
