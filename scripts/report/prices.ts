/**
 * The price table and workload assumptions behind the cost estimate. The first block is the reference design's
 * table (us-east-1 list prices it quoted); the rest are documented additions. Change a number here and every
 * report uses it.
 */
export const PRICES = {
  /** Firehose Direct PUT ingestion, per GB (reference design). */
  firehosePerGb: 0.029,
  /** S3 Standard, per GB-month (reference design). */
  s3StandardPerGbMonth: 0.023,
  /** S3 Standard-IA, per GB-month (reference design). */
  s3StandardIaPerGbMonth: 0.0125,
  /** Glue crawler, per run (reference design: ~2 DPU × 10 min minimum × $0.44/DPU-hour ≈ $0.44 a run). */
  glueCrawlerPerRun: 0.44,
  /** Athena, per TB scanned (reference design). */
  athenaPerTb: 5,
  /** S3 Glacier Instant Retrieval, per GB-month (S3 pricing, us-east-1). */
  s3GlacierIrPerGbMonth: 0.004,
  /** S3 Glacier Deep Archive, per GB-month (S3 pricing, us-east-1). */
  s3DeepArchivePerGbMonth: 0.00099,
  /** Firehose record format conversion (JSON → Parquet), per GB (Firehose pricing). */
  firehoseFormatConversionPerGb: 0.018,
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
} as const;

/** Event volumes per month the report estimates. */
export const VOLUMES = [10_000_000, 100_000_000, 1_000_000_000] as const;
