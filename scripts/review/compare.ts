/**
 * Compares the compliance reports of two synths of the matrix — a base (the main branch, the last release) and the
 * change — in a reviewer's terms: per stack, what changed in where data lives, how long it is kept, under which key,
 * who can reach it, residency, protection, alerting and cost, with a verdict line. Deterministic: sorted, no times.
 */
import type { StackReport } from '../report/analyze';

export const CATEGORIES = ['stack', 'data stores', 'retention', 'encryption', 'public access', 'access', 'residency', 'protection', 'alarms', 'cost'] as const;
export type Category = (typeof CATEGORIES)[number];

export interface Change {
  category: Category;
  kind: 'added' | 'removed' | 'changed';
  what: string;
  /** A new principal, grant, statement or trust path, or a condition removed. */
  widensAccess?: boolean;
  /** Data kept for fewer days than before. */
  shortensRetention?: boolean;
}

export interface StackReview {
  stack: string;
  status: 'added' | 'removed' | 'changed' | 'unchanged';
  changes: Change[];
  verdict: string;
}

const sorted = (items: Iterable<string>) => [...items].sort();

/** Set differences as changes; `widens` says whether an addition widens access. */
function setChanges(category: Category, base: string[], current: string[], label: string, widens = false): Change[] {
  const before = new Set(base);
  const after = new Set(current);
  return [
    ...sorted([...after].filter((x) => !before.has(x))).map((x) => ({ category, kind: 'added' as const, what: `${label} ${x}`, ...(widens ? { widensAccess: true } : {}) })),
    ...sorted([...before].filter((x) => !after.has(x))).map((x) => ({ category, kind: 'removed' as const, what: `${label} ${x}` })),
  ];
}

function changed(category: Category, what: string, before: unknown, after: unknown, extra: Partial<Change> = {}): Change[] {
  return JSON.stringify(before) === JSON.stringify(after) ? [] : [{ category, kind: 'changed', what: `${what}: ${String(before)} → ${String(after)}`, ...extra }];
}

/** One line per grant of a role: the unit a reviewer approves. */
const grantLines = (r: StackReport, role: string) =>
  (r.access.find((a) => a.role === role)?.grants ?? []).flatMap((g) => g.actions.flatMap((action) => g.resources.map((res) => `${action} on ${res}${g.conditions.length ? ` when ${g.conditions.join(' and ')}` : ''}`)));

const timeline = (s: StackReport['stores'][number]) =>
  [...s.retention.transitions.map((t) => `${t.storageClass}@${t.days}d`), s.retention.expirationDays === null ? 'kept' : `deleted@${s.retention.expirationDays}d`].join(' → ');

function stackChanges(base: StackReport, current: StackReport): Change[] {
  const changes: Change[] = [];
  // Residency: where the stack and its state live, and which other regions it may reach.
  changes.push(...changed('residency', 'region', base.identity.region, current.identity.region));
  changes.push(...changed('residency', 'state backend', `${base.identity.backend.location} (${base.identity.backend.region})`, `${current.identity.backend.location} (${current.identity.backend.region})`));
  changes.push(...setChanges('residency', base.identity.residencyExceptions, current.identity.residencyExceptions, 'residency exception for', true));
  changes.push(...setChanges('residency', sorted(new Set(base.flow.map((e) => e.region))), sorted(new Set(current.flow.map((e) => e.region))), 'data flow through region', true));

  // Data stores, their encryption, exposure and retention.
  const baseStores = new Map(base.stores.map((s) => [s.name, s]));
  const currentStores = new Map(current.stores.map((s) => [s.name, s]));
  changes.push(...setChanges('data stores', sorted(baseStores.keys()), sorted(currentStores.keys()), 'store'));
  for (const [name, after] of currentStores) {
    const before = baseStores.get(name);
    if (!before) continue;
    changes.push(...changed('data stores', `${name} region`, before.region, after.region));
    changes.push(...changed('encryption', `${name} encryption`, before.encryption, after.encryption));
    changes.push(...changed('encryption', `${name} key rotation`, before.keyRotation, after.keyRotation));
    changes.push(...changed('public access', `${name} public access`, before.publicAccess, after.publicAccess, { widensAccess: after.publicAccess !== 'blocked (all four settings)' }));
    changes.push(...changed('public access', `${name} TLS only`, before.tlsOnly, after.tlsOnly, { widensAccess: after.tlsOnly === false }));
    const shorter = before.retention.expirationDays === null ? after.retention.expirationDays !== null : after.retention.expirationDays !== null && after.retention.expirationDays < before.retention.expirationDays;
    changes.push(...changed('retention', `${name} timeline`, timeline(before), timeline(after), shorter ? { shortensRetention: true } : {}));
    changes.push(...changed('retention', `${name} not queryable without restore from day`, before.retention.notQueryableFromDay ?? 'never', after.retention.notQueryableFromDay ?? 'never'));
  }

  // Access: roles, who assumes them under which conditions, what they grant; resource policies.
  const baseRoles = new Map(base.access.map((a) => [a.role, a]));
  const currentRoles = new Map(current.access.map((a) => [a.role, a]));
  changes.push(...setChanges('access', sorted(baseRoles.keys()), sorted(currentRoles.keys()), 'role', true));
  for (const [role, after] of currentRoles) {
    const before = baseRoles.get(role);
    if (!before) continue;
    changes.push(...changed('access', `${role} assumed by`, before.assumedBy, after.assumedBy, { widensAccess: true }));
    changes.push(...setChanges('access', before.conditions, after.conditions, `${role} trust condition`).map((c) => (c.kind === 'removed' ? { ...c, widensAccess: true } : c)));
    changes.push(...setChanges('access', grantLines(base, role), grantLines(current, role), `${role} grant`, true));
    changes.push(...setChanges('access', before.managedPolicies, after.managedPolicies, `${role} managed policy`, true));
  }
  const policyLines = (r: StackReport) => r.resourcePolicies.flatMap((p) => p.statements.map((s) => `${p.resource}: ${s}`));
  changes.push(...setChanges('access', policyLines(base), policyLines(current), 'resource policy statement', true));

  changes.push(...setChanges('protection', base.protection.map((p) => `${p.resource}: ${p.status}`), current.protection.map((p) => `${p.resource}: ${p.status}`), ''));
  changes.push(...setChanges('alarms', base.alerts.alarms, current.alerts.alarms, ''));
  changes.push(...setChanges('alarms', base.alerts.destinations, current.alerts.destinations, 'destination'));

  const money = (n: number) => `$${n.toFixed(2)}`;
  for (const [i, line] of (current.cost?.lines ?? []).entries()) {
    const before = base.cost?.lines[i];
    if (before && Math.abs(before.total - line.total) >= 0.01) changes.push({ category: 'cost', kind: 'changed', what: `${(line.events / 1e6).toLocaleString('en-US')} M events/month: ${money(before.total)} → ${money(line.total)}` });
  }
  return changes.map((c) => ({ ...c, what: c.what.replace(/^ /, '') }));
}

function verdict(status: StackReview['status'], changes: Change[], report: StackReport): string {
  if (status === 'added') return `new stack: data in ${report.identity.region} (${report.identity.jurisdiction}), ${report.access.length} roles, state in ${report.identity.backend.location}`;
  if (status === 'removed') return `stack removed: ${report.protection.filter((p) => p.status === 'prevent_destroy').length ? 'its buckets and keys carry prevent_destroy, so a destroy stops until protection.allowDestroy is set' : 'its data is destroyable'}`;
  const widened = changes.filter((c) => c.widensAccess);
  const shortened = changes.filter((c) => c.shortensRetention);
  const list = (items: Change[]) => `${items.slice(0, 3).map((c) => c.what).join('; ')}${items.length > 3 ? `; and ${items.length - 3} more` : ''}`;
  const parts = [...(widened.length ? [`access widened: ${list(widened)}`] : []), ...(shortened.length ? [`retention shortened: ${list(shortened)}`] : [])];
  if (parts.length) return parts.join(' — ');
  const sensitive = changes.filter((c) => c.category === 'residency' || c.category === 'retention' || c.category === 'access');
  if (sensitive.length) return `residency, retention or access changed without widening or shortening: ${list(sensitive)}`;
  return 'no change to residency, retention or access';
}

/** Per stack of either side, sorted by name: added, removed, changed or unchanged, with the changes and a verdict. */
export function compareReports(base: StackReport[], current: StackReport[]): StackReview[] {
  const before = new Map(base.map((r) => [r.stack, r]));
  const after = new Map(current.map((r) => [r.stack, r]));
  return sorted(new Set([...before.keys(), ...after.keys()])).map((stack) => {
    const b = before.get(stack);
    const a = after.get(stack);
    if (!b) return { stack, status: 'added' as const, changes: [{ category: 'stack' as const, kind: 'added' as const, what: `stack ${stack}`, widensAccess: true }], verdict: verdict('added', [], a!) };
    if (!a) return { stack, status: 'removed' as const, changes: [{ category: 'stack' as const, kind: 'removed' as const, what: `stack ${stack}` }], verdict: verdict('removed', [], b) };
    const changes = stackChanges(b, a);
    const status = changes.length ? ('changed' as const) : ('unchanged' as const);
    return { stack, status, changes, verdict: verdict(status, changes, a) };
  });
}

/** Whether a gate should fail: access widened or retention shortened anywhere. */
export function gateFailures(reviews: StackReview[]): string[] {
  return reviews.flatMap((r) => r.changes.filter((c) => c.widensAccess || c.shortensRetention).map((c) => `${r.stack}: ${c.widensAccess ? 'access widened' : 'retention shortened'}: ${c.what}`));
}

/** changes.md: fit to paste into a pull request. */
export function renderChangesMarkdown(reviews: StackReview[], baseLabel: string): string {
  const lines = [`# Change review against ${baseLabel}`, '', '| Stack | Status | Verdict |', '|---|---|---|'];
  for (const r of reviews) lines.push(`| \`${r.stack}\` | ${r.status} | ${r.verdict.replace(/\|/g, '\\|')} |`);
  for (const r of reviews.filter((x) => x.changes.length)) {
    lines.push('', `## ${r.stack} (${r.status})`, '', `**Verdict:** ${r.verdict}`);
    for (const category of CATEGORIES) {
      const inCategory = r.changes.filter((c) => c.category === category);
      if (!inCategory.length) continue;
      lines.push('', `### ${category[0].toUpperCase()}${category.slice(1)}`, '');
      for (const c of inCategory) lines.push(`- ${c.kind}: ${c.what}${c.widensAccess ? ' **(widens access)**' : ''}${c.shortensRetention ? ' **(shortens retention)**' : ''}`);
    }
  }
  return `${lines.join('\n')}\n`;
}
