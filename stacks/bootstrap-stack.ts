import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { KmsAlias } from '@cdktf/provider-aws/lib/kms-alias';
import { KmsKey } from '@cdktf/provider-aws/lib/kms-key';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { S3BucketLifecycleConfiguration } from '@cdktf/provider-aws/lib/s3-bucket-lifecycle-configuration';
import { S3BucketVersioningA } from '@cdktf/provider-aws/lib/s3-bucket-versioning';
import { Lazy, LocalBackend, TerraformOutput } from 'cdktf';
import type { Construct } from 'constructs';
import { partitionOf } from '../config/aws';
import { bootstrapStackName, stateKeyAlias } from '../config/names';
import type { BootstrapTarget } from '../config/targets';
import { CheckedStack } from './checked-stack';
import { stateFacts } from '../terraform-json/facts';
import { accountAdministersKey, keyProtection, privateBucket } from './constructs/private-bucket';
import { AccessLogs } from './constructs/access-logs';
import { applyIamPolicy, permissionsBoundaryPolicy } from './constructs/permissions-boundary';
import { arns, policyDocument, type PolicyStatement } from './iam';
import type { DeployPermissions } from './deploy-permissions';

/** Where bootstrap stacks keep their own (small) state: a local file beside the project, never in cdktf.out. */
export const BOOTSTRAP_STATE_DIR = 'bootstrap-state';

/**
 * The S3 bucket the telemetry stacks of one account × region keep Terraform state in: versioned, SSE-KMS with
 * its own rotating key, private, TLS-only, old state versions expiring, its requests logged when a deployment turns
 * access logs on; bucket and key carry `prevent_destroy`
 * unless every stack it holds state for allows destroy. Its own state is local (docs/operating.md, first-time setup).
 */
export class StateBootstrapStack extends CheckedStack {
  /**
   * `computePermissions` gives a pipeline stack's deploy permissions: its permissions boundary, made here for each
   * stack whose state the bucket holds, and its deploy role's policy (`backend.deployRolePrincipals`). Without it (a
   * state bucket alone), neither is made.
   */
  constructor(
    scope: Construct,
    readonly target: BootstrapTarget,
    computePermissions?: (stack: string) => DeployPermissions,
  ) {
    const id = bootstrapStackName(target.project, target.accountId, target.region);
    super(
      scope,
      id,
      { region: target.region, allowedRegions: [], allowDestroy: target.allowDestroy },
      stateFacts(target),
    );
    const { accountId, region, bucket: bucketName } = target;
    const arn = arns(partitionOf(region), region, accountId);

    new AwsProvider(this, 'aws', {
      region,
      allowedAccountIds: [accountId],
      defaultTags: [
        {
          tags: { Project: target.project, Region: region, Purpose: 'terraform-state', ManagedBy: 'cdktf', Stack: id },
        },
      ],
    });
    // Relative to the stack's working directory cdktf.out/stacks/<id>/, so the path is the same on every machine.
    new LocalBackend(this, { path: `../../../${BOOTSTRAP_STATE_DIR}/${id}.tfstate` });

    const keyStatements: PolicyStatement[] = [accountAdministersKey(arn.root())];
    const key = new KmsKey(this, 'state-key', {
      description: `${id}: Terraform state of ${target.stacks.join(', ')}`,
      enableKeyRotation: true,
      deletionWindowInDays: 30,
      ...keyProtection(target.allowDestroy),
      // The access logs, when on, add the logging service's statement.
      policy: Lazy.stringValue({ produce: () => policyDocument(keyStatements) }),
    });
    new KmsAlias(this, 'state-key-alias', { name: stateKeyAlias(target.project), targetKeyId: key.keyId });

    const bucket = privateBucket(this, 'state', {
      bucketName,
      bucketArn: arn.bucket(bucketName),
      key,
      allowDestroy: target.allowDestroy,
    });
    // State is history: keep versions, so a bad apply can be rolled back.
    const versioning = new S3BucketVersioningA(this, 'versioning', {
      bucket: bucket.id,
      versioningConfiguration: { status: 'Enabled' },
    });
    new S3BucketLifecycleConfiguration(this, 'lifecycle', {
      bucket: bucket.id,
      dependsOn: [versioning],
      rule: [
        {
          id: 'expire-superseded-state',
          status: 'Enabled',
          filter: [{}],
          noncurrentVersionExpiration: [{ noncurrentDays: target.noncurrentVersionExpirationDays }],
          // Every lock file (use_lockfile) is deleted after its run, leaving a delete marker; once its noncurrent
          // versions have expired the marker is alone, and S3 removes it.
          expiration: [{ expiredObjectDeleteMarker: true }],
          abortIncompleteMultipartUpload: [{ daysAfterInitiation: 7 }],
        },
      ],
    });
    if (target.accessLogs) {
      new AccessLogs(this, 'access-logs', {
        env: { partition: partitionOf(region), region, accountId },
        source: bucket,
        sourceName: bucketName,
        logBucketName: target.accessLogs.bucket,
        encryption: { key, addToKeyPolicy: (statement) => keyStatements.push(statement) },
        retentionDays: target.accessLogs.retentionDays,
        allowDestroy: target.allowDestroy,
      });
    }
    const permissionsOf = computePermissions && this.oncePerResolution('deploy permissions', computePermissions);
    if (permissionsOf) for (const stack of target.stacks) permissionsBoundaryPolicy(this, stack, permissionsOf);
    if (target.deployRoles.length > 0 && !permissionsOf)
      throw new Error(
        `the deploy roles of ${target.deployRoles.map((r) => r.stack).join(', ')} need ` +
          `their pipeline stacks (buildBootstrapStacks with the telemetry stacks)`,
      );
    for (const { stack, role: roleName, principals } of target.deployRoles) {
      const role = new IamRole(this, `${stack}-deploy`, {
        name: roleName,
        description: `Applies ${stack}: its resources and its state (generated from the stack)`,
        assumeRolePolicy: policyDocument([
          { Effect: 'Allow', Principal: { AWS: principals }, Action: 'sts:AssumeRole' },
        ]),
      });
      // Inline, as the trust stack's: a pipeline's apply policy is past a managed policy's size limit.
      new IamRolePolicy(this, `${stack}-deploy-policy`, {
        role: role.name,
        name: 'deploy-apply',
        policy: Lazy.stringValue({ produce: () => policyDocument(permissionsOf!(stack).apply) }),
      });
      applyIamPolicy(this, stack, role, permissionsOf!);
      new TerraformOutput(this, `${stack}-deploy-role-arn`, {
        value: role.arn,
        description: `Role that applies ${stack}`,
      });
    }
    new TerraformOutput(this, 'state_bucket', { value: bucketName });
  }
}
