/**
 * Price tables per region and the workload assumptions behind the cost estimate. A region without a sourced table
 * is reported as not priced — never priced with another region's prices. Add a region by adding its table with
 * the page each value was read from and the date.
 */
export interface PriceTable {
  /** Firehose Direct PUT ingestion, per GB (billed in 5 KB increments per record). */
  firehosePerGb: number;
  /** Firehose record format conversion (JSON → Parquet), per GB. */
  firehoseFormatConversionPerGb: number;
  /** S3 Standard, per GB-month. */
  s3StandardPerGbMonth: number;
  /** S3 Standard-IA, per GB-month. */
  s3StandardIaPerGbMonth: number;
  /** S3 Glacier Instant Retrieval, per GB-month. */
  s3GlacierIrPerGbMonth: number;
  /** S3 Glacier Deep Archive, per GB-month. */
  s3DeepArchivePerGbMonth: number;
  /** Glue crawler, per DPU-hour (billed per second, 10-minute minimum per crawl). */
  glueDpuHour: number;
  /** Athena, per TB scanned. */
  athenaPerTb: number;
  /** Where the values come from, and when they were read. */
  source: string;
}

export const PRICE_TABLES: Record<string, PriceTable> = {
  'us-east-1': {
    firehosePerGb: 0.029,
    firehoseFormatConversionPerGb: 0.018,
    s3StandardPerGbMonth: 0.023,
    s3StandardIaPerGbMonth: 0.0125,
    s3GlacierIrPerGbMonth: 0.004,
    s3DeepArchivePerGbMonth: 0.00099,
    glueDpuHour: 0.44,
    athenaPerTb: 5,
    source:
      "us-east-1 list prices as quoted by the reference design's cost table (Firehose, S3 Standard/IA, Glue DPU-hour, Athena) and the S3 and Firehose pricing pages (Glacier IR, Deep Archive, format conversion); carried over 2026-11-25",
  },
};

/** The sourced price table of a region, if there is one. */
export function pricesFor(region: string): PriceTable | undefined {
  return PRICE_TABLES[region];
}

/** The reference design priced every region at these us-east-1 prices; its method is shown beside ours. */
export const REFERENCE_DESIGN_PRICES = PRICE_TABLES['us-east-1'];

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
  /** The reference design's monthly crawler figure for a crawl every 6 hours, shown beside this estimate. */
  referenceCrawlerPerMonth: 2.2,
} as const;

/** Event volumes per month the report estimates. */
export const VOLUMES = [10_000_000, 100_000_000, 1_000_000_000] as const;
