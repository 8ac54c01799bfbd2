/**
 * Monthly cost of a stack at 10 M / 100 M / 1 B events, from what the stack really configures (compression or
 * Parquet, buffering, lifecycle, crawler schedule or projection, the Athena cutoff, its keys and alarms) and its
 * region's sourced prices (config/prices/), with the reference design's simpler method beside it. Every billable
 * component of the resources present is either in the total or named as left out, with a typed reason (`Omission`):
 * no sourced price in the region, no sourced price at all, a usage the estimate does not model, or a query the
 * workgroup's cutoff would cancel — never another region's price in its place. The words are in words/cost.ts.
 */
import type { PriceItem } from '../../config/prices';
import { runsPerDay } from '../../config/glue-cron';
import { assertNever } from '../../config/assert-never';
import { staticFolder } from '../../config/names';
import { CATALOG_MODES, type CatalogMode } from '../../config/schema';
import { pricesFor } from '../../config/prices';
import type { TerraformJson } from '../../terraform-json/stack-json';
import { ASSUMPTIONS, KB_PER_GB, objectsPerDay, price, rawGbOf, REFERENCE_DESIGN, storedGbOf, VOLUMES } from './prices';

/** The Athena workgroup's per-query scan cutoff in bytes (the first workgroup's), or null. */
export function workgroupCutoffBytes(tf: TerraformJson): number | null {
  const workgroup = Object.values(tf.resource?.aws_athena_workgroup ?? {})[0];
  const configuration = ([] as Body[]).concat((workgroup?.configuration as Body | Body[]) ?? [])[0];
  const cutoff = configuration?.bytes_scanned_cutoff_per_query;
  return cutoff === undefined || cutoff === null ? null : Number(cutoff);
}

/**
 * The components the estimate prices (when the region's file has their prices), by id: the data tools read; their
 * names are in words/cost.ts (COST_COMPONENT).
 */
export const COMPONENTS = ['firehose', 's3', 's3-requests', 'glue', 'athena', 'kms-key', 'alarms'] as const;
export type CostComponent = (typeof COMPONENTS)[number];

/** Billable components the estimate never prices, by id: no price item is sourced, or their usage is not modelled. */
export const UNPRICED_COMPONENTS = [
  /** S3 storage besides event data: failed records, query results, logs, state files, old versions. */
  's3-other-storage',
  /** S3 requests besides Firehose deliveries: Terraform state, access logs, erasure runs. */
  's3-other-requests',
  'glue-catalog',
  'kms-requests',
  'log-ingestion',
  'log-storage',
  /** Athena scans besides the analysts' day queries: the erasure workgroup's locating queries. */
  'athena-other-scans',
  /** Data transfer out of the region: downloads of objects and query results. */
  'data-transfer-out',
  'dashboard',
  's3-lifecycle-transitions',
  's3-reads-by-athena',
  'sns-notifications',
  'sqs-requests',
  'eventbridge-events',
] as const;
export type UnpricedComponent = (typeof UNPRICED_COMPONENTS)[number];

/**
 * Why a billable component is not in a total: the region's file has no price for it; no price for it is sourced
 * anywhere in this project; the estimate does not model its usage; or (KMS requests) the price file records the key
 * from AWS's KMS pricing page but not its request price, and the estimate does not count the requests (every SSE-KMS
 * PUT and GET of the buckets, every MAC of an erasure).
 */
export type OmissionReason =
  'no-price-in-region' | 'no-sourced-price' | 'usage-not-modelled' | 'request-count-not-modelled';

export interface Omission {
  component: CostComponent | UnpricedComponent;
  reason: OmissionReason;
}

/**
 * The billable components a resource type brings, that the estimate does not price: what the "not priced" list is
 * derived from, so a stack names exactly the components its resources bill for.
 */
export const UNPRICED_BY_TYPE: Record<string, Omission[]> = {
  aws_kms_key: [{ component: 'kms-requests', reason: 'request-count-not-modelled' }],
  aws_s3_bucket: [
    { component: 's3-other-storage', reason: 'usage-not-modelled' },
    { component: 's3-other-requests', reason: 'usage-not-modelled' },
    // Reads within the region are not data transfer out; downloads out of it (to the internet) are.
    { component: 'data-transfer-out', reason: 'usage-not-modelled' },
  ],
  aws_glue_catalog_database: [{ component: 'glue-catalog', reason: 'usage-not-modelled' }],
  aws_glue_catalog_table: [{ component: 'glue-catalog', reason: 'usage-not-modelled' }],
  aws_cloudwatch_log_group: [
    { component: 'log-ingestion', reason: 'usage-not-modelled' },
    { component: 'log-storage', reason: 'usage-not-modelled' },
  ],
  aws_cloudwatch_dashboard: [{ component: 'dashboard', reason: 'no-sourced-price' }],
  aws_s3_bucket_lifecycle_configuration: [{ component: 's3-lifecycle-transitions', reason: 'no-sourced-price' }],
  aws_athena_workgroup: [
    { component: 's3-reads-by-athena', reason: 'usage-not-modelled' },
    // The Athena line prices the analysts' queries; the erasure section prices one locating query, per request.
    { component: 'athena-other-scans', reason: 'usage-not-modelled' },
  ],
  aws_sns_topic: [{ component: 'sns-notifications', reason: 'usage-not-modelled' }],
  aws_sqs_queue: [{ component: 'sqs-requests', reason: 'usage-not-modelled' }],
  aws_cloudwatch_event_rule: [{ component: 'eventbridge-events', reason: 'usage-not-modelled' }],
};

/**
 * The resource types whose bills the estimate prices, and in which component: a stack's cost is its resources'.
 */
export const PRICED_BY_TYPE: Record<string, CostComponent[]> = {
  aws_kinesis_firehose_delivery_stream: ['firehose', 's3-requests'],
  aws_s3_bucket: ['s3'],
  aws_glue_crawler: ['glue'],
  aws_athena_workgroup: ['athena'],
  aws_kms_key: ['kms-key'],
  aws_cloudwatch_metric_alarm: ['alarms'],
};

/**
 * Resource types that bring no bill of their own, each with why: configuration of another resource (billed, or
 * named, through it), or a resource AWS does not charge for. A type in a stack that is in none of PRICED_BY_TYPE,
 * UNPRICED_BY_TYPE and this list fails the cost test: a new resource is priced, named, or said here to be free.
 */
export const NOT_BILLED_TYPES: Record<string, string> = {
  // "IAM is an AWS service that you can use with no additional charge" (the IAM chapter of AWS's service guides, e.g.
  // https://docs.aws.amazon.com/quick/latest/userguide/iam.html).
  aws_iam_role: 'IAM is offered at no additional charge',
  aws_iam_role_policy: 'IAM is offered at no additional charge',
  aws_iam_policy: 'IAM is offered at no additional charge',
  aws_iam_role_policy_attachment: 'IAM is offered at no additional charge',
  aws_iam_openid_connect_provider: 'IAM is offered at no additional charge',
  aws_kms_alias: 'an alias is a name of a key; the key is billed (KMS key)',
  aws_s3_bucket_policy: "configuration of a bucket; the bucket's storage and requests are billed",
  aws_s3_bucket_public_access_block: 'configuration of a bucket',
  aws_s3_bucket_ownership_controls: 'configuration of a bucket',
  aws_s3_bucket_server_side_encryption_configuration: "configuration of a bucket; SSE-KMS's requests are KMS requests",
  aws_s3_bucket_versioning: "configuration of a bucket; noncurrent versions are the bucket's storage",
  aws_s3_bucket_logging: "configuration of a bucket; the logs are the log bucket's storage and PUTs",
  aws_s3_bucket_notification:
    'configuration of a bucket; its deliveries are billed by their destination (SNS, SQS, EventBridge)',
  aws_cloudwatch_log_stream: "a stream of a log group; the group's ingestion and storage are billed",
  aws_cloudwatch_event_target: "a target of a rule; the rule's events are billed",
  // Cognito bills user pool MAUs, federation MAUs, M2M requests and purchased quota, nothing of identity pools
  // (Cognito developer guide, "Monitoring and managing costs":
  // https://docs.aws.amazon.com/cognito/latest/developerguide/tracking-cost.html).
  aws_cognito_identity_pool:
    'Cognito bills user pools, not identity pools (Cognito developer guide, "Monitoring and managing costs")',
  aws_cognito_identity_pool_roles_attachment: 'configuration of an identity pool',
  aws_athena_named_query: "a saved query's text; the workgroup's queries are billed",
  aws_glue_security_configuration: "configuration of the crawler's encryption",
  aws_sns_topic_policy: 'configuration of a topic',
  aws_sns_topic_subscription: "a topic's destination; the topic's notifications are billed (SNS notifications)",
  aws_sqs_queue_policy: 'configuration of a queue',
};

/** The field of a cost line that holds each priced component's monthly cost (the cost table's columns, in order). */
export const LINE_FIELD = {
  firehose: 'firehose',
  s3: 's3',
  's3-requests': 's3Requests',
  glue: 'glue',
  athena: 'athena',
  'kms-key': 'kmsKeys',
  alarms: 'alarms',
} as const satisfies Record<CostComponent, keyof CostLine>;

export interface CostLine {
  events: number;
  /** Raw event data sent per month, GB. */
  rawGb: number;
  /** Compressed data added to S3 per month, GB. */
  storedGbPerMonth: number;
  /** Per component, a month; null where it is left out (`omitted` says why). */
  firehose: number | null;
  s3: number | null;
  /** S3 PUT requests of Firehose's deliveries (one object per buffer flush). */
  s3Requests: number | null;
  glue: number | null;
  athena: number | null;
  kmsKeys: number | null;
  alarms: number | null;
  /** The sum of the priced components. */
  total: number;
  /** The components the estimate prices that this line leaves out (no price in the region, or the cutoff). */
  notPriced: CostComponent[];
  /**
   * Every billable component left out of the total, each with its reason: `notPriced`, then the stack's
   * never-priced ones.
   */
  omitted: Omission[];
  /** A day's data as one query scans it, GB: what the cutoff is compared with. */
  dayScanGb: number;
  /**
   * Whether the workgroup's cutoff cancels each such query: then Athena is priced at the cutoff's bytes a query, what a
   * cancelled query is billed for (ATHENA_CANCELLED_BILLING).
   */
  athenaCancelled: boolean;
  /** The reference design's method on the same volume (its us-east-1 figures). */
  referenceTotal: number;
}

export interface CostEstimate {
  region: string;
  /** Whether the region has a price file at all. */
  priced: boolean;
  /** The prices each component uses (present or not): what the total is traceable to. */
  uses: Record<CostComponent, PriceItem[]>;
  /** The prices it needs that the region's file does not have. */
  missing: PriceItem[];
  /** Billable components of the resources present that no line prices, with why. */
  unpriced: Omission[];
  /** The workgroup's per-query scan cutoff, bytes; null without a workgroup or a cutoff. */
  cutoffBytes: number | null;
  /** KMS keys and metric alarms of the stack: each billed per month. */
  kmsKeys: number;
  alarms: number;
  /** Steady-state GB-months stored per month of data, per storage class. */
  storageMonths: Record<string, number>;
  crawlerRunsPerMonth: number;
  /** What one crawl is billed, by Glue's rule (DPU-hours, per second, 10-minute minimum); null when not priced. */
  crawlerCostPerRun: number | null;
  /** Monthly catalog cost of each catalog mode for this stack's schedule and region (when the crawler is priced). */
  catalogModes: CatalogModeCost[];
  format: string;
  /** One line per volume; empty when the region has no price file. */
  lines: CostLine[];
  /** Why this estimate differs from the reference design's (words.costDifference says each). */
  differences: CostDifference[];
}

/** Why the estimate differs from the reference design's method, as data (words/cost.ts says it). */
export type CostDifference =
  | { kind: 'firehose-increment'; eventKb: number; billedKb: number; incrementKb: number }
  | { kind: 'storage-steady-state'; months: { storageClass: string; months: number }[]; expirationDays: number }
  | { kind: 'projection-no-crawler'; referenceCrawlerPerMonth: number }
  | { kind: 'crawler-not-priced'; runsPerMonth: number; region: string }
  | {
      kind: 'crawler-priced';
      runsPerMonth: number;
      dpus: number;
      billedMinutes: number;
      dpuHour: number;
      perRun: number;
      referenceCrawlerPerMonth: number;
    }
  | { kind: 'parquet'; scanFraction: number }
  | {
      kind: 'athena-scans';
      scansPerMonth: number;
      cutoffBytes: number | null;
      /** The volumes whose day's partition is past the cutoff: each query cancelled, billed at the cutoff's bytes. */
      cancelledAt: { events: number; dayScanGb: number }[];
    }
  | { kind: 's3-requests'; bufferSeconds: number; bufferMib: number }
  | { kind: 'monthly-items'; kmsKeys: number; alarms: number }
  | { kind: 'own-region-prices'; region: string };

/** How a catalog mode's monthly cost comes about, as data. */
export type CatalogModeHow =
  | { kind: 'crawls'; runs: number; perRun: number }
  | { kind: 'same-runs-billed-minimum'; runs: number; minimumMinutes: number }
  | { kind: 'no-crawler' };

export interface CatalogModeCost {
  mode: CatalogMode;
  perMonth: number;
  how: CatalogModeHow;
}

type Body = Record<string, unknown>;
const round = (n: number) => Math.round(n * 100) / 100;

/** A catalog mode's monthly cost on a stack's schedule (`runs` crawls a month, each costing `perRun`). */
function catalogModeCost(mode: CatalogMode, runs: number, perRun: number): CatalogModeCost {
  switch (mode) {
    case 'crawler':
      return { mode, perMonth: round(runs * perRun), how: { kind: 'crawls', runs, perRun } };
    case 'crawler-events':
      return {
        mode,
        perMonth: round(runs * perRun),
        how: { kind: 'same-runs-billed-minimum', runs, minimumMinutes: 10 },
      };
    case 'projection':
      return { mode, perMonth: 0, how: { kind: 'no-crawler' } };
    default:
      return assertNever(mode, 'catalog mode');
  }
}

/** Glue's billing rule for one crawl: DPUs × billed hours (at least 10 minutes) × the DPU-hour price. */
export function crawlCost(dpuHour: number): number {
  return ASSUMPTIONS.crawlerDpus * (Math.max(ASSUMPTIONS.crawlerBilledMinutes, 10) / 60) * dpuHour;
}

/** The price item of an S3 storage class. */
const STORAGE_PRICE: Record<string, PriceItem> = {
  STANDARD: 's3.standard',
  STANDARD_IA: 's3.standardIa',
  GLACIER_IR: 's3.glacierIr',
  DEEP_ARCHIVE: 's3.deepArchive',
};

/**
 * The monthly cost of a stack without a pipeline (a state or trust stack): the KMS keys it creates at the region's
 * price (null when the region's file has none), and every billable component of its resources left out, with why.
 */
export interface StandingCost {
  region: string;
  kmsKeys: number;
  /** The keys' monthly price; null when the region's file does not price a key (then it is among `omitted`). */
  perMonth: number | null;
  omitted: Omission[];
}

export function estimateStandingCost(tf: TerraformJson): StandingCost | null {
  if (Object.keys(tf.resource?.aws_kinesis_firehose_delivery_stream ?? {}).length) return null;
  const region = String((tf.provider?.aws ?? [])[0]?.region ?? '');
  const kmsKeys = Object.keys(tf.resource?.aws_kms_key ?? {}).length;
  const keyPrice = price(region, 'kms.key')?.value;
  const present = Object.keys(tf.resource ?? {}).filter((t) => Object.keys(tf.resource?.[t] ?? {}).length > 0);
  const unpriced = [
    ...new Map(present.flatMap((t) => UNPRICED_BY_TYPE[t] ?? []).map((o) => [o.component, o])).values(),
  ];
  const perMonth = kmsKeys === 0 ? 0 : keyPrice === undefined ? null : round(kmsKeys * keyPrice);
  return {
    region,
    kmsKeys,
    perMonth,
    omitted: [
      ...(perMonth === null ? [{ component: 'kms-key', reason: 'no-price-in-region' } as Omission] : []),
      ...unpriced,
    ],
  };
}

export function estimateCost(tf: TerraformJson): CostEstimate | null {
  const stream = Object.values(tf.resource?.aws_kinesis_firehose_delivery_stream ?? {})[0];
  if (!stream) return null;
  const region = String((tf.provider?.aws ?? [])[0]?.region ?? '');
  const s3 = ([] as Body[]).concat(stream.extended_s3_configuration as Body | Body[])[0];
  const parquet = ([] as unknown[]).concat(s3.data_format_conversion_configuration ?? []).length > 0;
  const dataFolder = staticFolder(String(s3.prefix));
  const rule = Object.values(tf.resource?.aws_s3_bucket_lifecycle_configuration ?? {})
    .flatMap((c) => c.rule as Body[])
    .find((r) => ((r.filter as Body[])?.[0]?.prefix ?? '') === dataFolder);
  const transitions = ((rule?.transition as Body[]) ?? [])
    .map((t) => ({ days: Number(t.days), cls: String(t.storage_class) }))
    .sort((a, b) => a.days - b.days);
  const expiration = Number(((rule?.expiration as Body[]) ?? [])[0]?.days ?? 365);

  // Months each month's data spends in each class before it is deleted: the steady-state storage per month.
  const storageMonths: Record<string, number> = {};
  const boundaries = [{ days: 0, cls: 'STANDARD' }, ...transitions];
  boundaries.forEach((b, i) => {
    const until = boundaries[i + 1]?.days ?? expiration;
    storageMonths[b.cls] = (until - b.days) / ASSUMPTIONS.daysPerMonth;
  });
  const crawler = Object.values(tf.resource?.aws_glue_crawler ?? {})[0];
  const crawlerRunsPerMonth = crawler ? runsPerDay(String(crawler.schedule)) * ASSUMPTIONS.daysPerMonth : 0;

  const kmsKeys = Object.keys(tf.resource?.aws_kms_key ?? {}).length;
  const alarms = Object.keys(tf.resource?.aws_cloudwatch_metric_alarm ?? {}).length;
  const cutoffBytes = workgroupCutoffBytes(tf);
  const buffer = { seconds: Number(s3.buffering_interval ?? 300), mib: Number(s3.buffering_size ?? 5) };
  const uses: Record<CostComponent, PriceItem[]> = {
    firehose: ['firehose.ingestion', ...(parquet ? (['firehose.formatConversion'] as const) : [])],
    s3: Object.keys(storageMonths).map((cls) => STORAGE_PRICE[cls] ?? 's3.standard'),
    's3-requests': ['s3.putRequests'],
    glue: crawlerRunsPerMonth > 0 ? ['glue.crawler'] : [],
    athena: ['athena.scanned'],
    'kms-key': kmsKeys > 0 ? ['kms.key'] : [],
    alarms: alarms > 0 ? ['cloudwatch.alarm'] : [],
  };
  const present = Object.keys(tf.resource ?? {}).filter((t) => Object.keys(tf.resource?.[t] ?? {}).length > 0);
  const unpriced = [
    ...new Map(present.flatMap((t) => UNPRICED_BY_TYPE[t] ?? []).map((o) => [o.component, o])).values(),
  ];
  const value = (item: PriceItem) => price(region, item)?.value;
  const missing = [...new Set(COMPONENTS.flatMap((c) => uses[c]).filter((item) => value(item) === undefined))];
  const priced = (c: CostComponent) => uses[c].every((item) => value(item) !== undefined);
  const dpuHour = value('glue.crawler');
  const perRun = dpuHour === undefined ? null : crawlCost(dpuHour);
  // The modes a stack could switch to run on its schedule (or, without a crawler, the default six-hourly one).
  const scheduledRuns = crawler ? crawlerRunsPerMonth : 4 * ASSUMPTIONS.daysPerMonth;
  const catalogModes: CatalogModeCost[] =
    perRun === null ? [] : CATALOG_MODES.map((mode) => catalogModeCost(mode, scheduledRuns, perRun));
  const base = {
    region,
    priced: pricesFor(region) !== undefined,
    uses,
    missing,
    unpriced,
    cutoffBytes,
    kmsKeys,
    alarms,
    storageMonths,
    crawlerRunsPerMonth,
    crawlerCostPerRun: perRun === null ? null : Math.round(perRun * 10000) / 10000,
    catalogModes,
    format: parquet ? 'parquet' : `json (${s3.compression_format})`,
  };
  if (!base.priced) return { ...base, lines: [], differences: [] };

  const lines = VOLUMES.map((events): CostLine => {
    const rawGb = rawGbOf(events);
    const billedKb =
      Math.ceil(ASSUMPTIONS.eventKb / ASSUMPTIONS.firehoseBillingIncrementKb) * ASSUMPTIONS.firehoseBillingIncrementKb;
    const storedGbPerMonth = storedGbOf(events);
    // What one query of a day's partition reads; the workgroup cancels a query past its cutoff.
    const dayScanGb = (storedGbPerMonth / ASSUMPTIONS.daysPerMonth) * (parquet ? ASSUMPTIONS.parquetScanFraction : 1);
    const cancelled = cutoffBytes !== null && dayScanGb * 2 ** 30 > cutoffBytes;
    const cost: Record<CostComponent, number | null> = {
      firehose: priced('firehose')
        ? ((events * billedKb) / KB_PER_GB) * value('firehose.ingestion')! +
          (parquet ? rawGb * value('firehose.formatConversion')! : 0)
        : null,
      s3: priced('s3')
        ? Object.entries(storageMonths).reduce(
            (sum, [cls, months]) => sum + storedGbPerMonth * months * value(STORAGE_PRICE[cls] ?? 's3.standard')!,
            0,
          )
        : null,
      's3-requests': priced('s3-requests')
        ? objectsPerDay(events, buffer) * ASSUMPTIONS.daysPerMonth * value('s3.putRequests')!
        : null,
      glue: priced('glue') ? crawlerRunsPerMonth * (perRun ?? 0) : null,
      // A query the cutoff cancels is billed for the bytes it scanned until then: the cutoff's
      // (ATHENA_CANCELLED_BILLING).
      athena: priced('athena')
        ? ((ASSUMPTIONS.monthlyScansOfLastMonth *
            ASSUMPTIONS.daysPerMonth *
            (cancelled ? cutoffBytes! / 2 ** 30 : dayScanGb)) /
            1024) *
          value('athena.scanned')!
        : null,
      'kms-key': priced('kms-key') ? kmsKeys * (value('kms.key') ?? 0) : null,
      alarms: priced('alarms') ? alarms * (value('cloudwatch.alarm') ?? 0) : null,
    };
    // The reference design's method: raw bytes, one month in STANDARD, its crawler figure, its us-east-1 prices.
    const referenceTotal =
      rawGb * REFERENCE_DESIGN.firehosePerGb +
      storedGbPerMonth * REFERENCE_DESIGN.s3StandardPerGbMonth +
      REFERENCE_DESIGN.crawlerPerMonth +
      ((ASSUMPTIONS.monthlyScansOfLastMonth * storedGbPerMonth) / 1024) * REFERENCE_DESIGN.athenaPerTb;
    const r = (n: number | null) => (n === null ? null : round(n));
    const omitted: Omission[] = [
      ...COMPONENTS.filter((c) => cost[c] === null).map((c): Omission => ({
        component: c,
        reason: 'no-price-in-region',
      })),
      ...unpriced,
    ];
    return {
      events,
      rawGb: round(rawGb),
      storedGbPerMonth: round(storedGbPerMonth),
      firehose: r(cost.firehose),
      s3: r(cost.s3),
      s3Requests: r(cost['s3-requests']),
      glue: r(cost.glue),
      athena: r(cost.athena),
      kmsKeys: r(cost['kms-key']),
      alarms: r(cost.alarms),
      total: round(COMPONENTS.reduce((sum, c) => sum + (cost[c] ?? 0), 0)),
      notPriced: COMPONENTS.filter((c) => cost[c] === null),
      omitted,
      dayScanGb: round(dayScanGb),
      athenaCancelled: cancelled,
      referenceTotal: round(referenceTotal),
    };
  });

  const cancelledAt = lines.filter((l) => l.athenaCancelled).map((l) => ({ events: l.events, dayScanGb: l.dayScanGb }));
  const differences: CostDifference[] = [
    {
      kind: 'firehose-increment',
      eventKb: ASSUMPTIONS.eventKb,
      billedKb:
        Math.ceil(ASSUMPTIONS.eventKb / ASSUMPTIONS.firehoseBillingIncrementKb) *
        ASSUMPTIONS.firehoseBillingIncrementKb,
      incrementKb: ASSUMPTIONS.firehoseBillingIncrementKb,
    },
    {
      kind: 'storage-steady-state',
      months: Object.entries(storageMonths).map(([storageClass, months]) => ({ storageClass, months })),
      expirationDays: expiration,
    },
    crawlerRunsPerMonth === 0
      ? { kind: 'projection-no-crawler', referenceCrawlerPerMonth: REFERENCE_DESIGN.crawlerPerMonth }
      : perRun === null || dpuHour === undefined
        ? { kind: 'crawler-not-priced', runsPerMonth: crawlerRunsPerMonth, region }
        : {
            kind: 'crawler-priced',
            runsPerMonth: crawlerRunsPerMonth,
            dpus: ASSUMPTIONS.crawlerDpus,
            billedMinutes: ASSUMPTIONS.crawlerBilledMinutes,
            dpuHour,
            perRun,
            referenceCrawlerPerMonth: REFERENCE_DESIGN.crawlerPerMonth,
          },
    ...(parquet ? [{ kind: 'parquet', scanFraction: ASSUMPTIONS.parquetScanFraction } as const] : []),
    { kind: 'athena-scans', scansPerMonth: ASSUMPTIONS.monthlyScansOfLastMonth, cutoffBytes, cancelledAt },
    { kind: 's3-requests', bufferSeconds: buffer.seconds, bufferMib: buffer.mib },
    { kind: 'monthly-items', kmsKeys, alarms },
    ...(region !== 'us-east-1' ? [{ kind: 'own-region-prices', region } as const] : []),
  ];
  return { ...base, lines, differences };
}
