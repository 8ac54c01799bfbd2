/**
 * AWS list prices by region, one file per region in config/prices/<region>.json: each price with its unit, the AWS
 * usage type or SKU where known, its sources and the date it was true. A price no source gave is absent — never
 * another region's price in its place. `npm run prices` refreshes the files from the AWS Price List Query API.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';

/** Every price the cost estimate can use, with what identifies it in AWS's Price List. */
export const PRICE_ITEMS = {
  'firehose.ingestion': {
    service: 'AmazonKinesisFirehose',
    usageType: 'BilledBytes',
    unit: 'USD per GB',
    what: 'Firehose Direct PUT ingestion, first 500 TB a month (billed in 5 KB steps per record)',
  },
  'firehose.formatConversion': {
    service: 'AmazonKinesisFirehose',
    usageType: 'DFCBilledBytes',
    unit: 'USD per GB',
    what: 'Firehose record format conversion (JSON to Parquet)',
  },
  's3.standard': {
    service: 'AmazonS3',
    usageType: 'TimedStorage-ByteHrs',
    unit: 'USD per GB-month',
    what: 'S3 Standard storage, first 50 TB',
  },
  's3.standardIa': {
    service: 'AmazonS3',
    usageType: 'TimedStorage-SIA-ByteHrs',
    unit: 'USD per GB-month',
    what: 'S3 Standard-IA storage',
  },
  's3.glacierIr': {
    service: 'AmazonS3',
    usageType: 'TimedStorage-GIR-ByteHrs',
    unit: 'USD per GB-month',
    what: 'S3 Glacier Instant Retrieval storage',
  },
  's3.deepArchive': {
    service: 'AmazonS3',
    usageType: 'TimedStorage-GDA-ByteHrs',
    unit: 'USD per GB-month',
    what: 'S3 Glacier Deep Archive storage',
  },
  's3.putRequests': {
    service: 'AmazonS3',
    usageType: 'Requests-Tier1',
    unit: 'USD per request',
    what: 'S3 Standard PUT, COPY, POST and LIST requests (DELETE is free: S3 pricing page)',
  },
  's3.getRequests': {
    service: 'AmazonS3',
    usageType: 'Requests-Tier2',
    unit: 'USD per request',
    what: 'S3 Standard GET, HEAD and all other requests',
  },
  'glue.crawler': {
    service: 'AWSGlue',
    usageType: 'Crawler-DPU-Hour',
    unit: 'USD per DPU-hour',
    what: 'Glue crawler (billed per second, 10-minute minimum per crawl)',
  },
  'athena.scanned': {
    service: 'AmazonAthena',
    usageType: 'DataScannedInTB',
    unit: 'USD per TB',
    what: 'Athena SQL queries, per TB scanned',
  },
  'kms.key': { service: 'awskms', usageType: 'KMS-Keys', unit: 'USD per key-month', what: 'KMS customer managed key' },
  'logs.ingestion': {
    service: 'AmazonCloudWatch',
    usageType: 'DataProcessing-Bytes',
    unit: 'USD per GB',
    what: 'CloudWatch Logs ingestion (custom logs, Standard log class)',
  },
  'cloudwatch.alarm': {
    service: 'AmazonCloudWatch',
    usageType: 'CW:AlarmMonitorUsage',
    unit: 'USD per alarm-month',
    what: 'CloudWatch standard-resolution alarm',
  },
} as const;

export type PriceItem = keyof typeof PRICE_ITEMS;
export const PRICE_ITEM_IDS = Object.keys(PRICE_ITEMS) as PriceItem[];

const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a date as YYYY-MM-DD');

/** How close a source is to AWS's own data, closest first. */
export const PRICE_SOURCE_CLASSES = [
  'price-list-api',
  'offer-file',
  'pricing-page',
  'secondary-copy',
  'secondary',
] as const;
export type PriceSourceClass = (typeof PRICE_SOURCE_CLASSES)[number];

/**
 * Whether a source is AWS's own publication (the Price List API, an offer file or feed at AWS's URL, a pricing page). A
 * copy of an offer file in someone else's repository is not: it is secondary, however faithful it claims to be.
 */
export const isFirstParty = (c: PriceSourceClass): boolean =>
  c === 'price-list-api' || c === 'offer-file' || c === 'pricing-page';

export const priceSourceSchema = z.strictObject({
  class: z
    .enum(PRICE_SOURCE_CLASSES)
    .describe(
      "How close to AWS's own data: the Price List Query API, an offer file or the pricing page's " +
        "feed as AWS publishes it (its own URL), the page's text, a third party's copy of an offer " +
        'file or feed (secondary: only as good as its copier), or someone restating it.',
    ),
  location: z.string().min(1).describe('Where exactly: the repository, commit and file, or the URL.'),
  what: z.string().min(1).describe('What the source is.'),
  date: isoDate
    .optional()
    .describe(
      'When the source shows the prices were true (capture, fetch or ' +
        'publication date); absent when the source is undated.',
    ),
});

export const priceSchema = z.strictObject({
  value: z.number().nonnegative(),
  unit: z.string().min(1),
  usageType: z.string().min(1).optional().describe("AWS's usage type, where a source gave it."),
  sku: z.string().min(1).optional(),
  sources: z
    .array(z.string().min(1))
    .min(1)
    .describe('Ids of `sources`: the first is the one relied on, the rest corroborate.'),
  date: isoDate
    .optional()
    .describe('When the price was true, by its first source; absent when that source is undated.'),
  publicationDate: isoDate.optional().describe("The offer's publication date (Price List)."),
  effectiveDate: isoDate.optional().describe("The price's effective date (Price List)."),
  note: z.string().optional(),
});

export const priceFileSchema = z
  .strictObject({
    region: z.string().min(1),
    sources: z.record(z.string(), priceSourceSchema),
    prices: z.partialRecord(z.enum(PRICE_ITEM_IDS as [PriceItem, ...PriceItem[]]), priceSchema),
  })
  .superRefine((file, ctx) => {
    for (const [item, price] of Object.entries(file.prices)) {
      if (!price) continue;
      for (const id of price.sources)
        if (!file.sources[id])
          ctx.addIssue({ code: 'custom', path: ['prices', item, 'sources'], message: `no source ${id} in sources` });
      if (price.unit !== PRICE_ITEMS[item as PriceItem].unit)
        ctx.addIssue({
          code: 'custom',
          path: ['prices', item, 'unit'],
          message: `${item} is priced in ${PRICE_ITEMS[item as PriceItem].unit}`,
        });
    }
  });

export type Price = z.infer<typeof priceSchema>;
export type PriceFile = z.infer<typeof priceFileSchema>;

/** Where the price files are: config/prices/ of the project (every command runs from the project root). */
export const PRICES_DIR = join(process.cwd(), 'config', 'prices');

/** The path of a region's price file. */
export const priceFilePath = (region: string, dir = PRICES_DIR) => join(dir, `${region}.json`);

/** A price file, checked by the schema; a broken one is an error naming the file and field. */
export function parsePriceFile(text: string, path: string): PriceFile {
  const parsed = priceFileSchema.safeParse(JSON.parse(text));
  if (!parsed.success)
    throw new Error(parsed.error.issues.map((i) => `${path} ${i.path.join('.')}: ${i.message}`).join('\n'));
  return parsed.data;
}

const cache = new Map<string, PriceFile | undefined>();

/** The price file of a region, or undefined when there is none. */
export function pricesFor(region: string, dir = PRICES_DIR): PriceFile | undefined {
  const path = priceFilePath(region, dir);
  if (!cache.has(path))
    cache.set(path, existsSync(path) ? parsePriceFile(readFileSync(path, 'utf8'), path) : undefined);
  return cache.get(path);
}

/** The regions with a price file. */
export const pricedRegions = (dir = PRICES_DIR): string[] =>
  existsSync(dir)
    ? readdirSync(dir)
        .filter((f) => f.endsWith('.json'))
        .map((f) => f.replace(/\.json$/, ''))
        .sort()
    : [];
