/**
 * Renders stack reports as Markdown (one file per stack) and as one self-contained HTML page for the matrix, with a
 * generated SVG data-flow diagram per stack — no scripts, fonts or images from the network. The words come from
 * words.ts; resources are named by their AWS names (the Terraform address is the page's tooltip). No timestamps
 * anywhere: the same input gives byte-identical output, so pull requests show real changes.
 */
import type { StackModel, Store, StoreRole } from '../../model/types';
import { ERASURE_REQUESTS_FOLDER } from '../../config/names';
import type { ErasureHow, ErasureNotPriced } from './erasure';
import type { Finding } from '../../stacks/policy-checks';
import type { StackReport } from './analyze';
import type { CostEstimate } from './cost';
import { ACCEPTANCES_SETTING, type ControlResult } from './controls';
import { PRICE_ITEMS, pricesFor, type PriceItem } from '../../config/prices';
import { COMPONENTS } from './cost';
import * as words from './words';

const usd = (n: number) => `$${n.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
const count = (n: number) => (n >= 1e9 ? `${n / 1e9} B` : `${n / 1e6} M`);
const yesNo = (v: boolean | null) => (v === null ? 'n/a' : v ? 'yes' : 'NO');
const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');

/** A flow edge in words, as the diagram and the tables draw it. */
export interface LabelledEdge {
  from: string;
  to: string;
  region: string;
  via: string;
}

export const labelledFlow = (model: StackModel): LabelledEdge[] => model.flow.map((e) => ({ from: words.node(e.from), to: words.node(e.to), region: e.region, via: words.via(e.via) }));

export function severityCounts(findings: Finding[]): Record<string, number> {
  return { error: 0, warning: 0, info: 0, ...Object.fromEntries(['error', 'warning', 'info'].map((s) => [s, findings.filter((f) => f.severity === s).length])) };
}

const dollars = (n: number | null) => (n === null ? 'not priced' : usd(n));

/** A month's total, and what it leaves out when a component is not priced: `$36.97` or `$12.40 + Firehose not priced`. */
export const totalWords = (l: { total: number; notPriced: string[] }) => `${usd(l.total)}${l.notPriced.length ? ` + ${l.notPriced.join(', ')} not priced` : ''}`;

/** Every price an estimate uses, with its sources and date; what is not priced; and the sources. */
export function priceLines(cost: CostEstimate): string[] {
  const file = pricesFor(cost.region);
  if (!cost.priced || !file) return [`Not priced: there is no price file for ${cost.region} (config/prices/${cost.region}.json), and never another region's prices in its place.`];
  const used = [...new Set(COMPONENTS.flatMap((c) => cost.uses[c]))] as PriceItem[];
  const lines = used.flatMap((item) => {
    const p = file.prices[item];
    return p ? [`${PRICE_ITEMS[item].what}: $${p.value} ${p.unit.replace(/^USD /, '')} (source ${p.sources.join(', ')}; ${p.date ?? 'undated'}${p.note ? `; ${p.note}` : ''})`] : [];
  });
  if (cost.missing.length) {
    lines.push(`Not priced for ${cost.region}: ${cost.missing.map((m) => PRICE_ITEMS[m].what).join('; ')} — no sourced price, so the totals leave those components out rather than borrow another region's price.`);
  }
  const sources = [...new Set(used.flatMap((item) => file.prices[item]?.sources ?? []))];
  lines.push(`Sources (config/prices/${cost.region}.json): ${sources.map((id) => `${id}: ${file.sources[id].what} — ${file.sources[id].location}${file.sources[id].date ? ` (${file.sources[id].date})` : ''}`).join('; ')}.`);
  return lines;
}

/** `12 pass, 1 accepted, 1 fail, 2 not checked`. */
export function controlSummary(r: StackReport): string {
  const count = (status: string) => r.controls.filter((c) => c.status === status).length;
  return ['pass', 'accepted', 'fail', 'not checked'].map((s) => `${count(s)} ${s}`).join(', ');
}

/** Why a control has its status: the acceptance, what fails and what would close it, or that no rule checks it. */
function controlWhy(c: ControlResult, ctx: words.Context): string {
  if (c.status === 'accepted' && c.acceptance) return `accepted for ${c.acceptance.scope}: ${c.acceptance.reason}; compensated by ${c.acceptance.compensatingControls.join('; ')}`;
  if (c.status === 'fail') return `fails on ${c.failing.map((a) => words.nameOf(a, ctx)).join(', ')}${c.closedBy ? `; closed by ${c.closedBy}` : ''} (rule ${c.rules.join(', ')})`;
  if (c.status === 'not checked') return `no rule checks it here${c.closedBy ? `; ${c.closedBy}` : ''}`;
  return `rule ${c.rules.join(', ')}`;
}

/** The buckets and keys of a stack, by name, with what stops a destroy from deleting them. */
function protections(model: StackModel): { resource: string; status: string }[] {
  const ctx = words.contextOf(model);
  const buckets = new Map(model.stores.filter((s) => s.kind === 's3').map((s) => [s.address, s.protection]));
  return [
    ...[...buckets].map(([address, p]) => ({ resource: `bucket ${words.nameOf(address, ctx)}`, status: words.PROTECTION[p] })),
    ...model.keys.map((k) => ({ resource: `key ${k.alias ?? words.nameOf(k.address, ctx)}`, status: words.PROTECTION[k.protection] })),
  ];
}

function alertLines(model: StackModel): { alarms: string[]; destinations: string[] } {
  const kinds = { 'metric-alarm': 'alarm', 'event-rule': 'rule', 's3-notification': 'S3 notification' } as const;
  return {
    alarms: model.alerts.map((a) => `${kinds[a.kind]} ${a.name}`),
    destinations: model.destinations.map((d) => (d.kind === 'sns-topic' ? `SNS topic ${d.name}` : `${d.protocol} ${d.endpoint}`)),
  };
}

/** Who may assume each role, under which conditions, and what it may do; or the account's IAM for a state stack. */
function accessRows(model: StackModel): { role: string; assumedBy: string; conditions: string[]; grants: string[]; table: string[][] }[] {
  const ctx = words.contextOf(model);
  if (model.roles.length === 0 && model.accountIamAccess) {
    return [
      {
        role: `IAM principals of account ${model.identity.account}`,
        assumedBy: 'any user or role of the account whose IAM policy allows it (the key policy delegates to IAM; no other account is named)',
        conditions: model.resourcePolicies.some((p) => p.kind === 'bucket-policy') ? ['bucket policy: requests without TLS are denied'] : [],
        grants: [],
        table: [],
      },
    ];
  }
  const attachable = model.policies
    .filter((p) => p.attachedTo.length === 0)
    .map((p) => ({
      role: `policy ${p.name}`,
      assumedBy: 'whoever it is attached to outside this stack (an SSO permission set, a federated role); nobody until then',
      conditions: [],
      grants: p.statements.map((s) => words.statement(s, ctx, false)),
      table: p.statements.map((s) => [s.effect, s.actions.map((a) => `\`${a}\``).join(', '), s.resources.map((v) => `\`${words.value(v, ctx)}\``).join(', '), s.conditions.map((c) => `\`${words.condition(c, ctx)}\``).join('<br>') || '—']),
    }));
  return [...model.roles.map((r) => ({
    role: r.name,
    assumedBy: r.trust.flatMap((s) => s.principals.map((p) => words.principal(p, ctx))).join(', '),
    conditions: r.trust.flatMap((s) => s.conditions.map((c) => words.condition(c, ctx))),
    grants: [...r.permissions.map((s) => words.statement(s, ctx, false)), ...r.managedPolicies.map((m) => `AWS managed policy ${m}`)],
    table: [
      ...r.permissions.map((s) => [s.effect, s.actions.map((a) => `\`${a}\``).join(', '), s.resources.map((v) => `\`${words.value(v, ctx)}\``).join(', '), s.conditions.map((c) => `\`${words.condition(c, ctx)}\``).join('<br>') || '—']),
      ...r.managedPolicies.map((m) => ['Allow', `AWS managed policy \`${m}\``, '(see AWS)', '—']),
    ],
  })), ...attachable];
}

const policyRows = (model: StackModel) => {
  const ctx = words.contextOf(model);
  const kinds = { 'bucket-policy': 'bucket policy', 'key-policy': 'key policy', 'topic-policy': 'topic policy', 'queue-policy': 'queue policy' } as const;
  return model.resourcePolicies.map((p) => ({ resource: `${kinds[p.kind]} of ${p.governs.kind === 'own' ? words.nameOf(p.governs.address, ctx) : words.value(p.governs, ctx)}`, statements: p.statements.map((s) => words.statement(s, ctx)) }));
};

/** The day event data is deleted, and the day its last copy is gone: what the overview shows per stack. */
function eventDataDays(model: StackModel): string {
  const events = model.stores.find((s) => s.role === 'event-data');
  if (!events || events.retention.expirationDays === null) return '—';
  const { expirationDays, goneForGoodDay } = events.retention;
  return goneForGoodDay !== null && goneForGoodDay !== expirationDays ? `day ${expirationDays} (every version by day ${goneForGoodDay})` : `day ${expirationDays}`;
}

export function renderMarkdown(r: StackReport): string {
  const { model } = r;
  const ctx = words.contextOf(model);
  const id = model.identity;
  const lines: string[] = [];
  const push = (...l: string[]) => lines.push(...l);
  const backend = words.backend(id);
  push(`# Compliance review: ${r.stack}`, '');
  push('Generated from the synthesized Terraform (`cdktf.out/`), i.e. what will be deployed.', '');
  push('## Identity', '', '| | |', '|---|---|');
  push(`| Environment | ${words.environments(id)} |`, `| Region | ${id.region} |`, `| Account | ${id.account} |`, `| Jurisdiction | ${id.jurisdiction ?? 'n/a'} |`, `| Classification | ${id.classification ?? 'n/a'} |`, `| Retention profile | ${id.profile ?? 'n/a'} |`);
  push(`| State backend | ${backend.type}: \`${backend.location}\` (${backend.region}) |`);
  push(`| Residency exceptions | ${id.residencyExceptions.join(', ') || 'none'} |`, '');

  push('## Where the data lives', '', '| Store | Holds | Region | Encryption | Key rotation | Public access | TLS only | Destroy protection |', '|---|---|---|---|---|---|---|---|');
  for (const s of model.stores) push(`| \`${cell(s.name)}\` (${words.STORE_KIND[s.kind]}) | ${cell(words.STORE_ROLE[s.role])} | ${s.region} | ${cell(words.encryption(s.encryption, ctx))} | ${yesNo(words.rotation(s.encryption))} | ${cell(words.PUBLIC_ACCESS[s.publicAccess])} | ${yesNo(s.tlsOnly)} | ${cell(words.PROTECTION[s.protection])} |`);
  push('');

  push('## Destroy protection', '');
  for (const p of protections(model)) push(`- ${cell(p.resource)}: ${cell(p.status)}`);
  push('');

  push('## How long', '', '| Store | Timeline | Notes |', '|---|---|---|');
  for (const s of model.stores) push(`| \`${cell(s.name)}\` | ${cell(words.timeline(s))} | ${cell(words.retentionNotes(s).join('; ') || '—')} |`);
  push('');

  const alerts = alertLines(model);
  push('## Alerts and where they go', '', `Alarms and rules: ${alerts.alarms.join(', ') || 'none'}.`, '', `Destinations: ${alerts.destinations.join(', ') || 'none'} (email addresses masked).`, '');

  push('## Who can read or write it', '');
  for (const a of accessRows(model)) {
    push(`### \`${a.role}\``, '', `Assumed by ${a.assumedBy}${a.conditions.length ? `, only when ${a.conditions.map((c) => `\`${c}\``).join(' and ')}` : ''}.`, '');
    if (!a.table.length) push("Grants: whatever the account's IAM policies give them; nothing in this stack.", '');
    else push('| Effect | Actions | Resources | Conditions |', '|---|---|---|---|', ...a.table.map((row) => `| ${row.map(cell).join(' | ')} |`), '');
  }
  push('### Resource policies', '');
  for (const p of policyRows(model)) {
    push(`- **${cell(p.resource)}**`);
    for (const s of p.statements) push(`  - ${s}`);
  }
  push('');

  push('## Data flow', '', '| From | To | Region | Via |', '|---|---|---|---|');
  for (const e of labelledFlow(model)) push(`| ${cell(e.from)} | ${cell(e.to)} | ${e.region} | ${cell(e.via)} |`);
  push('');

  const counts = severityCounts(r.findings);
  if (r.capacity) {
    const c = r.capacity;
    push(
      '## Capacity',
      '',
      `Default Firehose quotas in ${c.region}: ${c.quota.mibPerSecond} MiB/s, ${c.quota.recordsPerSecond} records/s, ${c.quota.requestsPerSecond} requests/s (${c.quota.source}). Peak ${c.settings.peakFactor}× the monthly average, ${c.settings.eventBytes}-byte events, ${c.settings.eventsPerRecord} per record; requests/s assume full PutRecordBatch calls.`,
      '',
      '| Traffic | Events / month | Peak events/s | MiB/s | Records/s | Requests/s | Headroom |',
      '|---|---|---|---|---|---|---|',
    );
    for (const l of [c.configured, ...c.tiers]) push(`| ${l.label} | ${count(l.eventsPerMonth)} | ${l.peakEventsPerSecond} | ${l.mibPerSecond} | ${l.recordsPerSecond} | ${l.requestsPerSecond} | ${l.headroom < 1 ? `**${l.headroom}×: throttles**` : `${l.headroom}×`} |`);
    push('', c.fixes.length ? `Fix at the configured peak: ${c.fixes.join('; ')}.` : 'The configured peak fits the default quotas.', '');
  }

  push('## Security Hub controls', '', `${controlSummary(r)}. Accepted controls are configured in ${ACCEPTANCES_SETTING}.`, '', '| Control | Title | Standards | Status | Resources | Why |', '|---|---|---|---|---|---|');
  for (const c of r.controls) push(`| ${c.id} | ${cell(c.title)} | ${c.standards.join(', ')} | ${c.status} | ${cell(c.resources.map((a) => words.nameOf(a, ctx)).join(', '))} | ${cell(controlWhy(c, ctx))} |`);
  push('');

  push('## Findings', '', `${counts.error} error, ${counts.warning} warning, ${counts.info} info.`, '');
  if (r.findings.length > 0) {
    push('| Severity | Check | Resource | Finding |', '|---|---|---|---|');
    for (const f of r.findings) push(`| ${f.severity} | ${f.check} | \`${cell(words.nameOf(f.resource, ctx))}\` | ${cell(f.message)} |`);
    push('');
  }

  if (r.erasure) {
    const x = erasureWords(r);
    push('## Erasure', '', x.served, '', '| Copy | Where | How it goes | Gone within |', '|---|---|---|---|');
    for (const row of x.copies) push(`| ${row.map(cell).join(' | ')} |`);
    push('', x.total, '', `| ${ERASURE_COST_COLUMNS.join(' | ')} |`, `|${ERASURE_COST_COLUMNS.map(() => '---').join('|')}|`);
    for (const row of x.costs) push(`| ${row.join(' | ')} |`);
    push('', x.notPriced, '');
  }

  if (r.cost) {
    push('## Monthly cost estimate', '');
    if (r.cost.lines.length === 0) push(...priceLines(r.cost), '');
    else {
      push(`Output format: ${r.cost.format}; crawler runs per month: ${r.cost.crawlerRunsPerMonth}.`, '');
      push('| Events / month | Raw GB | Stored GB added | Firehose | S3 (steady state) | Glue | Athena | Total | Reference design |', '|---|---|---|---|---|---|---|---|---|');
      for (const l of r.cost.lines) push(`| ${count(l.events)} | ${l.rawGb} | ${l.storedGbPerMonth} | ${dollars(l.firehose)} | ${dollars(l.s3)} | ${dollars(l.glue)} | ${dollars(l.athena)} | **${totalWords(l)}** | ${usd(l.referenceTotal)} |`);
      push('', 'Why it differs from the reference design:', '');
      for (const d of r.cost.differences) push(`- ${d}`);
      push('', 'Prices:', '', ...priceLines(r.cost).map((l) => `- ${l}`), '');
      if (r.cost.catalogModes.length) {
        push('Catalog cost of each mode for this schedule and region:', '', '| Catalog mode | Per month | How |', '|---|---|---|');
        for (const m of r.cost.catalogModes) push(`| ${m.mode} | ${usd(m.perMonth)} | ${cell(m.note)} |`);
        push('');
      }
    }
  }
  return `${lines.join('\n')}\n`;
}

const ERASURE_HOW: Record<ErasureHow, string> = {
  rewritten: 'rewritten without the ids’ records, every older version deleted; an object of only those records deleted',
  'restored-then-rewritten': 'rewritten without the ids’ records, every older version deleted; an object of only those records deleted; objects already in an archive class restored first (started by one run, finished by a run after the restore)',
  'delivered-then-rewritten': 'still buffered events land within the buffer interval; a run after that erases them',
  'deleted-when-naming-an-id': 'a query result naming an id is deleted with its versions',
};
const ROLE_WORDS: Partial<Record<StoreRole, string>> = { 'event-data': 'events', 'failed-records': 'failed records (the original record, base64)', buffer: "Firehose's buffer", 'query-results': 'query results' };
const hoursWords = (h: number) => (h === 0 ? 'the run' : h < 1 ? `${Math.round(h * 60)} minutes` : `${h} hours`);

/** The erasure section's sentences and rows, shared by Markdown and HTML. */
function erasureWords(r: StackReport) {
  const x = r.erasure!;
  const who = x.policy ? `the stack's erasure policy \`${x.policy}\`${x.role ? ` (role \`${x.role}\`, assumable by the principals in \`erasure.principals\`)` : ' (attach it where the operators sign in, or set `erasure.principals` for a role)'}` : 'credentials allowed what `npm run erase` calls (this synth has no erasure policy)';
  return {
    served: `Served by \`npm run erase -- --stack ${r.stack} --ids <file> --request <ticket>\` with ${who}: every version of every object holding the ids is rewritten or deleted, and a receipt with salted hashes of the ids (never the ids) is kept in the bucket under \`${ERASURE_REQUESTS_FOLDER}\`.`,
    copies: x.copies.map((c) => [ROLE_WORDS[c.role] ?? c.role, `\`${c.store}\``, ERASURE_HOW[c.how], hoursWords(c.hours)]),
    total: `Every copy is gone within ${hoursWords(x.hours)} of the request${x.hours > 0 ? ' (the command exits 3 and says what is pending until then; run it again after)' : ''}.`,
    costs: x.costs.map((c) => [count(c.events), `${c.queryableGb} GB`, `${c.archivedGb} GB`, dollars(c.athenaLocate), c.objects.toLocaleString('en-US'), dollars(c.rewriteRequests), `${c.rewriteCoreHours}`]),
    notPriced: `Locating is the Athena query that finds the objects (\`npm run erase\` prints its scan and price before it runs; \`--locate scan\` reads every object instead). Rewriting every object is the most a batch of requests can touch: its S3 requests, and its core-hours at the rate \`npm run bench\` measured, which \`--shard i/n\` spreads over n machines (docs/operating.md, "Past one machine"). Not priced (no sourced price in the region's file): ${x.notPriced.map((n) => ERASURE_NOT_PRICED[n]).join('; ')}.`,
  };
}

const ERASURE_COST_COLUMNS = ['Events / month', 'Window Athena reads', 'Archived in the window', 'Locating with Athena', 'Objects in the window', 'Rewriting them all: S3 requests', 'Rewriting them all: core-hours'];
const ERASURE_NOT_PRICED: Record<ErasureNotPriced, string> = {
  's3-requests': 'the S3 requests of reading and rewriting the objects',
  'archive-retrieval': 'restoring the archived part (bulk retrieval per GB)',
  'infrequent-access': "Standard-IA's retrieval fee per GB and its higher request prices, for the objects in Standard-IA",
  compute: 'the machines the rewrite runs on (core-hours × the price of a core-hour where it runs)',
};

function erasureHtml(r: StackReport, e: (text: string) => string): string {
  const x = erasureWords(r);
  return `<h3>Erasure</h3><p>${e(x.served)}</p>${table(['Copy', 'Where', 'How it goes', 'Gone within'], x.copies.map((row) => row.map(e)))}<p>${e(x.total)}</p>${table(ERASURE_COST_COLUMNS, x.costs.map((row) => row.map(e)))}<p>${e(x.notPriced)}</p>`;
}

const escapeHtml = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** Splits a label into at most `maxLines` lines of about `width` characters, breaking after ' ', '-' or '/'. */
export function wrap(text: string, width: number, maxLines: number): string[] {
  const lines: string[] = [];
  let rest = text;
  while (rest.length > width && lines.length < maxLines - 1) {
    const cut = Math.max(rest.lastIndexOf(' ', width), rest.lastIndexOf('-', width - 1) + 1, rest.lastIndexOf('/', width - 1) + 1);
    const at = cut > 0 ? cut : width;
    lines.push(rest.slice(0, at).trim());
    rest = rest.slice(at).trim();
  }
  lines.push(rest.length > width ? `${rest.slice(0, width - 1)}…` : rest);
  return lines;
}

/**
 * A left-to-right diagram: each node sits in the column of its longest path from a source (so a node two
 * edges away never hides behind one in between), nodes of one column stack vertically, and every edge is
 * labelled with its region.
 */
export function flowSvg(edges: LabelledEdge[], id: string): string {
  if (edges.length === 0) return '<p>No data flows through this stack.</p>';
  const nodes: string[] = [];
  for (const e of edges) for (const n of [e.from, e.to]) if (!nodes.includes(n)) nodes.push(n);
  const column = new Map(nodes.map((n) => [n, 0]));
  for (let pass = 0; pass < nodes.length; pass++) {
    for (const e of edges) column.set(e.to, Math.max(column.get(e.to)!, column.get(e.from)! + 1));
  }
  const rowOf = new Map<string, number>();
  const perColumn = new Map<number, number>();
  for (const n of nodes) {
    const c = column.get(n)!;
    rowOf.set(n, perColumn.get(c) ?? 0);
    perColumn.set(c, (perColumn.get(c) ?? 0) + 1);
  }
  const [width, height, gap, rowGap] = [190, 62, 70, 34];
  const x = (n: string) => 10 + column.get(n)! * (width + gap);
  const y = (n: string) => 24 + rowOf.get(n)! * (height + rowGap);
  const columns = Math.max(...column.values()) + 1;
  const rows = Math.max(...perColumn.values());
  const totalWidth = columns * width + (columns - 1) * gap + 20;
  const totalHeight = 24 + rows * (height + rowGap);
  const boxes = nodes.map((n) => {
    const lines = wrap(n, 27, 3);
    return `<g><rect x="${x(n)}" y="${y(n)}" width="${width}" height="${height}" rx="8" class="node"/>${lines
      .map((line, i) => `<text x="${x(n) + width / 2}" y="${y(n) + height / 2 + (i - (lines.length - 1) / 2) * 15 + 4}" text-anchor="middle">${escapeHtml(line)}</text>`)
      .join('')}</g>`;
  });
  const arrows = edges.map((e) => {
    const [x1, y1, x2, y2] = [x(e.from) + width, y(e.from) + height / 2, x(e.to) - 3, y(e.to) + height / 2];
    return `<g class="edge"><path d="M${x1},${y1} L${x2},${y2}" marker-end="url(#arrow-${escapeHtml(id)})"/><text x="${(x1 + x2) / 2}" y="${(y1 + y2) / 2 - 7}" text-anchor="middle" class="region">${escapeHtml(e.region)}</text><title>${escapeHtml(`${e.from} → ${e.to}: ${e.via} (${e.region})`)}</title></g>`;
  });
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" class="flow" role="img" aria-label="Data flow of ${escapeHtml(id)}" viewBox="0 0 ${totalWidth} ${totalHeight}" style="max-width:${totalWidth}px">`,
    `<defs><marker id="arrow-${escapeHtml(id)}" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z"/></marker></defs>`,
    ...boxes,
    ...arrows,
    '</svg>',
  ].join('');
}


export function table(headers: string[], rows: string[][]): string {
  return `<table><thead><tr>${headers.map((h) => `<th>${escapeHtml(h)}</th>`).join('')}</tr></thead><tbody>${rows
    .map((r) => `<tr>${r.map((c) => `<td>${c}</td>`).join('')}</tr>`)
    .join('')}</tbody></table>`;
}

export { escapeHtml };

/** Text whose Terraform addresses read as the AWS names reviewers know; the address is the tooltip. */
export function withNames(text: string, names: Record<string, string>): string {
  return escapeHtml(String(text)).replace(/aws_[a-z0-9_]+\.[A-Za-z0-9_-]+/g, (address) => (names[address] ? `<span class="tf" title="${address}">${escapeHtml(names[address])}</span>` : address));
}

function storeRows(model: StackModel, e: (t: string) => string): string[][] {
  const ctx = words.contextOf(model);
  return model.stores.map((s: Store) => [
    `<code>${e(s.name)}</code> <span title="${e(s.address)}">(${e(words.STORE_KIND[s.kind])})</span>`,
    e(words.STORE_ROLE[s.role]),
    e(s.region),
    e(words.encryption(s.encryption, ctx)),
    yesNo(words.rotation(s.encryption)),
    e(words.PUBLIC_ACCESS[s.publicAccess]),
    yesNo(s.tlsOnly),
    e(words.PROTECTION[s.protection]),
    e(words.timeline(s)),
    e(words.retentionNotes(s).join('; ') || '—'),
  ]);
}

function costHtml(cost: CostEstimate, e: (t: string) => string): string {
  const prices = `<ul class="prices">${priceLines(cost).map((l) => `<li>${e(l)}</li>`).join('')}</ul>`;
  if (cost.lines.length === 0) return `<h3>Monthly cost estimate</h3>${prices}`;
  return `<h3>Monthly cost estimate</h3>${table(['Events / month', 'Firehose', 'S3', 'Glue', 'Athena', 'Total', 'Reference design'], cost.lines.map((l) => [count(l.events), dollars(l.firehose), dollars(l.s3), dollars(l.glue), dollars(l.athena), `<strong>${e(totalWords(l))}</strong>`, usd(l.referenceTotal)]))}<ul>${cost.differences.map((d) => `<li>${e(d)}</li>`).join('')}</ul><p>Prices:</p>${prices}${cost.catalogModes.length ? table(['Catalog mode', 'Per month', 'How'], cost.catalogModes.map((m) => [e(m.mode), usd(m.perMonth), e(m.note)])) : ''}`;
}

/** Sections added to the page by other tools: the change review's HTML (scripts/review/render.ts). */
export interface PageExtras {
  changes?: string;
  /** The HCP Terraform workspaces stacks' section (workspaces-section.ts), below the overview. */
  workspaces?: string;
}

export function renderHtml(reports: StackReport[], extras: PageExtras = {}): string {
  const overview = table(
    ['Stack', 'Region', 'Account', 'Jurisdiction', 'Profile', 'Event data deleted at', 'Findings', 'Controls', '100 M events / month'],
    reports.map((r) => {
      const c = severityCounts(r.findings);
      const id = r.model.identity;
      return [
        `<a href="#${escapeHtml(r.stack)}">${escapeHtml(r.stack)}</a>`,
        escapeHtml(id.region),
        escapeHtml(id.account),
        escapeHtml(id.jurisdiction ?? 'n/a'),
        escapeHtml(id.profile ?? '—'),
        escapeHtml(eventDataDays(r.model)),
        `<span class="sev error">${c.error}</span> <span class="sev warning">${c.warning}</span> <span class="sev info">${c.info}</span>`,
        escapeHtml(controlSummary(r)),
        r.cost?.lines.length ? escapeHtml(totalWords(r.cost.lines[1])) : r.cost ? 'not priced' : '—',
      ];
    }),
  );
  const sections = reports.map((r) => {
    const { model } = r;
    const e = (text: string) => withNames(text, model.names);
    const id = model.identity;
    const backend = words.backend(id);
    const alerts = alertLines(model);
    return `<section class="stack" id="${escapeHtml(r.stack)}" data-stack="${escapeHtml(r.stack)}">
<h2>${escapeHtml(r.stack)}</h2>
<p class="identity">${e(words.environments(id))} · ${e(id.region)} · account ${e(id.account)} · ${e(id.jurisdiction ?? 'n/a')} · ${e(id.classification ?? 'n/a')} · profile ${e(id.profile ?? 'n/a')} · state: ${e(backend.type)} <code>${e(backend.location)}</code> (${e(backend.region)})${id.residencyExceptions.length ? ` · may reach ${e(id.residencyExceptions.join(', '))}` : ''}</p>
<h3>Data flow</h3>
<div class="diagram">${flowSvg(labelledFlow(model), r.stack)}</div>
<h3>Where the data lives and for how long</h3>
${table(['Store', 'Holds', 'Region', 'Encryption', 'Rotation', 'Public access', 'TLS only', 'Destroy protection', 'Timeline', 'Notes'], storeRows(model, e))}
<h3>Destroy protection</h3>
${table(['Bucket or key', 'Protection'], protections(model).map((p) => [e(p.resource), e(p.status)]))}
<h3>Alerts and where they go</h3>
${table(['Alarms and rules', 'Destinations'], [[alerts.alarms.map((a) => e(a)).join('<br>') || '—', alerts.destinations.map((d) => e(d)).join('<br>') || '—']])}
<h3>Who can read or write it</h3>
${accessRows(model).length ? table(['Role', 'Assumed by', 'Conditions', 'Grants'], accessRows(model).map((a) => [`<code>${e(a.role)}</code>`, e(a.assumedBy), a.conditions.map((c) => `<code>${e(c)}</code>`).join('<br>') || '—', a.grants.map((g) => e(g)).join('<br>') || '—'])) : '<p>None: no role, and no key that delegates to the account.</p>'}
<h3>Resource policies</h3>
${policyRows(model).length ? table(['Resource', 'Statements'], policyRows(model).map((p) => [e(p.resource), p.statements.map((x) => e(x)).join('<br>')])) : '<p>None.</p>'}
${r.erasure ? erasureHtml(r, e) : ''}
${r.capacity ? `<h3>Capacity</h3><p>Default Firehose quotas in ${e(r.capacity.region)}: ${r.capacity.quota.mibPerSecond} MiB/s, ${r.capacity.quota.recordsPerSecond} records/s, ${r.capacity.quota.requestsPerSecond} requests/s (${e(r.capacity.quota.source)}).</p>${table(['Traffic', 'Peak events/s', 'MiB/s', 'Records/s', 'Requests/s', 'Headroom'], [r.capacity.configured, ...r.capacity.tiers].map((l) => [e(l.label), String(l.peakEventsPerSecond), String(l.mibPerSecond), String(l.recordsPerSecond), String(l.requestsPerSecond), l.headroom < 1 ? `<span class="sev warning">${l.headroom}×: throttles</span>` : `${l.headroom}×`]))}${r.capacity.fixes.length ? `<p>Fix: ${e(r.capacity.fixes.join('; '))}</p>` : ''}` : ''}
<h3>Security Hub controls</h3>
<p>${e(controlSummary(r))}. Accepted controls are configured in <code>${e(ACCEPTANCES_SETTING)}</code>.</p>
${table(['Control', 'Title', 'Standards', 'Status', 'Resources', 'Why'], r.controls.map((c) => [e(c.id), e(c.title), e(c.standards.join(', ')), `<span class="control ${c.status.replace(' ', '-')}">${e(c.status)}</span>`, e(c.resources.map((a) => words.nameOf(a, words.contextOf(model))).join(', ')), e(controlWhy(c, words.contextOf(model)))]))}
<h3>Findings</h3>
${r.findings.length ? table(['Severity', 'Check', 'Resource', 'Finding'], r.findings.map((f) => [`<span class="sev ${f.severity}">${f.severity}</span>`, e(f.check), `<code>${e(f.resource)}</code>`, e(f.message)])) : '<p>None.</p>'}
${r.cost ? costHtml(r.cost, e) : ''}
</section>`;
  });
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Telemetry pipeline — compliance review</title>
<style>
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; margin: 24px; color: #1d2330; max-width: 1500px; }
h1 { font-size: 22px; } h2 { font-size: 18px; border-top: 2px solid #d7dce5; padding-top: 18px; margin-top: 32px; } h3 { font-size: 15px; margin-top: 20px; }
table { border-collapse: collapse; width: 100%; margin: 6px 0 12px; } th, td { border: 1px solid #d7dce5; padding: 4px 7px; text-align: left; vertical-align: top; } th { background: #f2f4f8; }
code { font: 12px ui-monospace, SFMono-Regular, Menlo, monospace; background: #f2f4f8; padding: 0 3px; border-radius: 3px; word-break: break-all; }
.identity { color: #4a5468; }
.diagram { overflow-x: auto; border: 1px solid #d7dce5; border-radius: 8px; padding: 6px; background: #fbfcfe; }
svg.flow { display: block; width: 100%; height: auto; } /* scales down to fit the page: no hidden right-hand side */
svg.flow .node { fill: #e8f0fe; stroke: #3b6fd8; stroke-width: 1.5; } svg.flow text { font: 12px system-ui, sans-serif; fill: #1d2330; }
svg.flow .edge path { stroke: #4a5468; stroke-width: 1.5; fill: none; } svg.flow marker path { fill: #4a5468; } svg.flow text.region { font-size: 11px; fill: #1a7f37; }
.sev { display: inline-block; min-width: 1.6em; padding: 0 6px; border-radius: 9px; text-align: center; font-weight: 600; }
.sev.error { background: #ffd7d5; color: #a40e26; } .sev.warning { background: #fff1c2; color: #7a4d00; } .sev.info { background: #dbeafe; color: #1e40af; }
details.stack-changes { border: 1px solid #d7dce5; border-radius: 6px; padding: 4px 10px; margin: 6px 0; } details.stack-changes summary { cursor: pointer; font-weight: 600; }
.control { font-weight: 600; } .control.fail { color: #a40e26; } .control.pass { color: #1a7f37; } .control.accepted { color: #7a4d00; } .control.not-checked { color: #4a5468; }
</style>
</head>
<body>
<h1>Telemetry pipeline — compliance review</h1>
<p>One section per stack, generated from the synthesized Terraform in <code>cdktf.out/</code>: where every byte lives, for how long, under which key, who can read it, and what it costs. Findings: <span class="sev error">errors</span> <span class="sev warning">warnings</span> <span class="sev info">info</span>.</p>
<h2 id="overview">Overview</h2>
${overview}
${extras.changes ?? ''}
${extras.workspaces ?? ''}
${sections.join('\n')}
</body>
</html>
`;
}
