/**
 * Invariant tests: the compliance report of every stack of the configured matrix has its sections, consistent with
 * the config.
 */
import { backendLocation, staticFolder } from '../../config/names';
import { stackTargets } from '../../config/targets';
import { pricesFor } from '../../config/prices';
import { FIREHOSE_DIRECT_PUT_RETENTION_HOURS } from '../../config/aws';
import { CONTROLS_SCOPE } from '../../config/controls';
import { renderHtml, renderMarkdown, severityCounts } from '../../scripts/report/render';
import {
  accessPrincipal,
  alarmConditions,
  COMPARISON,
  CRAWLER_LOG_GROUPS,
  METRIC_MEANS,
  storeHolds,
} from '../../scripts/report/words';
import { CRAWLER_LOG_GROUP } from '../../stacks/constructs/catalog';
import { CONFIGURED, configuredReports, describeEach } from '../fixtures/configured';
import { LOCATE_DIGEST_PREFIX_HEX } from '../../config/names';

// The report reads cdktf.out as written by `npm run synth` (fixtures/commands.ts ran it once for the test run).
const reports = configuredReports();

describe('report of the configured matrix', () => {
  it('covers every stack with no error finding, and keeps nothing longer than configured', () => {
    expect(reports.map((r) => r.stack).sort()).toEqual(
      stackTargets(CONFIGURED)
        .filter((t) => t.kind !== 'workspaces')
        .map((t) => t.stack)
        .sort(),
    );
    for (const r of reports) expect(severityCounts(r.findings).error).toBe(0);
    for (const r of reports)
      expect(r.findings.filter((f) => f.check === 'retention' && f.severity === 'warning')).toEqual([]);
  });

  it(
    'lists the Security Hub controls of every stack; the only ' +
      'failures are the known open ones, each saying what closes it',
    () => {
      for (const r of reports) {
        expect(r.controls.length).toBeGreaterThan(0);
        for (const c of r.controls.filter((x) => x.status === 'fail')) {
          expect([r.stack, c.id, c.closedBy]).toEqual([
            r.stack,
            expect.stringMatching(/^(S3\.9|S3\.11|S3\.14|SNS\.2|CloudWatch\.16)$/),
            expect.any(String),
          ]);
        }
        for (const c of r.controls.filter((x) => x.status === 'accepted'))
          expect((c.acceptance?.reason ?? c.exempted?.reason ?? '').length).toBeGreaterThan(0);
      }
    },
  );

  it(
    'every stack’s controls section says the table’s scope from one constant: ' +
      'account-level controls (CloudTrail, S3.22/S3.23, IAM.28) are outside it',
    () => {
      expect(CONTROLS_SCOPE).toMatch(/Account-level controls are outside it/);
      for (const id of ['CloudTrail.', 'S3.22', 'S3.23', 'IAM.28']) expect(CONTROLS_SCOPE).toContain(id);
      for (const r of reports) {
        if (r.controls.length === 0) continue;
        const md = renderMarkdown(r);
        const section = md.slice(md.indexOf('## Security Hub controls'));
        expect(section.split('\n').find((l) => l.length > 0 && !l.startsWith('#'))).toBe(CONTROLS_SCOPE);
        expect(renderHtml([r])).toContain('Account-level controls are outside it');
        // The table itself holds none of them.
        expect(r.controls.map((c) => c.id).filter((id) => /^(CloudTrail\.|IAM\.28$|S3\.2[23]$)/.test(id))).toEqual([]);
      }
    },
  );

  it(
    'S3.7’s acceptance names no bucket kind a stack lacks: its scope points at ' +
      'the Resources column, which lists exactly the stack’s buckets',
    () => {
      for (const r of reports) {
        const c = r.controls.find((x) => x.id === 'S3.7');
        if (!c?.acceptance) continue;
        expect(c.acceptance.scope).not.toMatch(/event data|query results|access logs/);
        const buckets = [...new Set(r.model.stores.filter((s) => s.kind === 's3').map((s) => s.address))].sort();
        expect([r.stack, [...c.resources].sort()]).toEqual([r.stack, buckets]);
      }
    },
  );

  it('the page has one section per stack and one diagram per stack that data flows through (not a trust stack)', () => {
    const html = renderHtml(reports);
    expect(html.match(/<section class="stack"/g)).toHaveLength(reports.length);
    const trust = reports.filter((r) => r.model.identity.role === 'trust');
    expect(html.match(/<svg /g)).toHaveLength(reports.length - trust.length);
    expect(html.match(/No data flows through this stack/g) ?? []).toHaveLength(trust.length);
  });
});

describeEach(
  'telemetry stacks',
  CONFIGURED,
  (d) => `${d.names.stack} report`,
  (d) => {
    const report = () => reports.find((r) => r.stack === d.names.stack)!;

    it(
      'identity and state backend match the deployment (the facts ' +
        'written at synth); an S3 backend is in the stack’s region',
      () => {
        const { identity } = report().model;
        expect(identity).toMatchObject({
          role: 'pipeline',
          environments: [d.environment],
          region: d.region,
          account: d.accountId,
          jurisdiction: d.jurisdiction,
          classification: d.dataClassification,
          profile: d.profile,
          residencyExceptions: [...d.allowedRegions].sort(),
        });
        if (d.backend.type === 's3') {
          const { bucket, key } = backendLocation(d.backend, d.environment, d.region, d.accountId);
          expect(identity.backend).toMatchObject({ type: 's3', bucket, key, region: d.region, lockfile: true });
        } else {
          expect(identity.backend).toMatchObject({
            type: 'cloud',
            organization: d.backend.organization,
            workspace: backendLocation(d.backend, d.environment, d.region, d.accountId).workspace,
          });
        }
      },
    );

    it(
      'says how an erasure request is served: the stack’s erasure ' +
        'policy, every copy of an event, and when the last is gone',
      () => {
        const erasure = report().erasure!;
        expect(erasure.policy).toBe(d.names.erasure);
        expect(erasure.role).toBe(d.settings.erasure.principals.length ? d.names.erasure : null);
        expect(erasure.copies.map((c) => c.role).sort()).toEqual([
          'buffer',
          'event-data',
          'failed-records',
          'query-results',
        ]);
        // Every workgroup's history: the erasure's (the locating query's digest prefixes), then the analysts'
        // (their SQL).
        const histories = erasure.outside.flatMap((o) => (o.what === 'query-history' ? [o] : []));
        const workgroups = report().model.access.targets.flatMap((t) => (t.kind === 'workgroup' ? [t] : []));
        expect(histories.map((o) => o.workgroup).sort()).toEqual(workgroups.map((t) => t.name).sort());
        expect(histories.filter((o) => o.locating).map((o) => o.workgroup)).toEqual([d.names.erasureWorkgroup]);
        expect(histories.some((o) => !o.locating)).toBe(true);
        for (const o of histories) {
          expect(o.days).toBe(45);
          // Who may read it is the access matrix's read-history cells, each named in the sentence.
          const target = workgroups.find((t) => t.name === o.workgroup)!;
          const readers = report().model.access.cells.filter(
            (c) => c.target === target.id && c.request === 'read-history',
          );
          expect(o.readers.map((p) => p.id).sort()).toEqual([...new Set(readers.map((c) => c.principal))].sort());
        }
        const md = renderMarkdown(report());
        for (const o of histories.filter((x) => !x.locating)) {
          expect(md).toContain(
            `the Athena query history of workgroup ${o.workgroup} (45 days, ` +
              `Athena's own; an analyst's SQL naming an id keeps the id there`,
          );
          for (const p of o.readers) expect(md).toContain(accessPrincipal(p));
        }
        // The locating query's history and CloudTrail hold prefixes of the digests, as long as the query sends.
        const prefixes =
          `${LOCATE_DIGEST_PREFIX_HEX}-hex-character prefixes of ` + `the SHA-256 digests of the lower-cased ids`;
        expect(md).toContain(
          `the Athena query history of workgroup ${d.names.erasureWorkgroup} (45 days, ` +
            `Athena's own; the locating query's SQL and parameters hold ${prefixes}`,
        );
        expect(md).toContain(`StartQueryExecution may record the locating query's SQL and parameters — ${prefixes}`);
        expect(md).toContain(`about 1 in ${(16 ** LOCATE_DIGEST_PREFIX_HEX).toLocaleString('en-US')} of them`);
        expect(md).not.toMatch(/name the erased device/);
        // An archive class in the lifecycle means a restore (Deep Archive bulk: 48 h); otherwise Firehose's buffer
        // is the last.
        const archived =
          d.settings.lifecycle.deepArchiveDays !== null &&
          d.settings.lifecycle.deepArchiveDays < d.settings.lifecycle.expirationDays;
        expect(erasure.hours).toBe(archived ? 48 : d.settings.firehose.bufferIntervalSeconds / 3600);
        expect(renderMarkdown(report())).toContain(`npm run erase -- --stack ${d.names.stack}`);
        // What the command does not edit is named with its own retention: never "every copy is gone" in hours.
        expect(erasure.outside).toEqual(
          expect.arrayContaining([
            { what: 'log', store: d.names.firehoseLogGroup, days: d.settings.logs.retentionDays },
            {
              what: 'receipts',
              store: `${d.names.dataBucket}/erasure-requests/`,
              days: d.settings.erasure.receiptRetentionDays,
            },
            { what: 'locate-results', store: `${d.names.dataBucket}/erasure-locate-results/`, days: 1 },
            // Only the erasure's workgroup runs the locating query: the analysts' history never holds its prefixes.
            expect.objectContaining({
              what: 'query-history',
              workgroup: d.names.erasureWorkgroup,
              locating: true,
              days: 45,
            }),
            { what: 'cloudtrail', days: null },
          ]),
        );
        expect(renderMarkdown(report())).not.toMatch(/Every copy is gone/);
        // Receipts are said to be keyed, never salted.
        expect(renderMarkdown(report())).toMatch(/MACs of the ids by the stack's KMS HMAC key/);
        expect(renderMarkdown(report())).not.toMatch(/salted/);
      },
    );

    it(
      'says when every copy is gone from the plan: the buffer interval (or a restore) with S3 ' +
        'reachable, Firehose’s retention while S3 is unreachable, and only after a second run',
      () => {
        const x = report().erasure!;
        const md = renderMarkdown(report());
        const sentence = md.split('\n').find((l) => l.startsWith('Every copy above is gone'))!;
        expect(x.hoursWhileS3Unreachable).toBe(Math.max(x.hours, FIREHOSE_DIRECT_PUT_RETENTION_HOURS));
        expect(x.bufferSeconds).toBe(d.settings.firehose.bufferIntervalSeconds);
        expect(x.secondRun).toBe(true);
        const minutes = d.settings.firehose.bufferIntervalSeconds / 60;
        if (x.hours < FIREHOSE_DIRECT_PUT_RETENTION_HOURS) {
          expect(sentence).toContain(
            `within ${minutes} minute${minutes === 1 ? '' : 's'} of the request ` +
              `(Firehose's buffer interval) while S3 accepts deliveries`,
          );
          expect(sentence).toContain(`up to ${FIREHOSE_DIRECT_PUT_RETENTION_HOURS} hours while S3 is unreachable`);
        } else
          expect(sentence).toContain(`within ${x.hours} hours of the request (the bulk restore of archived objects)`);
        expect(sentence).toContain('only after a second run');
        expect(md).not.toMatch(/gone within 5 minutes of the request\./);
      },
    );

    it(
      'the erasure section names what the command leaves for an operator (unparsed lines, ' +
        'undecodable objects) and that the Athena locate is opt-in and unverified',
      () => {
        const md = renderMarkdown(report());
        const gone = md.split('\n').find((l) => l.startsWith('Every copy above is gone'))!;
        expect(gone).toMatch(/except what waits for an operator's decision/);
        expect(gone).toContain('`--unparsed keep` or `--unparsed remove`');
        expect(gone).toMatch(/objects the command cannot decode .* with their older versions/);
        const served = md.split('\n').find((l) => l.startsWith('Served by `npm run erase'))!;
        expect(served).toMatch(
          /except lines and objects it cannot decide on, which it names and leaves pending \(exit 3\)/,
        );
        expect(served).toContain('By default it reads every object itself (`--locate scan`)');
        expect(served).toContain('(`--locate athena`) is opt-in and has not yet run on a real Athena');
        expect(md).not.toMatch(/every version of every object holding the ids is rewritten or deleted/);
      },
    );

    it(
      'an accepted control’s compensating alarm says when it fires from the alarm’s configured ' +
        'metric, statistic, threshold and period (ThrottledRecords: at the quota, never "a flood")',
      () => {
        const { model } = report();
        const md = renderMarkdown(report());
        expect(md).not.toMatch(/shows a flood/);
        for (const a of model.alerts.filter((x) => x.kind === 'metric-alarm' && x.watches === 'ThrottledRecords')) {
          const tf = a.condition!;
          expect(alarmConditions(`the ${a.watches} alarm`, model)).toBe(
            `alarm ${a.name} fires when ` +
              `ThrottledRecords ${tf.statistic} ${COMPARISON[tf.comparison]} ${tf.threshold} ` +
              `over ${tf.periodSeconds} s: ${METRIC_MEANS.ThrottledRecords}`,
          );
          const cognito = report().controls.find((c) => c.id === 'Cognito.2');
          if (cognito?.acceptance?.compensatingControls.some((t) => t.includes('ThrottledRecords')))
            expect(md).toContain(`alarm ${a.name} fires when ThrottledRecords`);
        }
        // Another configuration's alarm: its own numbers, and nothing for text naming no alarm's metric.
        const other = {
          ...model,
          alerts: [
            {
              kind: 'metric-alarm' as const,
              address: 'aws_cloudwatch_metric_alarm.x',
              name: 'x',
              watches: 'ThrottledRecords',
              condition: {
                statistic: 'Maximum',
                comparison: 'GreaterThanOrEqualToThreshold',
                threshold: 50,
                periodSeconds: 60,
              },
            },
          ],
        };
        expect(alarmConditions('the ThrottledRecords alarm', other)).toMatch(
          /^alarm x fires when ThrottledRecords Maximum ≥ 50 over 60 s: /,
        );
        expect(alarmConditions('the key policy', other)).toBeNull();
      },
    );

    it(
      '"Holds" says per log group who writes it (Firehose’s errors, the ' +
        'crawler’s runs), and the erasure receipts folder what a receipt holds',
      () => {
        const { stores } = report().model;
        const md = renderMarkdown(report());
        const rowOf = (name: string) => md.split('\n').find((l) => l.startsWith(`| \`${name}\` (`))!;
        const logs = stores.filter((s) => s.role === 'logs');
        expect(new Set(logs.map(storeHolds)).size).toBe(logs.length);
        expect(rowOf(d.names.firehoseLogGroup)).toContain("Firehose's delivery errors");
        expect(rowOf(d.names.firehoseLogGroup)).not.toContain('crawler');
        for (const s of logs.filter((x) => x.name.startsWith(CRAWLER_LOG_GROUP)))
          expect(rowOf(s.name)).toContain("the Glue crawler's runs");
        expect(CRAWLER_LOG_GROUPS).toBe(CRAWLER_LOG_GROUP);
        const receipts = stores.find((s) => s.name === `${d.names.dataBucket}/erasure-requests/`)!;
        expect(rowOf(receipts.name)).toContain('erasure receipts (MACs of the ids');
        expect(md).not.toContain('Firehose delivery errors and crawler runs');
      },
    );

    it(
      'prices rewriting every object of the window: an object per buffer flush, the S3 ' +
        'requests at the region’s prices, core-hours in proportion to the events',
      () => {
        const x = report().erasure!;
        const prices = pricesFor(d.region)?.prices;
        const [put, get] = [prices?.['s3.putRequests']?.value, prices?.['s3.getRequests']?.value];
        for (const c of x.costs) {
          // Firehose writes at least one object per buffer interval, all through the retention window.
          expect(c.objects).toBeGreaterThanOrEqual(
            Math.floor((d.settings.lifecycle.expirationDays * 86_400) / d.settings.firehose.bufferIntervalSeconds),
          );
          if (put === undefined || get === undefined) expect(c.rewriteRequests).toBeNull();
          else
            expect(c.rewriteRequests).toBeCloseTo(c.objects * (put + 2 * get) + Math.ceil(c.objects / 1000) * put, 1);
        }
        const [, hundredMillion, billion] = x.costs;
        // Ten times the events, ten times the work (each figure rounded to 0.1).
        expect(Math.abs(billion.rewriteCoreHours - 10 * hundredMillion.rewriteCoreHours)).toBeLessThanOrEqual(0.55);
        expect(x.notPriced.includes('s3-requests')).toBe(put === undefined || get === undefined);
        expect(x.notPriced).toContain('compute');
      },
    );

    it(
      'every store is in region; S3 stores are KMS-encrypted with ' +
        'rotation, private and TLS-only; event data kept as configured',
      () => {
        const { stores } = report().model;
        expect(stores.map((s) => s.role)).toEqual(
          expect.arrayContaining(['event-data', 'failed-records', 'query-results', 'buffer', 'logs', 'catalog']),
        );
        for (const s of stores) expect(s.region).toBe(d.region);
        for (const s of stores.filter((x) => x.kind === 's3'))
          expect(s).toMatchObject({
            encryption: { kind: 'kms', rotation: true },
            publicAccess: 'blocked',
            tlsOnly: true,
          });
        const data = stores.find((s) => s.role === 'event-data')!;
        expect(data.name).toBe(`${d.names.dataBucket}/${staticFolder(d.settings.firehose.dataPrefix)}`);
        expect(data.retention).toMatchObject({
          expirationDays: d.settings.lifecycle.expirationDays,
          goneForGoodDay: d.settings.lifecycle.expirationDays + d.settings.protection.noncurrentVersionExpirationDays,
        });
      },
    );

    it(
      'the Firehose buffer: where the data lives, how long and the erasure all say it holds ' +
        'undeliverable records up to the retention AWS gives (config/aws.ts), never "no data at rest"',
      () => {
        const md = renderMarkdown(report());
        const buffer = report().model.stores.find((s) => s.role === 'buffer')!;
        const lines = md.split('\n');
        // Its row in "Where the data lives", in "How long", and in the erasure table.
        const rows = [
          `| \`${buffer.name}\` (Firehose buffer) |`,
          `| \`${buffer.name}\` |`,
          `| Firehose's buffer | \`${buffer.name}\` |`,
        ].map((start) => lines.find((l) => l.startsWith(start)) ?? start);
        for (const row of rows)
          expect(row).toContain(`up to ${FIREHOSE_DIRECT_PUT_RETENTION_HOURS} h while S3 is unreachable`);
        expect(md).not.toMatch(/no data at rest/i);
      },
    );

    it('lists every role with who may assume it, and a data flow whose every edge stays in region', () => {
      const { model } = report();
      expect(model.roles.length).toBeGreaterThan(0);
      for (const r of model.roles) expect(r.trust.flatMap((s) => s.principals).length).toBeGreaterThan(0);
      expect(model.flow.length).toBeGreaterThan(0);
      expect(new Set(model.flow.map((e) => e.region))).toEqual(new Set([d.region]));
    });

    it(
      'has every section in Markdown, a cost estimate for the three volumes ' +
        '(or "not priced", once, without a table) and the capacity check',
      () => {
        const markdown = renderMarkdown(report());
        for (const heading of [
          '## Identity',
          '## Where the data lives',
          '## Destroy protection',
          '## How long',
          '## Who can read or write it',
          '## Data flow',
          '## Capacity',
          '## Findings',
          '## Monthly cost estimate',
        ]) {
          expect(markdown).toContain(heading);
        }
        expect(report().cost?.lines).toHaveLength(pricesFor(d.region) ? 3 : 0);
        if (!pricesFor(d.region)) {
          expect(markdown.match(/Not priced: there is no price file for /g)).toHaveLength(1);
          expect(markdown).not.toContain('| Events / month | Raw GB |');
        }
        // A component without a sourced price is named beside a partial total, never priced at another region's price.
        for (const line of report().cost?.lines ?? []) {
          for (const [component, value] of [
            ['firehose', line.firehose],
            ['s3', line.s3],
            ['glue', line.glue],
            ['athena', line.athena],
          ] as const) {
            expect(line.notPriced.includes(component)).toBe(value === null);
          }
        }
        expect(report().capacity).toMatchObject({ region: d.region, settings: d.settings.capacity });
      },
    );
  },
);
