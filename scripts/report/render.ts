/**
 * A stack's report as one document (document.ts): its sections and tables of typed cells, written by the Markdown
 * writer (one file per stack) and the HTML writer (one self-contained page for the matrix, a data-flow diagram per
 * stack). The words come from words.ts; resources are named by their AWS names (the Terraform address is the page's
 * tooltip). No timestamps anywhere: the same input gives byte-identical output, so pull requests show real changes.
 */
import type { StackModel, Statement, Store } from '../../model/types';
import { CONTROLS_SCOPE, isSecurityHubControl } from '../../config/controls';
import type { Finding } from '../../stacks/rules/rule';
import type { StackReport } from './analyze';
import type { CostEstimate, StandingCost } from './cost';
import { ACCEPTANCES_SETTING, type ControlResult } from './controls';
import { PRICE_ITEMS, isFirstParty, pricesFor, type PriceItem } from '../../config/prices';
import { COMPONENTS, LINE_FIELD } from './cost';
import * as words from './words';
import {
  cell,
  code,
  lines,
  mark,
  phrase,
  strong,
  text,
  type Block,
  type Cell,
  type FlowEdge,
  type Section,
  type Tone,
} from './document';
import { pageHtml } from './html';
import { sectionMarkdown } from './markdown';
import { storeReach } from './reach';

const { usd, totalWords } = words;
const count = (n: number) => (n >= 1e9 ? `${n / 1e9} B` : `${n / 1e6} M`);
const yesNo = (v: boolean | null) => (v === null ? 'n/a' : v ? 'yes' : 'NO');

/** The flow's edges in words, as the diagram and the flow table draw them. */
export const labelledFlow = (model: StackModel): FlowEdge[] =>
  model.flow.map((e) => ({ from: words.node(e.from), to: words.node(e.to), region: e.region, via: words.via(e.via) }));

export function severityCounts(findings: Finding[]): Record<string, number> {
  return {
    error: 0,
    warning: 0,
    info: 0,
    ...Object.fromEntries(
      ['error', 'warning', 'info'].map((s) => [s, findings.filter((f) => f.severity === s).length]),
    ),
  };
}

const dollars = (n: number | null) => (n === null ? 'not priced' : usd(n));

/** Each component some total leaves out, once, with its reason and the volumes it is left out at. */
export function omissionLines(cost: CostEstimate): string[] {
  const seen = new Map<string, number[]>();
  for (const l of cost.lines)
    for (const o of l.omitted) seen.set(words.omission(o), [...(seen.get(words.omission(o)) ?? []), l.events]);
  return [...seen].map(([w, at]) =>
    at.length === cost.lines.length ? w : `${w}, at ${at.map(count).join(', ')} events a month`,
  );
}

/** A price whose relied-on source is dated before this is marked old in the report (a fixed date: the same input gives the same report). */
export const OLD_SOURCE_BEFORE = '2024-01-01';

/** Every price an estimate uses, with its sources and date; what is not priced; and the sources. */
export function priceLines(cost: CostEstimate): string[] {
  const file = pricesFor(cost.region);
  if (!cost.priced || !file)
    return [
      `Not priced: there is no price file for ${cost.region} (config/prices/${cost.region}.json), and never another region's prices in its place.`,
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
      `${PRICE_ITEMS[item].what}: $${p.value} ${p.unit.replace(/^USD /, '')} (source ${p.sources.join(', ')}; ${p.date ?? 'undated'}${secondaryOnly ? '; secondary sources only: no first-party AWS source' : ''}${old}${p.note ? `; ${p.note}` : ''})`,
    ];
  });
  if (cost.missing.length) {
    lines.push(
      `Not priced for ${cost.region}: ${cost.missing.map((m) => PRICE_ITEMS[m].what).join('; ')} — no sourced price, so the totals leave those components out rather than borrow another region's price.`,
    );
  }
  const sources = [...new Set(used.flatMap((item) => file.prices[item]?.sources ?? []))];
  lines.push(
    `Sources (config/prices/${cost.region}.json): ${sources.map((id) => `${id} [${words.PRICE_SOURCE_CLASS[file.sources[id].class]}]: ${file.sources[id].what} — ${file.sources[id].location}${file.sources[id].date ? ` (${file.sources[id].date})` : ''}`).join('; ')}.`,
  );
  return lines;
}

/** `12 pass, 1 accepted, 1 fail, 2 not checked`. */
/**
 * The controls' counts by status, Security Hub's controls apart from this project's own checks (catalogue entries in
 * no Security Hub standard: config/controls.ts isSecurityHubControl), so that a count is never read as Security Hub's.
 */
export function controlSummary(r: Pick<StackReport, 'controls'>): string {
  const counts = (list: StackReport['controls']) =>
    ['pass', 'accepted', 'fail', 'not checked']
      .map((s) => `${list.filter((c) => c.status === s).length} ${s}`)
      .join(', ');
  const hub = r.controls.filter(isSecurityHubControl);
  const own = r.controls.filter((c) => !isSecurityHubControl(c));
  return `Security Hub: ${counts(hub)}${own.length ? `; this project’s checks: ${counts(own)}` : ''}`;
}

/**
 * What of a compensating control an acceptance counts on the stack's facts do not back: an alarm counts only when its
 * topic reaches someone; a control it cites as checked (S3.8, S3.2, …) only when that control does not fail here.
 */
export function unbackedCompensation(
  text: string,
  model: StackModel,
  controls: readonly { id: string; status: ControlResult['status']; failing?: string[] }[] = [],
): string | null {
  const subscribed = model.destinations.some((d) => d.kind === 'subscription');
  const reasons: string[] = [];
  if (/\balarm\b/i.test(text) && !subscribed)
    reasons.push('no one is notified: the alert topic has no subscriber here (monitoring.alarmEmails)');
  const cited = controls.filter(
    (c) => c.status === 'fail' && new RegExp(`(^|[^A-Za-z0-9.])${c.id.replace(/\./g, '\\.')}(?![0-9])`).test(text),
  );
  const on = (c: { failing?: string[] }) =>
    c.failing?.length ? ` on ${c.failing.map((a) => model.names[a] ?? a).join(', ')}` : '';
  for (const c of cited) reasons.push(`${c.id} fails here${on(c)}`);
  return reasons.length ? reasons.join('; ') : null;
}

/**
 * When each metric alarm a compensation names (by its metric) fires, from the alarm's configured condition, with what
 * the metric counts where a source says it (words.METRIC_MEANS): `alarm x fires when ThrottledRecords Sum > 0 over 300 s: …`.
 */
export function alarmConditions(text: string, model: StackModel): string | null {
  const named = model.alerts.filter(
    (a) => a.kind === 'metric-alarm' && a.condition && a.watches && new RegExp(`\\b${a.watches}\\b`).test(text),
  );
  if (named.length === 0) return null;
  return named
    .map((a) => {
      const c = a.condition!;
      const op = words.COMPARISON[c.comparison] ?? c.comparison;
      const means = words.METRIC_MEANS[a.watches];
      return `alarm ${a.name} fires when ${a.watches} ${c.statistic} ${op} ${c.threshold} over ${c.periodSeconds} s${means ? `: ${means}` : ''}`;
    })
    .join('; ');
}

/** Why a control has its status: the acceptance, AWS's exemption, what fails and what would close it, or why no rule checks it. */
export function controlWhy(
  c: ControlResult,
  ctx: words.Context,
  model: StackModel,
  all: readonly ControlResult[] = [],
): string {
  const names = (addresses: string[]) => addresses.map((a) => words.nameOf(a, ctx)).join(', ');
  const exempted = c.exempted ? `${names(c.exempted.resources)} exempted: ${c.exempted.reason}` : '';
  if (c.status === 'accepted' && c.acceptance) {
    const compensations = c.acceptance.compensatingControls.map((text) => {
      const unbacked = unbackedCompensation(text, model, all);
      const fires = alarmConditions(text, model);
      return `${text}${fires ? ` (${fires})` : ''}${unbacked ? ` (but ${unbacked})` : ''}`;
    });
    return `accepted for ${c.acceptance.scope}: ${c.acceptance.reason}; compensated by ${compensations.join('; ')}${exempted ? `; ${exempted}` : ''}`;
  }
  // The policies a control reads on the resource AWS evaluates (S3.6, SNS.4, SQS.3), and the resources without one.
  const governed = new Set(
    model.resourcePolicies
      .filter((p) => c.evidence?.includes(p.address) && p.governs.kind === 'own')
      .map((p) => (p.governs as { address: string }).address),
  );
  const without = c.resources.filter((r) => !governed.has(r));
  const evidence = c.evidenceTypes?.length
    ? `; evidence: ${c.evidence.length ? names(c.evidence) : 'no policy'}${c.evidence.length && without.length ? `; ${names(without)} without a policy, which grants no one anything` : ''}`
    : '';
  if (c.status === 'accepted') return `${exempted} (rule ${c.rules.join(', ')})`;
  if (c.status === 'fail')
    return `fails on ${names(c.failing)}${c.closedBy ? `; closed by ${c.closedBy}` : ''}${exempted ? `; ${exempted}` : ''} (rule ${c.rules.join(', ')})${evidence}`;
  if (c.status === 'not checked')
    return `not checked${c.notCheckable ? `: ${c.notCheckable}` : ': no rule checks it here'}${c.closedBy ? `; ${c.closedBy}` : ''}`;
  return `rule ${c.rules.join(', ')}${evidence}`;
}

/** The buckets and keys of a stack, by name, with what stops a destroy from deleting them. */
function protections(model: StackModel): { resource: string; status: string }[] {
  const ctx = words.contextOf(model);
  const buckets = new Map(model.stores.filter((s) => s.kind === 's3').map((s) => [s.address, s.protection]));
  return [
    ...[...buckets].map(([address, p]) => ({
      resource: `bucket ${words.nameOf(address, ctx)}`,
      status: words.PROTECTION[p],
    })),
    ...model.keys.map((k) => ({
      resource: `key ${k.alias ?? words.nameOf(k.address, ctx)}`,
      status: words.PROTECTION[k.protection],
    })),
  ];
}

function alertLines(model: StackModel): { alarms: string[]; destinations: string[] } {
  const kinds = { 'metric-alarm': 'alarm', 'event-rule': 'rule', 's3-notification': 'S3 notification' } as const;
  return {
    alarms: model.alerts.map((a) => `${kinds[a.kind]} ${a.name}`),
    destinations: model.destinations.map((d) =>
      d.kind === 'sns-topic' ? `SNS topic ${d.name}` : `${d.protocol} ${d.endpoint}`,
    ),
  };
}

/** A statement as a row of the access table: effect, actions, resources, conditions (`NotAction`/`NotResource` said as such). */
const statementRow = (s: Statement, ctx: words.Context): Cell[] => {
  const listOf = (items: string[]) => items.flatMap((a, i) => [...(i ? [text(', ')] : []), code(a)]);
  return [
    cell(s.effect),
    s.notActions ? [text('every action except '), ...listOf(s.notActions)] : listOf(s.actions),
    s.notResources
      ? [text('every resource except '), ...listOf(s.notResources.map((v) => words.value(v, ctx)))]
      : listOf(s.resources.map((v) => words.value(v, ctx))),
    lines(s.conditions.map((c) => [code(words.condition(c, ctx))])),
  ];
};

/**
 * The access matrix, principal by principal: every request the evaluation allowed (outright or under conditions),
 * what it was asked and denied left out. The sentence of each cell is words.ts's.
 */
function evaluatedAccess(model: StackModel): { principal: string; may: string[] }[] {
  const { principals, targets, cells } = model.access;
  return principals
    .map((p) => ({
      principal: words.accessPrincipal(p),
      may: cells
        .filter((c) => c.principal === p.id)
        .map((c) =>
          words.accessCell(
            c.request,
            targets.find((t) => t.id === c.target)!,
            c.level,
            c.actions,
            c.conditionKeys,
          ),
        ),
    }))
    .map((row) => (row.may.length ? row : { ...row, may: ['nothing asked of it is allowed'] }));
}

/** Who may assume each role, under which conditions, and what it may do; or the account's IAM for a state stack. */
function accessRows(
  model: StackModel,
): { role: string; assumedBy: string; conditions: string[]; grants: string[]; table: Cell[][] }[] {
  const ctx = words.contextOf(model);
  if (model.roles.length === 0 && model.accountIamAccess) {
    return [
      {
        role: `IAM principals of account ${model.identity.account}`,
        assumedBy:
          'any user or role of the account whose IAM policy allows it (the key policy delegates to IAM; no other account is named)',
        conditions: model.resourcePolicies.some((p) => p.kind === 'bucket-policy')
          ? ['bucket policy: requests without TLS are denied']
          : [],
        grants: [],
        table: [],
      },
    ];
  }
  const attachable = model.policies
    .filter((p) => p.attachedTo.length === 0)
    .map((p) => ({
      role: `policy ${p.name}`,
      assumedBy:
        'whoever it is attached to outside this stack (an SSO permission set, a federated role); nobody until then',
      conditions: [],
      grants: p.statements.map((s) => words.statement(s, ctx, false)),
      table: p.statements.map((s) => statementRow(s, ctx)),
    }));
  return [
    ...model.roles.map((r) => ({
      role: r.name,
      assumedBy: r.trust.flatMap((s) => s.principals.map((p) => words.principal(p, ctx))).join(', '),
      conditions: r.trust.flatMap((s) => s.conditions.map((c) => words.condition(c, ctx))),
      grants: [
        ...r.permissions.map((s) => words.statement(s, ctx, false)),
        ...r.managedPolicies.map((m) => `AWS managed policy ${m}`),
      ],
      table: [
        ...r.permissions.map((s) => statementRow(s, ctx)),
        ...r.managedPolicies.map((m) => [
          cell('Allow'),
          [text('AWS managed policy '), code(m)],
          cell('(see AWS)'),
          cell('—'),
        ]),
      ],
    })),
    ...attachable,
  ];
}

const policyRows = (model: StackModel) => {
  const ctx = words.contextOf(model);
  const kinds = {
    'bucket-policy': 'bucket policy',
    'key-policy': 'key policy',
    'topic-policy': 'topic policy',
    'queue-policy': 'queue policy',
  } as const;
  return model.resourcePolicies.map((p) => ({
    resource: `${kinds[p.kind]} of ${p.governs.kind === 'own' ? words.nameOf(p.governs.address, ctx) : words.value(p.governs, ctx)}`,
    statements: p.statements.map((s) => words.statement(s, ctx)),
  }));
};

/** The day event data is deleted, and the day its last copy is gone: what the overview shows per stack. */
function eventDataDays(model: StackModel): string {
  const events = model.stores.find((s) => s.role === 'event-data');
  if (!events || events.retention.expirationDays === null) return '—';
  const { expirationDays, goneForGoodDay } = events.retention;
  return goneForGoodDay !== null && goneForGoodDay !== expirationDays
    ? `day ${expirationDays} (every version by day ${goneForGoodDay})`
    : `day ${expirationDays}`;
}

/** The stack's report as a document section: what both writers write. */
export function stackSection(r: StackReport): Section {
  const { model } = r;
  const ctx = words.contextOf(model);
  const say = (sentence: string) => phrase(sentence, model.names);
  const id = model.identity;
  const backend = words.backend(id);
  const b: Block[] = [];
  const heading = (t: string, level: 1 | 2 | 3 = 1) => b.push({ kind: 'heading', level, text: t });
  const para = (sentence: string) => b.push({ kind: 'paragraph', content: say(sentence) });
  const tableOf = (headers: string[], rows: Cell[][]) => b.push({ kind: 'table', headers, rows });

  para('Generated from the synthesized Terraform (`cdktf.out/`), i.e. what will be deployed.');
  heading('Identity');
  tableOf(
    ['Setting', 'Value'],
    [
      ['Environment', words.environments(id)],
      ['Region', id.region],
      ['Account', id.account],
      ['Jurisdiction', id.jurisdiction ?? 'n/a'],
      ['Classification', id.classification ?? 'n/a'],
      ['Retention profile', id.profile ?? 'n/a'],
      ['State backend', `${backend.type}: \`${backend.location}\` (${backend.region})`],
      ['Residency exceptions', id.residencyExceptions.join(', ') || 'none'],
    ].map(([k, v]) => [cell(k), say(v)]),
  );

  heading('Data flow');
  const flow = labelledFlow(model);
  if (flow.length === 0) para(words.NO_FLOW);
  else b.push({ kind: 'flow', id: r.stack, edges: flow, headers: [...words.FLOW_HEADERS] });

  heading('Where the data lives');
  tableOf(
    ['Store', 'Holds', 'Region', 'Encryption', 'Key rotation', 'Reachable by', 'TLS only', 'Destroy protection'],
    model.stores.map((s: Store) => [
      [{ kind: 'name', name: s.name, address: s.address, code: true }, text(` (${words.STORE_KIND[s.kind]})`)],
      cell(words.storeHolds(s)),
      cell(s.region),
      say(words.encryption(s.encryption, ctx)),
      cell(yesNo(words.rotation(s.encryption))),
      say(words.reachability(storeReach(model, s))),
      cell(yesNo(s.tlsOnly)),
      cell(words.PROTECTION[s.protection]),
    ]),
  );

  heading('How long');
  tableOf(
    ['Store', 'Timeline', 'Notes'],
    model.stores.map((s) => [
      [{ kind: 'name', name: s.name, address: s.address, code: true }],
      cell(words.timeline(s)),
      cell(words.retentionNotes(s).join('; ') || '—'),
    ]),
  );

  heading('Destroy protection');
  tableOf(
    ['Bucket or key', 'Protection'],
    protections(model).map((p) => [say(p.resource), cell(p.status)]),
  );

  const alerts = alertLines(model);
  heading('Alerts and where they go');
  tableOf(['Alarms and rules', 'Destinations'], [[lines(alerts.alarms.map(say)), lines(alerts.destinations.map(say))]]);
  para('Email addresses are masked.');

  heading('Who can read or write it');
  heading('Evaluated access', 2);
  para(
    'Every principal below was asked every request of the stack (read, write, delete, list the stores; decrypt with and administer the keys; compute MACs with an HMAC key; change the bucket, key, topic and queue policies; subscribe and publish; put records and redirect the stream; read and change the catalog; read the query history of each Athena workgroup; assume its roles and change their policies; act outside the stack), decided by evaluating the policies that apply as AWS does (docs/compliance.md, "How access is decided"). What is not listed was denied.',
  );
  tableOf(
    ['Principal', 'May'],
    evaluatedAccess(model).map((a) => [cell(a.principal), lines(a.may.map(say))]),
  );
  heading('Roles and policies as written', 2);
  const access = accessRows(model);
  if (access.length === 0) para('None: no role, and no key that delegates to the account.');
  for (const a of access) {
    heading(a.role, 3);
    b.push({
      kind: 'paragraph',
      content: [
        ...say(`Assumed by ${a.assumedBy}`),
        ...(a.conditions.length
          ? [text(', only when '), ...a.conditions.flatMap((c, i) => [...(i ? [text(' and ')] : []), code(c)])]
          : []),
        text('.'),
      ],
    });
    if (!a.table.length) para("Grants: whatever the account's IAM policies give them; nothing in this stack.");
    else tableOf(['Effect', 'Actions', 'Resources', 'Conditions'], a.table);
  }

  heading('Resource policies');
  const policies = policyRows(model);
  if (policies.length === 0) para('None.');
  else
    tableOf(
      ['Resource', 'Statements'],
      policies.map((p) => [say(p.resource), lines(p.statements.map(say))]),
    );

  if (r.erasure) {
    const x = r.erasure;
    heading('Erasure');
    para(words.erasureServed(r.stack, x));
    tableOf(
      [...words.ERASURE_COPY_HEADERS],
      x.copies.map((c) =>
        [words.COPY_OF[c.role] ?? c.role, `\`${c.store}\``, words.ERASURE_HOW[c.how], words.hoursWords(c.hours)].map(
          say,
        ),
      ),
    );
    para(words.erasureOutside(x));
    tableOf(
      [...words.ERASURE_COST_HEADERS],
      x.costs.map((c) =>
        [
          count(c.events),
          `${c.queryableGb} GB`,
          `${c.archivedGb} GB`,
          c.locateOverCutoff ? words.erasureLocateRefused(c) : dollars(c.athenaLocate),
          c.objects.toLocaleString('en-US'),
          dollars(c.rewriteRequests),
          `${c.rewriteCoreHours}`,
        ].map((cellText) => phrase(cellText)),
      ),
    );
    para(words.erasureNotPriced(x));
  }

  if (r.capacity) {
    const c = r.capacity;
    heading('Capacity');
    para(
      `Default Firehose quotas in ${c.region}: ${c.quota.mibPerSecond} MiB/s, ${c.quota.recordsPerSecond} records/s, ${c.quota.requestsPerSecond} requests/s (${c.quota.source}). Peak ${c.settings.peakFactor}× the monthly average, ${c.settings.eventBytes}-byte events, ${c.settings.eventsPerRecord} per record; requests/s assume full PutRecordBatch calls.`,
    );
    tableOf(
      ['Traffic', 'Events / month', 'Peak events/s', 'MiB/s', 'Records/s', 'Requests/s', 'Headroom'],
      [c.configured, ...c.tiers].map((l) => [
        ...[
          l.label,
          count(l.eventsPerMonth),
          String(l.peakEventsPerSecond),
          String(l.mibPerSecond),
          String(l.recordsPerSecond),
          String(l.requestsPerSecond),
        ].map(cell),
        l.headroom < 1 ? [mark('warning', `${l.headroom}×: throttles`)] : cell(`${l.headroom}×`),
      ]),
    );
    para(
      c.fixes.length
        ? `Fix at the configured peak: ${c.fixes.join('; ')}.`
        : 'The configured peak fits the default quotas.',
    );
  }

  heading('Security Hub controls');
  para(CONTROLS_SCOPE);
  para(`${controlSummary(r)}. Accepted controls are configured in ${ACCEPTANCES_SETTING}.`);
  tableOf(
    ['Control', 'Title', 'Standards', 'Status', 'Resources', 'Why'],
    r.controls.map((c) => [
      cell(c.id),
      cell(c.title),
      cell(c.standards.join(', ')),
      [mark(CONTROL_TONE[c.status], c.status)],
      lines(
        c.resources.map((a) => [{ kind: 'name', name: words.nameOf(a, ctx), address: a }]),
        '—',
      ),
      say(controlWhy(c, ctx, model, r.controls)),
    ]),
  );

  const counts = severityCounts(r.findings);
  heading('Findings');
  para(`${counts.error} error, ${counts.warning} warning, ${counts.info} info.`);
  if (r.findings.length) {
    tableOf(
      ['Severity', 'Check', 'Resource', 'Finding'],
      r.findings.map((f) => [
        [mark(f.severity, f.severity)],
        cell(f.check),
        [{ kind: 'name', name: words.nameOf(f.resource, ctx), address: f.resource, code: true }],
        say(f.message),
      ]),
    );
  }

  if (r.cost) b.push(...costBlocks(r.cost));
  else if (r.standingCost) b.push(...standingCostBlocks(r.standingCost));
  return { id: r.stack, role: 'stack', stackRole: r.model.identity.role, title: r.stack, blocks: b };
}

const CONTROL_TONE: Record<ControlResult['status'], Tone> = {
  pass: 'pass',
  fail: 'fail',
  accepted: 'accepted',
  'not checked': 'not-checked',
};

function costBlocks(cost: CostEstimate): Block[] {
  const b: Block[] = [{ kind: 'heading', level: 1, text: 'Monthly cost estimate' }];
  const prices: Block = { kind: 'list', items: priceLines(cost).map((l) => phrase(l)) };
  if (cost.lines.length === 0) return [...b, prices];
  b.push({
    kind: 'paragraph',
    content: cell(`Output format: ${cost.format}; crawler runs per month: ${cost.crawlerRunsPerMonth}.`),
  });
  b.push({
    kind: 'table',
    headers: [
      'Events / month',
      'Raw GB',
      'Stored GB added',
      ...COMPONENTS.map(words.costColumn),
      'Total',
      'Reference design',
    ],
    rows: cost.lines.map((l) => [
      ...[
        count(l.events),
        String(l.rawGb),
        String(l.storedGbPerMonth),
        ...COMPONENTS.map((c) => dollars(l[LINE_FIELD[c]])),
      ].map(cell),
      [strong(text(totalWords(l, true)))],
      cell(usd(l.referenceTotal)),
    ]),
  });
  b.push(
    { kind: 'paragraph', content: cell('Left out of the totals, with why:') },
    { kind: 'list', items: omissionLines(cost).map((l) => cell(l)) },
  );
  b.push(
    { kind: 'paragraph', content: cell('Why it differs from the reference design:') },
    { kind: 'list', items: cost.differences.map((d) => phrase(words.costDifference(d))) },
  );
  b.push({ kind: 'paragraph', content: cell('Prices:') }, prices);
  if (cost.catalogModes.length) {
    b.push({ kind: 'paragraph', content: cell('Catalog cost of each mode for this schedule and region:') });
    b.push({
      kind: 'table',
      headers: ['Catalog mode', 'Per month', 'How'],
      rows: cost.catalogModes.map((m) => [cell(m.mode), cell(usd(m.perMonth)), cell(words.catalogModeHow(m.how))]),
    });
  }
  return b;
}

/** A stack without a pipeline: its keys at the region's price, and every billable component it leaves out. */
function standingCostBlocks(cost: StandingCost): Block[] {
  const b: Block[] = [{ kind: 'heading', level: 1, text: 'Monthly cost estimate' }];
  b.push({
    kind: 'paragraph',
    content: cell(words.standingCost(cost, pricesFor(cost.region)?.prices['kms.key']?.sources ?? [])),
  });
  if (cost.omitted.length)
    b.push(
      { kind: 'paragraph', content: cell('Left out of the total, with why:') },
      { kind: 'list', items: cost.omitted.map((o) => cell(words.omission(o))) },
    );
  return b;
}

/** One stack's Markdown file. */
export const renderMarkdown = (r: StackReport): string =>
  sectionMarkdown({ ...stackSection(r), title: `Compliance review: ${r.stack}` });

/** The overview: one row per stack. */
function overviewSection(reports: StackReport[]): Section {
  return {
    id: 'overview',
    role: 'overview',
    title: 'Overview',
    blocks: [
      {
        kind: 'table',
        headers: [
          'Stack',
          'Region',
          'Account',
          'Jurisdiction',
          'Profile',
          'Event data deleted at',
          'Findings',
          'Controls',
          '100 M events / month',
        ],
        rows: reports.map((r) => {
          const c = severityCounts(r.findings);
          const id = r.model.identity;
          return [
            [{ kind: 'anchor', target: r.stack, text: r.stack }],
            cell(id.region),
            cell(id.account),
            cell(id.jurisdiction ?? 'n/a'),
            cell(id.profile ?? '—'),
            cell(eventDataDays(r.model)),
            [
              mark('error', String(c.error)),
              text(' '),
              mark('warning', String(c.warning)),
              text(' '),
              mark('info', String(c.info)),
            ],
            cell(controlSummary(r)),
            cell(
              r.cost?.lines.length
                ? totalWords(r.cost.lines[1])
                : r.cost
                  ? 'not priced'
                  : r.standingCost
                    ? words.standingTotal(r.standingCost)
                    : '—',
            ),
          ];
        }),
      },
    ],
  };
}

/** Sections other tools add to the page: the change review (scripts/review/render.ts), below the overview. */
export interface PageExtras {
  changes?: Section;
  /** The HCP Terraform workspaces stacks (workspaces-section.ts), after the AWS stacks. */
  workspaces?: Section[];
}

export const PAGE_TITLE = 'Telemetry pipeline — compliance review';

export function renderHtml(reports: StackReport[], extras: PageExtras = {}): string {
  const intro: Cell = [
    text('One section per stack, generated from the synthesized Terraform in '),
    code('cdktf.out/'),
    text(': where every byte lives, for how long, under which key, who can read it, and what it costs. Findings: '),
    mark('error', 'errors'),
    text(' '),
    mark('warning', 'warnings'),
    text(' '),
    mark('info', 'info'),
    text('.'),
  ];
  return pageHtml(PAGE_TITLE, intro, [
    overviewSection(reports),
    ...(extras.changes ? [extras.changes] : []),
    ...reports.map(stackSection),
    ...(extras.workspaces ?? []),
  ]);
}
