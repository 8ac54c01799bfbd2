/**
 * The price files and their refresh: every shipped file passes the schema and names a source for each price; a
 * recorded GetProducts answer (the documented shape: each PriceList entry a product with its terms, as JSON text)
 * refreshes a file with its dates, keeps what the answer lacks, and leaves a price no source has absent.
 */
import type { GetProductsCommand } from '@aws-sdk/client-pricing';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parsePriceFile, PRICE_ITEMS, pricedRegions, pricesFor, type PriceItem } from '../../config/prices';
import { fetchPrice, main, type PricingLike } from '../../scripts/prices';

describe('the shipped price files', () => {
  it.each(pricedRegions().map((r) => [r]))(
    '%s passes the schema; every price has a source with a location, and its unit is the item’s',
    (region) => {
      const file = pricesFor(region)!;
      expect(file.region).toBe(region);
      for (const [item, price] of Object.entries(file.prices)) {
        expect(price!.unit).toBe(PRICE_ITEMS[item as PriceItem].unit);
        for (const id of price!.sources) expect(file.sources[id].location.length).toBeGreaterThan(0);
      }
    },
  );

  it(
    'ship the four regions of the default matrix and the examples; Firehose is ' +
      'priced in us-east-1 only, the Glue crawler everywhere but eu-west-1',
    () => {
      expect(pricedRegions()).toEqual(['ap-northeast-1', 'eu-central-1', 'eu-west-1', 'us-east-1']);
      expect(pricedRegions().filter((r) => pricesFor(r)!.prices['firehose.ingestion'])).toEqual(['us-east-1']);
      expect(pricedRegions().filter((r) => !pricesFor(r)!.prices['glue.crawler'])).toEqual(['eu-west-1']);
    },
  );

  it('refuses a price that names no source, with the file and field named', () => {
    const broken = {
      region: 'x',
      sources: {},
      prices: { 's3.standard': { value: 1, unit: 'USD per GB-month', sources: ['A'] } },
    };
    expect(() => parsePriceFile(JSON.stringify(broken), 'x.json')).toThrow(
      'x.json prices.s3.standard.sources: no source A in sources',
    );
  });
});

/** A GetProducts product as AWS returns it: attributes, and OnDemand terms with their price dimensions. */
function product(
  sku: string,
  usagetype: string,
  tiers: [begin: string, usd: string][],
  unit: string,
  dates = { publicationDate: '2026-11-20T00:00:00Z', effectiveDate: '2026-11-01T00:00:00Z' },
) {
  return JSON.stringify({
    product: {
      sku,
      productFamily: 'Storage',
      attributes: { usagetype, regionCode: 'eu-central-1', servicecode: 'AmazonS3' },
    },
    serviceCode: 'AmazonS3',
    terms: {
      OnDemand: {
        [`${sku}.JRTCKXETXF`]: {
          offerTermCode: 'JRTCKXETXF',
          sku,
          effectiveDate: dates.effectiveDate,
          priceDimensions: Object.fromEntries(
            tiers.map(([beginRange, USD], i) => [
              `${sku}.JRTCKXETXF.${i}`,
              { unit, beginRange, endRange: 'Inf', pricePerUnit: { USD }, description: `tier ${i}` },
            ]),
          ),
        },
      },
    },
    version: '20261120000000',
    publicationDate: dates.publicationDate,
  });
}

/** A recorded answer per usage type asked for; the calls made, for the assertions. */
function recorded(
  answers: Record<string, string[]>,
): PricingLike & { calls: { ServiceCode?: string; Filters?: unknown[] }[] } {
  const calls: { ServiceCode?: string; Filters?: unknown[] }[] = [];
  return {
    calls,
    send: async (command: GetProductsCommand) => {
      calls.push(command.input);
      const usageType = (command.input.Filters ?? []).find((f) => f.Field === 'usagetype')?.Value ?? '';
      return { PriceList: answers[usageType] ?? [], FormatVersion: 'aws_v1', $metadata: {} };
    },
  };
}

describe('npm run prices', () => {
  const answers = {
    'TimedStorage-ByteHrs': [
      product(
        'S3STD',
        'EUC1-TimedStorage-ByteHrs',
        [
          ['0', '0.0250000000'],
          ['51200', '0.0240000000'],
        ],
        'GB-Mo',
      ),
    ],
    'TimedStorage-SIA-ByteHrs': [product('S3SIA', 'EUC1-TimedStorage-SIA-ByteHrs', [['0', '0.0135000000']], 'GB-Mo')],
    BilledBytes: [
      product('FHDFC', 'EUC1-DFCBilledBytes', [['0', '0.0200000000']], 'GB'),
      product('FHPUT', 'EUC1-BilledBytes', [['0', '0.0340000000']], 'GB'),
    ],
  };

  it(
    'asks for each item by service code, region code and usage ' + 'type, and reads the first paid tier with its dates',
    async () => {
      const client = recorded(answers);
      expect(await fetchPrice(client, 'eu-central-1', 's3.standard')).toEqual({
        value: 0.025,
        usageType: 'EUC1-TimedStorage-ByteHrs',
        sku: 'S3STD',
        awsUnit: 'GB-Mo',
        publicationDate: '2026-11-20',
        effectiveDate: '2026-11-01',
      });
      expect(client.calls[0]).toEqual({
        ServiceCode: 'AmazonS3',
        Filters: [
          { Type: 'TERM_MATCH', Field: 'regionCode', Value: 'eu-central-1' },
          { Type: 'CONTAINS', Field: 'usagetype', Value: 'TimedStorage-ByteHrs' },
        ],
        FormatVersion: 'aws_v1',
        NextToken: undefined,
      });
      // The usage type is matched whole: DFCBilledBytes (format conversion) is not ingestion's BilledBytes.
      expect((await fetchPrice(client, 'eu-central-1', 'firehose.ingestion'))?.sku).toBe('FHPUT');
    },
  );

  it(
    'refreshes a price file: the changed price with its dates and the API as source, an ' +
      'unchanged one corroborated, a missing one kept, an unsourced one still absent',
    async () => {
      const dir = mkdtempSync(join(tmpdir(), 'prices-'));
      writeFileSync(
        join(dir, 'eu-central-1.json'),
        readFileSync(join('config', 'prices', 'eu-central-1.json'), 'utf8'),
      );
      const log = jest.spyOn(console, 'log').mockImplementation(() => undefined);
      try {
        expect(await main(['--region', 'eu-central-1', '--dir', dir], () => recorded(answers), '2026-12-01')).toBe(0);
        const said = log.mock.calls.map((c) => String(c[0]));
        expect(said).toEqual(
          expect.arrayContaining([
            '  s3.standard: was $0.0245; now $0.025',
            '  s3.standardIa: unchanged, $0.0135',
            '  firehose.ingestion: new, $0.034',
            '  glue.crawler: not in the Price List answer; kept $0.44 (source B)',
            '  firehose.formatConversion: not priced (no source has it)',
          ]),
        );
      } finally {
        log.mockRestore();
      }
      const file = parsePriceFile(readFileSync(join(dir, 'eu-central-1.json'), 'utf8'), 'eu-central-1.json');
      expect(file.prices['s3.standard']).toMatchObject({
        value: 0.025,
        sources: ['price-list-api'],
        usageType: 'EUC1-TimedStorage-ByteHrs',
        sku: 'S3STD',
        date: '2026-11-01',
        publicationDate: '2026-11-20',
        effectiveDate: '2026-11-01',
      });
      expect(file.prices['s3.standardIa']?.sources).toEqual(['price-list-api', 'A', 'B']);
      expect(file.prices['glue.crawler']).toEqual(pricesFor('eu-central-1')!.prices['glue.crawler']);
      expect(file.prices['s3.glacierIr']).toBeUndefined();
      expect(file.prices['firehose.formatConversion']).toBeUndefined();
      expect(file.sources['price-list-api']).toMatchObject({
        class: 'price-list-api',
        date: '2026-12-01',
        what: 'the current offers, published 2026-11-20',
      });
    },
  );

  it('without credentials: says so plainly, writes nothing, exits 1', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'prices-'));
    const errors = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    const noCredentials: PricingLike = {
      send: async () => {
        throw Object.assign(new Error('Could not load credentials from any providers'), {
          name: 'CredentialsProviderError',
        });
      },
    };
    try {
      expect(await main(['--region', 'eu-central-1', '--dir', dir], () => noCredentials)).toBe(1);
      expect(errors.mock.calls[0][0]).toMatch(
        new RegExp(
          String.raw`^npm run prices needs AWS credentials allowed pricing:GetProducts, and no AWS ` +
            String.raw`credentials were found: .*Nothing was written\.$`,
        ),
      );
      expect(() => readFileSync(join(dir, 'eu-central-1.json'))).toThrow();
    } finally {
      errors.mockRestore();
    }
  });
});
