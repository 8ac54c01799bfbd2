/**
 * `npm run prices -- [--region <r>[,<r>…]]`: refreshes config/prices/<region>.json from the AWS Price List Query API
 * (`GetProducts`, filtered by service code, region code and usage type) and prints what changed. Each refreshed price
 * records the offer's publication date and the price's effective date; a price the API does not return is kept as
 * it was (with its sources), and one no source has stays absent. Needs AWS credentials: any identity allowed
 * `pricing:GetProducts`. The API answers in us-east-1 and ap-south-1 (the Price List Service's API model, pricing
 * 2017-10-15: "You can use the following endpoints … api.pricing.us-east-1.amazonaws.com,
 * api.pricing.ap-south-1.amazonaws.com").
 */
import { GetProductsCommand, PricingClient, type GetProductsCommandOutput } from '@aws-sdk/client-pricing';
import { mkdirSync, readFileSync, existsSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import {
  parsePriceFile,
  PRICE_ITEM_IDS,
  PRICE_ITEMS,
  priceFilePath,
  priceFileSchema,
  PRICES_DIR,
  type Price,
  type PriceFile,
  type PriceItem,
} from '../config/prices';
import { commandLine, isEntryPoint, loadDeploymentsOrReport, usage, type CommandSpec } from './cli';

/** Where the Price List Query API answers. */
export const PRICE_LIST_ENDPOINT_REGIONS = ['us-east-1', 'ap-south-1'] as const;

export const PRICES_COMMAND = {
  name: 'prices',
  summary:
    'Refreshes the price files (config/prices/<region>.json) from the AWS Price List Query ' +
    'API and shows what changed. Needs AWS credentials allowed pricing:GetProducts.',
  flags: {
    region: {
      type: 'string',
      value: 'region[,region…]',
      help: 'the regions to refresh (default: every region of the configured matrix)',
    },
    'endpoint-region': {
      type: 'string',
      value: PRICE_LIST_ENDPOINT_REGIONS.join('|'),
      default: 'us-east-1',
      help: 'where to call the Price List Query API',
    },
    'dry-run': { type: 'boolean', help: 'show what would change; write nothing' },
    dir: { type: 'string', value: 'dir', help: 'where the price files are (default: config/prices)' },
  },
} satisfies CommandSpec;

export interface PricingLike {
  send(command: GetProductsCommand): Promise<GetProductsCommandOutput>;
}

/** One entry of `PriceList` in a GetProducts answer (each is JSON text; Price List Query API, GetProducts). */
interface PriceListProduct {
  product: { sku: string; attributes: Record<string, string> };
  serviceCode: string;
  terms?: {
    OnDemand?: Record<
      string,
      {
        effectiveDate?: string;
        priceDimensions: Record<
          string,
          { unit: string; beginRange?: string; pricePerUnit: { USD?: string }; description?: string }
        >;
      }
    >;
  };
  publicationDate?: string;
}

/** A price as the Price List gives it. */
export interface FetchedPrice {
  value: number;
  usageType: string;
  sku: string;
  awsUnit: string;
  publicationDate?: string;
  effectiveDate?: string;
}

const day = (iso: string | undefined) => (iso ? iso.slice(0, 10) : undefined);
const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * The first paid tier of the product whose usage type is the item's (with or without the region's prefix, which
 * differs by service: S3 uses none in us-east-1, Glue `USE1-`), or undefined when the API has no such product.
 */
export async function fetchPrice(
  client: PricingLike,
  region: string,
  item: PriceItem,
): Promise<FetchedPrice | undefined> {
  const { service, usageType } = PRICE_ITEMS[item];
  const pattern = new RegExp(`(^|-)${escape(usageType)}$`);
  const products: PriceListProduct[] = [];
  let NextToken: string | undefined;
  do {
    const page = await client.send(
      new GetProductsCommand({
        ServiceCode: service,
        Filters: [
          { Type: 'TERM_MATCH', Field: 'regionCode', Value: region },
          { Type: 'CONTAINS', Field: 'usagetype', Value: usageType },
        ],
        FormatVersion: 'aws_v1',
        NextToken,
      }),
    );
    products.push(
      ...((page.PriceList ?? []) as unknown[]).map(
        (entry) => (typeof entry === 'string' ? JSON.parse(entry) : entry) as PriceListProduct,
      ),
    );
    NextToken = page.NextToken;
  } while (NextToken);
  const [product] = products
    .filter((p) => pattern.test(p.product.attributes.usagetype ?? ''))
    .sort(
      (a, b) =>
        a.product.attributes.usagetype.length - b.product.attributes.usagetype.length ||
        a.product.sku.localeCompare(b.product.sku),
    );
  if (!product) return undefined;
  const [term] = Object.values(product.terms?.OnDemand ?? {});
  const paid = Object.values(term?.priceDimensions ?? {})
    .filter((d) => Number(d.pricePerUnit.USD ?? 0) > 0)
    .sort((a, b) => Number(a.beginRange ?? 0) - Number(b.beginRange ?? 0));
  if (!paid[0]) return undefined;
  return {
    value: Number(paid[0].pricePerUnit.USD),
    usageType: product.product.attributes.usagetype,
    sku: product.product.sku,
    awsUnit: paid[0].unit,
    ...(day(product.publicationDate) ? { publicationDate: day(product.publicationDate) } : {}),
    ...(day(term?.effectiveDate) ? { effectiveDate: day(term?.effectiveDate) } : {}),
  };
}

/** The id of the Price List source in a file. */
export const API_SOURCE = 'price-list-api';

/**
 * A region's price file refreshed with what the API returned: each fetched price from the API (an unchanged value
 * keeps its earlier sources as corroboration), every other price as it was; and one line per price on what changed.
 */
export function refreshPriceFile(
  region: string,
  before: PriceFile | undefined,
  fetched: Partial<Record<PriceItem, FetchedPrice>>,
  context: { today: string; endpoint: string },
): { file: PriceFile; changes: string[] } {
  const prices: PriceFile['prices'] = {};
  const changes: string[] = [];
  const published = Object.values(fetched)
    .map((f) => f?.publicationDate)
    .filter((d): d is string => Boolean(d))
    .sort();
  for (const item of PRICE_ITEM_IDS) {
    const old = before?.prices[item];
    const now = fetched[item];
    if (!now) {
      if (old) prices[item] = old;
      changes.push(
        old
          ? `${item}: not in the Price List answer; kept $${old.value} (source ${old.sources.join(', ')})`
          : `${item}: not priced (no source has it)`,
      );
      continue;
    }
    const price: Price = {
      value: now.value,
      unit: PRICE_ITEMS[item].unit,
      usageType: now.usageType,
      sku: now.sku,
      sources:
        old && old.value === now.value ? [API_SOURCE, ...old.sources.filter((s) => s !== API_SOURCE)] : [API_SOURCE],
      date: now.effectiveDate ?? context.today,
      ...(now.publicationDate ? { publicationDate: now.publicationDate } : {}),
      ...(now.effectiveDate ? { effectiveDate: now.effectiveDate } : {}),
      note: `Price List unit: ${now.awsUnit}`,
    };
    prices[item] = price;
    changes.push(
      !old
        ? `${item}: new, $${now.value}`
        : old.value === now.value
          ? `${item}: unchanged, $${now.value}`
          : `${item}: was $${old.value}; now $${now.value}`,
    );
  }
  const sources: PriceFile['sources'] = {
    ...(before?.sources ?? {}),
    ...(Object.keys(fetched).length
      ? {
          [API_SOURCE]: {
            class: 'price-list-api' as const,
            location: `AWS Price List Query API, GetProducts (endpoint ${context.endpoint}), read ${context.today}`,
            what:
              `the current offers` +
              (published.length
                ? `, published ${published[0]}${published.at(-1) !== published[0] ? ` to ${published.at(-1)}` : ''}`
                : ''),
            date: context.today,
          },
        }
      : {}),
  };
  // Only the sources a price still names.
  const used = new Set(Object.values(prices).flatMap((p) => p?.sources ?? []));
  const file = priceFileSchema.parse({
    region,
    sources: Object.fromEntries(Object.entries(sources).filter(([id]) => used.has(id))),
    prices,
  });
  return { file, changes };
}

/** Whether an SDK error says there are no credentials (or none that may call the API). */
function credentialsProblem(error: unknown): string | undefined {
  const { name, message } = error as Error;
  if (name === 'CredentialsProviderError' || /Could not load credentials/i.test(message))
    return 'no AWS credentials were found';
  if (name === 'AccessDeniedException' || name === 'UnrecognizedClientException' || name === 'ExpiredTokenException')
    return `the credentials were refused (${name})`;
  return undefined;
}

export async function main(
  args: string[],
  clientFor: (endpoint: string) => PricingLike = (endpoint) => new PricingClient({ region: endpoint }),
  today = new Date().toISOString().slice(0, 10),
): Promise<number> {
  const command = commandLine(PRICES_COMMAND, args);
  if (command.exit !== undefined) return command.exit;
  const { values } = command;
  const endpoint = values['endpoint-region'];
  if (!(PRICE_LIST_ENDPOINT_REGIONS as readonly string[]).includes(endpoint)) {
    console.error(
      `--endpoint-region ${endpoint}: the Price List Query API answers ` +
        `in ${PRICE_LIST_ENDPOINT_REGIONS.join(' and ')}\n${usage(PRICES_COMMAND)}`,
    );
    return 2;
  }
  let regions = values.region
    ?.split(',')
    .map((r) => r.trim())
    .filter(Boolean);
  if (!regions?.length) {
    const deployments = loadDeploymentsOrReport();
    if (!deployments) return 1;
    regions = [...new Set(deployments.map((d) => d.region))].sort();
  }
  const dir = values.dir ?? PRICES_DIR;
  const client = clientFor(endpoint);
  for (const region of regions) {
    const path = priceFilePath(region, dir);
    const before = existsSync(path) ? parsePriceFile(readFileSync(path, 'utf8'), path) : undefined;
    const fetched: Partial<Record<PriceItem, FetchedPrice>> = {};
    try {
      for (const item of PRICE_ITEM_IDS) {
        const price = await fetchPrice(client, region, item);
        if (price) fetched[item] = price;
      }
    } catch (error) {
      const problem = credentialsProblem(error);
      console.error(
        problem
          ? `npm run prices needs AWS credentials allowed pricing:GetProducts, ` +
              `and ${problem}: ${(error as Error).message}. Nothing was written.`
          : `GetProducts failed for ${region}: ${(error as Error).message}. Nothing was written for ${region}.`,
      );
      return 1;
    }
    const { file, changes } = refreshPriceFile(region, before, fetched, { today, endpoint });
    console.log(`${region}:`);
    for (const line of changes) console.log(`  ${line}`);
    if (values['dry-run']) continue;
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, `${JSON.stringify(file, null, 2)}\n`);
    console.log(`  wrote ${path}`);
  }
  return 0;
}

if (isEntryPoint('scripts/prices.ts')) {
  main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
