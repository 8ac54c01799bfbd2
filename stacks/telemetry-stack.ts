import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { CloudBackend, NamedCloudWorkspace, S3Backend, TerraformOutput, type TerraformStack } from 'cdktf';
import type { Construct } from 'constructs';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { backendLocation, permissionsBoundaryOf, stateKeyAlias, staticFolder } from '../config/names';
import type { ResolvedDeployment } from '../config/resolve';
import { Analysts } from './constructs/analysts';
import { Catalog } from './constructs/catalog';
import { Delivery } from './constructs/delivery';
import { Erasure } from './constructs/erasure';
import { Ingestion } from './constructs/ingestion';
import { Monitoring } from './constructs/monitoring';
import { Query } from './constructs/query';
import { Storage } from './constructs/storage';
import { partitionOf } from '../config/aws';
import { arnsOf, type AwsEnvironment } from './iam';
import { CheckedStack } from './checked-stack';
import { pipelineFacts } from '../terraform-json/facts';
import { deployPermissions, UnknownResourceTypeError, type DeployPermissions } from './deploy-permissions';
import { organizationGuardrails } from './guardrails';
import { policyDocument, type PolicyStatement } from './iam';
import type { PolicyDocumentJson } from '../terraform-json/policy';
import { DEPLOY_POLICY_FILE, GUARDRAILS_FILE, type DeployPolicyJson } from '../terraform-json/synth-output';

/** A role's inline policies together, whitespace not counted (IAM user guide, "IAM and AWS STS quotas"). */
export const ROLE_INLINE_POLICIES_MAX_CHARACTERS = 10240;

/**
 * The plan and apply policies are each one inline policy of their role: past the quota the trust stack's apply fails.
 */
function withinInlineLimit(stack: string, permissions: DeployPermissions): DeployPermissions {
  for (const phase of ['plan', 'apply'] as const) {
    const size = JSON.stringify({ Version: '2012-10-17', Statement: permissions[phase] }).length;
    if (size > ROLE_INLINE_POLICIES_MAX_CHARACTERS)
      throw new UnknownResourceTypeError(
        `the ${phase} policy of ${stack} is ${size} characters, past a ` +
          `role's ${ROLE_INLINE_POLICIES_MAX_CHARACTERS} for inline policies (IAM user guide, "IAM ` +
          `and AWS STS quotas")`,
      );
  }
  return permissions;
}

/** Tags on every resource of a stack (through the provider's default_tags). */
export function defaultTags(d: ResolvedDeployment): Record<string, string> {
  return {
    Project: d.project,
    Environment: d.environment,
    Region: d.region,
    DataClassification: d.dataClassification,
    DataResidency: d.jurisdiction,
    RetentionProfile: d.profile,
    ManagedBy: 'cdktf',
    Stack: d.names.stack,
    // Reviewers (and scripts/report) see which other regions this deployment may reference.
    ...(d.allowedRegions.length > 0 ? { ResidencyExceptions: d.allowedRegions.join(' ') } : {}),
  };
}

/** Remote state: S3 in the stack's own region (encrypted, lock file) or a Terraform Cloud workspace. */
function configureBackend(stack: TerraformStack, d: ResolvedDeployment, env: AwsEnvironment): void {
  const arn = arnsOf(env);
  if (d.backend.type === 'cloud') {
    new CloudBackend(stack, {
      hostname: d.backend.hostname,
      organization: d.backend.organization,
      workspaces: new NamedCloudWorkspace(
        backendLocation(d.backend, d.environment, d.region, d.accountId).workspace,
        d.backend.project,
      ),
    });
    return;
  }
  const { bucket, key } = backendLocation(d.backend, d.environment, d.region, d.accountId);
  // Without kms_key_id, `encrypt` would ask for SSE-S3 and override the bucket's KMS default.
  const backend = new S3Backend(stack, {
    bucket,
    key,
    region: d.region,
    encrypt: true,
    kmsKeyId: arn.kmsAlias(stateKeyAlias(d.project)),
  });
  // cdktf 0.21 has no typed use_lockfile; S3-native locking replaces the DynamoDB lock table (Terraform ≥ 1.10).
  backend.addOverride('use_lockfile', true);
}

/** One deployment of the telemetry pipeline: ingestion → Firehose → S3 → Glue → Athena, in one region. */
export class TelemetryStack extends CheckedStack {
  readonly deployment: ResolvedDeployment;
  private readonly env: AwsEnvironment;
  /** The deploy permissions as the stack was synthesized (filesBeside). */
  private synthesizedPermissions?: DeployPermissions;

  constructor(scope: Construct, deployment: ResolvedDeployment) {
    super(
      scope,
      deployment.names.stack,
      {
        region: deployment.region,
        allowedRegions: deployment.allowedRegions,
        allowDestroy: deployment.settings.protection.allowDestroy,
      },
      pipelineFacts(deployment),
    );
    this.deployment = deployment;
    const { names, region, accountId, settings } = deployment;
    // Where the stack's resources live; each construct builds its ARNs and service principals from it.
    const env: AwsEnvironment = { partition: partitionOf(region), region, accountId };
    this.env = env;

    new AwsProvider(this, 'aws', {
      region,
      allowedAccountIds: [accountId],
      defaultTags: [{ tags: defaultTags(deployment) }],
    });
    configureBackend(this, deployment, env);

    // Consumers of the bucket's events and of the key add their own notification and key-policy statement.
    const storage = new Storage(this, 'storage', {
      env,
      names,
      lifecycle: settings.lifecycle,
      folders: settings.firehose,
      athena: settings.athena,
      protection: settings.protection,
      ...(settings.logs.bucketAccessLogs ? { accessLogs: { retentionDays: settings.logs.retentionDays } } : {}),
      keyAdministrators: settings.keys.administrators,
      erasureReceiptDays: settings.erasure.receiptRetentionDays,
    });
    const catalog = new Catalog(this, 'catalog', {
      env,
      names,
      environmentName: deployment.environment,
      catalog: settings.catalog,
      logRetentionDays: settings.logs.retentionDays,
      firehose: settings.firehose,
      extraColumns: settings.contract.extraColumns,
      encryption: storage,
      bucket: storage,
    });
    const delivery = new Delivery(this, 'delivery', {
      env,
      names,
      firehose: settings.firehose,
      logRetentionDays: settings.logs.retentionDays,
      bucket: storage.bucket,
      encryption: storage,
      schemaTable: catalog.contractTable,
    });
    const ingestion = new Ingestion(this, 'ingestion', {
      names,
      extraColumns: settings.contract.extraColumns,
      streamArn: delivery.streamArn,
    });
    new Query(this, 'query', {
      names,
      athena: settings.athena,
      extraQueries: settings.extraQueries,
      key: storage.key,
      resultsLocation: storage.athenaResultsLocation,
      database: catalog.database.name,
    });
    new Analysts(this, 'analysts', {
      env,
      names,
      dataFolder: staticFolder(settings.firehose.dataPrefix),
      resultsFolder: settings.athena.resultsPrefix,
      keyArn: storage.key.arn,
      principals: settings.analysts.principals,
    });
    new Erasure(this, 'erasure', {
      env,
      names,
      folders: {
        data: staticFolder(settings.firehose.dataPrefix),
        errors: staticFolder(settings.firehose.errorPrefix),
        results: settings.athena.resultsPrefix,
      },
      keyArn: storage.key.arn,
      lines: {
        database: catalog.database.name,
        dataPrefix: settings.firehose.dataPrefix,
        format: settings.firehose.format,
        expirationDays: settings.lifecycle.expirationDays,
      },
      athena: settings.athena,
      principals: settings.erasure.principals,
      keyAdministrators: settings.keys.administrators,
      allowDestroy: settings.protection.allowDestroy,
    });
    const monitoring = new Monitoring(this, 'monitoring', {
      env,
      names,
      monitoring: settings.monitoring,
      errorPrefix: settings.firehose.errorPrefix,
      catalogMode: settings.catalog.mode,
      encryption: storage,
      bucket: storage,
    });

    // Every role the stack makes carries its permissions boundary (made by the trust or bootstrap stack): what an
    // apply may give a role is capped by a policy the apply cannot change (stacks/deploy-permissions.ts).
    const boundary = arnsOf(env).policy(`/${permissionsBoundaryOf(names.stack)}`);
    for (const role of this.node.findAll().filter((c): c is IamRole => c instanceof IamRole))
      role.permissionsBoundary = boundary;

    // What an iOS app (and an operator) needs from this stack.
    new TerraformOutput(this, 'region', { value: region, description: 'Region the app sends events to' });
    new TerraformOutput(this, 'delivery_stream_name', {
      value: names.deliveryStream,
      description: 'Firehose stream the app puts records into',
    });
    new TerraformOutput(this, 'identity_pool_id', {
      value: ingestion.identityPoolId,
      description: 'Cognito identity pool for guest credentials',
    });
    new TerraformOutput(this, 'data_bucket', {
      value: names.dataBucket,
      description: 'Bucket holding events, failed records and query results',
    });
    new TerraformOutput(this, 'glue_database', {
      value: names.glueDatabase,
      description: 'Glue database to query in Athena',
    });
    new TerraformOutput(this, 'athena_workgroup', {
      value: names.workgroup,
      description: 'Athena workgroup with the scan cutoff and encrypted results',
    });
    new TerraformOutput(this, 'kms_key_arn', {
      value: storage.key.arn,
      description: 'Key of the data, results and alerts; analysts need Decrypt and GenerateDataKey on it',
    });
    new TerraformOutput(this, 'alert_topic_arn', {
      value: monitoring.topic.arn,
      description: 'Subscribe on-call tools here',
    });
  }

  /**
   * Its deploy policies beside its Terraform, for whoever applies it without the trust stack (S3 backends). Kept: the
   * stack's JSON no longer changes once it is synthesized, and the trust or bootstrap stack synthesized after it reads
   * the same permissions (each computation is a whole toTerraform()).
   */
  protected override filesBeside(): Record<string, unknown> {
    this.synthesizedPermissions = this.deployPermissions();
    const { plan, apply, applyIam, boundary } = this.synthesizedPermissions;
    const document = (statements: PolicyStatement[]) =>
      JSON.parse(policyDocument(statements)) as PolicyDocumentJson<PolicyStatement>;
    // The boundary every role of the stack names, and the apply role's IAM rights and denies (a managed policy of
    // their own).
    const deployPolicy: DeployPolicyJson<PolicyStatement> = {
      plan: document(plan),
      apply: document(apply),
      applyIam: document(applyIam),
      permissionsBoundary: document(boundary),
    };
    return {
      [DEPLOY_POLICY_FILE]: deployPolicy,
      // The SCP and RCP the organization's platform team attaches (stacks/guardrails.ts, docs/operating.md).
      [GUARDRAILS_FILE]: organizationGuardrails(this.deployment),
    };
  }

  /**
   * What planning and applying this stack needs (stacks/deploy-permissions.ts), from its Terraform as it is now; with
   * an S3 backend, also its state object, lock file and state key (Terraform docs, S3 backend, "Permissions
   * Required"); HCP Terraform keeps a cloud-run stack's state itself.
   */
  deployPermissions(omit: string[] = []): DeployPermissions {
    if (omit.length === 0 && this.synthesizedPermissions) return this.synthesizedPermissions;
    const d = this.deployment;
    const permissions = deployPermissions(this.toTerraform(), this.env, d.names.stack, omit);
    if (d.backend.type !== 's3') return withinInlineLimit(d.names.stack, permissions);
    const arn = arnsOf(this.env);
    const { bucket, key } = backendLocation(d.backend, d.environment, d.region, d.accountId);
    const object = (name: string) => `${arn.bucket(bucket)}/${name}`;
    const state = (phase: 'plan' | 'apply'): PolicyStatement[] => [
      {
        Sid: 'ListTheStateFolder',
        Effect: 'Allow',
        Action: 's3:ListBucket',
        Resource: arn.bucket(bucket),
        Condition: { StringLike: { 's3:prefix': [key, `${key}.tflock`] } },
      },
      {
        Sid: 'ReadTheState',
        Effect: 'Allow',
        Action: phase === 'plan' ? 's3:GetObject' : ['s3:GetObject', 's3:PutObject'],
        Resource: object(key),
      },
      // use_lockfile: every plan and apply writes and deletes `<key>.tflock`.
      {
        Sid: 'HoldTheStateLock',
        Effect: 'Allow',
        Action: ['s3:GetObject', 's3:PutObject', 's3:DeleteObject'],
        Resource: object(`${key}.tflock`),
      },
      {
        Sid: 'UseTheStateKey',
        Effect: 'Allow',
        Action: ['kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey'],
        Resource: arn.kmsKey('*'),
        Condition: { 'ForAnyValue:StringEquals': { 'kms:ResourceAliases': stateKeyAlias(d.project) } },
      },
    ];
    return withinInlineLimit(d.names.stack, {
      ...permissions,
      plan: [...permissions.plan, ...state('plan')],
      apply: [...permissions.apply, ...state('apply')],
    });
  }
}
