/** The cost estimate in words: components, totals, why it differs from the reference design, prices and sources. */
import { isFirstParty, PRICE_ITEMS, pricesFor, type PriceItem, type PriceSourceClass } from '../../../config/prices';
import { ATHENA_CANCELLED_BILLING_SOURCE } from '../../../config/aws';
import {
  COMPONENTS,
  type CatalogModeHow,
  type CostComponent,
  type CostDifference,
  type CostEstimate,
  type Omission,
  type OmissionReason,
  type StandingCost,
  type UnpricedComponent,
} from '../cost';

/** Why a component is left out of a cost total. */
export const OMISSION_REASON: Record<OmissionReason, string> = {
  'no-price-in-region': "no sourced price in the region's price file",
  'no-sourced-price': 'no sourced price in this project',
  'usage-not-modelled': 'usage the estimate does not model',
  'request-count-not-modelled':
    "the estimate does not count the requests, and the region's file " +
    "records the key's monthly price, not the request price",
};

/** A billable component by its name, priced (cost.ts COMPONENTS) or never priced (UNPRICED_COMPONENTS). */
export const COST_COMPONENT: Record<CostComponent | UnpricedComponent, string> = {
  firehose: 'Firehose',
  s3: 'S3',
  's3-requests': 'S3 requests',
  glue: 'Glue',
  athena: 'Athena',
  'kms-key': 'KMS key',
  alarms: 'Alarms',
  's3-other-storage': 'S3 storage besides event data (failed records, query results, logs, state files, old versions)',
  's3-other-requests': 'S3 requests besides Firehose deliveries (Terraform state, access logs, erasure runs)',
  'glue-catalog': 'Glue Data Catalog storage and requests',
  'kms-requests': 'KMS requests',
  'log-ingestion': 'Log ingestion',
  'log-storage': 'Log storage',
  'athena-other-scans': "Athena scans besides the analysts' day queries (the erasure workgroup's locating queries)",
  'data-transfer-out': 'Data transfer out of the region (downloads of objects and query results)',
  dashboard: 'Dashboard',
  's3-lifecycle-transitions': 'S3 lifecycle transitions',
  's3-reads-by-athena': 'S3 reads by Athena and the crawler',
  'sns-notifications': 'SNS notifications',
  'sqs-requests': 'SQS requests',
  'eventbridge-events': 'EventBridge events',
};

/** A priced component's column in the cost table: its name, S3's storage said to be the steady state's. */
export const costColumn = (c: CostComponent): string => (c === 's3' ? 'S3 (steady state)' : COST_COMPONENT[c]);

/** `KMS requests (no sourced price in this project)`. */
export const omission = (o: Omission): string => `${COST_COMPONENT[o.component]} (${OMISSION_REASON[o.reason]})`;

/** Dollars as the report writes them: `$1,234.50`. */
/**
 * Dollars and cents with US grouping. One formatter for every amount: `toLocaleString` with options builds a new one
 * per call, which was a tenth of a report's rendering time (CPU profile of the tests, 2026-12-07).
 */
const USD = new Intl.NumberFormat('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
export const usd = (n: number): string => `$${USD.format(n)}`;

/**
 * A month's total and what it leaves out: `$12.40 + Firehose not priced`, then the components never priced, by name
 * (`full`) or by count (`+ 7 more not priced, listed in the cost section`).
 */
export function totalWords(
  l: { total: number; notPriced: CostComponent[]; omitted?: Omission[] },
  full = false,
): string {
  const others = (l.omitted ?? [])
    .map((o) => o.component)
    .filter((c) => !(l.notPriced as (CostComponent | UnpricedComponent)[]).includes(c));
  const named = (full ? [...l.notPriced, ...others] : l.notPriced).map((c) => COST_COMPONENT[c]);
  const rest = full || others.length === 0 ? '' : ` + ${others.length} more not priced (the cost section lists them)`;
  return `${usd(l.total)}${named.length ? ` + ${named.join(', ')} not priced` : ''}${rest}`;
}

/** How close a price source is to AWS's own data (config/prices.ts). */
export const PRICE_SOURCE_CLASS: Record<PriceSourceClass, string> = {
  'price-list-api': 'AWS Price List API',
  'offer-file': "AWS's offer file or pricing feed",
  'secondary-copy': "secondary: a third party's copy of AWS's offer file or pricing feed",
  'pricing-page': "AWS's pricing page",
  secondary: 'secondary: a restatement',
};

/** A count of events as the report writes it: `100 M`, `1 B`. */
export const volume = (n: number): string => (n >= 1e9 ? `${n / 1e9} B` : `${n / 1e6} M`);

/** Why the estimate differs from the reference design's, in a sentence. */
export function costDifference(d: CostDifference): string {
  switch (d.kind) {
    case 'firehose-increment':
      return (
        `Firehose bills each ${d.eventKb} KB event as ${d.billedKb} KB (${d.incrementKb} ` +
        `KB increments); the reference design priced the raw ${d.eventKb} KB.`
      );
    case 'storage-steady-state':
      return (
        `Storage is the steady state of the lifecycle: each month's data ` +
        `stays ${d.months.map((m) => `${m.months.toFixed(1)} months in ${m.storageClass}`).join(', ')}, then ` +
        `is deleted at day ${d.expirationDays}; the reference design priced one month in STANDARD.`
      );
    case 'projection-no-crawler':
      return (
        `Partition projection: no crawler runs (the reference design's crawler ` +
        `every 6 hours: $${d.referenceCrawlerPerMonth.toFixed(2)} a month).`
      );
    case 'crawler-not-priced':
      return `The crawler runs ${d.runsPerMonth} times a month; Glue's DPU-hour is not priced for ${d.region}.`;
    case 'crawler-priced':
      return (
        `The crawler runs ${d.runsPerMonth} times a month, each billed by Glue's rule ` +
        `at ${d.dpus} DPUs × ${d.billedMinutes} minutes (the per-crawl minimum) × ` +
        `$${d.dpuHour}/DPU-hour = $${d.perRun.toFixed(4)}, ` +
        `$${(d.runsPerMonth * d.perRun).toFixed(2)} a month; the reference design's table says ` +
        `$${d.referenceCrawlerPerMonth.toFixed(2)}.`
      );
    case 'parquet':
      return (
        `Parquet: Firehose adds its format conversion per GB; queries reading ` +
        `a few columns scan ~${d.scanFraction * 100} % of the bytes.`
      );
    case 'athena-scans': {
      if (d.cutoffBytes === null)
        return (
          `Athena assumes analysts scan the last 30 days ${d.scansPerMonth} times a month, a day's partition ` +
          `per query.`
        );
      const gib = (d.cutoffBytes / 2 ** 30).toFixed(2);
      const cancelled = d.cancelledAt.length
        ? d.cancelledAt.map((c) => `at ${volume(c.events)} events a day's partition is ${c.dayScanGb} GB`).join('; ') +
          `: every such query is cancelled and answers nothing, yet is billed for what it scanned before ` +
          `the cutoff (${ATHENA_CANCELLED_BILLING_SOURCE}), so Athena is priced there at the ` +
          `cutoff's ${gib} GiB a query (raise the cutoff, or query less than a day)`
        : "every volume's day fits the cutoff";
      return (
        `Athena assumes analysts scan the last 30 days ${d.scansPerMonth} times a month, a ` +
        `day's partition per query, each within the workgroup's ${gib} GiB cutoff ` +
        `(athena.bytesScannedCutoffPerQuery): a query past it is cancelled; ${cancelled}.`
      );
    }
    case 's3-requests':
      return (
        `S3 requests are Firehose's deliveries: one PUT per buffer flush ` +
        `(${d.bufferSeconds} s or ${d.bufferMib} MiB, whichever first).`
      );
    case 'monthly-items':
      return (
        `${d.kmsKeys} KMS key${d.kmsKeys === 1 ? '' : 's'} and ${d.alarms} ` +
        `alarm${d.alarms === 1 ? '' : 's'} at their monthly prices (the free tier is not counted).`
      );
    case 'own-region-prices':
      return (
        `Prices are ${d.region}'s own (config/prices/${d.region}.json); the ` +
        `reference design's column keeps its us-east-1 figures.`
      );
  }
}

/** How a catalog mode's monthly cost comes about, in words. */
export function catalogModeHow(h: CatalogModeHow): string {
  switch (h.kind) {
    case 'crawls':
      return `${h.runs} crawls × $${h.perRun.toFixed(4)}`;
    case 'same-runs-billed-minimum':
      return `the same runs: event mode shortens a crawl, but each is billed at least ${h.minimumMinutes} minutes`;
    case 'no-crawler':
      return 'no crawler: partitions are computed by Athena at query time';
  }
}

/** A stack without a pipeline's total, as the overview shows it: `$1.00 + 3 more not priced`. */
export const standingTotal = (c: StandingCost): string =>
  `${c.perMonth === null ? 'not priced' : usd(c.perMonth)}` +
  `${c.omitted.length ? ` + ${c.omitted.length} more not priced (the cost section lists them)` : ''}`;

/**
 * Its cost in a sentence: what is priced, at which price and source, or that nothing it creates is billed of itself.
 */
export function standingCost(c: StandingCost, sources: string[]): string {
  const keys = `${c.kmsKeys} KMS key${c.kmsKeys === 1 ? '' : 's'}`;
  const priced =
    c.kmsKeys === 0
      ? '$0.00 a month of its own: it creates no KMS key, and nothing else it creates has a monthly price'
      : c.perMonth === null
        ? `${keys}: not priced (no sourced price in ${c.region}'s price file)`
        : `${usd(c.perMonth)} a month: ${keys} at ${c.region}'s price ` +
          `(config/prices/${c.region}.json, source ${sources.join(', ')}; the free tier is not counted)`;
  return `This stack runs no pipeline; ${priced}.`;
}

/** A price, or that it has none: `$1.20`, `not priced`. */
export const usdOrNotPriced = (n: number | null): string => (n === null ? 'not priced' : usd(n));

/** The estimate's table: the volume and its gigabytes, each component, the total and the reference design's. */
export const costColumns = (): string[] => [
  'Events / month',
  'Raw GB',
  'Stored GB added',
  ...COMPONENTS.map(costColumn),
  'Total',
  'Reference design',
];
/** Above the components an estimate leaves out (omissionLines, omission): one label, per volume or a standing cost. */
export const LEFT_OUT = 'Left out of the estimate, with why:';
/** Above the estimate's differences from the reference design (costDifference). */
export const WHY_IT_DIFFERS = 'Why it differs from the reference design:';
/** Above the prices it uses (priceLines). */
export const PRICES = 'Prices:';
/** Above the catalog modes' costs, and that table's columns. */
export const CATALOG_MODES = 'Catalog cost of each mode for this schedule and region:';
export const CATALOG_MODE_COLUMNS = ['Catalog mode', 'Per month', 'How'] as const;

/** What the estimate assumes of the pipeline's output. */
export const costSettings = (cost: CostEstimate): string =>
  `Output format: ${cost.format}; crawler runs per month: ${cost.crawlerRunsPerMonth}.`;

/** Each component some total leaves out, once, with its reason and the volumes it is left out at. */
export function omissionLines(cost: CostEstimate): string[] {
  const seen = new Map<string, number[]>();
  for (const l of cost.lines)
    for (const o of l.omitted) seen.set(omission(o), [...(seen.get(omission(o)) ?? []), l.events]);
  return [...seen].map(([w, at]) =>
    at.length === cost.lines.length ? w : `${w}, at ${at.map(volume).join(', ')} events a month`,
  );
}

/**
 * A price whose relied-on source is dated before this is marked old in the report (a fixed date: the same input gives
 * the same report).
 */
export const OLD_SOURCE_BEFORE = '2024-01-01';

/** Every price an estimate uses, with its sources and date; what is not priced; and the sources. */
export function priceLines(cost: CostEstimate): string[] {
  const file = pricesFor(cost.region);
  if (!cost.priced || !file)
    return [
      `Not priced: there is no price file for ${cost.region} ` +
        `(config/prices/${cost.region}.json), and never another region's prices in its place.`,
    ];
  const used = [...new Set(COMPONENTS.flatMap((c) => cost.uses[c]))] as PriceItem[];
  const lines = used.flatMap((item) => {
    const p = file.prices[item];
    if (!p) return [];
    // A price no first-party AWS source backs (restatements, third parties' copies), or one that relies on an old copy,
    // says so, whether or not its note does.
    const secondaryOnly =
      !p.sources.some((id) => isFirstParty(file.sources[id].class)) && !/^secondary sources? only/i.test(p.note ?? '');
    const reliedOn = file.sources[p.sources[0]];
    const old =
      reliedOn.date !== undefined && reliedOn.date < OLD_SOURCE_BEFORE
        ? `; OLD: relies on a source of ${reliedOn.date}`
        : '';
    return [
      `${PRICE_ITEMS[item].what}: $${p.value} ${p.unit.replace(/^USD /, '')} ` +
        `(source ${p.sources.join(', ')}; ${p.date ?? 'undated'}` +
        `${secondaryOnly ? '; secondary sources only: no first-party AWS source' : ''}${old}` +
        `${p.note ? `; ${p.note}` : ''})`,
    ];
  });
  if (cost.missing.length) {
    lines.push(
      `Not priced for ${cost.region}: ${cost.missing.map((m) => PRICE_ITEMS[m].what).join('; ')} — no ` +
        `sourced price, so the totals leave those components out rather than borrow another region's price.`,
    );
  }
  const sources = [...new Set(used.flatMap((item) => file.prices[item]?.sources ?? []))];
  lines.push(
    `Sources (config/prices/${cost.region}.json): ` +
      sources
        .map(
          (id) =>
            `${id} [${PRICE_SOURCE_CLASS[file.sources[id].class]}]: ${file.sources[id].what} ` +
            `— ${file.sources[id].location}${file.sources[id].date ? ` (${file.sources[id].date})` : ''}`,
        )
        .join('; ') +
      `.`,
  );
  return lines;
}
