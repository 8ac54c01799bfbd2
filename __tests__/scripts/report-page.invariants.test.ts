/**
 * Invariant tests of the report's page over the configured matrix: one document, two writers, and markup only where
 * the HTML writer puts it — hostile names included; the page check's source reader catches the markup the old
 * renderer leaked; `npm run report` after `npm run review` keeps the review; the stores' reachability sentences say
 * what the model holds (the Firehose buffer is reachable by the identity pool's guests).
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { markupProblems, VISIBLE_MARKUP } from '../../scripts/report/check-page';
import { phrase, plain } from '../../scripts/report/document';
import { cellHtml } from '../../scripts/report/html';
import { synthFingerprint, writeReports } from '../../scripts/report/files';
import { storeReach } from '../../scripts/report/reach';
import { renderHtml, renderMarkdown, stackSection } from '../../scripts/report/render';
import { accessPrincipal, PROTECTION, reachability } from '../../scripts/report/words';
import { OUTSIDER_KINDS } from '../../model/access';
import { compareReports } from '../../scripts/review/compare';
import { changesSection } from '../../scripts/report/changes-section';
import { changesJson, renderChangesMarkdown } from '../../scripts/review/render';
import { sectionHtml } from '../../scripts/report/html';
import type { StackReport } from '../../scripts/report/analyze';
import { configuredReports } from '../fixtures/configured';

const reports = configuredReports();
const HOSTILE = '"><img src=x onerror=alert(1)><span title="';

/** The reports with every AWS name and store name replaced by markup. */
const hostile = (rs: StackReport[]): StackReport[] =>
  rs.map((r) => ({
    ...r,
    model: {
      ...r.model,
      names: Object.fromEntries(Object.keys(r.model.names).map((a) => [a, `${HOSTILE}${a}`])),
      stores: r.model.stores.map((s) => ({ ...s, name: `${s.name}${HOSTILE}` })),
    },
  }));

describe('the page: markup only where the HTML writer puts it', () => {
  it('has no stray markup for the configured matrix, nor when every name is markup', () => {
    expect(markupProblems(renderHtml(reports))).toEqual([]);
    const html = renderHtml(hostile(reports));
    expect(markupProblems(html)).toEqual([]);
    expect(html).not.toContain('<img');
    expect(html).toContain('&quot;&gt;&lt;img src=x');
  });

  it(
    'marks each stack section with its stack role, which the page check ' +
      'uses to find pipelines (a state stack has a cost section too)',
    () => {
      const html = renderHtml(reports);
      for (const r of reports) {
        expect(html).toContain(`data-stack="${r.stack}" data-stack-role="${r.model.identity.role}"`);
      }
      expect(reports.some((r) => r.model.identity.role === 'pipeline')).toBe(true);
    },
  );

  it('names a resource with its address as the tooltip, never markup inside the attribute', () => {
    const out = cellHtml(
      phrase('see aws_s3_bucket.data and `npm run x <file>`', { 'aws_s3_bucket.data': 'my<bucket>' }),
    );
    expect(out).toBe(
      'see <span class="tf" title="aws_s3_bucket.data">my&lt;bucket&gt;</span> and <code>npm run x &lt;file&gt;</code>',
    );
  });

  it('the source check catches the markup the old renderer leaked into the stores table', () => {
    const leaked =
      '<td><code>b</code> <span title="<span class="tf" title="aws_s3_bucket.b">b</span>">(S3)</span></td>';
    expect(markupProblems(`<p>ok</p>${leaked}`).length).toBeGreaterThan(0);
    expect(markupProblems('<p>a "> b</p>')).toEqual([expect.stringMatching(/^'>' in text/)]);
    expect(markupProblems('<p>fish & chips</p>')).toEqual([expect.stringMatching(/^bare '&'/)]);
    expect(markupProblems('<p title="a &amp; b">a &lt; b</p>')).toEqual([]);
  });

  it('the browser check reads leaked markup in the visible text, and a command’s <file> as text', () => {
    expect(VISIBLE_MARKUP.test('telemetry-prod-222222222222-ap-south-1">(S3)')).toBe(true);
    expect(VISIBLE_MARKUP.test('<span class="tf" title="x">')).toBe(true);
    expect(VISIBLE_MARKUP.test('npm run erase -- --stack s --ids <file> --request <ticket>')).toBe(false);
  });

  it('Markdown and HTML write the same document: every section heading of a stack in both', () => {
    for (const r of reports) {
      const headings = stackSection(r).blocks.flatMap((b) => (b.kind === 'heading' && b.level === 1 ? [b] : []));
      const markdown = renderMarkdown(r);
      const html = renderHtml([r]);
      for (const h of headings) {
        expect(markdown).toContain(`\n## ${h.text}\n`);
        // What the heading is, as data beside its words (scripts/report/check-page.ts reads it).
        expect(h.section).toBeDefined();
        expect(html).toContain(`<h3 data-section="${h.section}">${h.text}</h3>`);
      }
    }
  });
});

describe('report and review keep each other’s sections', () => {
  const dir = () => mkdtempSync(join(tmpdir(), 'report-page-'));
  const review = (synth: string) =>
    JSON.stringify(changesJson(compareReports(reports, reports), 'main (abc1234)', synth));

  it(
    'a report written into a folder holding a review shows that ' + 'review below the overview, and keeps its files',
    () => {
      const out = dir();
      writeFileSync(join(out, 'changes.json'), review(synthFingerprint(reports)));
      writeFileSync(join(out, 'changes.md'), '# review');
      writeReports(reports, out);
      const html = readFileSync(join(out, 'index.html'), 'utf8');
      expect(html).toContain('<section class="changes" id="changes">');
      expect(html.indexOf('class="overview"')).toBeLessThan(html.indexOf('class="changes"'));
      expect(html).not.toContain('another synth');
      expect(readFileSync(join(out, 'changes.md'), 'utf8')).toBe('# review');
      expect(markupProblems(html)).toEqual([]);
    },
  );

  it(
    'changes.md and the page’s review section are one document: ' +
      'every changed stack and section in both, no stray markup',
    () => {
      const changed = reports.map((r, i) =>
        i === 0
          ? {
              ...r,
              model: {
                ...r.model,
                stores: r.model.stores.map((x) => ({ ...x, retention: { ...x.retention, expirationDays: 1 } })),
              },
            }
          : r,
      );
      const reviews = compareReports(reports, changed);
      const markdown = renderChangesMarkdown(reviews, 'main');
      const html = sectionHtml(changesSection(changesJson(reviews, 'main', 'x')));
      expect(reviews.some((r) => r.changes.length)).toBe(true);
      for (const r of reviews.filter((x) => x.changes.length)) {
        expect(markdown).toContain(`## ${r.stack} (${r.status})`);
        expect(html).toContain(`<summary>${r.stack} (${r.status})</summary>`);
        for (const section of new Set(r.changes.map((c) => c.section))) {
          const title = `${section[0].toUpperCase()}${section.slice(1)}`;
          expect(markdown).toContain(`### ${title}`);
          expect(html).toContain(`<h3>${title}</h3>`);
        }
      }
      expect(markupProblems(html)).toEqual([]);
    },
  );

  it('says so when the review in the folder is of another synth', () => {
    const out = dir();
    writeFileSync(join(out, 'changes.json'), review('0123456789abcdef'));
    writeReports(reports, out);
    expect(readFileSync(join(out, 'index.html'), 'utf8')).toContain(
      'This review is of another synth than the stacks below',
    );
  });

  it('a folder without a review has no review section', () => {
    const out = dir();
    writeReports(reports, out);
    expect(readFileSync(join(out, 'index.html'), 'utf8')).not.toContain('class="changes"');
  });
});

describe('stores: reachability and protection in words the model backs', () => {
  const pipelines = reports.filter((r) => r.model.identity.role === 'pipeline');

  it(
    'the Firehose buffer is reachable by the identity pool’s guests ' +
      'through the stack’s guest role, and the row says so',
    () => {
      expect(pipelines.length).toBeGreaterThan(0);
      for (const r of pipelines) {
        const buffer = r.model.stores.find((s) => s.role === 'buffer')!;
        const reach = storeReach(r.model, buffer);
        const guestRoles = r.model.roles.filter((role) =>
          role.trust.some((s) =>
            s.principals.some((p) => p.kind === 'federated' && p.provider === 'cognito-identity.amazonaws.com'),
          ),
        );
        expect(reach).toMatchObject({
          kind: 'evaluated',
          policy: 'none-in-stack',
          guests: guestRoles.map((g) => ({
            role: g.name,
            actions: expect.arrayContaining(['firehose:PutRecordBatch']),
          })),
        });
        expect(reach.kind === 'evaluated' && reach.guests.length).toBeGreaterThan(0);
        const row = renderMarkdown(r)
          .split('\n')
          .find((l) => l.startsWith(`| \`${buffer.name}\``))!;
        expect(row).toContain(`as a Cognito guest through role ${guestRoles[0].name}`);
        expect(row).not.toMatch(/IAM only|holds no data at rest/);
      }
    },
  );

  it('a store no web identity reaches names no Cognito guest; a bucket reads by its public access block', () => {
    for (const r of pipelines) {
      for (const s of r.model.stores.filter((x) => x.role === 'logs'))
        expect(plain(phrase(reachability(storeReach(r.model, s))))).not.toContain('Cognito guest');
      for (const s of r.model.stores.filter((x) => x.kind === 's3'))
        expect(reachability(storeReach(r.model, s))).toMatch(/^public access blocked \(all four settings\)/);
    }
  });

  // Each store's sentence against the access matrix itself: what the matrix answered for the store's own target.
  const matrixOf = (r: StackReport, s: StackReport['model']['stores'][number]) => {
    const { principals, cells, targets } = r.model.access;
    const cellsOn = cells.filter((c) => c.target === s.id || c.target === s.address);
    const who = [...new Set(cellsOn.map((c) => c.principal))].map((id) => principals.find((p) => p.id === id)!);
    return { asked: targets.some((t) => t.id === s.id || t.id === s.address), who };
  };

  it(
    'a stream, catalog or queue: its sentence names exactly the matrix’s ' +
      'outsiders, guests and principals of the account that reach it',
    () => {
      for (const r of pipelines) {
        for (const s of r.model.stores.filter((x) => ['firehose', 'glue-catalog', 'sqs'].includes(x.kind))) {
          const { asked, who } = matrixOf(r, s);
          expect([s.name, asked]).toEqual([s.name, true]);
          const sentence = reachability(storeReach(r.model, s));
          const outsiders = who.filter((p) => OUTSIDER_KINDS.includes(p.kind));
          if (outsiders.length === 0) expect(sentence).toContain('no principal of another account');
          for (const p of outsiders) expect(sentence).toContain(accessPrincipal(p));
          for (const p of who.flatMap((x) => (x.kind === 'guest' ? [x] : [])))
            expect(sentence).toContain(`as a Cognito guest through role ${p.name}`);
          if (!who.some((p) => p.kind === 'guest')) expect(sentence).not.toContain('Cognito guest');
          for (const p of who.filter((x) => x.kind !== 'guest' && !OUTSIDER_KINDS.includes(x.kind)))
            expect(sentence).toContain(accessPrincipal(p));
          // A principal the matrix did not find reaching the store is not named.
          for (const p of r.model.access.principals.filter((x) => !who.includes(x) && x.kind === 'stack-role'))
            expect(sentence).not.toContain(accessPrincipal(p));
        }
      }
    },
  );

  it(
    'a queue with its queue policy says the policy was evaluated; a stream says no ' +
      'resource policy is in the stack; the catalog that the account’s policy is not seen',
    () => {
      for (const r of pipelines) {
        for (const s of r.model.stores.filter((x) => ['firehose', 'glue-catalog', 'sqs'].includes(x.kind))) {
          const own = r.model.resourcePolicies.some((p) => p.governs.kind === 'own' && p.governs.address === s.address);
          const sentence = reachability(storeReach(r.model, s));
          if (own) expect(sentence).toMatch(/^its resource policy and the identity policies, evaluated/);
          else if (s.kind === 'glue-catalog')
            expect(sentence).toContain("the account's, if one is set outside it, is not seen");
          else expect(sentence).toMatch(/^no resource policy in this stack/);
        }
      }
    },
  );

  it(
    'a log group, which the matrix does not ask about, says it was ' +
      'not evaluated and claims nothing more of who reaches it',
    () => {
      for (const r of pipelines) {
        for (const s of r.model.stores.filter((x) => x.kind === 'cloudwatch-logs')) {
          const sentence = reachability(storeReach(r.model, s));
          if (matrixOf(r, s).asked) continue;
          expect(sentence).toMatch(/^not in the access evaluation/);
          expect(sentence).not.toMatch(/no principal|Cognito guest|evaluated;/);
        }
      }
    },
  );

  it('the buffer holds data at rest until it flushes: its protection words say how long', () => {
    expect(PROTECTION['in-flight']).toContain('up to 24 h');
    expect(PROTECTION['in-flight']).not.toContain('no data at rest');
  });
});
