/**
 * The typed shape of the shared configuration. Field-level limits live here; rules that relate several fields
 * (lifecycle ordering, Firehose prefixes, …) live in `rules.ts` and run on the resolved settings.
 * Defaults for every field are in `defaults.ts`.
 */
import { CONTROL_IDS } from './controls';
import { z } from 'zod';
import { AWS_REGIONS, FIREHOSE_RULES, LOG_RETENTION_DAYS } from './aws';

const days = z.number().int().positive();

export const firehoseSchema = z.strictObject({
  bufferSizeMb: z
    .number()
    .int()
    .min(FIREHOSE_RULES.minBufferMb, `Firehose buffer size must be at least ${FIREHOSE_RULES.minBufferMb} MiB`)
    .max(FIREHOSE_RULES.maxBufferMb, `Firehose buffer size must be at most ${FIREHOSE_RULES.maxBufferMb} MiB`)
    .describe('Buffer size in MiB before Firehose writes an object (1–128; ≥ 64 with Parquet or dynamic partitioning).')
    .meta({
      source:
        'Firehose API reference, BufferingHints; Firehose guide, record ' +
        'format conversion and dynamic partitioning (≥ 64 MiB)',
    }),
  bufferIntervalSeconds: z
    .number()
    .int()
    .min(FIREHOSE_RULES.minIntervalSeconds, 'Firehose buffer interval must be at least 0 seconds')
    .max(
      FIREHOSE_RULES.maxIntervalSeconds,
      `Firehose buffer interval must be at most ${FIREHOSE_RULES.maxIntervalSeconds} seconds`,
    )
    .describe('Seconds Firehose waits before writing an object (0–900).')
    .meta({ source: 'Firehose API reference, BufferingHints' }),
  compression: z
    .enum(['UNCOMPRESSED', 'GZIP', 'ZIP', 'Snappy', 'HADOOP_SNAPPY'])
    .describe(
      'Object compression Firehose applies; must be UNCOMPRESSED with Parquet (Parquet ' +
        'compresses itself), GZIP or UNCOMPRESSED with JSON (the erasure reads only those).',
    )
    .meta({ source: 'Firehose guide, record format conversion (UNCOMPRESSED with Parquet)' }),
  dataPrefix: z
    .string()
    .min(1)
    .describe('Key prefix of delivered objects; its static part (before the first `!{`) is what the catalog reads.')
    .meta({ source: 'Firehose guide, custom prefixes for Amazon S3 objects' }),
  errorPrefix: z
    .string()
    .describe(
      'Key prefix of records Firehose failed to deliver; must contain ' +
        '`!{firehose:error-output-type}` when `dataPrefix` has expressions.',
    )
    .meta({ source: 'Firehose guide, custom prefixes for Amazon S3 objects' }),
  format: z
    .enum(['json', 'parquet'])
    .describe('Output format: `json` as sent, or `parquet` via record format conversion (needs a catalog table).'),
  dynamicPartitioning: z
    .boolean()
    .describe(
      'Dynamic partitioning on keys the prefix names with `!{partitionKeyFromQuery:…}`; ' +
        'can only be set at creation. No catalog mode takes it today: the events table has ' +
        'only the year/month/day partition keys, so the configuration check refuses a ' +
        'prefix with a key from the record (or a folder level without a key).',
    )
    .meta({ source: 'Firehose guide, dynamic partitioning' }),
});

export const lifecycleSchema = z.strictObject({
  standardIaDays: days
    .nullable()
    .describe('Days after creation before objects move to STANDARD_IA (≥ 30); null keeps them in STANDARD.')
    .meta({ source: 'S3 API reference, Transition (≥ 30 days before STANDARD_IA)' }),
  glacierInstantRetrievalDays: days
    .nullable()
    .describe('Days after creation before objects move to GLACIER_IR; null for none.')
    .meta({ source: 'S3 guide, lifecycle transition considerations (≥ 30 days after STANDARD_IA)' }),
  deepArchiveDays: days
    .nullable()
    .describe('Days after creation before objects move to DEEP_ARCHIVE; null for none.')
    .meta({ source: 'S3 guide, lifecycle transition considerations (≥ 30 days after STANDARD_IA)' }),
  expirationDays: days
    .describe('Days after creation when objects are deleted; must come after every transition.')
    .meta({
      source:
        'S3 API reference, lifecycle configuration (expiration after ' +
        'every transition); S3 pricing, minimum storage durations',
    }),
  allowEarlyDeepArchiveExpiry: z
    .boolean()
    .describe('Allow deleting objects less than 180 days after they reach Deep Archive (still billed for 180).')
    .meta({ source: 'S3 pricing, minimum storage duration of Deep Archive (180 days)' }),
  abortIncompleteMultipartUploadDays: days.describe(
    'Days before incomplete multipart uploads are aborted (frees storage Firehose retries leave behind).',
  ),
  transitionSmallObjects: z
    .boolean()
    .describe(
      'Transition objects under 128 KB too (S3 skips them by default since Sep 2024; small objects cost more in IA).',
    )
    .meta({ source: 'S3 API reference, transition_default_minimum_object_size (since September 2024)' }),
});

const cron = z.string();

/**
 * The crawler's recrawl behaviour decides which schema-change policies AWS accepts, so the policy is part of
 * the variant: "new folders only" carries none (AWS forces LOG/LOG), "everything" lets you choose.
 */
const NEW_FOLDERS_POLICY =
  'CRAWL_NEW_FOLDERS_ONLY takes only LOG: AWS fixes its schema-change policy to ' +
  'LOG/LOG (and the crawler modes refuse it: use CRAWL_EVERYTHING with LOG/LOG)';

const incrementalCrawlerSchema = z.strictObject(
  {
    recrawlBehavior: z
      .literal('CRAWL_NEW_FOLDERS_ONLY')
      .describe(
        "Refused in the crawler modes: the crawler crawls the contract's table (a catalog target), and AWS " +
          'documents incremental crawls (only folders added since the last crawl; schema-change policy fixed ' +
          'to LOG/LOG) for Amazon S3 data sources only. Use `CRAWL_EVERYTHING` with LOG/LOG, or `crawler-events`.',
      )
      .meta({ source: 'Glue developer guide, incremental crawls (schema-change policy LOG/LOG)' }),
    schedule: cron
      .describe('Glue cron schedule, e.g. `cron(0 */6 * * ? *)`.')
      .meta({ source: 'Glue developer guide, time-based schedules for jobs and crawlers' }),
    // LOG/LOG may stand (the shared defaults have it), so that the refusal says why (config/rules.ts).
    updateBehavior: z
      .literal('LOG', { error: NEW_FOLDERS_POLICY })
      .optional()
      .describe('Only LOG (AWS fixes it for incremental crawls).'),
    deleteBehavior: z
      .literal('LOG', { error: NEW_FOLDERS_POLICY })
      .optional()
      .describe('Only LOG (AWS fixes it for incremental crawls).'),
  },
  {
    error: (issue) =>
      issue.code === 'unrecognized_keys'
        ? `CRAWL_NEW_FOLDERS_ONLY takes no ${issue.keys.join(', ')}: AWS fixes its schema-change ` +
          `policy to LOG/LOG (and the crawler modes refuse it: use CRAWL_EVERYTHING with LOG/LOG)`
        : undefined,
  },
);

/**
 * The schema-change policy event-mode and full crawls carry (the crawler modes accept only LOG/LOG: config/rules.ts).
 */
const schemaChangePolicy = {
  updateBehavior: z
    .enum(['LOG', 'UPDATE_IN_DATABASE'])
    .describe(
      'What the crawler does with a changed schema. Crawler modes accept only LOG: the crawler ' +
        "keeps the contract's table, whose SerDe settings UPDATE_IN_DATABASE would rewrite.",
    ),
  deleteBehavior: z
    .enum(['LOG', 'DELETE_FROM_DATABASE', 'DEPRECATE_IN_DATABASE'])
    .describe(
      'What the crawler does when objects disappear. Crawler modes accept only LOG: AWS ' +
        'only logs deleted objects for a crawler whose source is a catalog table.',
    )
    .meta({ source: 'Glue developer guide, crawler source type (catalog tables: DeleteBehavior LOG)' }),
};

const eventCrawlerSchema = z.strictObject({
  recrawlBehavior: z
    .literal('CRAWL_EVENT_MODE')
    .describe('Crawl only what S3 event notifications (via SQS) report; needs catalog.mode `crawler-events`.')
    .meta({ source: 'Glue developer guide, accelerating crawls using Amazon S3 event notifications' }),
  schedule: cron.describe('Glue cron schedule; each run consumes the queued events.'),
  ...schemaChangePolicy,
});

const everythingCrawlerSchema = z.strictObject({
  recrawlBehavior: z
    .literal('CRAWL_EVERYTHING')
    .describe(
      'Crawl everything on every run (the default): in the crawler modes a full ' +
        'listing of the data folder that adds new partitions to the events table and ' +
        'changes nothing else, with `updateBehavior` and `deleteBehavior` LOG.',
    ),
  schedule: cron.describe('Glue cron schedule.'),
  ...schemaChangePolicy,
});

/** The `crawler` section as written: any recrawl behaviour (which one a catalog mode takes is checked on resolving). */
export const crawlerSchema = z
  .discriminatedUnion('recrawlBehavior', [incrementalCrawlerSchema, eventCrawlerSchema, everythingCrawlerSchema])
  .describe(
    'The crawler of the crawler modes: `catalog.mode` `crawler` takes `CRAWL_EVERYTHING` ' +
      '(`CRAWL_NEW_FOLDERS_ONLY` is refused: AWS documents it for S3 data sources, not the catalog target the ' +
      'crawler crawls), `crawler-events` takes `CRAWL_EVENT_MODE` only. A `projection` deployment has no ' +
      "crawler: the shared defaults' is left out of it, and a `crawler` in its own `overrides` is a " +
      'configuration error.',
  );

/**
 * How partitions become queryable. Adding one: add it here, give its settings in `CATALOG_MODE_SETTINGS` and a
 * variant in `resolvedCatalogSchema`, then follow the compiler (every `switch (catalog.mode)` ends in `assertNever`).
 */
export const CATALOG_MODES = ['crawler', 'crawler-events', 'projection'] as const;
export type CatalogMode = (typeof CATALOG_MODES)[number];

export const catalogSchema = z
  .strictObject({
    mode: z
      .enum(CATALOG_MODES)
      .describe(
        "How partitions become queryable: `crawler` — scheduled crawls that add partitions to the contract's " +
          "table (LOG/LOG: the table's schema and SerDe settings never change; new partitions wait for the " +
          'next run); `crawler-events` — the same, fed by S3 events → SQS → crawler in event mode: cheaper ' +
          "runs that list only the folders S3 reported; `projection` — no crawler: the contract's table with " +
          'Athena partition projection (no delay, no crawler cost; the schema changes only with the contract).',
      ),
    tablePrefix: z.string().describe('Prefix of table names; the table is `<tablePrefix><data folder>`.'),
    projectionStartYear: z
      .number()
      .int()
      .min(2000)
      .max(2100)
      .describe(
        "First year partition projection enumerates (projection mode only: set in a deployment's " +
          '`overrides` of another mode, a configuration error); later years up to +50 are included.',
      ),
    encryptCrawlerLogs: z
      .boolean()
      .describe(
        "Crawler modes only (set in a deployment's `overrides` of projection mode, a configuration " +
          'error). Attach a Glue security configuration to the crawler: its CloudWatch logs (and any S3 ' +
          'output) encrypted with the stack key, in its own log group ' +
          '/aws-glue/crawlers-role/<role>-<configuration>, which the stack creates with ' +
          "logs.retentionDays. Off: the crawler writes unencrypted to the account's shared " +
          '/aws-glue/crawlers, kept forever.',
      )
      .meta({ source: 'Glue developer guide, encrypting data written by AWS Glue (security configurations)' }),
  })
  .describe(
    'Each mode takes its own settings besides `mode` and `tablePrefix`: `crawler` and `crawler-events` take ' +
      '`encryptCrawlerLogs` and the `crawler` section, `projection` takes `projectionStartYear`. The shared ' +
      "`defaults` (and profiles) hold every mode's, so a deployment switches with `catalog.mode` alone; a " +
      "deployment's own `overrides` that give another mode's setting are a configuration error.",
  );

/**
 * The settings each catalog mode takes besides `mode` and `tablePrefix`, as paths in the settings as written. The
 * shared `defaults` hold every mode's (so a deployment can switch mode with `catalog.mode` alone); a deployment's own
 * `overrides` that give a setting of a mode other than its own are a configuration error (config/resolve.ts).
 */
export const CATALOG_MODE_SETTINGS = {
  crawler: ['crawler', 'catalog.encryptCrawlerLogs'],
  'crawler-events': ['crawler', 'catalog.encryptCrawlerLogs'],
  projection: ['catalog.projectionStartYear'],
} as const satisfies Record<CatalogMode, readonly string[]>;

const { tablePrefix, encryptCrawlerLogs, projectionStartYear } = catalogSchema.shape;

/**
 * A deployment's catalog once resolved (config/catalog-mode.ts): one variant per mode, carrying only that mode's
 * settings — the crawler's in the crawler modes (event mode for `crawler-events` only), the first projected year in
 * `projection`. Code that branches on the mode switches on `catalog.mode` and ends in `assertNever`.
 */
export const resolvedCatalogSchema = z.discriminatedUnion('mode', [
  z.strictObject({
    mode: z.literal('crawler'),
    tablePrefix,
    encryptCrawlerLogs,
    crawler: z.discriminatedUnion('recrawlBehavior', [incrementalCrawlerSchema, everythingCrawlerSchema]),
  }),
  z.strictObject({ mode: z.literal('crawler-events'), tablePrefix, encryptCrawlerLogs, crawler: eventCrawlerSchema }),
  z.strictObject({ mode: z.literal('projection'), tablePrefix, projectionStartYear }),
]);

const contractName = z
  .string()
  .regex(/^[a-z][a-z0-9_]{0,127}$/, 'a column name Athena accepts: lowercase letters, digits, underscores');

export const contractColumnSchema = z.strictObject({
  name: contractName.describe('Column name (lowercase, digits, underscores).'),
  type: z.enum(['string', 'bigint', 'double', 'boolean']).describe('Column type.'),
  description: z.string().min(1).describe('What the column holds, for app teams and reviewers.'),
});

export const contractSchema = z.strictObject({
  extraColumns: z
    .array(contractColumnSchema)
    .describe('App-specific top-level columns added to the Pinpoint-compatible envelope.'),
});

export const namedQuerySchema = z.strictObject({
  name: z
    .string()
    .regex(/^[a-z0-9-]{1,128}$/, 'lowercase letters, digits and hyphens')
    .describe('Name in the Athena console.'),
  description: z.string().min(1).describe('What the query answers.'),
  columns: z
    .array(z.string())
    .describe('Contract columns the SQL reads (dotted paths into structs); checked against the event contract.'),
  sql: z
    .string()
    .min(1)
    .describe('SQL with `{{database}}` and `{{table}}` placeholders; must filter on year, month and day.'),
});

export const athenaSchema = z.strictObject({
  bytesScannedCutoffPerQuery: z
    .number()
    .int()
    .describe('Per-query scan limit in bytes (≥ 10 MiB); queries beyond it are cancelled. There is no "off".')
    .meta({ source: 'Athena API reference, WorkGroupConfiguration (≥ 10,000,000); AWS provider source (≥ 10 MiB)' }),
  enforceWorkgroupConfiguration: z
    .boolean()
    .describe('Workgroup settings override client-side settings (output location, encryption).'),
  resultsPrefix: z.string().min(1).describe('Key prefix of query results in the data bucket.'),
  resultsExpirationDays: days.describe('Days before query results are deleted.'),
});

export const ingestionSchema = z.strictObject({
  mode: z
    .enum(['direct', 'pinpoint'])
    .describe(
      "`direct`: a Cognito identity pool (guest access) whose role may only put records into this stack's " +
        'stream. `pinpoint` is refused with the way out: Amazon Pinpoint ended on 2026-10-30 (see `rules.ts`).',
    )
    .meta({ source: 'Amazon Pinpoint developer guide, end of support (2026-10-30)' }),
});

export const capacitySchema = z.strictObject({
  eventsPerMonth: z
    .number()
    .int()
    .positive()
    .describe(
      'Events the apps send in a month at this deployment (sizes the capacity check; no resource depends on it).',
    ),
  peakFactor: z
    .number()
    .min(1)
    .max(1000)
    .describe("Peak rate as a multiple of the month's average rate (evening peaks of consumer apps: ~10×)."),
  eventBytes: z.number().int().min(1).max(1_024_000).describe('Average size of one event as sent, in bytes.'),
  eventsPerRecord: z
    .number()
    .int()
    .min(1)
    .max(500)
    .describe(
      'Events packed into one Firehose record (newline-delimited); Firehose bills each record rounded up to 5 KB.',
    ),
});

export const protectionSchema = z.strictObject({
  allowDestroy: z
    .boolean()
    .describe(
      'Let `terraform destroy` remove the data bucket (emptied first, every version) and the ' +
        "stack's KMS key. Off, the bucket and the key carry `lifecycle.prevent_destroy` and a " +
        'destroy plan stops before deleting anything. Turn it on only for throw-away stacks; the ' +
        'bootstrap state bucket of an account × region follows when all its stacks do.',
    ),
  noncurrentVersionExpirationDays: days.describe(
    'Days an overwritten or deleted object stays restorable as a noncurrent version (the data bucket is ' +
      'versioned). Data is gone for good `lifecycle.expirationDays` + this many days after it arrived.',
  ),
});

export const logsSchema = z.strictObject({
  retentionDays: z
    .literal(LOG_RETENTION_DAYS, { error: `CloudWatch Logs accepts only ${LOG_RETENTION_DAYS.join(', ')}` })
    .describe(
      "Retention of the stack's log groups (Firehose errors, the crawler's logs) " +
        'and of S3 access logs, in days (a value CloudWatch Logs accepts).',
    )
    .meta({ source: 'CloudWatch Logs API reference, PutRetentionPolicy' }),
  bucketAccessLogs: z
    .boolean()
    .describe(
      'S3 server access logging of the data bucket into an in-region log bucket `<data ' +
        'bucket>-access-logs` (private, TLS-only, under the stack key, expiring after ' +
        '`retentionDays`): every request to the telemetry, for audits (Security Hub S3.9). The ' +
        'state bucket its bootstrap stack makes is logged the same way into `<state bucket>-access-logs`.',
    )
    .meta({
      source:
        'S3 user guide, "Enabling Amazon S3 server access logging" (bucket ' +
        'policy for logging.s3.amazonaws.com, same region and account)',
    }),
});

export const monitoringSchema = z.strictObject({
  alarmEmails: z
    .array(z.email('not an email address'))
    .describe("Email addresses subscribed to the stack's alert topic (each must confirm once)."),
  freshnessThresholdSeconds: z
    .number()
    .int()
    .min(60, 'at least 60 seconds')
    .describe('Alarm when the oldest record in Firehose is older than this many seconds (above the buffer interval).'),
  alarmPeriodSeconds: z
    .number()
    .int()
    .min(60)
    .multipleOf(60, 'CloudWatch periods of 60 s or more are multiples of 60')
    .describe('Length of each alarm evaluation period, in seconds (a multiple of 60).')
    .meta({ source: 'CloudWatch API reference, PutMetricAlarm (Period)' }),
  evaluationPeriods: z.number().int().min(1).max(24).describe('Consecutive breaching periods before an alarm fires.'),
});

export const analystsSchema = z.strictObject({
  principals: z
    .array(
      z
        .string()
        .regex(
          /^arn:aws[a-z-]*:iam::\d{12}:(root|role\/.+|user\/.+)$/,
          'an IAM role or user ARN, or an account root ARN',
        ),
    )
    .describe(
      "IAM principals that may assume the stack's analyst role; without any, only the analyst " +
        'policy is created, to attach to an SSO permission set or a federated role.',
    ),
});

export const erasureSchema = z.strictObject({
  principals: z
    .array(z.string().regex(/^arn:aws[a-z-]*:iam::\d{12}:(role\/.+|user\/.+)$/, 'an IAM role or user ARN'))
    .describe(
      "IAM principals (the on-call engineer's role, a privacy team's) that may " +
        "assume the stack's erasure role to run `npm run erase`; without any, only " +
        'the erasure policy is created, to attach where they sign in.',
    ),
  receiptRetentionDays: days.describe(
    "Days each erasure request's record, journals and receipt (under `erasure-requests/`: MACs of " +
      "the ids by the stack's KMS HMAC receipt key, counts, keys of the objects changed — never the " +
      'ids) are kept, from their last write: the proof that a request was served.',
  ),
});

export const keysSchema = z.strictObject({
  administrators: z
    .array(z.string().regex(/^arn:aws[a-z-]*:iam::\d{12}:(role\/.+|user\/.+)$/, 'an IAM role or user ARN'))
    .describe(
      "IAM roles or users that administer the stack's key without being able to use it. Empty: the " +
        'account administers and uses the key through IAM (kms:* to the account). Set: the account only ' +
        'uses the key through IAM, and these principals alone manage it; the identity that applies the ' +
        'stack must be one of them, or KMS refuses the key policy (it would lock the caller out).',
    )
    .meta({
      source:
        'KMS developer guide, "Default key policy" (key administrators, ' +
        'key users) and CreateKey, BypassPolicyLockoutSafetyCheck',
    }),
});

export const controlAcceptanceSchema = z.strictObject({
  control: z
    .enum(CONTROL_IDS, {
      error: (issue) =>
        `${JSON.stringify(issue.input)} is not a control of the catalogue ` +
        `(config/controls.ts): one of ${CONTROL_IDS.join(', ')}`,
    })
    .describe(
      'The Security Hub control it accepts failing, or not checked by these stacks (an account-level setting).',
    ),
  scope: z.string().min(1).describe('What it covers, in words (which resources, which stacks).'),
  reason: z
    .string()
    .trim()
    .min(1, 'an acceptance needs its reason')
    .describe('Why the control fails by design, or why these stacks do not own it.'),
  compensatingControls: z
    .array(z.string().min(1))
    .min(1, 'an acceptance names what compensates for it')
    .describe('What limits the risk instead.'),
});

export const controlsSchema = z.strictObject({
  acceptances: z
    .array(controlAcceptanceSchema)
    .describe(
      'Security Hub controls that fail by design, each with its reason and ' +
        'compensating controls: the report shows them as accepted, not passed.',
    ),
});

/** Everything a deployment's pipeline is built from; `defaults.ts` has a value for each field. */
export const pipelineSettingsSchema = z.strictObject({
  firehose: firehoseSchema,
  lifecycle: lifecycleSchema,
  crawler: crawlerSchema,
  catalog: catalogSchema,
  contract: contractSchema,
  extraQueries: z.array(namedQuerySchema).describe("Named queries saved in addition to the reference design's three."),
  athena: athenaSchema,
  ingestion: ingestionSchema,
  protection: protectionSchema,
  capacity: capacitySchema,
  logs: logsSchema,
  monitoring: monitoringSchema,
  analysts: analystsSchema,
  erasure: erasureSchema,
  keys: keysSchema,
  controls: controlsSchema,
});

export const backendSchema = z.discriminatedUnion('type', [
  z.strictObject({
    type: z
      .literal('s3')
      .describe("State in an S3 bucket of the stack's own account and region (made by the bootstrap stack)."),
    bucketPrefix: z
      .string()
      .regex(/^[a-z0-9][a-z0-9-]*$/, 'lowercase letters, digits and hyphens only')
      .describe('State bucket name prefix; the bucket is `<bucketPrefix>-<account>-<region>`.'),
    keyPrefix: z
      .string()
      .regex(/^[A-Za-z0-9_.-]+(\/[A-Za-z0-9_.-]+)*$/, 'a path without leading or trailing slash')
      .describe('State key prefix; the key is `<keyPrefix>/<environment>/<region>/terraform.tfstate`.'),
    noncurrentVersionExpirationDays: z
      .number()
      .int()
      .min(1)
      .describe('Days the bootstrap state bucket keeps superseded state versions.'),
    deployRolePrincipals: z
      .array(z.string().regex(/^arn:aws[a-z-]*:iam::\d{12}:(role|user)\/[\w+=,.@/-]+$/, 'an IAM role or user ARN'))
      .optional()
      .describe(
        "IAM roles or users (a CI's role, say) that may assume each stack's deploy role, " +
          "`<stack>-deploy-apply`, which the bootstrap stack then creates with the stack's " +
          "generated deploy policy (its `deploy-policy.json`: the stack's resources and its " +
          'state). Default: none — no deploy role; whoever deploys brings their own permissions.',
      ),
  }),
  z.strictObject({
    type: z.literal('cloud').describe('State and runs in Terraform Cloud / Enterprise, one workspace per stack.'),
    organization: z.string().min(1).describe('Terraform Cloud organization.'),
    workspacePrefix: z
      .string()
      .regex(/^[A-Za-z0-9_-]+$/, 'letters, digits, hyphens and underscores only')
      .describe('Workspace name prefix; the workspace is `<workspacePrefix>-<environment>-<region>`.'),
    project: z
      .string()
      .regex(/^[A-Za-z0-9 _-]{3,40}$/, '3 to 40 letters, digits, spaces, hyphens and underscores')
      .optional()
      .describe(
        'HCP Terraform project the workspaces belong to (the `cloud` block names it; the workspaces ' +
          "stack creates it; each deploy role's trust names it). Default: `<project>-<environment>`, one " +
          "project per environment, so a team's access to staging is not access to prod.",
      )
      .meta({ source: 'HashiCorp docs, HCP Terraform projects: name rules' }),
    hostname: z
      .string()
      .min(1)
      .describe(
        'HCP Terraform hostname: `app.terraform.io` (US-hosted) or `app.eu.terraform.io` (HCP ' +
          "Terraform Europe); Terraform Enterprise users set their own. A deployment's state must " +
          'be on a host of its jurisdiction unless `residencyException` says why not.',
      )
      .meta({ source: 'HashiCorp docs, "HCP Terraform Europe" (config/aws.ts HCP_TERRAFORM_HOST_JURISDICTIONS)' }),
    executionMode: z
      .enum(['remote', 'local'])
      .optional()
      .describe(
        "Where the workspace's runs execute: `remote` (HCP Terraform's default: the run's own " +
          'credentials reach AWS, so `npm run deploy` leaves the account check to it) or `local` (runs ' +
          'on this machine with its AWS credentials, checked by the preflight). Default: remote.',
      )
      .meta({ source: 'HashiCorp docs, HCP Terraform workspace settings, execution mode' }),
    vcs: z
      .strictObject({
        identifier: z
          .string()
          .regex(/^[^/\s]+\/[^/\s]+$/, 'owner/repository')
          .describe('The repository holding the committed `cdktf.out/`, e.g. `acme/telemetry-infra`.'),
        branch: z
          .string()
          .min(1)
          .optional()
          .describe("Branch the workspaces follow. Default: the repository's default branch."),
        oauthTokenId: z
          .string()
          .regex(/^ot-[A-Za-z0-9]+$/, 'an HCP Terraform OAuth token id, ot-…')
          .optional()
          .describe("The organization's VCS connection (an OAuth client's token id)."),
        githubAppInstallationId: z
          .string()
          .regex(/^ghain-[A-Za-z0-9]+$/, 'a GitHub App installation id, ghain-…')
          .optional()
          .describe('Or the HCP Terraform GitHub App installation.'),
      })
      .refine((v) => (v.oauthTokenId === undefined) !== (v.githubAppInstallationId === undefined), {
        message: 'name the connection: oauthTokenId or githubAppInstallationId, one of them',
      })
      .optional()
      .describe(
        'VCS-driven runs: the workspaces stack connects each workspace to this repository, running only ' +
          "when its stack's folder changes. Default: none — runs come from the CLI (`npm run deploy`).",
      )
      .meta({
        source: 'HashiCorp docs, HCP Terraform VCS-driven run workflow; hashicorp/tfe provider, tfe_workspace vcs_repo',
      }),
    existingOidcProvider: z
      .boolean()
      .optional()
      .describe(
        'The account already trusts this HCP Terraform host (an IAM OIDC provider for `https://<hostname>` ' +
          'made by another team): the trust stack looks it up instead of creating it, so its apply does not ' +
          'fail with EntityAlreadyExists and its destroy never deletes a provider others use. Its client ids ' +
          'must include `aws.workload.identity`. Default: false — the trust stack creates the provider.',
      )
      .meta({
        source:
          'IAM user guide, "Create an OpenID Connect (OIDC) identity provider" (one provider per ' +
          'URL per account); AWS provider docs, data source aws_iam_openid_connect_provider',
      }),
    teamAccess: z
      .array(
        z.strictObject({
          teamId: z
            .string()
            .regex(/^team-[A-Za-z0-9]+$/, 'an HCP Terraform team id, team-…')
            .describe("The team (its id, from the organization's Teams page or the tfe_team data source)."),
          access: z
            .enum(['read', 'write', 'maintain', 'admin'])
            .describe(
              "Its access to the project's workspaces: `read` (runs and state outputs), " +
                '`write` (queue and approve runs — who may apply), `maintain`, `admin`.',
            ),
        }),
      )
      .optional()
      .describe(
        "Teams with access to the deployment's HCP Terraform project (`tfe_team_project_access`); every " +
          "deployment of one project must list the same teams. Default: none — only the organization's owners.",
      )
      .meta({
        source: 'hashicorp/tfe provider, tfe_team_project_access; HashiCorp docs, HCP Terraform project permissions',
      }),
    crossJurisdictionAccountReason: z
      .string()
      .trim()
      .min(1, 'a cross-jurisdiction account needs its reason')
      .optional()
      .describe(
        "Why this deployment's account may also be applied by workspaces of an organization " +
          "on another jurisdiction's HCP Terraform host (each organization's apply role can " +
          "then change that account's IAM within its own stack). Default: none — one account " +
          'applied from hosts of two jurisdictions is a configuration error.',
      ),
    residencyException: z
      .string()
      .trim()
      .min(1, 'a residency exception needs its reason')
      .optional()
      .describe(
        "Why this deployment's state may be kept on a host outside its jurisdiction " +
          '(e.g. no HCP Terraform host in Japan; state holds names, ARNs and policies, no ' +
          'event data). Default: none — a mismatch is a configuration error.',
      ),
  }),
]);

export const environmentName = z
  .string()
  .regex(/^[a-z][a-z0-9]{0,15}$/, 'lowercase letters and digits, starting with a letter, at most 16 characters');

export const deploymentSchema = z.strictObject({
  environment: environmentName.describe('Environment name, e.g. `dev`, `prod`; part of every resource name.'),
  region: z
    .enum(AWS_REGIONS, { error: (iss) => `not an AWS region code: ${JSON.stringify(iss.input)}` })
    .describe('AWS region code the stack and all its data live in.')
    .meta({ source: 'AWS General Reference, AWS Regions (config/aws.ts)' }),
  accountId: z
    .string()
    .regex(/^\d{12}$/, 'an AWS account id is exactly 12 digits')
    .describe('The 12-digit AWS account the stack deploys into (the provider refuses any other).'),
  profile: z.string().describe('Retention profile name (`standard`, `compliance`, …) applied on top of the defaults.'),
  jurisdiction: z
    .string()
    .regex(/^[A-Z]{2,8}$/, 'an upper-case code such as US or EU')
    .describe(
      'Legal area whose residency rules apply, e.g. `US`, `EU`, `JP`, `IN`: the ' +
        "deployment's region and `allowedRegions` must be among its regions " +
        "(config/jurisdictions.ts, or the matrix's own `jurisdictions`); tagged on every " +
        'resource.',
    )
    .meta({
      source: 'AWS Regions and Availability Zones, "Available AWS Regions", Geography (config/jurisdictions.ts)',
    }),
  dataClassification: z
    .enum(['public', 'internal', 'confidential', 'restricted'])
    .describe('Data classification tag, e.g. `internal`, `confidential`.'),
  allowedRegions: z
    .array(z.enum(AWS_REGIONS))
    .describe('Regions other than its own that this deployment may reference (residency check); default none.'),
  movedFrom: z
    .string()
    .regex(/^[a-z][a-z0-9]{0,15}\/[a-z0-9-]+$/, 'the earlier deployment as environment/region, e.g. prod/eu-central-1')
    .optional()
    .describe(
      'The deployment this one was before (`environment/region`), when you move or rename it: the ' +
        'change review pairs the two and reviews the move (a move to another region or jurisdiction ' +
        'fails `--fail-on-widening`). Default: none — a deployment pairs only with the one of its ' +
        'own environment and region; others are reviewed as removed and added.',
    ),
  regionExceptions: z
    .partialRecord(
      z.enum(AWS_REGIONS, { error: (iss) => `not an AWS region code: ${JSON.stringify(iss.input)}` }),
      z.string().trim().min(1, 'a region exception needs its reason'),
    )
    .describe(
      "Regions outside the deployment's jurisdiction that it may still be in (`region`) or " +
        "reach (`allowedRegions`), each with the reason, e.g. `{ 'us-east-1': 'CloudFront " +
        "certificates live there only' }`. Default: none — a region outside the jurisdiction " +
        'is a configuration error; an exception that excuses nothing is one too.',
    )
    .meta({ source: 'AWS Regions and Availability Zones, "Available AWS Regions" (config/jurisdictions.ts)' }),
});

/** A jurisdiction the matrix defines (`jurisdictions` in config/matrix.ts): its name and the regions it allows. */
export const jurisdictionSchema = z.strictObject({
  name: z.string().trim().min(1).describe('What reviewers read, e.g. `Germany only`.'),
  regions: z
    .array(z.enum(AWS_REGIONS, { error: (iss) => `not an AWS region code: ${JSON.stringify(iss.input)}` }))
    .min(1, 'a jurisdiction needs at least one region')
    .describe('The AWS regions a deployment of it may be in or reach.'),
});

/** The code a jurisdiction goes by: what a deployment's `jurisdiction` names and every resource is tagged with. */
export const JURISDICTION_CODE = /^[A-Z]{2,8}$/;

export type FirehoseSettings = z.infer<typeof firehoseSchema>;
export type LifecycleSettings = z.infer<typeof lifecycleSchema>;
export type CrawlerSettings = z.infer<typeof crawlerSchema>;
export type ContractColumn = z.infer<typeof contractColumnSchema>;
export type NamedQuerySettings = z.infer<typeof namedQuerySchema>;
export type MonitoringSettings = z.infer<typeof monitoringSchema>;
export type AthenaSettings = z.infer<typeof athenaSchema>;
/** A deployment's resolved catalog: a union on `mode`, each variant with its own settings only. */
export type CatalogSettings = z.infer<typeof resolvedCatalogSchema>;
/** The resolved catalog of one mode. */
export type CatalogOf<M extends CatalogMode> = Extract<CatalogSettings, { mode: M }>;
export type IngestionSettings = z.infer<typeof ingestionSchema>;
export type ProtectionSettings = z.infer<typeof protectionSchema>;
export type CapacitySettings = z.infer<typeof capacitySchema>;
export type ControlAcceptance = z.infer<typeof controlAcceptanceSchema>;
/**
 * The settings as written in the matrix (defaults, profiles, overrides): every section, the `crawler` one and every
 * catalog mode's settings included.
 */
export type PipelineSettingsInput = z.infer<typeof pipelineSettingsSchema>;
/**
 * A deployment's settings once resolved: the sections as written, except that `catalog` is the deployment's mode
 * with its own settings only (the crawler's among them) and there is no `crawler` section.
 */
export type PipelineSettings = Omit<PipelineSettingsInput, 'catalog' | 'crawler'> & { catalog: CatalogSettings };
export type BackendSettings = z.infer<typeof backendSchema>;
/** A deployment's backend once resolved: a cloud backend always names its HCP Terraform project. */
export type ResolvedBackend =
  Exclude<BackendSettings, { type: 'cloud' }> | (Extract<BackendSettings, { type: 'cloud' }> & { project: string });
export type DeploymentIdentity = z.infer<typeof deploymentSchema>;

/** A partial of every nested field, for profiles and overrides (arrays and scalars replace, objects merge). */
export type DeepPartial<T> = T extends readonly unknown[]
  ? T
  : T extends object
    ? { [K in keyof T]?: DeepPartial<T[K]> }
    : T;
