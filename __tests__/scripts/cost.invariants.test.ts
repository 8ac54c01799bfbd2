/**
 * Invariant tests of the cost estimate over the configured matrix: every billable component of each stack's resources
 * is in the total or named as left out with its reason; the Athena figures and the erasure's locating scan agree with
 * the workgroup's per-query cutoff; the totals add up.
 */
import { PRICE_ITEMS, isFirstParty, pricesFor, type PriceItem } from '../../config/prices';
import { ATHENA_CANCELLED_BILLING_SOURCE } from '../../config/aws';
import { ASSUMPTIONS } from '../../scripts/report/prices';
import {
  COMPONENTS,
  LINE_FIELD,
  NOT_BILLED_TYPES,
  PRICED_BY_TYPE,
  UNPRICED_BY_TYPE,
  UNPRICED_COMPONENTS,
  workgroupCutoffBytes,
} from '../../scripts/report/cost';
import { renderMarkdown } from '../../scripts/report/render';
import { COST_COMPONENT, OLD_SOURCE_BEFORE, priceLines } from '../../scripts/report/words';
import type { TerraformJson } from '../../terraform-json/stack-json';
import { configuredReports, configuredSynth } from '../fixtures/configured';

const synth = configuredSynth();
const reports = configuredReports().filter((r) => r.cost?.lines.length);
const tfOf = (stack: string) => JSON.parse(synth.stacks.get(stack)!) as TerraformJson;
const count = (tf: TerraformJson, type: string) => Object.keys(tf.resource?.[type] ?? {}).length;

describe('monthly cost: complete, and consistent with the cutoff', () => {
  it('has priced stacks to check (a region with a price file)', () => {
    expect(reports.length + configuredReports().filter((r) => r.cost && !r.cost.lines.length).length).toBeGreaterThan(
      0,
    );
  });

  it(
    'the not-priced list names log storage, the erasure workgroup’s scans and data transfer out ' +
      'where the stack has log groups, workgroups and buckets; KMS requests say precisely why',
    () => {
      for (const r of reports) {
        const tf = tfOf(r.stack);
        const named = r.cost!.unpriced.map((o) => o.component);
        const expectIf = (type: string, component: string) =>
          expect([r.stack, type, named.includes(component as never)]).toEqual([r.stack, type, count(tf, type) > 0]);
        expectIf('aws_cloudwatch_log_group', 'log-storage');
        expectIf('aws_athena_workgroup', 'athena-other-scans');
        expectIf('aws_s3_bucket', 'data-transfer-out');
        const kms = r.cost!.unpriced.find((o) => o.component === 'kms-requests');
        if (count(tf, 'aws_kms_key') > 0) expect(kms?.reason).toBe('request-count-not-modelled');
        if (count(tf, 'aws_kms_key') > 0 && r.cost!.lines.length > 0) {
          expect(renderMarkdown(r)).toContain(
            "KMS requests (the estimate does not count the requests, and the region's " +
              "file records the key's monthly price, not the request price)",
          );
        }
      }
    },
  );

  it(
    'every billable component is in the total or named as left ' +
      'out, with its reason; the total is the sum of the rest',
    () => {
      for (const r of reports) {
        const tf = tfOf(r.stack);
        const unpriced = Object.keys(UNPRICED_BY_TYPE)
          .filter((t) => count(tf, t) > 0)
          .flatMap((t) => UNPRICED_BY_TYPE[t].map((o) => o.component));
        expect(unpriced).toEqual(expect.arrayContaining(['kms-requests', 'log-ingestion', 'dashboard']));
        for (const l of r.cost!.lines) {
          for (const c of COMPONENTS)
            expect([r.stack, c, l[LINE_FIELD[c]] === null]).toEqual([r.stack, c, l.notPriced.includes(c)]);
          const omitted = l.omitted.map((o) => o.component);
          for (const c of [...l.notPriced, ...unpriced]) expect(omitted).toContain(c);
          const sum = COMPONENTS.reduce((s, c) => s + (l[LINE_FIELD[c]] ?? 0), 0);
          expect(l.total).toBeCloseTo(sum, 1);
          // The Markdown names every left-out component beside the total.
          const row = renderMarkdown(r)
            .split('\n')
            .find((x) => x.includes(`| ${l.rawGb} |`))!;
          for (const c of omitted) expect(row).toContain(COST_COMPONENT[c]);
        }
      }
    },
  );

  it('every resource type of a priced stack is priced, named as not priced, or listed as not billed with why', () => {
    for (const r of reports) {
      const tf = tfOf(r.stack);
      const types = Object.keys(tf.resource ?? {}).filter((t) => count(tf, t) > 0);
      const unaccounted = types.filter((t) => !PRICED_BY_TYPE[t] && !UNPRICED_BY_TYPE[t] && !NOT_BILLED_TYPES[t]);
      expect([r.stack, unaccounted]).toEqual([r.stack, []]);
      // Each unpriced type's components are named among the left-out ones of every line.
      for (const l of r.cost!.lines)
        for (const t of types) for (const o of UNPRICED_BY_TYPE[t] ?? []) expect(l.omitted).toContainEqual(o);
    }
  });

  it(
    'a stack without a pipeline states its cost too: its keys at the region’s ' +
      'price, every other billable component named, every type accounted for',
    () => {
      const standing = configuredReports().filter((r) => !r.cost);
      for (const r of standing) {
        const tf = tfOf(r.stack);
        const types = Object.keys(tf.resource ?? {}).filter((t) => count(tf, t) > 0);
        expect([
          r.stack,
          types.filter((t) => !PRICED_BY_TYPE[t] && !UNPRICED_BY_TYPE[t] && !NOT_BILLED_TYPES[t]),
        ]).toEqual([r.stack, []]);
        const c = r.standingCost!;
        expect(c.kmsKeys).toBe(count(tf, 'aws_kms_key'));
        const keyPrice = pricesFor(r.model.identity.region)?.prices['kms.key']?.value;
        if (c.kmsKeys > 0 && keyPrice !== undefined) expect(c.perMonth).toBeCloseTo(c.kmsKeys * keyPrice, 2);
        if (c.kmsKeys > 0 && keyPrice === undefined)
          expect([c.perMonth, c.omitted]).toEqual([
            null,
            expect.arrayContaining([{ component: 'kms-key', reason: 'no-price-in-region' }]),
          ]);
        for (const t of types) for (const o of UNPRICED_BY_TYPE[t] ?? []) expect(c.omitted).toContainEqual(o);
        const md = renderMarkdown(r);
        expect(md).toContain('## Monthly cost estimate');
        for (const o of c.omitted) expect(md).toContain(COST_COMPONENT[o.component]);
      }
    },
  );

  it('components are ids, each with its own name in words/: a reader never sees two components under one name', () => {
    const ids = [...COMPONENTS, ...UNPRICED_COMPONENTS];
    expect(new Set(ids).size).toBe(ids.length);
    const names = ids.map((c) => COST_COMPONENT[c]);
    expect(new Set(names).size).toBe(ids.length);
    for (const c of ids) expect([c, /^[a-z0-9]+(-[a-z0-9]+)*$/.test(c)]).toEqual([c, true]);
  });

  it('a type is in one list only, and a not-billed type says why', () => {
    for (const t of Object.keys(NOT_BILLED_TYPES)) {
      expect([t, PRICED_BY_TYPE[t], UNPRICED_BY_TYPE[t]]).toEqual([t, undefined, undefined]);
      expect(NOT_BILLED_TYPES[t].length).toBeGreaterThan(10);
    }
  });

  it(
    'the KMS keys and alarms the stack creates are priced at ' + 'the region’s monthly prices when its file has them',
    () => {
      for (const r of reports) {
        const tf = tfOf(r.stack);
        const prices = pricesFor(r.model.identity.region)!.prices;
        for (const l of r.cost!.lines) {
          if (prices['kms.key']) expect(l.kmsKeys).toBeCloseTo(count(tf, 'aws_kms_key') * prices['kms.key'].value, 2);
          if (prices['cloudwatch.alarm'])
            expect(l.alarms).toBeCloseTo(
              count(tf, 'aws_cloudwatch_metric_alarm') * prices['cloudwatch.alarm'].value,
              2,
            );
        }
      }
    },
  );

  it(
    'Athena is priced at each query’s scan where a day’s partition fits the workgroup’s cutoff; past it, at ' +
      'the cutoff’s bytes a query (a cancelled query is billed for what it scanned), and the words say so',
    () => {
      for (const r of reports) {
        const cutoff = workgroupCutoffBytes(tfOf(r.stack));
        expect(r.cost!.cutoffBytes).toBe(cutoff);
        const price = pricesFor(r.model.identity.region)?.prices['athena.scanned']?.value;
        const queries = ASSUMPTIONS.monthlyScansOfLastMonth * ASSUMPTIONS.daysPerMonth;
        for (const l of r.cost!.lines) {
          const over = cutoff !== null && l.dayScanGb * 2 ** 30 > cutoff * 1.01;
          if (over) expect(l.athenaCancelled).toBe(true);
          expect(l.omitted.map((o) => o.component)).not.toContain(price === undefined ? '' : 'athena');
          if (price === undefined) continue;
          const perQueryGb = l.athenaCancelled ? cutoff! / 2 ** 30 : l.dayScanGb;
          expect(l.athena).toBeCloseTo(((queries * perQueryGb) / 1024) * price, 1);
          if (l.athenaCancelled) {
            expect(l.athena).toBeGreaterThan(0);
            expect(renderMarkdown(r)).toContain('billed for what it scanned before the cutoff');
            expect(renderMarkdown(r)).toContain(ATHENA_CANCELLED_BILLING_SOURCE);
          }
        }
        expect(renderMarkdown(r)).not.toMatch(/the queries are cancelled\)/);
      }
    },
  );

  it(
    'the erasure section prices an Athena locate when its scan fits the cutoff; otherwise ' +
      'says `npm run erase` refuses it, and what a cancelled run would be billed',
    () => {
      for (const r of reports.filter((x) => x.erasure)) {
        const cutoff = workgroupCutoffBytes(tfOf(r.stack));
        for (const c of r.erasure!.costs) {
          // queryableGb is rounded to the GB: compare away from the edge.
          const bytes = c.queryableGb * 2 ** 30;
          if (cutoff !== null && bytes > cutoff + 2 ** 30)
            expect([c.locateOverCutoff, c.athenaLocate]).toEqual([true, null]);
          if (cutoff === null || bytes + 2 ** 30 < cutoff) expect(c.locateOverCutoff).toBe(false);
          // Over the cutoff: refused before it starts; were it run, billed at the cutoff's bytes.
          const price = pricesFor(r.model.identity.region)?.prices['athena.scanned']?.value;
          if (c.locateOverCutoff && price !== undefined)
            expect(c.cancelledLocate).toBeCloseTo((cutoff! / 2 ** 40) * price, 2);
          if (!c.locateOverCutoff) expect(c.cancelledLocate).toBeNull();
          if (c.locateOverCutoff)
            expect(renderMarkdown(r)).toContain(
              'refuses it before it starts ($0; run anyway, the cutoff cancels ' +
                'it and it is billed for the bytes scanned until then',
            );
        }
      }
    },
  );
});

describe('prices: how close each is to AWS says so', () => {
  it('every price only secondary sources back says "secondary sources only" where the report lists it', () => {
    for (const region of ['us-east-1', 'eu-central-1', 'eu-west-1', 'ap-northeast-1']) {
      const file = pricesFor(region)!;
      for (const [item, p] of Object.entries(file.prices)) {
        if (!p || !p.sources.every((id) => file.sources[id].class === 'secondary')) continue;
        const lines = configuredReports().flatMap((r) => (r.cost?.region === region ? priceLines(r.cost) : []));
        for (const line of lines.filter((l) => l.startsWith(PRICE_ITEMS[item as PriceItem].what)))
          expect(line).toMatch(/secondary sources only/i);
      }
    }
  });

  it(
    "a third party's copy of an offer file or feed is a secondary copy, not " +
      "AWS's publication; a price resting only on such copies says so",
    () => {
      // AWS publishes its offer files and feeds itself (pricing.us-east-1.amazonaws.com, aws.amazon.com,
      // b0.p.awsstatic.com); a copy kept in someone else's repository is only as good as its copier.
      const AWS_OWN =
        /^(https:\/\/)?([a-z0-9.-]+\.)?(amazonaws\.com|aws\.amazon\.com|awsstatic\.com)(\/|$)|^AWS Price List/;
      for (const region of ['us-east-1', 'eu-central-1', 'eu-west-1', 'ap-northeast-1']) {
        const file = pricesFor(region)!;
        for (const [id, source] of Object.entries(file.sources)) {
          if (isFirstParty(source.class))
            expect([region, id, source.location]).toEqual([region, id, expect.stringMatching(AWS_OWN)]);
          if (/StephenWetzel|catchmeif404|mamtha4u|uber\/athenadriver/.test(source.location))
            expect([region, id, source.class]).toEqual([region, id, 'secondary-copy']);
        }
        const lines = configuredReports().flatMap((r) => (r.cost?.region === region ? priceLines(r.cost) : []));
        for (const [item, p] of Object.entries(file.prices)) {
          if (!p || p.sources.some((id) => isFirstParty(file.sources[id].class))) continue;
          const priced = lines.filter((l) => l.startsWith(PRICE_ITEMS[item as PriceItem].what));
          for (const line of priced) expect(line).toMatch(/secondary sources only/i);
        }
        for (const line of lines.filter((l) => l.startsWith('Sources ')))
          expect(line).not.toContain("a copy of AWS's offer file or pricing feed");
      }
      // The S3 storage price in us-east-1 rests on copies only: the report says so.
      const us = configuredReports().flatMap((r) => (r.cost?.region === 'us-east-1' ? priceLines(r.cost) : []));
      // (configurations without a us-east-1 stack: the loop above already holds for theirs)
      if (us.length)
        expect(us.find((l) => l.startsWith(PRICE_ITEMS['s3.standard'].what))).toMatch(/secondary sources only/);
    },
  );

  it(
    "the sweepstake project's rows are classed secondary; a price relying on " +
      'a source older than 2024 (the 2019 Athena feed) is marked old',
    () => {
      for (const region of ['us-east-1', 'eu-central-1', 'eu-west-1', 'ap-northeast-1']) {
        const file = pricesFor(region)!;
        for (const source of Object.values(file.sources))
          if (/sweepstake/.test(source.location)) expect(source.class).toBe('secondary');
        const lines = configuredReports().flatMap((r) => (r.cost?.region === region ? priceLines(r.cost) : []));
        for (const [item, p] of Object.entries(file.prices)) {
          const date = p && file.sources[p.sources[0]].date;
          if (!date || date >= OLD_SOURCE_BEFORE) continue;
          for (const line of lines.filter((l) => l.startsWith(PRICE_ITEMS[item as PriceItem].what)))
            expect(line).toContain(`OLD: relies on a source of ${date}`);
        }
      }
    },
  );
});
