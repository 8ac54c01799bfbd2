/**
 * A stack's report as one document (document.ts): its sections and tables of typed cells, written by the Markdown
 * writer (one file per stack) and the HTML writer (one self-contained page for the matrix, a data-flow diagram per
 * stack). The words come from words/; resources are named by their AWS names (the Terraform address is the page's
 * tooltip). No timestamps anywhere: the same input gives byte-identical output, so pull requests show real changes.
 */
import type { StackModel, Statement, Store } from '../../model/types';
import type { Finding } from '../../stacks/rules/rule';
import type { StackReport } from './analyze';
import type { CostEstimate, StandingCost } from './cost';
import type { ControlResult } from './controls';
import { pricesFor } from '../../config/prices';
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

const { usd, totalWords, volume: count, yesNo, usdOrNotPriced: dollars } = words;

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

/** The buckets and keys of a stack, by name, with what stops a destroy from deleting them. */
function protections(model: StackModel): { resource: string; status: string }[] {
  const ctx = words.contextOf(model);
  const buckets = new Map(model.stores.filter((s) => s.kind === 's3').map((s) => [s.address, s.protection]));
  return [
    ...[...buckets].map(([address, p]) => ({
      resource: words.protectedBucket(address, ctx),
      status: words.PROTECTION[p],
    })),
    ...model.keys.map((k) => ({
      resource: words.protectedKey(k, ctx),
      status: words.PROTECTION[k.protection],
    })),
  ];
}

function alertLines(model: StackModel): { alarms: string[]; destinations: string[] } {
  return { alarms: model.alerts.map(words.alert), destinations: model.destinations.map(words.destination) };
}

/**
 * A statement as a row of the access table: effect, actions, resources, conditions (`NotAction`/`NotResource` said
 * as such).
 */
const statementRow = (s: Statement, ctx: words.Context): Cell[] => {
  const listOf = (items: string[]) => items.flatMap((a, i) => [...(i ? [text(', ')] : []), code(a)]);
  return [
    cell(s.effect),
    s.notActions ? [text(words.EVERY_ACTION_EXCEPT), ...listOf(s.notActions)] : listOf(s.actions),
    s.notResources
      ? [text(words.EVERY_RESOURCE_EXCEPT), ...listOf(s.notResources.map((v) => words.value(v, ctx)))]
      : listOf(s.resources.map((v) => words.value(v, ctx))),
    lines(s.conditions.map((c) => [code(words.condition(c, ctx))])),
  ];
};

/**
 * The access matrix, principal by principal: every request the evaluation allowed (outright or under conditions),
 * what it was asked and denied left out. The sentence of each cell is words/access.ts's accessCell.
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
    .map((row) => (row.may.length ? row : { ...row, may: [words.NOTHING_ALLOWED] }));
}

/** Who may assume each role, under which conditions, and what it may do; or the account's IAM for a state stack. */
function accessRows(
  model: StackModel,
): { role: string; assumedBy: string; conditions: string[]; grants: string[]; table: Cell[][] }[] {
  const ctx = words.contextOf(model);
  if (model.roles.length === 0 && model.accountIamAccess) {
    return [
      {
        role: words.accountIamPrincipals(model.identity.account),
        assumedBy: words.ACCOUNT_IAM_ASSUMED_BY,
        conditions: model.resourcePolicies.some((p) => p.kind === 'bucket-policy')
          ? [words.BUCKET_POLICY_DENIES_PLAIN_HTTP]
          : [],
        grants: [],
        table: [],
      },
    ];
  }
  const attachable = model.policies
    .filter((p) => p.attachedTo.length === 0)
    .map((p) => ({
      role: words.attachablePolicy(p.name),
      assumedBy: words.ATTACHABLE_ASSUMED_BY,
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
        ...r.managedPolicies.map(words.awsManagedPolicy),
      ],
      table: [
        ...r.permissions.map((s) => statementRow(s, ctx)),
        ...r.managedPolicies.map((m) => [
          cell('Allow'),
          [text(words.AWS_MANAGED_POLICY), code(m)],
          cell(words.SEE_AWS),
          cell('—'),
        ]),
      ],
    })),
    ...attachable,
  ];
}

const policyRows = (model: StackModel) => {
  const ctx = words.contextOf(model);
  return model.resourcePolicies.map((p) => ({
    resource: words.resourcePolicy(p, ctx),
    statements: p.statements.map((s) => words.statement(s, ctx)),
  }));
};

/** The stack's report as a document section: what both writers write. */
export function stackSection(r: StackReport): Section {
  const { model } = r;
  const ctx = words.contextOf(model);
  const say = (sentence: string) => phrase(sentence, model.names);
  const id = model.identity;
  const b: Block[] = [];
  const heading = (section: keyof typeof words.HEADING, level: 1 | 2 | 3 = 1) =>
    b.push({ kind: 'heading', level, text: words.HEADING[section], section });
  const para = (sentence: string) => b.push({ kind: 'paragraph', content: say(sentence) });
  const tableOf = (headers: string[], rows: Cell[][]) => b.push({ kind: 'table', headers, rows });

  para(words.REPORT_SOURCE);
  heading('identity');
  tableOf(
    [...words.COLUMNS.identity],
    words.identityRows(id).map(([k, v]) => [cell(k), say(v)]),
  );

  heading('flow');
  const flow = labelledFlow(model);
  if (flow.length === 0) para(words.NO_FLOW);
  else
    b.push({
      kind: 'flow',
      id: r.stack,
      edges: flow,
      headers: [...words.FLOW_HEADERS],
      label: words.flowLabel(r.stack),
    });

  heading('stores');
  tableOf(
    [...words.COLUMNS.stores],
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

  heading('retention');
  tableOf(
    [...words.COLUMNS.retention],
    model.stores.map((s) => [
      [{ kind: 'name', name: s.name, address: s.address, code: true }],
      cell(words.timeline(s)),
      cell(words.retentionNotes(s).join('; ') || '—'),
    ]),
  );

  heading('protection');
  tableOf(
    [...words.COLUMNS.protection],
    protections(model).map((p) => [say(p.resource), cell(p.status)]),
  );

  const alerts = alertLines(model);
  heading('alerts');
  tableOf([...words.COLUMNS.alerts], [[lines(alerts.alarms.map(say)), lines(alerts.destinations.map(say))]]);
  para(words.ALERTS_MASKED);

  heading('access');
  heading('evaluatedAccess', 2);
  para(words.EVALUATED_ACCESS);
  tableOf(
    [...words.COLUMNS.evaluatedAccess],
    evaluatedAccess(model).map((a) => [cell(a.principal), lines(a.may.map(say))]),
  );
  heading('rolesAsWritten', 2);
  const access = accessRows(model);
  if (access.length === 0) para(words.NO_ROLES);
  for (const a of access) {
    b.push({ kind: 'heading', level: 3, text: a.role });
    b.push({
      kind: 'paragraph',
      content: [
        ...say(`${words.ASSUMED_BY}${a.assumedBy}`),
        ...(a.conditions.length
          ? [
              text(words.ONLY_WHEN),
              ...a.conditions.flatMap((c, i) => [...(i ? [text(words.CONDITIONS_JOINED)] : []), code(c)]),
            ]
          : []),
        text('.'),
      ],
    });
    if (!a.table.length) para(words.ACCOUNT_IAM_GRANTS);
    else tableOf([...words.COLUMNS.statements], a.table);
  }

  heading('resourcePolicies');
  const policies = policyRows(model);
  if (policies.length === 0) para(words.NO_RESOURCE_POLICIES);
  else
    tableOf(
      [...words.COLUMNS.resourcePolicies],
      policies.map((p) => [say(p.resource), lines(p.statements.map(say))]),
    );

  if (r.erasure) {
    const x = r.erasure;
    heading('erasure');
    para(words.erasureServed(r.stack, x));
    tableOf(
      [...words.ERASURE_COPY_HEADERS],
      x.copies.map((c) => words.erasureCopyRow(c).map(say)),
    );
    para(words.erasureOutside(x));
    tableOf(
      [...words.ERASURE_COST_HEADERS],
      x.costs.map((c) => words.erasureCostRow(c).map((cellText) => phrase(cellText))),
    );
    para(words.erasureNotPriced(x));
  }

  if (r.capacity) {
    const c = r.capacity;
    heading('capacity');
    para(words.capacityQuotas(c));
    tableOf(
      [...words.COLUMNS.capacity],
      [c.configured, ...c.tiers].map((l) => [
        ...[
          words.capacityTraffic(l),
          count(l.eventsPerMonth),
          String(l.peakEventsPerSecond),
          String(l.mibPerSecond),
          String(l.recordsPerSecond),
          String(l.requestsPerSecond),
        ].map(cell),
        l.headroom < 1 ? [mark('warning', words.headroom(l))] : cell(words.headroom(l)),
      ]),
    );
    para(words.capacityFixes(c));
  }

  heading('controls');
  para(words.CONTROLS_SCOPE);
  para(words.controlCounts(r));
  tableOf(
    [...words.COLUMNS.controls],
    r.controls.map((c) => [
      cell(c.id),
      cell(c.title),
      cell(c.standards.join(', ')),
      [mark(CONTROL_TONE[c.status], c.status)],
      lines(
        c.resources.map((a) => [{ kind: 'name', name: words.nameOf(a, ctx), address: a }]),
        '—',
      ),
      say(words.controlWhy(c, ctx, model, r.controls)),
    ]),
  );

  const counts = severityCounts(r.findings);
  heading('findings');
  para(words.findingCounts(counts));
  if (r.findings.length) {
    tableOf(
      [...words.COLUMNS.findings],
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
  const b: Block[] = [{ kind: 'heading', level: 1, text: words.HEADING.cost, section: 'cost' }];
  const prices: Block = { kind: 'list', items: words.priceLines(cost).map((l) => phrase(l)), section: 'prices' };
  if (cost.lines.length === 0) return [...b, prices];
  b.push({
    kind: 'paragraph',
    content: cell(words.costSettings(cost)),
  });
  b.push({
    kind: 'table',
    headers: words.costColumns(),
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
    { kind: 'paragraph', content: cell(words.LEFT_OUT) },
    { kind: 'list', items: words.omissionLines(cost).map((l) => cell(l)) },
  );
  b.push(
    { kind: 'paragraph', content: cell(words.WHY_IT_DIFFERS) },
    { kind: 'list', items: cost.differences.map((d) => phrase(words.costDifference(d))) },
  );
  b.push({ kind: 'paragraph', content: cell(words.PRICES) }, prices);
  if (cost.catalogModes.length) {
    b.push({ kind: 'paragraph', content: cell(words.CATALOG_MODES) });
    b.push({
      kind: 'table',
      headers: [...words.CATALOG_MODE_COLUMNS],
      rows: cost.catalogModes.map((m) => [cell(m.mode), cell(usd(m.perMonth)), cell(words.catalogModeHow(m.how))]),
    });
  }
  return b;
}

/** A stack without a pipeline: its keys at the region's price, and every billable component it leaves out. */
function standingCostBlocks(cost: StandingCost): Block[] {
  const b: Block[] = [{ kind: 'heading', level: 1, text: words.HEADING.cost, section: 'cost' }];
  b.push({
    kind: 'paragraph',
    content: cell(words.standingCost(cost, pricesFor(cost.region)?.prices['kms.key']?.sources ?? [])),
  });
  if (cost.omitted.length)
    b.push(
      { kind: 'paragraph', content: cell(words.LEFT_OUT) },
      { kind: 'list', items: cost.omitted.map((o) => cell(words.omission(o))) },
    );
  return b;
}

/** One stack's Markdown file. */
export const renderMarkdown = (r: StackReport): string =>
  sectionMarkdown({ ...stackSection(r), title: words.stackTitle(r.stack) });

/** The overview: one row per stack. */
function overviewSection(reports: StackReport[]): Section {
  return {
    id: 'overview',
    role: 'overview',
    title: words.OVERVIEW_TITLE,
    blocks: [
      {
        kind: 'table',
        headers: [...words.OVERVIEW_COLUMNS],
        rows: reports.map((r) => {
          const c = severityCounts(r.findings);
          const id = r.model.identity;
          return [
            [{ kind: 'anchor', target: r.stack, text: r.stack }],
            cell(id.region),
            cell(id.account),
            cell(id.jurisdiction ?? words.NOT_APPLICABLE),
            cell(id.profile ?? '—'),
            cell(words.eventDataDays(r.model)),
            [
              mark('error', String(c.error)),
              text(' '),
              mark('warning', String(c.warning)),
              text(' '),
              mark('info', String(c.info)),
            ],
            cell(words.controlSummary(r)),
            cell(words.overviewCost(r)),
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

export function renderHtml(reports: StackReport[], extras: PageExtras = {}): string {
  const intro: Cell = [
    ...phrase(words.PAGE_INTRO),
    mark('error', words.SEVERITY_LEGEND.error),
    text(' '),
    mark('warning', words.SEVERITY_LEGEND.warning),
    text(' '),
    mark('info', words.SEVERITY_LEGEND.info),
    text('.'),
  ];
  return pageHtml(words.PAGE_TITLE, intro, [
    overviewSection(reports),
    ...(extras.changes ? [extras.changes] : []),
    ...reports.map(stackSection),
    ...(extras.workspaces ?? []),
  ]);
}
