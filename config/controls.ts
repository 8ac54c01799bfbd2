/**
 * The AWS Security Hub controls that evaluate the resource types these stacks create: every control of the
 * Foundational Security Best Practices standard (FSBP), of CIS AWS Foundations v3 and of NIST SP 800-53 r5 whose
 * resource type a stack can hold, and the rules that evidence each. Controls of resources the stacks never create
 * (IAM users, user pools, Glue jobs, custom event buses, access points) and account-level controls other than S3.1
 * are outside it; tagging controls belong to AWS's tagging standard, not to these. CONTROLS_SCOPE says so in
 * the report.
 *
 * Sources, by control (the reference as AWS wrote it):
 * - [AWS-2023] AWS Security Hub user guide, awsdocs/aws-security-hub-user-guide at 47bfe2f (2023-06-15, the
 *   repository's last state before AWS archived it): doc_source/s3-controls.md, kms-controls.md, iam-controls.md,
 *   sns-controls.md, sqs-controls.md, cloudwatch-controls.md (ids, titles, resource types, AWS Config rules, what each
 *   checks) and fsbp-standard.md, nist-standard.md, cis-aws-foundations-benchmark.md (which standard holds each).
 * - [AWS-2026] The current pages of the same reference
 *   (docs.aws.amazon.com/securityhub/latest/userguide/<service>-controls.html and fsbp-standard.html), as found with
 *   the search tools on 2026-12-06, for controls added after 2023 (S3.15, S3.17, S3.20, KMS.5, SNS.4, SQS.3, Athena.1,
 *   Athena.4, Cognito.2, DataFirehose.1) and the current titles; their standards as relayed by
 *   turbot/steampipe-mod-aws-compliance (foundational_security/*.pp, commit a1d0b446, 2025-12-06).
 * - CIS v3 membership: the Security Hub user guide's CIS page
 *   (docs.aws.amazon.com/securityhub/latest/userguide/securityhub-standards-cis.html, "Controls that apply to CIS AWS
 *   Foundations Benchmark v3.0.0", found with the search tools on 2026-12-06): it lists IAM.27
 *   (AWSCloudShellFullAccess, evaluating users, groups and roles) and not IAM.1, which belongs to CIS v1.2 and v1.4
 *   only.
 * - sns-tls-only, sqs-tls-only and cloudwatch-log-group-encrypted are AWS guidance without a Security Hub control
 *   (the SNS and SQS developer guides' security best practices; the AWS Config managed rule
 *   cloudwatch-log-group-encrypted).
 * A control with no rule is "not checked", never "pass"; one whose evidence is a live state no synth shows (a key
 * scheduled for deletion) says so.
 */

/**
 * What the controls table covers and what it leaves out, for the reader (the report prints it above the table): the
 * scope this file's header describes. Account-level controls evaluate the account, not a resource a stack creates:
 * CloudTrail.* (a trail), S3.22 and S3.23 (object-level logging of S3 by a trail: CIS v3 3.8, 3.9), IAM.28 (IAM Access
 * Analyzer's external access analyzer: CIS v3 1.20 — Security Hub user guide, iam-controls.html#iam-28), Config.1,
 * GuardDuty.1 and the like; S3.1 is the one kept, as an acceptance, because the stacks' buckets depend on it.
 */
export const CONTROLS_SCOPE =
  "The controls of AWS Security Hub's FSBP, CIS AWS Foundations v3 and NIST SP 800-53 r5 standards that " +
  'evaluate a resource type this stack creates. Account-level controls are outside it — CloudTrail.* (a ' +
  'trail), S3.22 and S3.23 (object-level logging of S3 by a trail), IAM.28 (IAM Access Analyzer), Config.1, ' +
  'GuardDuty.1 and the like — except S3.1 (account-level Block Public Access), listed wherever the stack ' +
  'has a bucket, which relies on it; so are controls of resources the stacks never create (IAM users, user ' +
  "pools, Glue jobs, custom event buses, access points) and AWS's tagging standard.";

export type Standard = 'FSBP' | 'CIS v3' | 'NIST 800-53' | 'AWS Config' | 'AWS best practice';

/** The standards of AWS Security Hub; the others ('AWS Config', 'AWS best practice') mark this project's own checks. */
export const SECURITY_HUB_STANDARDS: readonly Standard[] = ['FSBP', 'CIS v3', 'NIST 800-53'];

/** Whether a catalogue entry is a Security Hub control (in one of its standards), not one of this project's checks. */
export const isSecurityHubControl = (c: { readonly standards: readonly Standard[] }): boolean =>
  c.standards.some((s) => SECURITY_HUB_STANDARDS.includes(s));

export interface Control {
  readonly id: string;
  readonly title: string;
  /** The standards that include it. */
  readonly standards: readonly Standard[];
  /** The AWS resource type Security Hub evaluates (its finding's resource). */
  readonly evaluates: string;
  /**
   * The Terraform types that create what it evaluates: it applies to a stack with one of these, and only these are
   * its resources.
   */
  readonly resourceTypes: readonly string[];
  /**
   * The Terraform types of the policies that are its evidence, when AWS evaluates the resource they govern (S3.6 reads
   * the bucket's policy, SNS.4 the topic's, SQS.3 the queue's): a finding on such a policy fails the resource it
   * governs, and a resource without one passes (no policy grants anything).
   */
  readonly evidenceTypes?: readonly string[];
  /** What closes it when it fails, for the reader (a setting, or why it cannot be closed here). */
  readonly closedBy?: string;
  /** Why it cannot be checked from the synthesized Terraform, when no rule can evidence it. */
  readonly notCheckable?: string;
  /**
   * Resources AWS itself says to exempt, with AWS's reason: their failures make the control "accepted", not "fail".
   * A function of the Terraform JSON, returning addresses.
   */
  readonly awsExempts?: {
    readonly reason: string;
    readonly resources: (tf: { resource?: Record<string, Record<string, Record<string, unknown>>> }) => string[];
  };
}

/** The S3 buckets that are another bucket's server access log target (aws_s3_bucket_logging.target_bucket). */
function logTargets(tf: { resource?: Record<string, Record<string, Record<string, unknown>>> }): string[] {
  const buckets = Object.entries(tf.resource?.aws_s3_bucket ?? {});
  const targets = Object.values(tf.resource?.aws_s3_bucket_logging ?? {}).map((l) => String(l.target_bucket));
  return buckets
    .filter(([name, b]) => targets.some((t) => t === String(b.bucket) || t.startsWith(`\${aws_s3_bucket.${name}.`)))
    .map(([name]) => `aws_s3_bucket.${name}`);
}

/**
 * Whether KMS can rotate a key automatically: symmetric encryption keys only ("Automatic key rotation is supported only
 * on symmetric encryption KMS keys. You cannot enable automatic rotation of asymmetric KMS keys, HMAC KMS keys, …":
 * KMS API reference, EnableKeyRotation). A key without a spec is SYMMETRIC_DEFAULT.
 */
export const rotatable = (key: Record<string, unknown>): boolean =>
  (key.customer_master_key_spec ?? 'SYMMETRIC_DEFAULT') === 'SYMMETRIC_DEFAULT';

const BUCKET = { evaluates: 'AWS::S3::Bucket', resourceTypes: ['aws_s3_bucket'] } as const;

const CATALOGUE = [
  {
    id: 'S3.1',
    title: 'S3 general purpose buckets should have block public access settings enabled (account level)',
    standards: ['FSBP', 'CIS v3', 'NIST 800-53'],
    evaluates: 'AWS::::Account',
    resourceTypes: ['aws_s3_bucket'],
    closedBy: 'an account-level setting (s3control public access block), outside these stacks',
    notCheckable: 'an account setting no stack here sets',
  },
  {
    id: 'S3.2',
    title: 'S3 general purpose buckets should block public read access',
    standards: ['FSBP', 'NIST 800-53'],
    ...BUCKET,
  },
  {
    id: 'S3.3',
    title: 'S3 general purpose buckets should block public write access',
    standards: ['FSBP', 'NIST 800-53'],
    ...BUCKET,
  },
  {
    id: 'S3.4',
    title: 'S3 buckets should have server-side encryption enabled',
    standards: ['FSBP', 'NIST 800-53'],
    ...BUCKET,
  },
  {
    id: 'S3.5',
    title: 'S3 general purpose buckets should require requests to use SSL',
    standards: ['FSBP', 'CIS v3', 'NIST 800-53'],
    ...BUCKET,
  },
  {
    id: 'S3.6',
    title: 'S3 general purpose bucket policies should restrict access to other AWS accounts',
    standards: ['FSBP', 'NIST 800-53'],
    evaluates: 'AWS::S3::Bucket',
    resourceTypes: ['aws_s3_bucket'],
    evidenceTypes: ['aws_s3_bucket_policy'],
  },
  {
    id: 'S3.7',
    title: 'S3 general purpose buckets should use cross-Region replication',
    standards: ['NIST 800-53'],
    ...BUCKET,
    closedBy: 'a replication configuration to another region (these stacks keep data in its region: residency)',
  },
  {
    id: 'S3.8',
    title: 'S3 general purpose buckets should block public access (bucket level)',
    standards: ['FSBP', 'CIS v3', 'NIST 800-53'],
    ...BUCKET,
  },
  {
    id: 'S3.9',
    title: 'S3 general purpose buckets should have server access logging enabled',
    standards: ['FSBP', 'NIST 800-53'],
    ...BUCKET,
    closedBy: 'logs.bucketAccessLogs: true (the compliance profile sets it)',
    awsExempts: {
      reason:
        'AWS (S3.9): "The target logging bucket does not need to have server access ' +
        'logging enabled, and you should suppress findings for this bucket"',
      resources: logTargets,
    },
  },
  {
    id: 'S3.10',
    title: 'S3 general purpose buckets with versioning enabled should have Lifecycle configurations',
    standards: ['FSBP', 'NIST 800-53'],
    ...BUCKET,
  },
  {
    id: 'S3.11',
    title: 'S3 general purpose buckets should have event notifications enabled',
    standards: ['FSBP', 'NIST 800-53'],
    ...BUCKET,
    closedBy: 'an event notification on the bucket (the data bucket has one for the catalog when a consumer needs it)',
  },
  {
    id: 'S3.12',
    title: 'ACLs should not be used to manage user access to S3 general purpose buckets',
    standards: ['FSBP', 'NIST 800-53'],
    ...BUCKET,
  },
  {
    id: 'S3.13',
    title: 'S3 general purpose buckets should have Lifecycle configurations',
    standards: ['FSBP', 'NIST 800-53'],
    ...BUCKET,
  },
  {
    id: 'S3.14',
    title: 'S3 general purpose buckets should have versioning enabled',
    standards: ['NIST 800-53'],
    ...BUCKET,
    closedBy: 'an aws_s3_bucket_versioning with status Enabled',
  },
  {
    id: 'S3.15',
    title: 'S3 general purpose buckets should have Object Lock enabled',
    standards: ['NIST 800-53'],
    ...BUCKET,
    closedBy: 'Object Lock at bucket creation (it would block erasure and lifecycle deletion before the lock ends)',
  },
  {
    id: 'S3.17',
    title: 'S3 general purpose buckets should be encrypted at rest with AWS KMS keys',
    standards: ['NIST 800-53'],
    ...BUCKET,
  },
  {
    id: 'S3.20',
    title: 'S3 general purpose buckets should have MFA delete enabled',
    standards: ['CIS v3', 'NIST 800-53'],
    ...BUCKET,
    closedBy: 'MFA delete, set by the root user with its MFA device (every version deletion then needs that device)',
  },
  {
    id: 'KMS.1',
    title: 'IAM customer managed policies should not allow decryption actions on all KMS keys',
    standards: ['FSBP', 'NIST 800-53'],
    evaluates: 'AWS::IAM::Policy',
    resourceTypes: ['aws_iam_policy'],
  },
  {
    id: 'KMS.2',
    title: 'IAM principals should not have IAM inline policies that allow decryption actions on all KMS keys',
    standards: ['FSBP', 'NIST 800-53'],
    evaluates: 'AWS::IAM::Role',
    resourceTypes: ['aws_iam_role_policy'],
  },
  {
    id: 'KMS.3',
    title: 'AWS KMS keys should not be deleted unintentionally',
    standards: ['FSBP', 'NIST 800-53'],
    evaluates: 'AWS::KMS::Key',
    resourceTypes: ['aws_kms_key'],
    notCheckable:
      'AWS checks whether the live key is scheduled for deletion, a state no synth shows; what the synth ' +
      'shows is that a Terraform destroy cannot schedule it (prevent_destroy, see Destroy protection)',
  },
  {
    id: 'KMS.4',
    title: 'AWS KMS key rotation should be enabled',
    standards: ['CIS v3', 'NIST 800-53'],
    evaluates: 'AWS::KMS::Key',
    resourceTypes: ['aws_kms_key'],
    awsExempts: {
      reason:
        'AWS (KMS API reference, EnableKeyRotation): "Automatic key rotation is supported only on symmetric ' +
        'encryption KMS keys. You cannot enable automatic rotation of asymmetric KMS keys, HMAC KMS keys, …" ' +
        '(the AWS Config rule behind KMS.4, cmk-backing-key-rotation-enabled, says the same)',
      resources: (tf) =>
        Object.entries(tf.resource?.aws_kms_key ?? {})
          .filter(([, k]) => !rotatable(k))
          .map(([name]) => `aws_kms_key.${name}`),
    },
  },
  {
    id: 'KMS.5',
    title: 'KMS keys should not be publicly accessible',
    standards: ['FSBP'],
    evaluates: 'AWS::KMS::Key',
    resourceTypes: ['aws_kms_key'],
  },
  {
    id: 'IAM.1',
    title: "IAM policies should not allow full '*' administrative privileges",
    standards: ['FSBP', 'NIST 800-53'],
    evaluates: 'AWS::IAM::Policy (customer managed policies only)',
    resourceTypes: ['aws_iam_policy'],
  },
  {
    id: 'IAM.21',
    title: 'IAM customer managed policies that you create should not allow wildcard actions for services',
    standards: ['FSBP', 'NIST 800-53'],
    evaluates: 'AWS::IAM::Policy',
    resourceTypes: ['aws_iam_policy'],
  },
  {
    id: 'IAM.27',
    title: 'IAM identities should not have the AWSCloudShellFullAccess policy attached',
    standards: ['CIS v3'],
    evaluates: 'AWS::IAM::Role (and users and groups, which these stacks do not create)',
    resourceTypes: ['aws_iam_role'],
    closedBy: 'detaching AWSCloudShellFullAccess from the role',
  },
  {
    id: 'SNS.1',
    title: 'SNS topics should be encrypted at-rest using AWS KMS',
    standards: ['FSBP', 'NIST 800-53'],
    evaluates: 'AWS::SNS::Topic',
    resourceTypes: ['aws_sns_topic'],
  },
  {
    id: 'SNS.2',
    title: 'Logging of delivery status should be enabled for notification messages sent to a topic',
    standards: ['FSBP', 'NIST 800-53'],
    evaluates: 'AWS::SNS::Topic',
    resourceTypes: ['aws_sns_topic'],
    closedBy: 'delivery status logging on the topic (a feedback role per protocol)',
  },
  {
    id: 'SNS.4',
    title: 'SNS topic access policies should not allow public access',
    standards: ['FSBP'],
    evaluates: 'AWS::SNS::Topic',
    resourceTypes: ['aws_sns_topic'],
    evidenceTypes: ['aws_sns_topic_policy'],
  },
  {
    id: 'sns-tls-only',
    title: 'SNS topic policies deny requests without TLS (SNS developer guide, security best practices)',
    standards: ['AWS best practice'],
    evaluates: 'AWS::SNS::Topic',
    resourceTypes: ['aws_sns_topic'],
  },
  {
    id: 'SQS.1',
    title: 'Amazon SQS queues should be encrypted at rest',
    standards: ['FSBP', 'NIST 800-53'],
    evaluates: 'AWS::SQS::Queue',
    resourceTypes: ['aws_sqs_queue'],
  },
  {
    id: 'SQS.3',
    title: 'SQS queue access policies should not allow public access',
    standards: ['FSBP'],
    evaluates: 'AWS::SQS::Queue',
    resourceTypes: ['aws_sqs_queue'],
    evidenceTypes: ['aws_sqs_queue_policy'],
  },
  {
    id: 'sqs-tls-only',
    title: 'SQS queue policies deny requests without TLS (SQS developer guide, security best practices)',
    standards: ['AWS best practice'],
    evaluates: 'AWS::SQS::Queue',
    resourceTypes: ['aws_sqs_queue'],
  },
  {
    id: 'CloudWatch.15',
    title: 'CloudWatch alarms should have specified actions configured',
    standards: ['NIST 800-53'],
    evaluates: 'AWS::CloudWatch::Alarm',
    resourceTypes: ['aws_cloudwatch_metric_alarm'],
  },
  {
    id: 'CloudWatch.16',
    title: 'CloudWatch log groups should be retained for a specified time period (at least 365 days)',
    standards: ['NIST 800-53'],
    evaluates: 'AWS::Logs::LogGroup',
    resourceTypes: ['aws_cloudwatch_log_group'],
    closedBy: 'logs.retentionDays: 365 or more (the compliance profile sets 365)',
  },
  {
    id: 'CloudWatch.17',
    title: 'CloudWatch alarm actions should be activated',
    standards: ['NIST 800-53'],
    evaluates: 'AWS::CloudWatch::Alarm',
    resourceTypes: ['aws_cloudwatch_metric_alarm'],
  },
  {
    id: 'cloudwatch-log-group-encrypted',
    title:
      'CloudWatch log groups are encrypted with an AWS KMS key (the Firehose error ' +
      'log, and the crawler’s logs through its Glue security configuration)',
    standards: ['AWS Config'],
    evaluates: 'AWS::Logs::LogGroup',
    resourceTypes: ['aws_cloudwatch_log_group', 'aws_glue_crawler'],
    closedBy: 'catalog.encryptCrawlerLogs: true (the default)',
  },
  {
    id: 'Athena.1',
    title: 'Athena workgroups should be encrypted at rest',
    standards: ['NIST 800-53'],
    evaluates: 'AWS::Athena::WorkGroup',
    resourceTypes: ['aws_athena_workgroup'],
  },
  {
    id: 'Athena.4',
    title: 'Athena workgroups should have logging enabled',
    standards: ['FSBP', 'NIST 800-53'],
    evaluates: 'AWS::Athena::WorkGroup',
    resourceTypes: ['aws_athena_workgroup'],
  },
  {
    id: 'DataFirehose.1',
    title: 'Firehose delivery streams should be encrypted at rest',
    standards: ['FSBP', 'NIST 800-53'],
    evaluates: 'AWS::KinesisFirehose::DeliveryStream',
    resourceTypes: ['aws_kinesis_firehose_delivery_stream'],
  },
  {
    id: 'Cognito.2',
    title: 'Cognito identity pools should not allow unauthenticated identities',
    standards: ['FSBP'],
    evaluates: 'AWS::Cognito::IdentityPool',
    resourceTypes: ['aws_cognito_identity_pool'],
    closedBy: 'authenticated identities in front of the pool (the app sends events as a guest by design)',
  },
] as const satisfies readonly Control[];

/** A control of the catalogue, by id: what a rule evidences and an acceptance accepts. */
export type ControlId = (typeof CATALOGUE)[number]['id'];

export const CONTROLS: readonly (Control & { readonly id: ControlId })[] = CATALOGUE;

export const CONTROL_IDS = CONTROLS.map((c) => c.id) as [ControlId, ...ControlId[]];

/**
 * The Terraform types of AWS resources Security Hub evaluates that these stacks create, with why no control of the
 * catalogue applies to the rest (a test checks that every type a stack holds is one or the other).
 */
export const NO_CONTROL: Record<string, string> = {
  aws_athena_named_query: 'a saved query: no Security Hub control',
  aws_cloudwatch_dashboard: 'no Security Hub control',
  aws_cloudwatch_event_rule:
    'EventBridge controls evaluate event buses (EventBridge.3, .4) and tags; the rules use the default bus',
  aws_cloudwatch_event_target: 'part of an EventBridge rule',
  aws_cloudwatch_log_stream: 'part of a log group (CloudWatch.16 and the encryption check evaluate the group)',
  aws_cognito_identity_pool_roles_attachment: 'part of the identity pool (Cognito.2)',
  aws_glue_catalog_database:
    'Glue controls evaluate jobs, ML transforms and tags; the Data ' +
    'Catalog encryption is an account setting (see the stores table)',
  aws_glue_catalog_table: 'no Security Hub control',
  aws_glue_crawler: 'no Security Hub control; its logs are checked by cloudwatch-log-group-encrypted',
  aws_glue_security_configuration: 'no Security Hub control; it encrypts the crawler logs',
  aws_iam_openid_connect_provider: 'no Security Hub control',
  aws_iam_role_policy_attachment: 'attaches a policy evaluated as aws_iam_policy',
  aws_kms_alias: 'part of the key',
  aws_s3_bucket_lifecycle_configuration: 'part of the bucket (S3.10, S3.13)',
  aws_s3_bucket_logging: 'part of the bucket (S3.9)',
  aws_s3_bucket_notification: 'part of the bucket (S3.11)',
  aws_s3_bucket_ownership_controls: 'part of the bucket (S3.12)',
  aws_s3_bucket_public_access_block: 'part of the bucket (S3.8)',
  aws_s3_bucket_server_side_encryption_configuration: 'part of the bucket (S3.17)',
  aws_s3_bucket_versioning: 'part of the bucket (S3.14, S3.20)',
  aws_sns_topic_subscription: 'part of the topic',
};

export type ControlStatus = 'pass' | 'fail' | 'accepted' | 'not checked';
