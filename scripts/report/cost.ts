/**
 * Monthly cost of a stack at 10 M / 100 M / 1 B events, from what the stack really configures (compression or
 * Parquet, lifecycle, crawler schedule or projection), with the reference design's simpler method beside it.
 */
import { runsPerDay } from '../../config/glue-cron';
import { staticFolder } from '../../config/names';
import type { TerraformJson } from '../../stacks/policy-checks';
import { ASSUMPTIONS, pricesFor, REFERENCE_DESIGN_PRICES, VOLUMES, type PriceTable } from './prices';

export interface CostLine {
  events: number;
  /** Raw event data sent per month, GB. */
  rawGb: number;
  /** Compressed data added to S3 per month, GB. */
  storedGbPerMonth: number;
  firehose: number;
  s3: number;
  glue: number;
  athena: number;
  total: number;
  /** The reference design's method on the same volume. */
  referenceTotal: number;
}

export interface CostEstimate {
  /** Region priced, and the source of its price table; `source` is null when the region has no sourced table. */
  prices: { region: string; source: string | null };
  /** Steady-state GB-months stored per month of data, per storage class. */
  storageMonths: Record<string, number>;
  crawlerRunsPerMonth: number;
  /** What one crawl is billed, by Glue's rule (DPU-hours, per second, 10-minute minimum). */
  crawlerCostPerRun: number;
  /** Monthly catalog cost of each catalog mode for this stack's schedule and region. */
  catalogModes: { mode: string; perMonth: number; note: string }[];
  format: string;
  /** Empty when the region has no sourced price table. */
  lines: CostLine[];
  /** Why this estimate differs from the reference design's. */
  differences: string[];
}

type Body = Record<string, unknown>;
const KB_PER_GB = 1024 * 1024;
const round = (n: number) => Math.round(n * 100) / 100;

/** Glue's billing rule for one crawl: DPUs × billed hours (at least 10 minutes) × the DPU-hour price. */
export function crawlCost(prices: PriceTable): number {
  return ASSUMPTIONS.crawlerDpus * (Math.max(ASSUMPTIONS.crawlerBilledMinutes, 10) / 60) * prices.glueDpuHour;
}

export function estimateCost(tf: TerraformJson): CostEstimate | null {
  const stream = Object.values(tf.resource?.aws_kinesis_firehose_delivery_stream ?? {})[0];
  if (!stream) return null;
  const region = String((tf.provider?.aws ?? [])[0]?.region ?? '');
  const table = pricesFor(region);
  const s3 = stream.extended_s3_configuration as Body;
  const parquet = Boolean(s3.data_format_conversion_configuration);
  const dataFolder = staticFolder(String(s3.prefix));
  const rule = Object.values(tf.resource?.aws_s3_bucket_lifecycle_configuration ?? {})
    .flatMap((c) => c.rule as Body[])
    .find((r) => ((r.filter as Body[])?.[0]?.prefix ?? '') === dataFolder);
  const transitions = ((rule?.transition as Body[]) ?? []).map((t) => ({ days: Number(t.days), cls: String(t.storage_class) })).sort((a, b) => a.days - b.days);
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
  // The modes a stack could switch to run on its schedule (or, without a crawler, the default six-hourly one).
  const scheduledRuns = crawler ? crawlerRunsPerMonth : 4 * ASSUMPTIONS.daysPerMonth;
  const perRun = table ? crawlCost(table) : 0;
  const catalogModes = table
    ? [
        { mode: 'crawler', perMonth: round(scheduledRuns * perRun), note: `${scheduledRuns} crawls × $${perRun.toFixed(4)}` },
        { mode: 'crawler-events', perMonth: round(scheduledRuns * perRun), note: 'the same runs: event mode shortens a crawl, but each is billed at least 10 minutes' },
        { mode: 'projection', perMonth: 0, note: 'no crawler: partitions are computed by Athena at query time' },
      ]
    : [];
  const base = { prices: { region, source: table?.source ?? null }, storageMonths, crawlerRunsPerMonth, crawlerCostPerRun: Math.round(perRun * 10000) / 10000, catalogModes, format: parquet ? 'parquet' : `json (${s3.compression_format})` };
  if (!table) {
    return { ...base, lines: [], differences: [`No sourced price table for ${region}: not priced (another region's prices would mislead). Add one in scripts/report/prices.ts with its sources.`] };
  }
  const pricePerGbMonth: Record<string, number> = {
    STANDARD: table.s3StandardPerGbMonth,
    STANDARD_IA: table.s3StandardIaPerGbMonth,
    GLACIER_IR: table.s3GlacierIrPerGbMonth,
    DEEP_ARCHIVE: table.s3DeepArchivePerGbMonth,
  };
  const ref = REFERENCE_DESIGN_PRICES;

  const lines = VOLUMES.map((events) => {
    const rawGb = (events * ASSUMPTIONS.eventKb) / KB_PER_GB;
    const billedKb = Math.ceil(ASSUMPTIONS.eventKb / ASSUMPTIONS.firehoseBillingIncrementKb) * ASSUMPTIONS.firehoseBillingIncrementKb;
    const storedGbPerMonth = rawGb * (1 - ASSUMPTIONS.gzipReduction);
    const firehose = ((events * billedKb) / KB_PER_GB) * table.firehosePerGb + (parquet ? rawGb * table.firehoseFormatConversionPerGb : 0);
    const s3Cost = Object.entries(storageMonths).reduce((sum, [cls, months]) => sum + storedGbPerMonth * months * (pricePerGbMonth[cls] ?? table.s3StandardPerGbMonth), 0);
    const glue = crawlerRunsPerMonth * perRun;
    const scannedTb = (ASSUMPTIONS.monthlyScansOfLastMonth * storedGbPerMonth * (parquet ? ASSUMPTIONS.parquetScanFraction : 1)) / 1024;
    const athena = scannedTb * table.athenaPerTb;
    // The reference design's method: raw bytes, one month in STANDARD, its crawler figure, us-east-1 prices.
    const referenceTotal =
      rawGb * ref.firehosePerGb +
      storedGbPerMonth * ref.s3StandardPerGbMonth +
      ASSUMPTIONS.referenceCrawlerPerMonth +
      ((ASSUMPTIONS.monthlyScansOfLastMonth * storedGbPerMonth) / 1024) * ref.athenaPerTb;
    return {
      events,
      rawGb: round(rawGb),
      storedGbPerMonth: round(storedGbPerMonth),
      firehose: round(firehose),
      s3: round(s3Cost),
      glue: round(glue),
      athena: round(athena),
      total: round(firehose + s3Cost + glue + athena),
      referenceTotal: round(referenceTotal),
    };
  });

  const differences = [
    `Firehose bills each ${ASSUMPTIONS.eventKb} KB event as ${Math.ceil(ASSUMPTIONS.eventKb / ASSUMPTIONS.firehoseBillingIncrementKb) * ASSUMPTIONS.firehoseBillingIncrementKb} KB (5 KB increments); the reference design priced the raw ${ASSUMPTIONS.eventKb} KB.`,
    `Storage is the steady state of the lifecycle: each month's data stays ${Object.entries(storageMonths).map(([c, m]) => `${m.toFixed(1)} months in ${c}`).join(', ')}, then is deleted at day ${expiration}; the reference design priced one month in STANDARD.`,
    crawlerRunsPerMonth === 0
      ? `Partition projection: no crawler runs (the reference design's crawler every 6 hours: $${ASSUMPTIONS.referenceCrawlerPerMonth.toFixed(2)} a month).`
      : `The crawler runs ${crawlerRunsPerMonth} times a month, each billed by Glue's rule at ${ASSUMPTIONS.crawlerDpus} DPUs × ${ASSUMPTIONS.crawlerBilledMinutes} minutes (the per-crawl minimum) × $${table.glueDpuHour}/DPU-hour = $${perRun.toFixed(4)}, $${(crawlerRunsPerMonth * perRun).toFixed(2)} a month; the reference design's table says $${ASSUMPTIONS.referenceCrawlerPerMonth.toFixed(2)}.`,
    ...(parquet
      ? [`Parquet: Firehose adds $${table.firehoseFormatConversionPerGb}/GB for conversion; queries reading a few columns scan ~${ASSUMPTIONS.parquetScanFraction * 100} % of the bytes.`]
      : []),
    `Athena assumes analysts scan the last 30 days ${ASSUMPTIONS.monthlyScansOfLastMonth} times a month; the 1 GiB per-query cutoff caps any single query.`,
  ];
  return { ...base, lines, differences };
}
