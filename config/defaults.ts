/**
 * Default pipeline settings: what every deployment gets unless its profile or overrides say otherwise.
 * Each value is defined here once and flows to the resources, the tests and the docs (docs/reference/configuration.md
 * is generated from it).
 */
import type { DeploymentIdentity, PipelineSettingsInput } from './schema';

/** 1 GiB: the Athena per-query scan cutoff of the reference design. */
const ONE_GIB = 1024 * 1024 * 1024;

export const DEFAULT_SETTINGS: PipelineSettingsInput = {
  firehose: {
    /** Default: 5 MiB — small objects arrive within minutes at low volume. */
    bufferSizeMb: 5,
    /** Default: 300 s. */
    bufferIntervalSeconds: 300,
    /** Default: GZIP (JSON events compress by ~80 %). */
    compression: 'GZIP',
    /** Default: Hive-style daily partitions that Glue and Athena read as year/month/day. */
    dataPrefix: 'data/year=!{timestamp:yyyy}/month=!{timestamp:MM}/day=!{timestamp:dd}/',
    /** Default: failed records by failure type and day, outside the crawled data folder. */
    errorPrefix:
      'errors/!{firehose:error-output-type}/year=!{timestamp:yyyy}/month=!{timestamp:MM}/day=!{timestamp:dd}/',
    /** Default: json. */
    format: 'json',
    /** Default: false. */
    dynamicPartitioning: false,
  },
  lifecycle: {
    /** Default: 30 days (the S3 minimum). */
    standardIaDays: 30,
    /** Default: none. */
    glacierInstantRetrievalDays: null,
    /** Default: none. */
    deepArchiveDays: null,
    /** Default: 90 days. */
    expirationDays: 90,
    /** Default: false. */
    allowEarlyDeepArchiveExpiry: false,
    /** Default: 7 days. */
    abortIncompleteMultipartUploadDays: 7,
    /** Default: false (S3's own default: objects under 128 KB stay in STANDARD). */
    transitionSmallObjects: false,
  },
  crawler: {
    /**
     * Default: a full listing each run with LOG/LOG — what the crawler of the events table (a catalog target) runs:
     * AWS documents incremental crawls (CRAWL_NEW_FOLDERS_ONLY) for Amazon S3 data sources only, so the configuration
     * check refuses them (config/rules.ts, catalogRules).
     */
    recrawlBehavior: 'CRAWL_EVERYTHING',
    /** Default: LOG, the only value the crawler modes accept (the crawler never rewrites the events table). */
    updateBehavior: 'LOG',
    /** Default: LOG, the only value AWS accepts for a crawler whose source is a catalog table. */
    deleteBehavior: 'LOG',
    /** Default: every 6 hours. */
    schedule: 'cron(0 */6 * * ? *)',
  },
  catalog: {
    /** Default: crawler (the reference design); see docs/analysts.md for the trade-offs of each mode. */
    mode: 'crawler',
    /** Default: `events_`, so the `data/` folder becomes table `events_data`. */
    tablePrefix: 'events_',
    /** Default: 2026. */
    projectionStartYear: 2026,
    /**
     * Default: true — the crawler's logs may quote object keys and schemas; they are encrypted like everything else.
     */
    encryptCrawlerLogs: true,
  },
  contract: {
    /** Default: none — the Pinpoint-compatible envelope only. */
    extraColumns: [],
  },
  /** Default: none beyond the reference design's three. */
  extraQueries: [],
  athena: {
    /** Default: 1 GiB. */
    bytesScannedCutoffPerQuery: ONE_GIB,
    /** Default: true. */
    enforceWorkgroupConfiguration: true,
    /** Default: `athena-results/` in the data bucket (same region, same key). */
    resultsPrefix: 'athena-results/',
    /** Default: 30 days. */
    resultsExpirationDays: 30,
  },
  ingestion: {
    /** Default: direct (Cognito guest credentials → Firehose); Pinpoint reached end of support on 2026-10-30. */
    mode: 'direct',
  },
  capacity: {
    /** Default: 100 M events a month, the reference design's middle tier. */
    eventsPerMonth: 100_000_000,
    /** Default: 10× the average at the evening peak. */
    peakFactor: 10,
    /** Default: 3 KB, the reference design's event size. */
    eventBytes: 3072,
    /** Default: 1 — one event per record, as most SDK integrations send; see docs/ios-app.md for packing. */
    eventsPerRecord: 1,
  },
  protection: {
    /** Default: false — the data bucket and KMS key carry prevent_destroy. */
    allowDestroy: false,
    /** Default: 7 days to restore an overwritten or deleted object; then the noncurrent version expires. */
    noncurrentVersionExpirationDays: 7,
  },
  logs: {
    /** Default: 30 days. */
    retentionDays: 30,
    /** Default: false — the compliance profile turns it on (a log bucket per stack costs its storage and requests). */
    bucketAccessLogs: false,
  },
  monitoring: {
    /** Default: none — set per environment (each address confirms its subscription once). */
    alarmEmails: [],
    /** Default: 900 s — three default buffer intervals; above it, delivery is stuck. */
    freshnessThresholdSeconds: 900,
    /** Default: 300 s. */
    alarmPeriodSeconds: 300,
    /** Default: 1 — a stuck or failing delivery is worth a message at once. */
    evaluationPeriods: 1,
  },
  analysts: {
    /** Default: none — the analyst policy alone, to attach where your analysts sign in (SSO, federation). */
    principals: [],
  },
  erasure: {
    /** Default: none — the erasure policy alone, to attach to whoever answers erasure requests. */
    principals: [],
    /** Three years: the proof outlives the data it speaks of (at most a year by default), and no longer than needed. */
    receiptRetentionDays: 1095,
  },
  keys: {
    /** Default: none — the account administers and uses the key through IAM. */
    administrators: [],
  },
  controls: {
    /**
     * Default: Cognito.2 accepted (the app sends events with guest credentials by design) and S3.1 (the account
     * owner's setting).
     */
    acceptances: [
      {
        control: 'Cognito.2',
        scope: "the stack's identity pool (guest ingestion)",
        reason: 'the iOS app sends events before anyone signs in, with the guest credentials of the identity pool',
        compensatingControls: [
          'the guest role may only firehose:PutRecord and firehose:PutRecordBatch ' +
            "into this stack's stream (trust-cognito-audience; the access table)",
          'guest sessions are cut down further by Cognito’s ' +
            'AmazonCognitoUnAuthedIdentitiesSessionPolicy (enhanced flow only)',
          'the ThrottledRecords alarm',
        ],
      },
      {
        control: 'S3.1',
        scope: 'the account of each stack (Block Public Access at the account level)',
        reason:
          'an account-wide setting, owned by whoever owns the account (usually set for ' +
          'every account of an organization): a stack that set it would change every ' +
          "other workload's buckets and fight the account owner's own setting",
        compensatingControls: [
          'every bucket of the stack blocks public access itself (S3.8, checked: exposure-bucket-public-access)',
          'no bucket policy grants the public read or write access (S3.2, S3.3, checked), nor lets ' +
            'another account change a bucket policy, ACL or encryption (the five actions S3.6 checks)',
          'the account owner sets it once: aws s3control put-public-access-block --account-id <account> ' +
            '(docs/compliance.md)',
        ],
      },
      {
        control: 'S3.7',
        scope: 'every bucket of the stack (named under Resources)',
        reason:
          "a replica in another region is data leaving the stack's region: " +
          'residency keeps every byte where the deployment says (allowedRegions)',
        compensatingControls: [
          'versioning with a noncurrent window restores an overwritten or ' +
            'deleted object (S3.14 on the data bucket; the retention table)',
          'prevent_destroy on the buckets and the key, unless protection.allowDestroy (the destroy protection table)',
        ],
      },
      {
        control: 'S3.15',
        scope: 'every bucket of the stack',
        reason:
          'Object Lock keeps versions from being deleted until their retention ends: the retention lifecycle ' +
          "and `npm run erase` (a person's erasure request) must delete them; and a bucket with Object Lock " +
          'cannot receive server access logs (S3 user guide, "Configuring S3 Object Lock")',
        compensatingControls: [
          'versioning with a noncurrent window restores an overwritten or deleted object (S3.14 on the data bucket)',
          'prevent_destroy on the buckets and the key, unless protection.allowDestroy',
        ],
      },
      {
        control: 'S3.20',
        scope: 'every bucket of the stack',
        reason:
          "MFA delete makes every version deletion need the root user's MFA device (S3 " +
          'user guide, "Configuring MFA delete"): the retention lifecycle and `npm run ' +
          "erase` delete versions without a person at the root user's device",
        compensatingControls: ['prevent_destroy on the buckets and the key, unless protection.allowDestroy'],
      },
    ],
  },
};

/** What a deployment of config/matrix.ts gets for each identity field it leaves out. */
export const DEPLOYMENT_DEFAULTS = {
  profile: 'standard',
  jurisdiction: 'US',
  /** App telemetry can identify devices. */
  dataClassification: 'confidential',
  allowedRegions: [],
  regionExceptions: {},
} as const satisfies Omit<DeploymentIdentity, 'environment' | 'region' | 'accountId'>;
