/**
 * Facts about AWS that the configuration is checked against. Each list is sourced; keep the source beside it.
 */

/**
 * Commercial, China and GovCloud region codes (AWS General Reference, "AWS Regions", as of 2026).
 * A region missing here fails config validation; add it when AWS opens one.
 */
export const AWS_REGIONS = [
  'af-south-1',
  'ap-east-1',
  'ap-east-2',
  'ap-northeast-1',
  'ap-northeast-2',
  'ap-northeast-3',
  'ap-south-1',
  'ap-south-2',
  'ap-southeast-1',
  'ap-southeast-2',
  'ap-southeast-3',
  'ap-southeast-4',
  'ap-southeast-5',
  'ap-southeast-6',
  'ap-southeast-7',
  'ca-central-1',
  'ca-west-1',
  'eu-central-1',
  'eu-central-2',
  'eu-north-1',
  'eu-south-1',
  'eu-south-2',
  'eu-west-1',
  'eu-west-2',
  'eu-west-3',
  'il-central-1',
  'me-central-1',
  'me-south-1',
  'mx-central-1',
  'sa-east-1',
  'us-east-1',
  'us-east-2',
  'us-west-1',
  'us-west-2',
  'cn-north-1',
  'cn-northwest-1',
  'us-gov-east-1',
  'us-gov-west-1',
] as const;

export type AwsRegion = (typeof AWS_REGIONS)[number];

/** ARN partition of a region: `aws`, `aws-cn` or `aws-us-gov`. */
export function partitionOf(region: string): string {
  if (region.startsWith('cn-')) return 'aws-cn';
  if (region.startsWith('us-gov-')) return 'aws-us-gov';
  return 'aws';
}

/** DNS suffix of service principals in a region's partition (China uses amazonaws.com.cn for some services). */
export function servicePrincipal(service: string, region: string): string {
  return region.startsWith('cn-') ? `${service}.amazonaws.com.cn` : `${service}.amazonaws.com`;
}

/**
 * Amazon Pinpoint's end of support (Pinpoint developer guide, end-of-support notice): after it the console and
 * Pinpoint resources (apps, endpoints, segments, campaigns, journeys, analytics) can no longer be reached.
 */
export const PINPOINT_END_OF_SUPPORT = '2026-10-30';

/**
 * Storage classes Athena does not read unless the objects are restored (Athena user guide, "Query restored Amazon
 * S3 Glacier objects"): objects in them silently leave query results. Glacier Instant Retrieval stays queryable.
 */
export const NOT_QUERYABLE_WITHOUT_RESTORE = ['GLACIER', 'DEEP_ARCHIVE'] as const;

/**
 * Storage classes whose objects must be restored before they can be read (S3 user guide, "Restoring an archived
 * object" — https://docs.aws.amazon.com/AmazonS3/latest/userguide/restoring-objects.html): S3 Glacier Flexible
 * Retrieval (`GLACIER`) and S3 Glacier Deep Archive (`DEEP_ARCHIVE`). The page also lists S3 Intelligent-Tiering's
 * Archive Access and Deep Archive Access tiers; those are tiers of the `INTELLIGENT_TIERING` class, not classes, so a
 * listing does not show them (HeadObject's `ArchiveStatus` does), and no stack here turns them on (no
 * `aws_s3_bucket_intelligent_tiering_configuration`). Glacier Instant Retrieval (`GLACIER_IR`) needs no restore.
 * Read by `npm run erase` (which restores these before rewriting) and the report's erasure section.
 */
export const ARCHIVED_CLASSES: ReadonlySet<string> = new Set(['DEEP_ARCHIVE', 'GLACIER']);

/**
 * Default Direct PUT quotas of one Firehose stream, PutRecord and PutRecordBatch combined (Firehose developer guide,
 * "Amazon Data Firehose Quota", read 2026-11-26). US East (N. Virginia), US West (Oregon) and Europe (Ireland):
 * 500,000 records/s, 2,000 requests/s, 5 MiB/s. The other Regions: 1,000 requests/s and 1 MiB/s; for records/s the
 * revision we could read lists 1,000 (older than the 500,000 above), so that conservative figure is used — check the
 * Service Quotas console. Increases are requested per stream; the three quotas scale together.
 */
export function firehoseQuota(region: string): {
  recordsPerSecond: number;
  requestsPerSecond: number;
  mibPerSecond: number;
  source: string;
} {
  const source = 'Firehose developer guide, Amazon Data Firehose Quota (read 2026-11-26)';
  return ['us-east-1', 'us-west-2', 'eu-west-1'].includes(region)
    ? { recordsPerSecond: 500_000, requestsPerSecond: 2_000, mibPerSecond: 5, source }
    : { recordsPerSecond: 1_000, requestsPerSecond: 1_000, mibPerSecond: 1, source };
}

/** PutRecordBatch: at most 500 records and 4 MiB per call (Firehose API reference). */
export const PUT_RECORD_BATCH_MAX_RECORDS = 500;

/** Values CloudWatch Logs accepts for `retention_in_days` (PutRetentionPolicy API). */
export const LOG_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
] as const;

/** Firehose expression that names the failure type; allowed (and required) only in the error prefix. */
export const ERROR_OUTPUT_TYPE_EXPRESSION = '!{firehose:error-output-type}';

/** Athena's and the provider's floor for BytesScannedCutoffPerQuery: 10 MiB (the provider rejects less). */
export const ATHENA_MIN_CUTOFF_BYTES = 10 * 1024 * 1024;

/**
 * The Athena engine the erasure's workgroup is pinned to: its locating query relies on Trino functions (`sha256`,
 * `to_hex`, `any_match`, `regexp_extract_all`, `sequence`, `format`, `try`, `json_parse`: Athena engine version 3).
 * A workgroup left on AUTO runs whatever engine Athena picks. Values are what ListEngineVersions returns (Athena API
 * reference, EngineVersion; https://docs.aws.amazon.com/athena/latest/ug/engine-versions.html); the provider's
 * `configuration.engine_version.selected_engine_version` (hashicorp/terraform-provider-aws,
 * website/docs/r/athena_workgroup.html.markdown).
 */
export const ATHENA_ENGINE_VERSION = 'Athena engine version 3';

/** S3 lifecycle floors (S3 API reference "Transition"; S3 pricing minimum storage durations). */
export const S3_RULES = {
  /** Days an object must exist before moving to STANDARD_IA or ONEZONE_IA. */
  minDaysBeforeIa: 30,
  /** Days an object must stay in STANDARD_IA before a Glacier-class transition. */
  minDaysInIaBeforeGlacier: 30,
  /** Minimum billed storage duration in Deep Archive. */
  deepArchiveMinimumStorageDays: 180,
  /** Minimum billed storage duration in Glacier Instant / Flexible Retrieval. */
  glacierMinimumStorageDays: 90,
} as const;

/**
 * Hours a Direct PUT Firehose stream keeps the records it cannot deliver, retrying, before it drops them: the data
 * it holds at rest while S3 is unreachable (Firehose developer guide, "Troubleshoot errors in Amazon Data Firehose",
 * Direct PUT: "Firehose retains the records for 24 hours" —
 * https://docs.aws.amazon.com/firehose/latest/dev/troubleshooting.html).
 */
export const FIREHOSE_DIRECT_PUT_RETENTION_HOURS = 24;

/** Firehose buffering limits (Firehose API model, BufferingHints / ExtendedS3DestinationConfiguration). */
export const FIREHOSE_RULES = {
  minBufferMb: 1,
  maxBufferMb: 128,
  minIntervalSeconds: 0,
  maxIntervalSeconds: 900,
  /** Floor for the buffer size when record format conversion or dynamic partitioning is on. */
  minBufferMbForConversion: 64,
} as const;

/**
 * Where HCP Terraform keeps an organization's state, by host: app.terraform.io is HCP Terraform (US-hosted);
 * app.eu.terraform.io is HCP Terraform Europe, whose organizations and data stay in the EU (HashiCorp docs, "HCP
 * Terraform Europe", developer.hashicorp.com/terraform/cloud-docs/europe). Any other host is a Terraform Enterprise
 * installation whose location this project cannot know.
 */
export const HCP_TERRAFORM_HOST_JURISDICTIONS: Record<string, string> = {
  'app.terraform.io': 'US',
  'app.eu.terraform.io': 'EU',
};

/**
 * A query the workgroup's per-query data usage control cancels is still billed, for the data it scanned until it was
 * cancelled: the Athena user guide, "Configure per-query and per-workgroup data usage controls" ("If any query that
 * runs in the workgroup exceeds the limit, it is canceled. Canceled queries are charged according to Amazon Athena
 * pricing"), and AWS's Athena overview ("Canceled queries are charged based on the amount of data scanned"). The report
 * prices each cancelled query at the cutoff's bytes, the scan it has reached when cancelled.
 */
export const ATHENA_CANCELLED_BILLING_SOURCE =
  'Athena user guide, "Configure per-query and per-workgroup data usage controls": canceled queries are ' +
  'charged — https://docs.aws.amazon.com/athena/latest/ug/workgroups-setting-control-limits-cloudwatch.html';
