/**
 * What the identity that plans and applies a pipeline stack may do, generated from the stack's own Terraform JSON:
 * for each resource type it declares, the API actions Terraform's AWS provider (5.100) calls to read, create, update
 * and delete it, scoped to the ARNs of the stack's resources (built from their configured names) where AWS allows
 * resource-level permissions, and by region and tag conditions where it does not. The plan role gets `read`, the
 * apply role `read` + `write` (stacks/trust-stack.ts); S3-backend users take the same policy from
 * `cdktf.out/stacks/<stack>/deploy-policy.json`. Proven by the e2e (`npm run e2e -- --deploy-role`): the pipeline stack
 * applies, plans clean and is destroyed on the emulator with nothing more, and one action removed makes it fail.
 *
 * Action names and which actions take no resource: the Service Authorization Reference of each service
 * (docs.aws.amazon.com/service-authorization/latest/reference/). Which calls the provider makes: its resource code
 * (github.com/hashicorp/terraform-provider-aws, internal/service/<service>/), checked by the e2e under moto's IAM
 * enforcement, which checks actions but not resources or conditions (docs/e2e.md).
 */
import { authorizesNoResource } from './iam-catalogue';
import type { TerraformJson } from './policy-checks';
import { arnsOf, type AwsEnvironment, type Condition, type PolicyStatement } from './iam';

type Arns = ReturnType<typeof arnsOf>;
type Config = Record<string, unknown>;

interface TypePermissions {
  /** What refresh and plan call: the plan role's. */
  read: string[];
  /** What create, update and delete call besides. */
  write: string[];
  /** The ARNs a resource of the type has, from its configuration; sub-resources (a bucket's policy) have none. */
  arns?: (config: Config, arn: Arns) => string[];
}

const named = (config: Config, attribute: string): string | undefined => {
  const value = config[attribute];
  // A name Terraform computes (a reference) cannot scope a statement; the service's other ARNs still do.
  return typeof value === 'string' && !value.includes('${') ? value : undefined;
};
const arnOf = (config: Config, attribute: string, build: (name: string) => string[]): string[] => {
  const name = named(config, attribute);
  return name === undefined ? [] : build(name);
};

const S3_BUCKET_READ = [
  's3:ListBucket',
  's3:GetBucketLocation',
  's3:GetBucketAcl',
  's3:GetBucketCORS',
  's3:GetBucketWebsite',
  's3:GetBucketVersioning',
  's3:GetAccelerateConfiguration',
  's3:GetBucketRequestPayment',
  's3:GetBucketLogging',
  's3:GetLifecycleConfiguration',
  's3:GetReplicationConfiguration',
  's3:GetEncryptionConfiguration',
  's3:GetBucketObjectLockConfiguration',
  's3:GetBucketTagging',
  's3:GetBucketPolicy',
];

/** Per resource type the stacks use. A type missing here fails synth (deployPermissions), never silently. */
export const PERMISSIONS_BY_TYPE: Record<string, TypePermissions> = {
  aws_s3_bucket: {
    read: S3_BUCKET_READ,
    // force_destroy (protection.allowDestroy) empties the bucket, versions included, before deleting it.
    write: ['s3:CreateBucket', 's3:DeleteBucket', 's3:PutBucketTagging', 's3:ListBucketVersions', 's3:DeleteObject', 's3:DeleteObjectVersion'],
    arns: (c, arn) => arnOf(c, 'bucket', (b) => [arn.bucket(b), `${arn.bucket(b)}/*`]),
  },
  aws_s3_bucket_policy: { read: ['s3:GetBucketPolicy'], write: ['s3:PutBucketPolicy', 's3:DeleteBucketPolicy'] },
  aws_s3_bucket_public_access_block: { read: ['s3:GetBucketPublicAccessBlock'], write: ['s3:PutBucketPublicAccessBlock'] },
  aws_s3_bucket_ownership_controls: { read: ['s3:GetBucketOwnershipControls'], write: ['s3:PutBucketOwnershipControls'] },
  aws_s3_bucket_server_side_encryption_configuration: { read: ['s3:GetEncryptionConfiguration'], write: ['s3:PutEncryptionConfiguration'] },
  aws_s3_bucket_versioning: { read: ['s3:GetBucketVersioning'], write: ['s3:PutBucketVersioning'] },
  aws_s3_bucket_lifecycle_configuration: { read: ['s3:GetLifecycleConfiguration'], write: ['s3:PutLifecycleConfiguration'] },
  aws_s3_bucket_notification: { read: ['s3:GetBucketNotification'], write: ['s3:PutBucketNotification'] },
  aws_s3_bucket_logging: { read: ['s3:GetBucketLogging'], write: ['s3:PutBucketLogging'] },
  aws_kms_key: {
    read: ['kms:DescribeKey', 'kms:GetKeyPolicy', 'kms:GetKeyRotationStatus', 'kms:ListResourceTags'],
    write: ['kms:CreateKey', 'kms:PutKeyPolicy', 'kms:EnableKeyRotation', 'kms:DisableKeyRotation', 'kms:UpdateKeyDescription', 'kms:TagResource', 'kms:UntagResource', 'kms:ScheduleKeyDeletion'],
  },
  aws_kms_alias: {
    read: ['kms:ListAliases'],
    write: ['kms:CreateAlias', 'kms:UpdateAlias', 'kms:DeleteAlias'],
    arns: (c, arn) => arnOf(c, 'name', (alias) => [arn.kmsAlias(alias)]),
  },
  aws_kinesis_firehose_delivery_stream: {
    read: ['firehose:DescribeDeliveryStream', 'firehose:ListTagsForDeliveryStream'],
    // A stream encrypted with a customer managed key needs the caller's kms:CreateGrant (Firehose API reference,
    // CreateDeliveryStream: DeliveryStreamEncryptionConfigurationInput); it is granted on the stack's key below.
    write: ['firehose:CreateDeliveryStream', 'firehose:DeleteDeliveryStream', 'firehose:UpdateDestination', 'firehose:TagDeliveryStream', 'firehose:UntagDeliveryStream', 'firehose:StartDeliveryStreamEncryption', 'firehose:StopDeliveryStreamEncryption', 'kms:CreateGrant'],
    arns: (c, arn) => arnOf(c, 'name', (n) => [arn.deliveryStream(n)]),
  },
  aws_glue_catalog_database: {
    read: ['glue:GetDatabase', 'glue:GetTags'],
    write: ['glue:CreateDatabase', 'glue:UpdateDatabase', 'glue:DeleteDatabase', 'glue:TagResource', 'glue:UntagResource'],
    arns: (c, arn) => arnOf(c, 'name', (db) => [arn.glue('catalog'), arn.glue(`database/${db}`), arn.glue(`table/${db}/*`), arn.glue(`userDefinedFunction/${db}/*`)]),
  },
  aws_glue_catalog_table: { read: ['glue:GetTable'], write: ['glue:CreateTable', 'glue:UpdateTable', 'glue:DeleteTable'] },
  aws_glue_crawler: {
    read: ['glue:GetCrawler', 'glue:GetTags'],
    write: ['glue:CreateCrawler', 'glue:UpdateCrawler', 'glue:DeleteCrawler', 'glue:TagResource', 'glue:UntagResource'],
    arns: (c, arn) => arnOf(c, 'name', (n) => [arn.glue(`crawler/${n}`)]),
  },
  aws_glue_security_configuration: { read: ['glue:GetSecurityConfiguration'], write: ['glue:CreateSecurityConfiguration', 'glue:DeleteSecurityConfiguration'] },
  aws_athena_workgroup: {
    read: ['athena:GetWorkGroup', 'athena:ListTagsForResource'],
    write: ['athena:CreateWorkGroup', 'athena:UpdateWorkGroup', 'athena:DeleteWorkGroup', 'athena:TagResource', 'athena:UntagResource'],
    arns: (c, arn) => arnOf(c, 'name', (n) => [arn.athenaWorkgroup(n)]),
  },
  aws_athena_named_query: { read: ['athena:GetNamedQuery'], write: ['athena:CreateNamedQuery', 'athena:DeleteNamedQuery'] },
  aws_cognito_identity_pool: {
    read: ['cognito-identity:DescribeIdentityPool', 'cognito-identity:ListTagsForResource'],
    write: ['cognito-identity:CreateIdentityPool', 'cognito-identity:UpdateIdentityPool', 'cognito-identity:DeleteIdentityPool', 'cognito-identity:TagResource', 'cognito-identity:UntagResource'],
    // Its id is made by AWS: the stack's region and account, and its tag, scope it.
    arns: (_c, arn) => [arn.identityPool('*')],
  },
  aws_cognito_identity_pool_roles_attachment: { read: ['cognito-identity:GetIdentityPoolRoles'], write: ['cognito-identity:SetIdentityPoolRoles'] },
  aws_iam_role: {
    read: ['iam:GetRole', 'iam:ListRolePolicies', 'iam:ListAttachedRolePolicies'],
    write: ['iam:CreateRole', 'iam:DeleteRole', 'iam:UpdateRole', 'iam:UpdateRoleDescription', 'iam:UpdateAssumeRolePolicy', 'iam:TagRole', 'iam:UntagRole', 'iam:ListInstanceProfilesForRole'],
    arns: (c, arn) => arnOf(c, 'name', (n) => [arn.role(n)]),
  },
  aws_iam_role_policy: { read: ['iam:GetRolePolicy'], write: ['iam:PutRolePolicy', 'iam:DeleteRolePolicy'] },
  aws_iam_role_policy_attachment: { read: ['iam:ListAttachedRolePolicies'], write: ['iam:AttachRolePolicy', 'iam:DetachRolePolicy'] },
  aws_iam_policy: {
    read: ['iam:GetPolicy', 'iam:GetPolicyVersion', 'iam:ListPolicyVersions'],
    write: ['iam:CreatePolicy', 'iam:CreatePolicyVersion', 'iam:DeletePolicyVersion', 'iam:DeletePolicy', 'iam:TagPolicy', 'iam:UntagPolicy'],
    arns: (c, arn) => arnOf(c, 'name', (n) => [arn.policy(`${named(c, 'path') ?? '/'}${n}`)]),
  },
  aws_sns_topic: {
    read: ['sns:GetTopicAttributes', 'sns:ListTagsForResource'],
    write: ['sns:CreateTopic', 'sns:DeleteTopic', 'sns:SetTopicAttributes', 'sns:TagResource', 'sns:UntagResource'],
    arns: (c, arn) => arnOf(c, 'name', (n) => [arn.snsTopic(n)]),
  },
  aws_sns_topic_policy: { read: ['sns:GetTopicAttributes'], write: ['sns:SetTopicAttributes'] },
  aws_sns_topic_subscription: { read: ['sns:GetSubscriptionAttributes'], write: ['sns:Subscribe', 'sns:Unsubscribe', 'sns:SetSubscriptionAttributes'] },
  aws_sqs_queue: {
    read: ['sqs:GetQueueAttributes', 'sqs:GetQueueUrl', 'sqs:ListQueueTags'],
    write: ['sqs:CreateQueue', 'sqs:DeleteQueue', 'sqs:SetQueueAttributes', 'sqs:TagQueue', 'sqs:UntagQueue'],
    arns: (c, arn) => arnOf(c, 'name', (n) => [arn.sqsQueue(n)]),
  },
  aws_sqs_queue_policy: { read: ['sqs:GetQueueAttributes'], write: ['sqs:SetQueueAttributes'] },
  aws_cloudwatch_log_group: {
    read: ['logs:DescribeLogGroups', 'logs:ListTagsForResource'],
    write: ['logs:CreateLogGroup', 'logs:DeleteLogGroup', 'logs:PutRetentionPolicy', 'logs:DeleteRetentionPolicy', 'logs:AssociateKmsKey', 'logs:DisassociateKmsKey', 'logs:TagResource', 'logs:UntagResource'],
    arns: (c, arn) => arnOf(c, 'name', (n) => [arn.logGroup(n), `${arn.logGroup(n)}:*`]),
  },
  aws_cloudwatch_log_stream: { read: ['logs:DescribeLogStreams'], write: ['logs:CreateLogStream', 'logs:DeleteLogStream'] },
  aws_cloudwatch_metric_alarm: {
    read: ['cloudwatch:DescribeAlarms', 'cloudwatch:ListTagsForResource'],
    write: ['cloudwatch:PutMetricAlarm', 'cloudwatch:DeleteAlarms', 'cloudwatch:TagResource', 'cloudwatch:UntagResource'],
    arns: (c, arn) => arnOf(c, 'alarm_name', (n) => [arn.alarm(n)]),
  },
  aws_cloudwatch_dashboard: {
    read: ['cloudwatch:GetDashboard'],
    write: ['cloudwatch:PutDashboard', 'cloudwatch:DeleteDashboards'],
    arns: (c, arn) => arnOf(c, 'dashboard_name', (n) => [arn.dashboard(n)]),
  },
  aws_cloudwatch_event_rule: {
    read: ['events:DescribeRule', 'events:ListTagsForResource'],
    write: ['events:PutRule', 'events:DeleteRule', 'events:EnableRule', 'events:DisableRule', 'events:TagResource', 'events:UntagResource'],
    arns: (c, arn) => arnOf(c, 'name', (n) => [arn.eventRule(n)]),
  },
  aws_cloudwatch_event_target: { read: ['events:ListTargetsByRule'], write: ['events:PutTargets', 'events:RemoveTargets'] },
};

/** Alias actions need the alias and the key it names (KMS developer guide, "Controlling access to aliases"). */
const KMS_ALIAS_ACTIONS = new Set(['kms:CreateAlias', 'kms:UpdateAlias', 'kms:DeleteAlias']);

export interface DeployPermissions {
  /** The plan role's statements: reads only. */
  plan: PolicyStatement[];
  /** The apply role's: reads, writes, and passing the stack's roles to the services that trust them. */
  apply: PolicyStatement[];
  /** Resource types of the stack, each once (what the statements were made from). */
  resourceTypes: string[];
}

/** Thrown for a resource type without an entry in PERMISSIONS_BY_TYPE: the policy would miss its actions. */
export class UnknownResourceTypeError extends Error {}

/**
 * The deploy permissions of one stack from its Terraform JSON, in the stack's environment and tagged `Stack=<stack>`
 * (the provider's default_tags). `omit` drops actions (the planted breakage of the e2e).
 */
export function deployPermissions(tf: TerraformJson, env: AwsEnvironment, stack: string, omit: string[] = []): DeployPermissions {
  const arn = arnsOf(env);
  const resources = Object.entries(tf.resource ?? {});
  const unknown = resources.map(([type]) => type).filter((type) => !(type in PERMISSIONS_BY_TYPE));
  if (unknown.length > 0) throw new UnknownResourceTypeError(`no deploy permissions known for ${unknown.join(', ')} (stacks/deploy-permissions.ts PERMISSIONS_BY_TYPE)`);

  const arnsByService = new Map<string, Set<string>>();
  const passedToServices = new Set<string>();
  const roleArns: string[] = [];
  for (const [type, byName] of resources) {
    const service = PERMISSIONS_BY_TYPE[type].read[0].split(':')[0];
    for (const config of Object.values(byName)) {
      for (const a of PERMISSIONS_BY_TYPE[type].arns?.(config, arn) ?? []) arnsByService.set(service, (arnsByService.get(service) ?? new Set()).add(a));
      if (type === 'aws_iam_role') {
        roleArns.push(...arnOf(config, 'name', (n) => [arn.role(n)]));
        for (const s of trustedServices(config.assume_role_policy)) passedToServices.add(s);
      }
    }
  }
  const types = resources.map(([type]) => type).sort();
  const actionsOf = (part: 'read' | 'write') => new Set(types.flatMap((t) => PERMISSIONS_BY_TYPE[t][part]).filter((a) => !omit.includes(a)));
  const read = actionsOf('read');
  const write = new Set([...read, ...actionsOf('write')]);
  const statements = (actions: Set<string>, passRole: boolean): PolicyStatement[] => {
    const sorted = [...actions].sort();
    const anyResource = sorted.filter(authorizesNoResource);
    // KMS key ids are made by AWS: keys are scoped by the stack's tag; aliases by name, and on the key too.
    const keyActions = sorted.filter((a) => a.startsWith('kms:') && !anyResource.includes(a));
    const byService = new Map<string, string[]>();
    for (const a of sorted) {
      if (anyResource.includes(a) || (keyActions.includes(a) && !KMS_ALIAS_ACTIONS.has(a))) continue;
      const service = a.split(':')[0];
      byService.set(service, [...(byService.get(service) ?? []), a]);
    }
    // A service with actions but no ARN of the stack to scope them (a name Terraform computes) would lose them.
    const unscoped = [...byService.keys()].filter((service) => !arnsByService.get(service)?.size);
    if (unscoped.length > 0) throw new UnknownResourceTypeError(`no resource name of ${unscoped.join(', ')} to scope its deploy permissions to (stacks/deploy-permissions.ts)`);
    const stackTag: Condition = { StringEquals: { 'aws:ResourceTag/Stack': stack } };
    return [
      ...[...byService].map(([service, acts]) => ({
        Sid: `${sidOf(service)}OfTheStack`,
        Effect: 'Allow' as const,
        Action: acts,
        Resource: [...(arnsByService.get(service) ?? [])].sort(),
        // Identity pools have AWS-made ids: the region-and-account ARN is narrowed to the stack's tagged pool.
        ...(service === 'cognito-identity' ? { Condition: stackTag } : {}),
      })),
      ...(keyActions.length > 0 ? [{ Sid: 'KmsKeysTaggedWithTheStack', Effect: 'Allow' as const, Action: keyActions, Resource: arn.kmsKey('*'), Condition: stackTag }] : []),
      // Actions AWS gives no resource type (Service Authorization Reference): kept to the stack's region.
      ...(anyResource.length > 0 ? [{ Sid: 'ActionsWithoutResourceTypesInTheRegion', Effect: 'Allow' as const, Action: anyResource, Resource: '*', Condition: { StringEquals: { 'aws:RequestedRegion': env.region } } }] : []),
      ...(passRole && roleArns.length > 0 && !omit.includes('iam:PassRole')
        ? [{ Sid: 'PassTheStackRolesToTheirServices', Effect: 'Allow' as const, Action: 'iam:PassRole', Resource: roleArns.sort(), Condition: { StringEquals: { 'iam:PassedToService': [...passedToServices].sort() } } }]
        : []),
    ];
  };
  return { plan: statements(read, false), apply: statements(write, true), resourceTypes: types };
}

const sidOf = (service: string) => service.split('-').map((p) => p[0].toUpperCase() + p.slice(1)).join('');

/** The services a trust policy lets assume the role (`Service` or `Federated` principals ending in amazonaws.com). */
function trustedServices(policy: unknown): string[] {
  if (typeof policy !== 'string') return [];
  const document = JSON.parse(policy) as { Statement?: { Principal?: Record<string, string | string[]> }[] };
  return (document.Statement ?? []).flatMap((s) => Object.values(s.Principal ?? {}).flat()).filter((p) => /^[a-z0-9.-]+\.amazonaws\.com(\.cn)?$/.test(p));
}
