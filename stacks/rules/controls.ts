/**
 * The AWS Security Hub controls that apply to the resource types these stacks deploy, as a scan of a deployed stack
 * would report them, and which policy rules evidence each. Ids and titles from the AWS Security Hub user guide's
 * controls reference ("Security Hub CSPM controls for Amazon S3", "… for AWS KMS", …), as relayed by
 * turbot/steampipe-mod-aws-compliance (foundational_security/*.pp, commit a1d0b446, 2025-12-06) for the
 * Foundational Security Best Practices standard (FSBP); the others belong to the NIST SP 800-53 standard (and CIS
 * where noted); cloudwatch-log-group-encrypted is an AWS Config managed rule (AWS Config developer guide,
 * "cloudwatch-log-group-encrypted": NON_COMPLIANT when a log group is not encrypted with a KMS key). A control with
 * no rule yet is reported "not checked", never "pass".
 */

/** Terraform resource types whose presence makes a control apply to a stack. */
export interface Control {
  id: string;
  title: string;
  /** The standards that include it. */
  standards: ('FSBP' | 'NIST 800-53' | 'CIS' | 'AWS Config' | 'AWS best practice')[];
  /** It applies when the stack has one of these. */
  resourceTypes: string[];
  /** What closes it when it fails, for the reader (a setting, or why it cannot be closed here). */
  closedBy?: string;
}

export const CONTROLS: Control[] = [
  { id: 'S3.1', title: 'S3 general purpose buckets should have block public access settings enabled (account level)', standards: ['FSBP', 'CIS'], resourceTypes: ['aws_s3_bucket'], closedBy: 'an account-level setting (s3control public access block), outside these stacks' },
  { id: 'S3.2', title: 'S3 buckets should prohibit public read access', standards: ['FSBP'], resourceTypes: ['aws_s3_bucket'] },
  { id: 'S3.3', title: 'S3 buckets should prohibit public write access', standards: ['FSBP'], resourceTypes: ['aws_s3_bucket'] },
  { id: 'S3.5', title: 'S3 buckets should require requests to use Secure Socket Layer', standards: ['FSBP', 'CIS'], resourceTypes: ['aws_s3_bucket'] },
  { id: 'S3.6', title: 'Amazon S3 permissions granted to other AWS accounts in bucket policies should be restricted', standards: ['FSBP'], resourceTypes: ['aws_s3_bucket_policy'] },
  { id: 'S3.8', title: 'S3 Block Public Access setting should be enabled at the bucket level', standards: ['FSBP'], resourceTypes: ['aws_s3_bucket'] },
  { id: 'S3.9', title: 'S3 bucket server access logging should be enabled', standards: ['FSBP'], resourceTypes: ['aws_s3_bucket'], closedBy: 'logs.bucketAccessLogs: true (the compliance profile sets it)' },
  { id: 'S3.13', title: 'S3 buckets should have lifecycle policies configured', standards: ['NIST 800-53'], resourceTypes: ['aws_s3_bucket'] },
  { id: 'S3.17', title: 'S3 general purpose buckets should be encrypted at rest with AWS KMS keys', standards: ['NIST 800-53'], resourceTypes: ['aws_s3_bucket'] },
  { id: 'KMS.2', title: 'IAM principals should not have IAM inline policies that allow decryption actions on all KMS keys', standards: ['FSBP'], resourceTypes: ['aws_iam_role_policy'] },
  { id: 'KMS.3', title: 'AWS KMS keys should not be unintentionally deleted', standards: ['FSBP'], resourceTypes: ['aws_kms_key'], closedBy: 'protection.allowDestroy: false (the default)' },
  { id: 'KMS.4', title: 'AWS KMS key rotation should be enabled', standards: ['NIST 800-53', 'CIS'], resourceTypes: ['aws_kms_key'] },
  { id: 'KMS.5', title: 'KMS keys should not be publicly accessible', standards: ['FSBP'], resourceTypes: ['aws_kms_key'] },
  { id: 'SNS.1', title: 'SNS topics should be encrypted at rest using AWS KMS', standards: ['NIST 800-53'], resourceTypes: ['aws_sns_topic'] },
  { id: 'SNS.4', title: 'SNS topic access policies should not allow public access', standards: ['FSBP'], resourceTypes: ['aws_sns_topic_policy'] },
  { id: 'sns-tls-only', title: 'SNS topic policies deny requests without TLS (SNS developer guide, security best practices)', standards: ['AWS best practice'], resourceTypes: ['aws_sns_topic'] },
  { id: 'sqs-tls-only', title: 'SQS queue policies deny requests without TLS (SQS developer guide, security best practices)', standards: ['AWS best practice'], resourceTypes: ['aws_sqs_queue'] },
  { id: 'SQS.1', title: 'Amazon SQS queues should be encrypted at rest', standards: ['FSBP'], resourceTypes: ['aws_sqs_queue'] },
  { id: 'SQS.3', title: 'SQS queue access policies should not allow public access', standards: ['FSBP'], resourceTypes: ['aws_sqs_queue_policy'] },
  { id: 'CloudWatch.16', title: 'CloudWatch log groups should be retained for a specified time period (at least 365 days)', standards: ['NIST 800-53'], resourceTypes: ['aws_cloudwatch_log_group'], closedBy: 'logs.retentionDays: 365 or more (the compliance profile sets 365)' },
  { id: 'cloudwatch-log-group-encrypted', title: 'CloudWatch log groups are encrypted with an AWS KMS key (the Firehose error log, and the crawler’s logs through its Glue security configuration)', standards: ['AWS Config'], resourceTypes: ['aws_cloudwatch_log_group', 'aws_glue_crawler'], closedBy: 'catalog.encryptCrawlerLogs: true (the default)' },
  { id: 'Athena.1', title: 'Athena workgroups should be encrypted at rest', standards: ['FSBP'], resourceTypes: ['aws_athena_workgroup'] },
  { id: 'Athena.4', title: 'Athena workgroups should have logging enabled', standards: ['FSBP'], resourceTypes: ['aws_athena_workgroup'] },
  { id: 'DataFirehose.1', title: 'Firehose delivery streams should be encrypted at rest', standards: ['FSBP'], resourceTypes: ['aws_kinesis_firehose_delivery_stream'] },
  { id: 'Cognito.2', title: 'Cognito identity pools should not allow unauthenticated identities', standards: ['FSBP'], resourceTypes: ['aws_cognito_identity_pool'], closedBy: 'authenticated identities in front of the pool (the app sends events as a guest by design)' },
  { id: 'IAM.1', title: "IAM policies should not allow full '*' administrative privileges", standards: ['FSBP', 'CIS'], resourceTypes: ['aws_iam_policy', 'aws_iam_role_policy', 'aws_iam_role'] },
  { id: 'IAM.21', title: 'IAM customer managed policies that you create should not allow wildcard actions for services', standards: ['FSBP'], resourceTypes: ['aws_iam_policy', 'aws_iam_role_policy', 'aws_iam_role'] },
];

export type ControlStatus = 'pass' | 'fail' | 'accepted' | 'not checked';
