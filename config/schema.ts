/**
 * The typed shape of the shared configuration. Field-level limits live here; rules that relate several fields
 * (lifecycle ordering, Firehose prefixes, …) live in `rules.ts` and run on the resolved settings.
 * Defaults for every field are in `defaults.ts`.
 */
import { z } from 'zod';
import { AWS_REGIONS, FIREHOSE_RULES, LOG_RETENTION_DAYS } from './aws';

const days = z.number().int().positive();

export const firehoseSchema = z.strictObject({
  /** Buffer size in MiB before Firehose writes an object (1–128; ≥ 64 with Parquet or dynamic partitioning). */
  bufferSizeMb: z.number().int().min(FIREHOSE_RULES.minBufferMb, `Firehose buffer size must be at least ${FIREHOSE_RULES.minBufferMb} MiB`)
    .max(FIREHOSE_RULES.maxBufferMb, `Firehose buffer size must be at most ${FIREHOSE_RULES.maxBufferMb} MiB`),
  /** Seconds Firehose waits before writing an object (0–900). */
  bufferIntervalSeconds: z.number().int().min(FIREHOSE_RULES.minIntervalSeconds, 'Firehose buffer interval must be at least 0 seconds')
    .max(FIREHOSE_RULES.maxIntervalSeconds, `Firehose buffer interval must be at most ${FIREHOSE_RULES.maxIntervalSeconds} seconds`),
  /** Object compression Firehose applies; must be UNCOMPRESSED with Parquet (Parquet compresses itself). */
  compression: z.enum(['UNCOMPRESSED', 'GZIP', 'ZIP', 'Snappy', 'HADOOP_SNAPPY']),
  /** Key prefix of delivered objects; its static part (before the first `!{`) is what the catalog reads. */
  dataPrefix: z.string().min(1),
  /** Key prefix of records Firehose failed to deliver; must contain `!{firehose:error-output-type}` when `dataPrefix` has expressions. */
  errorPrefix: z.string(),
  /** Output format: `json` as sent, or `parquet` via record format conversion (needs a catalog table). */
  format: z.enum(['json', 'parquet']),
  /** Dynamic partitioning on keys the prefix names with `!{partitionKeyFromQuery:…}`; can only be set at creation. */
  dynamicPartitioning: z.boolean(),
});

export const lifecycleSchema = z.strictObject({
  /** Days after creation before objects move to STANDARD_IA (≥ 30); null keeps them in STANDARD. */
  standardIaDays: days.nullable(),
  /** Days after creation before objects move to GLACIER_IR; null for none. */
  glacierInstantRetrievalDays: days.nullable(),
  /** Days after creation before objects move to DEEP_ARCHIVE; null for none. */
  deepArchiveDays: days.nullable(),
  /** Days after creation when objects are deleted; must come after every transition. */
  expirationDays: days,
  /** Allow deleting objects less than 180 days after they reach Deep Archive (still billed for 180). */
  allowEarlyDeepArchiveExpiry: z.boolean(),
  /** Days before incomplete multipart uploads are aborted (frees storage Firehose retries leave behind). */
  abortIncompleteMultipartUploadDays: days,
  /** Transition objects under 128 KB too (S3 skips them by default since Sep 2024; small objects cost more in IA). */
  transitionSmallObjects: z.boolean(),
});

const cron = z.string();

/**
 * The crawler's recrawl behaviour decides which schema-change policies AWS accepts, so the policy is part of
 * the variant: "new folders only" carries none (AWS forces LOG/LOG), "everything" lets you choose.
 */
export const crawlerSchema = z.discriminatedUnion('recrawlBehavior', [
  z.strictObject(
    {
      /** Crawl only folders added since the last crawl; the schema-change policy is fixed to LOG/LOG by AWS. */
      recrawlBehavior: z.literal('CRAWL_NEW_FOLDERS_ONLY'),
      /** Glue cron schedule, e.g. `cron(0 *\/6 * * ? *)`. */
      schedule: cron,
    },
    {
      error: (issue) =>
        issue.code === 'unrecognized_keys'
          ? `CRAWL_NEW_FOLDERS_ONLY takes no ${issue.keys.join(', ')}: AWS fixes its schema-change policy to LOG/LOG; use CRAWL_EVERYTHING to update or delete schemas`
          : undefined,
    },
  ),
  z.strictObject({
    /** Crawl only what S3 event notifications (via SQS) report; needs catalog.mode `crawler-events`. */
    recrawlBehavior: z.literal('CRAWL_EVENT_MODE'),
    /** Glue cron schedule; each run consumes the queued events. */
    schedule: cron,
    /** What the crawler does with a changed schema. */
    updateBehavior: z.enum(['LOG', 'UPDATE_IN_DATABASE']),
    /** What the crawler does when objects disappear. */
    deleteBehavior: z.enum(['LOG', 'DELETE_FROM_DATABASE', 'DEPRECATE_IN_DATABASE']),
  }),
  z.strictObject({
    /** Crawl everything on every run; the schema-change policy is yours to choose. */
    recrawlBehavior: z.literal('CRAWL_EVERYTHING'),
    /** Glue cron schedule. */
    schedule: cron,
    /** What the crawler does with a changed schema. */
    updateBehavior: z.enum(['LOG', 'UPDATE_IN_DATABASE']),
    /** What the crawler does when objects disappear. */
    deleteBehavior: z.enum(['LOG', 'DELETE_FROM_DATABASE', 'DEPRECATE_IN_DATABASE']),
  }),
]);

export const catalogSchema = z.strictObject({
  /**
   * How partitions become queryable:
   * `crawler` — scheduled incremental crawls (LOG/LOG: the table's schema never evolves; new partitions wait
   *   for the next run);
   * `crawler-events` — S3 events → SQS → crawler in event mode: cheaper runs that may update the schema;
   * `projection` — no crawler: the contract's table with Athena partition projection (no delay, no crawler
   *   cost; the schema changes only with the contract).
   */
  mode: z.enum(['crawler', 'crawler-events', 'projection']),
  /** Prefix of table names; the table is `<tablePrefix><data folder>`. */
  tablePrefix: z.string(),
  /** First year partition projection enumerates (projection mode); later years up to +50 are included. */
  projectionStartYear: z.number().int().min(2000).max(2100),
});

const contractName = z.string().regex(/^[a-z][a-z0-9_]{0,127}$/, 'a column name Athena accepts: lowercase letters, digits, underscores');

export const contractColumnSchema = z.strictObject({
  /** Column name (lowercase, digits, underscores). */
  name: contractName,
  /** Column type. */
  type: z.enum(['string', 'bigint', 'double', 'boolean']),
  /** What the column holds, for app teams and reviewers. */
  description: z.string().min(1),
});

export const contractSchema = z.strictObject({
  /** App-specific top-level columns added to the Pinpoint-compatible envelope. */
  extraColumns: z.array(contractColumnSchema),
});

export const namedQuerySchema = z.strictObject({
  /** Name in the Athena console. */
  name: z.string().regex(/^[a-z0-9-]{1,128}$/, 'lowercase letters, digits and hyphens'),
  /** What the query answers. */
  description: z.string().min(1),
  /** Contract columns the SQL reads (dotted paths into structs); checked against the event contract. */
  columns: z.array(z.string()),
  /** SQL with `{{database}}` and `{{table}}` placeholders; must filter on year, month and day. */
  sql: z.string().min(1),
});

export const athenaSchema = z.strictObject({
  /** Per-query scan limit in bytes (≥ 10 MiB); queries beyond it are cancelled. There is no "off". */
  bytesScannedCutoffPerQuery: z.number().int(),
  /** Workgroup settings override client-side settings (output location, encryption). */
  enforceWorkgroupConfiguration: z.boolean(),
  /** Key prefix of query results in the data bucket. */
  resultsPrefix: z.string().min(1),
  /** Days before query results are deleted. */
  resultsExpirationDays: days,
});

export const ingestionSchema = z.strictObject({
  /**
   * `direct`: a Cognito identity pool (guest access) whose role may only put records into this stack's stream.
   * `pinpoint` is refused with the way out: Amazon Pinpoint ended on 2026-10-30 (see `rules.ts`).
   */
  mode: z.enum(['direct', 'pinpoint']),
});

export const capacitySchema = z.strictObject({
  /** Events the apps send in a month at this deployment (sizes the capacity check; no resource depends on it). */
  eventsPerMonth: z.number().int().positive(),
  /** Peak rate as a multiple of the month's average rate (evening peaks of consumer apps: ~10×). */
  peakFactor: z.number().min(1).max(1000),
  /** Average size of one event as sent, in bytes. */
  eventBytes: z.number().int().min(1).max(1_024_000),
  /** Events packed into one Firehose record (newline-delimited); Firehose bills each record rounded up to 5 KB. */
  eventsPerRecord: z.number().int().min(1).max(500),
});

export const protectionSchema = z.strictObject({
  /**
   * Let `terraform destroy` remove the data bucket (emptied first, every version) and the stack's KMS key. Off, the
   * bucket and the key carry `lifecycle.prevent_destroy` and a destroy plan stops before deleting anything. Turn it
   * on only for throw-away stacks; the bootstrap state bucket of an account × region follows when all its stacks do.
   */
  allowDestroy: z.boolean(),
  /**
   * Days an overwritten or deleted object stays restorable as a noncurrent version (the data bucket is versioned).
   * Data is gone for good `lifecycle.expirationDays` + this many days after it arrived.
   */
  noncurrentVersionExpirationDays: days,
});

export const logsSchema = z.strictObject({
  /** Retention of the Firehose error log group, in days (a value CloudWatch Logs accepts). */
  retentionDays: z.number().refine((v) => (LOG_RETENTION_DAYS as readonly number[]).includes(v), {
    message: `CloudWatch Logs accepts only ${LOG_RETENTION_DAYS.join(', ')}`,
  }),
});

export const monitoringSchema = z.strictObject({
  /** Email addresses subscribed to the stack's alert topic (each must confirm once). */
  alarmEmails: z.array(z.email('not an email address')),
  /** Alarm when the oldest record in Firehose is older than this many seconds (above the buffer interval). */
  freshnessThresholdSeconds: z.number().int().min(60, 'at least 60 seconds'),
  /** Length of each alarm evaluation period, in seconds (a multiple of 60). */
  alarmPeriodSeconds: z.number().int().min(60).multipleOf(60, 'CloudWatch periods of 60 s or more are multiples of 60'),
  /** Consecutive breaching periods before an alarm fires. */
  evaluationPeriods: z.number().int().min(1).max(24),
});

/** Everything a deployment's pipeline is built from; `defaults.ts` has a value for each field. */
export const pipelineSettingsSchema = z.strictObject({
  firehose: firehoseSchema,
  lifecycle: lifecycleSchema,
  crawler: crawlerSchema,
  catalog: catalogSchema,
  contract: contractSchema,
  /** Named queries saved in addition to the reference design's three. */
  extraQueries: z.array(namedQuerySchema),
  athena: athenaSchema,
  ingestion: ingestionSchema,
  protection: protectionSchema,
  capacity: capacitySchema,
  logs: logsSchema,
  monitoring: monitoringSchema,
});

export const backendSchema = z.discriminatedUnion('type', [
  z.strictObject({
    /** State in an S3 bucket of the stack's own account and region (made by the bootstrap stack). */
    type: z.literal('s3'),
    /** State bucket name prefix; the bucket is `<bucketPrefix>-<account>-<region>`. */
    bucketPrefix: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'lowercase letters, digits and hyphens only'),
    /** State key prefix; the key is `<keyPrefix>/<environment>/<region>/terraform.tfstate`. */
    keyPrefix: z.string().regex(/^[A-Za-z0-9_.-]+(\/[A-Za-z0-9_.-]+)*$/, 'a path without leading or trailing slash'),
    /** Days the bootstrap state bucket keeps superseded state versions. */
    noncurrentVersionExpirationDays: z.number().int().min(1),
  }),
  z.strictObject({
    /** State and runs in Terraform Cloud / Enterprise, one workspace per stack. */
    type: z.literal('cloud'),
    /** Terraform Cloud organization. */
    organization: z.string().min(1),
    /** Workspace name prefix; the workspace is `<workspacePrefix>-<environment>-<region>`. */
    workspacePrefix: z.string().regex(/^[A-Za-z0-9_-]+$/, 'letters, digits, hyphens and underscores only'),
    /** Terraform Cloud hostname (Terraform Enterprise users set their own). */
    hostname: z.string().min(1),
  }),
]);

export const environmentName = z
  .string()
  .regex(/^[a-z][a-z0-9]{0,15}$/, 'lowercase letters and digits, starting with a letter, at most 16 characters');

export const deploymentSchema = z.strictObject({
  /** Environment name, e.g. `dev`, `prod`; part of every resource name. */
  environment: environmentName,
  /** AWS region code the stack and all its data live in. */
  region: z.enum(AWS_REGIONS, { error: (iss) => `not an AWS region code: ${JSON.stringify(iss.input)}` }),
  /** The 12-digit AWS account the stack deploys into (the provider refuses any other). */
  accountId: z.string().regex(/^\d{12}$/, 'an AWS account id is exactly 12 digits'),
  /** Retention profile name (`standard`, `compliance`, …) applied on top of the defaults. */
  profile: z.string(),
  /** Legal area whose residency rules apply, e.g. `US`, `EU`; tagged on every resource. */
  jurisdiction: z.string().regex(/^[A-Z]{2,8}$/, 'an upper-case code such as US or EU'),
  /** Data classification tag, e.g. `internal`, `confidential`. */
  dataClassification: z.enum(['public', 'internal', 'confidential', 'restricted']),
  /** Regions other than its own that this deployment may reference (residency check); default none. */
  allowedRegions: z.array(z.enum(AWS_REGIONS)),
});

export type FirehoseSettings = z.infer<typeof firehoseSchema>;
export type LifecycleSettings = z.infer<typeof lifecycleSchema>;
export type CrawlerSettings = z.infer<typeof crawlerSchema>;
export type ContractColumn = z.infer<typeof contractColumnSchema>;
export type NamedQuerySettings = z.infer<typeof namedQuerySchema>;
export type MonitoringSettings = z.infer<typeof monitoringSchema>;
export type AthenaSettings = z.infer<typeof athenaSchema>;
export type CatalogSettings = z.infer<typeof catalogSchema>;
export type ContractSettings = z.infer<typeof contractSchema>;
export type IngestionSettings = z.infer<typeof ingestionSchema>;
export type ProtectionSettings = z.infer<typeof protectionSchema>;
export type CapacitySettings = z.infer<typeof capacitySchema>;
export type PipelineSettings = z.infer<typeof pipelineSettingsSchema>;
export type BackendSettings = z.infer<typeof backendSchema>;
export type DeploymentIdentity = z.infer<typeof deploymentSchema>;

/** A partial of every nested field, for profiles and overrides (arrays and scalars replace, objects merge). */
export type DeepPartial<T> = T extends readonly unknown[] ? T : T extends object ? { [K in keyof T]?: DeepPartial<T[K]> } : T;
