/**
 * What the cost estimate assumes besides prices, and the reference design's own figures it is compared with. The
 * prices themselves are per region in config/prices/<region>.json (config/prices.ts), each with its source.
 */
import { pricesFor, type Price, type PriceItem } from '../../config/prices';

/** A sourced price of a region, if its price file has one. */
export function price(region: string, item: PriceItem): Price | undefined {
  return pricesFor(region)?.prices[item];
}

/**
 * The reference design's cost table priced every region at these us-east-1 figures (its own numbers, quoted as it
 * gives them); its method is shown beside this project's estimate.
 */
export const REFERENCE_DESIGN = {
  firehosePerGb: 0.029,
  s3StandardPerGbMonth: 0.023,
  athenaPerTb: 5,
  /** Its crawler figure for a crawl every 6 hours, per month. */
  crawlerPerMonth: 2.2,
} as const;

export const ASSUMPTIONS = {
  /** Size of one event as sent, in KB (reference design). */
  eventKb: 3,
  /** GZIP shrinks JSON events by 80 % (reference design). */
  gzipReduction: 0.8,
  /** Firehose bills each record rounded up to the next 5 KB (Firehose pricing: "5KB increments"). */
  firehoseBillingIncrementKb: 5,
  /** Parquet (Snappy) files are about the size of GZIP'd JSON; queries reading a few columns scan ~25 % of them. */
  parquetScanFraction: 0.25,
  /** Analyst workload: each month, queries scan the last 30 days of data this many times over. */
  monthlyScansOfLastMonth: 10,
  /** Days in a billing month. */
  daysPerMonth: 30,
  /** DPUs a crawl of one day's folder uses (Glue pricing's crawler example uses 2). */
  crawlerDpus: 2,
  /** Minutes billed per crawl: an incremental crawl of a small folder ends well within Glue's 10-minute minimum. */
  crawlerBilledMinutes: 10,
  /**
   * MB of JSON an erasure rewrites per second on one core, and MB of Parquet: `npm run bench` on this project's
   * machine kind, 2026-11-30 (JSON: median 130, runs 124–135) and 2026-12-01 (Parquet: 18.0–18.6); machines of
   * one kind differ by up to 2× (docs/contributing.md, the erasure's hot path).
   */
  rewriteJsonMbPerSecond: 130,
  rewriteParquetMbPerSecond: 18,
} as const;

export const KB_PER_GB = 1024 * 1024;

/** GB of events as sent, and as stored (GZIP'd), for a number of events: what the cost and erasure estimates use. */
export const rawGbOf = (events: number): number => (events * ASSUMPTIONS.eventKb) / KB_PER_GB;
export const storedGbOf = (events: number): number => rawGbOf(events) * (1 - ASSUMPTIONS.gzipReduction);

/** Event volumes per month the report estimates (the reference design's three tiers). */
export const VOLUMES = [10_000_000, 100_000_000, 1_000_000_000] as const;

/**
 * Objects Firehose writes a day: one per buffer flush, when the buffer is full or its interval is up, whichever comes
 * first (Firehose developer guide, buffering hints); Firehose's defaults, 5 MiB and 300 s, without a stream's own.
 */
export function objectsPerDay(
  events: number,
  buffer: { seconds: number; mib: number } = { seconds: 300, mib: 5 },
): number {
  const rawMbPerDay = (rawGbOf(events) / ASSUMPTIONS.daysPerMonth) * 1024;
  return Math.max(86_400 / buffer.seconds, rawMbPerDay / buffer.mib);
}
