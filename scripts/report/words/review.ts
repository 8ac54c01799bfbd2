/**
 * The change review in words (scripts/review/compare.ts decides, on the types of ../changes.ts; ../changes-section.ts
 * and scripts/review/render.ts lay out): one line per change ("was …; now …"), a verdict per stack, the review's
 * section titles and notes.
 */
import type { StackModel } from '../../../model/types';
import { GATED, type Change, type Effect, type Section, type StackReview } from '../changes';
import { accessHow, accessPrincipal, accessWhat, ACCESS_LEVEL } from './access';
import { totalWords } from './cost';
import {
  backend,
  encryption,
  environments,
  PROTECTION,
  PUBLIC_ACCESS,
  statement,
  timelineOf,
  contextOf,
} from './model';

export const EFFECT_WORDS: Record<Effect, string> = {
  'moves-residency': 'moves residency',
  'moves-data': 'moves data',
  'widens-access': 'widens access',
  'narrows-access': 'narrows access',
  'shortens-retention': 'shortens retention',
  'lengthens-retention': 'lengthens retention',
  'weakens-protection': 'weakens protection',
  'strengthens-protection': 'strengthens protection',
};

const wasNow = (before: string, after: string) => `was ${before}; now ${after}`;

/** The subject of a change by its AWS name. */
function subjectWords(c: Change): string {
  switch (c.subject.kind) {
    case 'stack':
      return 'the stack';
    case 'store':
      return `store ${c.subject.name}`;
    case 'key':
      return `key ${c.subject.name}`;
    case 'role':
      return `role ${c.subject.name}`;
    case 'resource-policy':
      return `resource policy of ${c.subject.name}`;
    case 'managed-policy':
      return `policy ${c.subject.name}`;
    case 'alert':
      return `alarm or rule ${c.subject.name}`;
    case 'destination':
      return `alert destination ${c.subject.name}`;
    case 'cost':
      return `${(c.subject.eventsPerMonth / 1e6).toLocaleString('en-US')} M events a month`;
    case 'principal':
      return accessPrincipal(c.subject.principal);
  }
}

/** One change in words; `before` and `after` are the models whose names and home the values are read with. */
export function changeWords(c: Change, review: Pick<StackReview, 'model' | 'baseModel'>): string {
  const after = contextOf(review.model);
  const before = contextOf(review.baseModel ?? review.model);
  const ctx = c.kind === 'removed' ? before : after;
  const subject = subjectWords(c);
  const f = c.field;
  switch (f.kind) {
    case 'existence':
      return `${c.kind === 'added' ? 'new' : 'removed'}: ${subject}`;
    case 'account':
      return `account: ${wasNow(f.before, f.after)}`;
    case 'region':
      return (
        `region: ` +
        `${wasNow(`${f.before} (${f.jurisdictionBefore ?? 'n/a'})`, `${f.after} (${f.jurisdictionAfter ?? 'n/a'})`)}`
      );
    case 'replication':
      return (
        `${subject} replication ` +
        `${c.kind === 'added' ? 'added: every new object is copied to' : 'removed: no longer copied to'} ` +
        `${f.destination}` +
        (f.outsideStack && c.kind === 'added'
          ? ' (a bucket outside this stack: an S3 ARN does not say its region, so ' +
            "the copies may leave the stack's region and jurisdiction)"
          : '')
      );
    case 'access-log-target':
      return `${subject} access logs: ${wasNow(f.before ?? 'off', f.after ?? 'off')}`;
    case 'acl-grant':
      return `${subject} ACL grant ${c.kind}: ${f.grant}`;
    case 'jurisdiction':
      return `jurisdiction in ${f.region}: ${wasNow(f.before ?? 'n/a', f.after ?? 'n/a')}`;
    case 'outside-jurisdiction':
      return (
        `a ${f.jurisdiction} stack ` +
        `in ${f.region}${f.regionJurisdictions.length ? ` (${f.regionJurisdictions.join(', ')})` : ''}, ` +
        `outside ${f.jurisdiction}'s regions: ${f.reason ? `exception "${f.reason}"` : 'no exception configured'}`
      );
    case 'backend': {
      const loc = (m: StackModel) => backend(m.identity);
      const [b, a] = [loc(review.baseModel ?? review.model), loc(review.model)];
      return `state backend: ${wasNow(`${b.location} (${b.region})`, `${a.location} (${a.region})`)}`;
    }
    case 'residency-exception':
      return `${c.kind === 'added' ? 'may now reach' : 'no longer reaches'} region ${f.region}`;
    case 'encryption':
      return `${subject} encryption: ${wasNow(encryption(f.before, before), encryption(f.after, after))}`;
    case 'key-rotation':
      return `${subject} rotation: ${wasNow(f.before ? 'on' : 'off', f.after ? 'on' : 'off')}`;
    case 'public-access':
      return `${subject} public access: ${wasNow(PUBLIC_ACCESS[f.before], PUBLIC_ACCESS[f.after])}`;
    case 'tls-only':
      return `${subject} TLS only: ${wasNow(String(f.before ?? 'n/a'), String(f.after ?? 'n/a'))}`;
    case 'protection':
      return `${subject} destroy protection: ${wasNow(PROTECTION[f.before], PROTECTION[f.after])}`;
    case 'retention': {
      const kind = c.subject.kind === 'store' ? c.subject.storeKind : 's3';
      return `${subject} timeline: ${wasNow(timelineOf(kind, f.before), timelineOf(kind, f.after))}`;
    }
    case 'trust-statement':
      return (
        `${subject} ${c.kind === 'added' ? 'may now be assumed' : 'may no longer be assumed'}: ` +
        `${statement(f.statement, ctx)}`
      );
    case 'permission':
      return `${subject} grant ${c.kind === 'added' ? 'added' : 'removed'}: ${statement(f.statement, ctx, false)}`;
    case 'managed-policy':
      return `${subject} AWS managed policy ${c.kind}: ${f.arn}`;
    case 'policy-statement':
      return `${subject}: statement ${c.kind}: ${statement(f.statement, ctx)}`;
    case 'account-iam-access':
      return (
        `the account's IAM principals: ` +
        `${wasNow(f.before ? 'may reach the key' : 'no access', f.after ? 'may reach the key' : 'no access')}`
      );
    case 'access':
      return (
        `${subject}: ${accessWhat(f.request, f.target)}: ${wasNow(ACCESS_LEVEL[f.before], ACCESS_LEVEL[f.after])}` +
        `${accessHow(f.after, f.actions, f.conditionKeys)}`
      );
    case 'monthly-total':
      return `${subject}: ${wasNow(
        totalWords({ total: f.before, notPriced: f.notPricedBefore }),
        totalWords({ total: f.after, notPriced: f.notPricedAfter }),
      )}`;
  }
}

const list = (items: string[]) =>
  `${items.slice(0, 3).join('; ')}${items.length > 3 ? `; and ${items.length - 3} more` : ''}`;

/**
 * Whom a trust stack's roles trust: the HCP Terraform runs their trust policies name (`<host>:sub` =
 * `organization:<org>:project:<project>:workspace:<workspace>:run_phase:<phase>`, HashiCorp's dynamic credentials),
 * as `runs of <org>/<workspace> on <host> (plan, apply)`.
 */
function trustedRuns(model: StackModel): string[] {
  const home = (text: string) =>
    text.replace(/<region>/g, model.identity.region).replace(/<account>/g, model.identity.account);
  const runs = new Map<string, Set<string>>();
  for (const s of model.roles.flatMap((role) => role.trust)) {
    for (const c of s.conditions.filter((x) => x.key.endsWith(':sub'))) {
      for (const v of c.values) {
        const text = home(v.kind === 'literal' ? v.text : `${v.address}.${v.attribute}`);
        const m = /^organization:([^:]+):project:[^:]+:workspace:([^:]+):run_phase:([^:]+)$/.exec(text);
        const key = m ? `runs of ${m[1]}/${m[2]} on ${c.key.replace(/:sub$/, '')}` : `${c.key} = ${text}`;
        runs.set(key, (runs.get(key) ?? new Set()).add(m ? m[3] : ''));
      }
    }
  }
  return [...runs].map(
    ([key, phases]) =>
      `${key}` +
      `${[...phases].filter(Boolean).length ? ` (${[...phases].filter(Boolean).sort().reverse().join(', ')})` : ''}`,
  );
}

/** What a new stack creates, in its own terms: a pipeline's data, a state bucket's state, a trust stack's trust. */
function addedWords(r: StackReview): string {
  const { identity: id, roles } = r.model;
  if (id.role === 'trust')
    return (
      `new trust stack: IAM (global) in account ${id.account}, ${roles.length} deploy ` +
      `role${roles.length === 1 ? '' : 's'} that ${trustedRuns(r.model).join('; ') || 'nobody'} may assume; ` +
      `holds no data`
    );
  if (id.role === 'state') {
    const bucket = r.model.stores.find((s) => s.role === 'state');
    return (
      `new state stack: Terraform state of ${environments(id)} ` +
      `in ${bucket?.name.replace(/\/$/, '') ?? 'a bucket'} in ${id.region} ` +
      `(${id.jurisdiction ?? 'several jurisdictions'})`
    );
  }
  return (
    `new stack: data in ${id.region} (${id.jurisdiction ?? 'n/a'}), ${roles.length} roles, state ` +
    `in ${backend(id).location}`
  );
}

/** The verdict of one stack, in a sentence. */
export function verdict(r: StackReview): string {
  if (r.status === 'added') {
    const residency = r.changes.filter((c) => c.effects.includes('moves-residency')).map((c) => changeWords(c, r));
    const outsiders = r.changes.filter((c) => c.effects.includes('widens-access')).map((c) => changeWords(c, r));
    return (
      `${addedWords(r)}${residency.length ? ` — ${EFFECT_WORDS['moves-residency']}: ${list(residency)}` : ''}` +
      `${outsiders.length ? ` — widens access to outsiders: ${list(outsiders)}` : ''}`
    );
  }
  if (r.status === 'removed') {
    if (r.model.identity.role === 'trust')
      return (
        `trust stack removed: its deploy roles (${r.model.roles.map((role) => role.name).join(', ')}) and its ` +
        `identity provider are deleted; ${trustedRuns(r.model).join('; ') || 'no run'} can no longer assume them`
      );
    return r.effects.includes('shortens-retention')
      ? 'stack removed: its data is deleted with it (protection.allowDestroy)'
      : 'stack removed: its buckets and keys carry prevent_destroy, so ' +
          'a destroy stops until protection.allowDestroy is set';
  }
  if (r.status === 'unchanged') return 'no change';
  const parts: string[] = [];
  const account = r.changes.find((c) => c.field.kind === 'account');
  const region = r.changes.find((c) => c.field.kind === 'region');
  if (account?.field.kind === 'account')
    parts.push(
      `moves to account ${account.field.after}: new resources there; the data in ${account.field.before} is not moved`,
    );
  if (region?.field.kind === 'region') {
    const f = region.field;
    const jurisdiction =
      f.jurisdictionAfter !== f.jurisdictionBefore
        ? `, jurisdiction ${f.jurisdictionBefore ?? 'n/a'} → ${f.jurisdictionAfter ?? 'n/a'}`
        : ` (${f.jurisdictionAfter ?? 'n/a'})`;
    const holdsData = r.model.identity.role !== 'trust';
    parts.push(
      holdsData
        ? `${EFFECT_WORDS['moves-residency']}: from ${f.before} ` +
            `to ${f.after}${jurisdiction}: a new stack there; the data in ${f.before} is not moved`
        : `its provider moves from ${f.before} to ${f.after} (IAM is global: nothing moves)`,
    );
  }
  for (const effect of GATED) {
    // A region move is said above, from and to.
    const lines = r.changes
      .filter((c) => c.effects.includes(effect) && c.field.kind !== 'region')
      .map((c) => changeWords(c, r));
    if (lines.length) parts.push(`${EFFECT_WORDS[effect]}: ${list(lines)}`);
  }
  if (parts.length) return parts.join(' — ');
  const sensitive = r.changes.filter((c) =>
    ['residency', 'retention', 'access', 'encryption', 'exposure', 'protection'].includes(c.section),
  );
  if (sensitive.length)
    return (
      `residency, retention, access or protection changed without widening, ` +
      `shortening or weakening: ${list(sensitive.map((c) => changeWords(c, r)))}`
    );
  return 'no change to residency, retention, access or protection';
}

/** A section of the review (compare.ts SECTIONS) as its heading. */
export const sectionTitle = (s: Section): string => `${s[0].toUpperCase()}${s.slice(1)}`;
/** The review's summary table: its columns (changes.md's workspaces table has the same). */
export const REVIEW_SUMMARY_COLUMNS = ['Stack', 'Status', 'Verdict'] as const;

/** Before a changed stack's verdict. */
export const VERDICT_LABEL = 'Verdict:';

/** What a plan's refresh found changed outside Terraform. */
export const DRIFT_NOTE = 'changed outside Terraform (drift): the live account differs from the last apply';

/** Said above a review of another synth than the report's stacks. */
export const STALE_REVIEW =
  'This review is of another synth than the stacks below: run `npm run review` again to review them.';
/** The review's section title. */
export const reviewTitle = (base: string): string => `Change review against ${base}`;
