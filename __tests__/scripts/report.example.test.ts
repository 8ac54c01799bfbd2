/**
 * Example tests of the compliance report: exact figures for the tests' example matrix. Invariants:
 * report.invariants.test.ts.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolveMatrix } from '../../config/resolve';
import { analyzeStack, type StackReport } from '../../scripts/report/analyze';
import { estimateCost } from '../../scripts/report/cost';
import { readReports } from '../../scripts/report/files';
import { capacityCheck } from '../../scripts/report/capacity';
import { crawlCost } from '../../scripts/report/cost';
import { pricesFor, type PriceItem } from '../../config/prices';
import { ASSUMPTIONS } from '../../scripts/report/prices';
import { flowSvg, wrap } from '../../scripts/report/html';
import { labelledFlow, renderHtml, renderMarkdown, severityCounts } from '../../scripts/report/render';
import {
  capacityFixes,
  costDifference,
  LEFT_OUT,
  priceLines,
  retentionNotes,
  timeline,
} from '../../scripts/report/words';
import { pipelineFacts } from '../../terraform-json/facts';
import { synthesizeChecked } from '../../stacks/synth';
import { TelemetryStack } from '../../stacks/telemetry-stack';
import type { TerraformJson } from '../../terraform-json/stack-json';
import { EXAMPLE_MATRIX } from '../fixtures/example-matrix';

/** The tests' example matrix, synthesized the way main.ts does it, read back from disk. */
const outdir = mkdtempSync(join(tmpdir(), 'report-'));
const deployments = resolveMatrix(EXAMPLE_MATRIX);
const { stacks } = synthesizeChecked(deployments, { outdir });
const telemetryStacks = stacks.filter((s): s is TelemetryStack => s instanceof TelemetryStack);
const reports = readReports(outdir);
const report = (stack: string) => reports.find((r) => r.stack === stack)!;
const eu = report('telemetry-prod-eu-central-1');
const synthesized = (stack: string): TerraformJson =>
  JSON.parse(JSON.stringify(telemetryStacks.find((s) => s.node.id === stack)!.toTerraform()));

describe('report sections (example matrix)', () => {
  it(
    'identity: environment, region, account, jurisdiction, classification and ' +
      'the state backend in region, from the facts written at synth',
    () => {
      expect(eu.model.identity).toEqual({
        stack: 'telemetry-prod-eu-central-1',
        role: 'pipeline',
        environments: ['prod'],
        region: 'eu-central-1',
        account: '222222222222',
        jurisdiction: 'EU',
        classification: 'confidential',
        profile: 'compliance',
        residencyExceptions: [],
        jurisdictionRegions: ['eu-central-1', 'eu-north-1', 'eu-south-1', 'eu-south-2', 'eu-west-1', 'eu-west-3'],
        regionExceptions: {},
        backend: {
          type: 's3',
          bucket: 'telemetry-tfstate-222222222222-eu-central-1',
          key: 'telemetry/prod/eu-central-1/terraform.tfstate',
          region: 'eu-central-1',
          kmsKey: 'arn:aws:kms:eu-central-1:222222222222:alias/telemetry-tfstate',
          lockfile: true,
        },
      });
    },
  );

  it(
    'data inventory: every store by its role, in region, ' +
      'encrypted under the rotating stack key, private, TLS-only',
    () => {
      expect(eu.model.stores.map((s) => [s.role, s.name])).toEqual([
        ['event-data', 'telemetry-prod-222222222222-eu-central-1/data/'],
        ['failed-records', 'telemetry-prod-222222222222-eu-central-1/errors/'],
        ['query-results', 'telemetry-prod-222222222222-eu-central-1/athena-results/'],
        ['query-results', 'telemetry-prod-222222222222-eu-central-1/erasure-locate-results/'],
        ['access-logs', 'telemetry-prod-222222222222-eu-central-1-access-logs/'],
        ['objects', 'telemetry-prod-222222222222-eu-central-1/erasure-requests/'],
        ['buffer', 'telemetry-prod-events'],
        ['logs', '/aws-glue/crawlers-role/telemetry-prod-eu-central-1-crawler-telemetry-prod-events-logs'],
        ['logs', '/aws/kinesisfirehose/telemetry-prod-events'],
        ['catalog', 'telemetry_prod'],
      ]);
      for (const s of eu.model.stores) expect(s.region).toBe('eu-central-1');
      for (const s of eu.model.stores.filter((x) => x.kind === 's3')) {
        expect(s).toMatchObject({
          encryption: { kind: 'kms', alias: 'alias/telemetry-prod-telemetry', rotation: true },
          publicAccess: 'blocked',
          tlsOnly: true,
          protection: 'prevent-destroy',
        });
      }
    },
  );

  it(
    'retention: timeline, queryability, the undo window, minimum ' +
      'charges and the 128 KB caveat, as data and in words',
    () => {
      const data = eu.model.stores.find((s) => s.role === 'event-data')!;
      expect(data.retention).toEqual({
        transitions: [
          { days: 30, storageClass: 'STANDARD_IA' },
          { days: 180, storageClass: 'DEEP_ARCHIVE' },
        ],
        expirationDays: 365,
        noncurrentDays: 7,
        goneForGoodDay: 372,
        notQueryableFromDay: 180,
        smallObjectsTransition: false,
        minimumChargeShortfalls: [],
        buffer: null,
      });
      expect(timeline(data)).toBe(
        'STANDARD at day 0 → STANDARD_IA at day 30 → DEEP_ARCHIVE at day ' +
          '180 → deleted at day 365 → every version gone by day 372',
      );
      expect(retentionNotes(data)).toEqual([
        'not queryable from day 180 (DEEP_ARCHIVE) until deleted: Athena skips archived objects; ' +
          'restore them first (S3 RestoreObject, Bulk retrieval within 48 h for Deep Archive, ' +
          'billed per GB retrieved plus the temporary copy) and query the restored copies',
        'deleted or overwritten objects stay restorable 7 days as noncurrent versions',
        'STANDARD_IA: objects stay 150 days',
        'DEEP_ARCHIVE: objects stay 185 days',
        'objects under 128 KB do not transition (S3 default since Sep 2024) and stay in STANDARD until deleted',
      ]);
      expect(
        report('telemetry-prod-us-east-1').model.stores.find((s) => s.role === 'event-data')?.retention.expirationDays,
      ).toBe(90);
    },
  );

  it('access: each role, who assumes it under which conditions, and what it grants, relative to the stack', () => {
    expect(eu.model.roles.map((r) => [r.name, r.trust.flatMap((s) => s.principals)])).toEqual([
      ['telemetry-prod-eu-central-1-crawler', [{ kind: 'service', service: 'glue.amazonaws.com' }]],
      ['telemetry-prod-eu-central-1-firehose', [{ kind: 'service', service: 'firehose.amazonaws.com' }]],
      ['telemetry-prod-eu-central-1-ingestion', [{ kind: 'federated', provider: 'cognito-identity.amazonaws.com' }]],
    ]);
    expect(eu.model.roles[1].trust[0].conditions).toEqual([
      { operator: 'StringEquals', key: 'sts:ExternalId', values: [{ kind: 'literal', text: '<account>' }] },
    ]);
    expect(eu.model.roles[2].permissions).toEqual([
      {
        effect: 'Allow',
        principals: [],
        actions: ['firehose:PutRecord', 'firehose:PutRecordBatch'],
        resources: [
          { kind: 'literal', text: 'arn:aws:firehose:<region>:<account>:deliverystream/telemetry-prod-events' },
        ],
        conditions: [],
      },
    ]);
    // The guest role's trust names the identity pool by reference: its id, read by the pool's name.
    const aud = eu.model.roles[2].trust[0].conditions.find((c) => c.key === 'cognito-identity.amazonaws.com:aud')!;
    expect(aud.values).toEqual([
      { kind: 'own', address: expect.stringMatching(/^aws_cognito_identity_pool\./), attribute: 'id', suffix: '' },
    ]);
    expect(renderMarkdown(eu)).toContain(
      '`StringEquals cognito-identity.amazonaws.com:aud = id of telemetry_prod_events`',
    );
  });

  it('data flow: ingestion → Firehose → S3 → Glue → Athena, every edge in the stack’s region', () => {
    expect(labelledFlow(eu.model).map((e) => `${e.from} → ${e.to}`)).toEqual([
      'iOS app → Cognito identity pool telemetry_prod_events',
      'iOS app → Firehose telemetry-prod-events',
      'Firehose telemetry-prod-events → S3 telemetry-prod-222222222222-eu-central-1/data/',
      'S3 telemetry-prod-222222222222-eu-central-1/data/ → Glue catalog telemetry_prod',
      // The erasure's raw-line table, projected over the same folders (stacks/constructs/erasure.ts).
      'S3 telemetry-prod-222222222222-eu-central-1/data/ → Glue catalog telemetry_prod',
      // The erasure's own workgroup, beside the analysts': every workgroup of the stack is read.
      'Glue catalog telemetry_prod → Athena telemetry-prod-erasure',
      'Athena telemetry-prod-erasure → S3 telemetry-prod-222222222222-eu-central-1/erasure-locate-results/',
      'Glue catalog telemetry_prod → Athena telemetry-prod-events',
      'Athena telemetry-prod-events → S3 telemetry-prod-222222222222-eu-central-1/athena-results/',
      'S3 telemetry-prod-222222222222-eu-central-1/ → S3 ' +
        'telemetry-prod-222222222222-eu-central-1-access-logs/telemetry-prod-222222222222-eu-central-1/',
    ]);
    expect(new Set(eu.model.flow.map((e) => e.region))).toEqual(new Set(['eu-central-1']));
  });

  it(
    'the example matrix has no error; its one warning: the Frankfurt ' +
      'stream at 100 M events and a 10× peak exceeds 1 MiB/s',
    () => {
      for (const r of reports) expect(severityCounts(r.findings).error).toBe(0);
      expect(
        reports.flatMap((r) => r.findings.filter((f) => f.severity === 'warning').map((f) => `${r.stack} ${f.check}`)),
      ).toEqual(['telemetry-prod-eu-central-1 capacity']);
      expect(eu.findings.map((f) => f.check)).toContain('identity');
    },
  );

  it('names resources by their AWS names in Markdown, never by construct hashes', () => {
    for (const r of reports) expect(renderMarkdown(r)).not.toMatch(/_[0-9A-F]{8}\b/);
  });

  it('markdown of every stack matches its snapshot', () => {
    for (const r of reports) expect(renderMarkdown(r)).toMatchSnapshot(r.stack);
  });
});

describe('planted findings, one per severity', () => {
  it('error: a wildcard statement and a cross-region reference', () => {
    const tf = synthesized('telemetry-prod-eu-central-1');
    tf.resource!.aws_iam_policy = {
      planted: { policy: JSON.stringify({ Statement: [{ Effect: 'Allow', Action: 's3:*', Resource: '*' }] }) },
    };
    tf.resource!.aws_cloudwatch_log_group.planted = {
      name: 'x',
      kms_key_id: 'arn:aws:kms:us-east-1:222222222222:key/abc',
    };
    const findings = analyzeStack('planted', tf).findings.filter((f) => f.severity === 'error');
    expect(findings.map((f) => f.check).sort()).toEqual([
      'least-privilege',
      'least-privilege',
      'least-privilege',
      'residency',
    ]);
    // The evaluation, not the statement's shape, says the holder of the planted policy reaches beyond the stack.
    expect(findings.find((f) => f.rule === 'least-privilege-beyond-the-stack')?.resource).toBe(
      'aws_iam_policy.planted',
    );
  });

  it('warning: retention beyond the profile and a missing alarm', () => {
    const tf = synthesized('telemetry-prod-us-east-1');
    const lifecycle = Object.values(tf.resource!.aws_s3_bucket_lifecycle_configuration)[0] as {
      rule: { id: string; expiration: { days: number }[] }[];
    };
    lifecycle.rule.find((r) => r.id === 'events')!.expiration = [{ days: 730 }];
    delete tf.resource!.aws_cloudwatch_metric_alarm;
    const facts = { ...pipelineFacts(deployments[1]), stack: 'planted' };
    const warnings = analyzeStack('planted', tf, facts).findings.filter((f) => f.severity === 'warning');
    expect(warnings.map((f) => `${f.check}: ${f.message}`)).toEqual([
      'monitoring: no alarm with an action on DeliveryToS3.DataFreshness',
      'monitoring: no alarm with an action on DeliveryToS3.Success',
      'retention: kept 730 days, beyond the 90 its configuration (profile standard) says',
    ]);
  });

  it(
    'info: packing events, guest identities (accepted), placeholder accounts, no access logging, a short log ' +
      'retention (the error log and the crawler’s), the topic’s delivery status, the bucket’s MFA delete, ' +
      'Object Lock and replication (accepted), the small-object caveat and the crawler trust guard',
    () => {
      expect(
        report('telemetry-dev-us-east-1')
          .findings.filter((f) => f.severity === 'info')
          .map((f) => f.rule),
      ).toEqual([
        'capacity-firehose-quota',
        'exposure-identity-pool-guests',
        'identity-placeholder-account',
        'logging-retention-year',
        'logging-retention-year',
        'logging-bucket-access',
        'logging-topic-delivery-status',
        'monitoring-topic-subscribed',
        'protection-bucket-mfa-delete',
        'protection-bucket-object-lock',
        'residency-bucket-replication',
        'retention-small-objects',
        'retention-small-objects',
        'trust-if-exists-guard',
      ]);
    },
  );
});

describe('cost estimate', () => {
  const cost = estimateCost(synthesized('telemetry-prod-us-east-1'))!;
  const us = (item: PriceItem) => pricesFor('us-east-1')!.prices[item]!.value;

  it("prices 10 M, 100 M and 1 B events from the region's price file, Firehose in 5 KB increments", () => {
    expect(cost.lines.map((l) => l.events)).toEqual([10_000_000, 100_000_000, 1_000_000_000]);
    const firehoseGb = (100_000_000 * 5) / 1024 / 1024;
    expect(cost.lines[1].firehose).toBeCloseTo(firehoseGb * us('firehose.ingestion'), 1);
    // Glue's rule: 2 DPUs × 10 minutes (the per-crawl minimum) × $0.44 per DPU-hour, 4 crawls a day.
    expect(crawlCost(us('glue.crawler'))).toBeCloseTo(2 * (10 / 60) * 0.44, 6);
    expect(cost.lines[1].glue).toBeCloseTo(4 * 30 * crawlCost(us('glue.crawler')), 2);
    expect(cost.lines[1].glue).toBeCloseTo(17.6, 2);
    expect(cost.lines[1].storedGbPerMonth).toBeCloseTo(((100_000_000 * ASSUMPTIONS.eventKb) / 1024 / 1024) * 0.2, 1);
    // A day's partition at 100 M and 1 B events is over the workgroup's 1 GiB cutoff: each query is cancelled and
    // billed for what it scanned until then, priced at the cutoff (1 GiB): 4 scans × 30 days × 1 GiB at $5/TB.
    expect(cost.lines.map((l) => l.athenaCancelled)).toEqual([false, true, true]);
    expect(cost.lines.map((l) => l.notPriced)).toEqual([[], [], []]);
    expect(cost.cutoffBytes).toBe(2 ** 30);
    expect(cost.lines[1].athena).toBeCloseTo(
      ((ASSUMPTIONS.monthlyScansOfLastMonth * 30 * 1) / 1024) * us('athena.scanned'),
      2,
    );
    expect(cost.lines[2].athena).toBe(cost.lines[1].athena);
  });

  it('the steady state follows the lifecycle: standard keeps 1 month in STANDARD and 2 in IA', () => {
    expect(cost.storageMonths).toEqual({ STANDARD: 1, STANDARD_IA: 2 });
  });

  it(
    'shows what each catalog mode would cost for the stack: ' + 'projection nothing, the crawler modes their crawls',
    () => {
      expect(cost.catalogModes.map((m) => [m.mode, m.perMonth])).toEqual([
        ['crawler', 17.6],
        ['crawler-events', 17.6],
        ['projection', 0],
      ]);
      expect(cost.differences).toContainEqual(
        expect.objectContaining({ kind: 'crawler-priced', runsPerMonth: 120, referenceCrawlerPerMonth: 2.2 }),
      );
      expect(cost.differences.map(costDifference).join(' ')).toContain("the reference design's table says $2.20");
    },
  );

  it(
    'the same stack costs differently in eu-central-1, each component at its ' +
      'own price; Firehose, unsourced there, is left out and named',
    () => {
      const tf = synthesized('telemetry-prod-us-east-1');
      tf.provider!.aws[0].region = 'eu-central-1';
      const eu = estimateCost(tf)!;
      expect(eu.missing).toEqual(['firehose.ingestion']);
      expect(eu.lines.map((l) => [l.firehose, l.notPriced])).toEqual([
        [null, ['firehose']],
        [null, ['firehose']],
        [null, ['firehose']],
      ]);
      // S3 at Frankfurt's prices: 1 month in STANDARD at $0.0245 and 2 in IA at $0.0135, against $0.023 and $0.0125.
      const stored = eu.lines[1].storedGbPerMonth;
      expect(eu.lines[1].s3).toBeCloseTo(stored * 0.0245 + 2 * stored * 0.0135, 1);
      expect(eu.lines[1].s3).toBeGreaterThan(cost.lines[1].s3!);
      expect(eu.lines[1].total).toBeCloseTo(
        eu.lines[1].s3! +
          eu.lines[1].s3Requests! +
          eu.lines[1].glue! +
          eu.lines[1].athena! +
          eu.lines[1].kmsKeys! +
          eu.lines[1].alarms!,
        1,
      );
      expect(priceLines(eu)).toEqual(
        expect.arrayContaining([
          'S3 Standard storage, first 50 TB: $0.0245 per GB-month (source A, B; ' +
            '2024-09-25; secondary sources only: no first-party AWS source)',
          expect.stringMatching(/^Not priced for eu-central-1: Firehose Direct PUT ingestion/),
          expect.stringMatching(
            new RegExp(
              String.raw`^Sources \(config\/prices\/eu-central-1\.json\): A \[secondary: a third party.s copy ` +
                String.raw`of AWS.s offer file or pricing feed\]: CSV dumps of the feeds behind aws\.amazon\.com\/` +
                String.raw`s3\/pricing`,
            ),
          ),
        ]),
      );
    },
  );

  it('a region without a price file is not priced at all, and says so once', () => {
    const tf = synthesized('telemetry-prod-us-east-1');
    tf.provider!.aws[0].region = 'sa-east-1';
    const none = estimateCost(tf)!;
    expect([none.priced, none.lines]).toEqual([false, []]);
    expect(priceLines(none)).toEqual([expect.stringMatching(/^Not priced: there is no price file for sa-east-1/)]);
  });

  it('compliance retention costs more storage than standard at the same volume (both priced in us-east-1)', () => {
    const tf = synthesized('telemetry-prod-eu-central-1');
    tf.provider!.aws[0].region = 'us-east-1';
    expect(estimateCost(tf)!.lines[2].s3).toBeGreaterThan(cost.lines[2].s3!);
  });
});

describe('what an estimate leaves out', () => {
  it('stands under one label, for volume tiers and for a stack without a pipeline alike', () => {
    const labelled = (r: StackReport) =>
      renderMarkdown(r)
        .split('\n')
        .filter((l) => /^Left out of/.test(l));
    const tiered = reports.filter((r) => r.cost?.lines.length);
    const standing = reports.filter((r) => !r.cost && r.standingCost?.omitted.length);
    expect([tiered.length, standing.length]).toEqual([expect.any(Number), expect.any(Number)]);
    expect(tiered.length * standing.length).toBeGreaterThan(0);
    for (const r of [...tiered, ...standing]) expect(labelled(r)).toEqual([LEFT_OUT]);
  });
});

describe('capacity check', () => {
  it(
    "the reference design's top tier at a 10× peak needs ~11.3 " +
      'MiB/s: over a default us-east-1 stream, the fix named',
    () => {
      const c = capacityCheck('us-east-1', {
        eventsPerMonth: 1_000_000_000,
        peakFactor: 10,
        eventBytes: 3072,
        eventsPerRecord: 1,
      });
      expect(c.configured).toMatchObject({ mibPerSecond: 11.3, headroom: 0.44 });
      expect(c.fixes).toEqual([{ kind: 'throughput' }]);
      expect(capacityFixes(c)).toMatch(/^Fix at the configured peak: request a throughput increase for the stream/);
    },
  );

  it(
    'each quota exceeded has its fix, said once: records/s packs ' +
      'events (as many as it takes), requests/s fuller batches',
    () => {
      // 30 B events a month at a 100× peak, 10-byte events one per record, in a region of 1 MiB/s, 1,000 records/s and
      // 1,000 requests/s: every quota exceeded.
      const c = capacityCheck('eu-central-1', {
        eventsPerMonth: 3e10,
        peakFactor: 100,
        eventBytes: 10,
        eventsPerRecord: 1,
      });
      expect(c.fixes.map((f) => f.kind)).toEqual(['throughput', 'pack', 'fuller-batches']);
      const pack = c.fixes[1] as { eventsPerRecord: number };
      expect(pack.eventsPerRecord).toBeGreaterThanOrEqual(c.configured.recordsPerSecond / c.quota.recordsPerSecond);
      const said = capacityFixes(c);
      expect(said).toContain(`pack ${pack.eventsPerRecord} or more events per record`);
      expect(said).toContain('send fuller PutRecordBatch calls');
      for (const fix of ['request a throughput increase', ' or more events per record', 'send fuller PutRecordBatch'])
        expect(said.split(fix)).toHaveLength(2);
      expect(capacityFixes(capacityCheck('eu-central-1', { ...c.settings, eventsPerMonth: 1e6 }))).toBe(
        'The configured peak fits the default quotas.',
      );
    },
  );

  it(
    "a planted peak over the region's quota is a warning with the fix; " +
      'packing is an info with the saving at the three tiers',
    () => {
      const planted = resolveMatrix({
        ...EXAMPLE_MATRIX,
        deployments: [{ ...EXAMPLE_MATRIX.deployments[1], overrides: { capacity: { eventsPerMonth: 1_000_000_000 } } }],
      });
      const outdirPlanted = mkdtempSync(join(tmpdir(), 'report-capacity-'));
      synthesizeChecked(planted, { outdir: outdirPlanted });
      const [r] = readReports(outdirPlanted).filter((x) => x.stack === 'telemetry-prod-us-east-1');
      const capacity = r.findings.filter((f) => f.check === 'capacity');
      expect(capacity.map((f) => f.severity)).toEqual(['warning', 'info']);
      expect(capacity[0].message).toMatch(
        /exceeds its default us-east-1 quota \(5 MiB\/s.*fix: request a throughput increase/,
      );
      expect(capacity[1].message).toBe(
        'packing ~5 events per record would cut Firehose ingestion by 40 % (10 M: ' +
          '$1.38 → $0.83, 100 M: $13.83 → $8.3, 1000 M: $138.28 → $82.97 a month)',
      );
    },
  );
});

describe('page and diagram', () => {
  const html = renderHtml(reports);

  it('is self-contained: no scripts, no external resources, no timestamps', () => {
    expect(html).not.toMatch(/<script|<link|<img|@import|url\(http/);
    // A source's address may be named in text; nothing is loaded from one.
    expect(html).not.toMatch(/(src|href|xlink:href)="https?:/);
    expect(html).not.toMatch(/20\d\d-\d\d-\d\dT\d\d:\d\d/);
    expect(renderHtml(reports)).toBe(html);
  });

  it('has one section and one diagram per stack', () => {
    expect(html.match(/<section class="stack"/g)).toHaveLength(reports.length);
    expect(html.match(/<svg /g)).toHaveLength(reports.length);
  });

  it('says where no data flows, in both writers, and draws no diagram or empty table', () => {
    const still: StackReport = { ...eu, model: { ...eu.model, flow: [] } };
    const page = renderHtml([still]);
    expect(page).toContain('<p>No data flows through this stack.</p>');
    expect(page).not.toMatch(/<svg |class="diagram"/);
    const md = renderMarkdown(still);
    expect(md).toContain('## Data flow\n\nNo data flows through this stack.\n');
    expect(md).not.toContain('| From | To | Region | Via |');
    expect(renderMarkdown(eu)).toContain('| From | To | Region | Via |');
  });

  it('places a node after every node that feeds it', () => {
    const svg = flowSvg(labelledFlow(eu.model), 'x', 'Data flow of x');
    const xOf = (label: string) => Number(new RegExp(`<rect x="(\\d+)"[^>]*/><text[^>]*>${label}`).exec(svg)?.[1]);
    expect(xOf('iOS app')).toBeLessThan(xOf('Cognito identity pool'));
    expect(xOf('Glue catalog')).toBeLessThan(xOf('Athena telemetry-prod-'));
  });

  it('wraps long labels at separators', () => {
    expect(wrap('S3 telemetry-prod-222222222222-eu-central-1/data/', 27, 3)).toEqual([
      'S3 telemetry-prod-',
      '222222222222-eu-central-1/',
      'data/',
    ]);
  });
});

describe('report input', () => {
  it('says what to do when cdktf.out is missing or holds the HCL form', () => {
    const empty = mkdtempSync(join(tmpdir(), 'report-empty-'));
    expect(() => readReports(empty)).toThrow(`no ${join(empty, 'manifest.json')}: run \`npx cdktf synth\` first`);
    const hclOut = mkdtempSync(join(tmpdir(), 'report-hcl-'));
    writeFileSync(
      join(hclOut, 'manifest.json'),
      JSON.stringify({
        stacks: { 'telemetry-dev-us-east-1': { synthesizedStackPath: 'stacks/telemetry-dev-us-east-1/cdk.tf' } },
      }),
    );
    expect(() => readReports(hclOut)).toThrow(/holds HCL \(from `cdktf synth --hcl`\); the report reads the JSON form/);
  });
});
