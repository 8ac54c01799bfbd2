/**
 * Compares the models of two versions of the matrix — a base (the main branch, the last release, a plan's prior
 * state) and the change — field by field, in a reviewer's terms. Stacks are matched by their role, environments and
 * region (model/types.ts `stackKey`), resources by their Terraform address, and every literal is relative to its
 * stack's account and region: replacing an account id is one move per stack, not a widening. Whether a change widens
 * access, shortens retention, weakens protection or moves data is decided here, on data (grants.ts for policies);
 * the words are render.ts's. Deterministic: sorted, no times.
 */
import { ACCESS_LEVELS, OUTSIDER_KINDS, type AccessCell, type AccessLevel } from '../../model/access';
import type {
  Alert,
  Destination,
  Encryption,
  Key,
  ResourcePolicy,
  Retention,
  Role,
  StackModel,
  Statement,
  Store,
} from '../../model/types';
import { relative, valueKey } from '../../model/values';
import type { StackReport } from '../report/analyze';
import {
  type Change,
  type Effect,
  type Field,
  type Section,
  type StackReview,
  type Subject,
  GATED,
  SECTIONS,
} from '../report/changes';
import { statementKey } from './grants';
import { copyChanges } from './copies';
import { outsideJurisdiction, pairByIdentity } from './residency';

const EFFECT_ORDER: Effect[] = [
  'moves-residency',
  'moves-data',
  'widens-access',
  'shortens-retention',
  'weakens-protection',
  'narrows-access',
  'lengthens-retention',
  'strengthens-protection',
];
const unique = (effects: Effect[]) => EFFECT_ORDER.filter((e) => effects.includes(e));
const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/** A change of one field of a subject matched on both sides. */
const changed = (section: Section, subject: Subject, field: Field, effects: Effect[]): Change => ({
  section,
  kind: 'changed',
  subject,
  field,
  effects,
});

/** Matches the items of two lists by key: [key, before, after] for every key of either side, sorted. */
function pairs<T>(base: T[], current: T[], key: (t: T) => string): [string, T | undefined, T | undefined][] {
  const before = new Map(base.map((t) => [key(t), t]));
  const after = new Map(current.map((t) => [key(t), t]));
  return [...new Set([...before.keys(), ...after.keys()])].sort().map((k) => [k, before.get(k), after.get(k)]);
}

function retentionEffects(before: Retention, after: Retention): Effect[] {
  // b shorter than a
  const longer = (a: number | null, b: number | null) => (a === null ? b !== null : b !== null && b < a);
  const shorter =
    longer(before.expirationDays, after.expirationDays) ||
    longer(before.goneForGoodDay, after.goneForGoodDay) ||
    longer(before.noncurrentDays, after.noncurrentDays);
  const lengthened =
    longer(after.expirationDays, before.expirationDays) ||
    longer(after.goneForGoodDay, before.goneForGoodDay) ||
    longer(after.noncurrentDays, before.noncurrentDays);
  return [
    ...(shorter ? (['shortens-retention'] as const) : []),
    ...(lengthened ? (['lengthens-retention'] as const) : []),
  ];
}

/** Encryption is weaker when it leaves KMS or a key stops rotating. */
function encryptionEffects(before: Encryption, after: Encryption): Effect[] {
  if (before.kind === 'kms' && after.kind !== 'kms') return ['weakens-protection'];
  if (before.kind !== 'kms' && after.kind === 'kms') return ['strengthens-protection'];
  if (before.kind === 'kms' && after.kind === 'kms' && before.rotation === true && after.rotation === false)
    return ['weakens-protection'];
  return [];
}

const PROTECTED = new Set<Store['protection']>(['prevent-destroy']);
const protectionEffects = (before: Store['protection'], after: Store['protection']): Effect[] =>
  PROTECTED.has(before) && !PROTECTED.has(after)
    ? ['weakens-protection']
    : !PROTECTED.has(before) && PROTECTED.has(after)
      ? ['strengthens-protection']
      : [];
/** A store's or key's destroy protection changed, and whether that weakens or strengthens it. */
const protectionChange = (subject: Subject, before: Store['protection'], after: Store['protection']): Change =>
  changed('protection', subject, { kind: 'protection', before, after }, protectionEffects(before, after));

function storeChanges(base: StackModel, current: StackModel): Change[] {
  const changes: Change[] = [];
  for (const [, b, a] of pairs(base.stores, current.stores, (s) => s.id)) {
    const subject = (s: Store): Subject => ({ kind: 'store', name: s.name, address: s.address, storeKind: s.kind });
    if (!b) {
      changes.push({
        section: 'data stores',
        kind: 'added',
        subject: subject(a!),
        field: { kind: 'existence' },
        effects: [],
      });
      continue;
    }
    if (!a) {
      changes.push({
        section: 'data stores',
        kind: 'removed',
        subject: subject(b),
        field: { kind: 'existence' },
        effects: b.protection === 'prevent-destroy' ? [] : ['shortens-retention'],
      });
      continue;
    }
    const at = subject(a);
    const relEnc = (e: Encryption) => (e.kind === 'kms' ? { ...e, key: valueKey(e.key) } : e);
    if (!same(relEnc(b.encryption), relEnc(a.encryption)))
      changes.push(
        changed(
          'encryption',
          at,
          { kind: 'encryption', before: b.encryption, after: a.encryption },
          encryptionEffects(b.encryption, a.encryption),
        ),
      );
    if (b.publicAccess !== a.publicAccess)
      changes.push(
        changed('exposure', at, { kind: 'public-access', before: b.publicAccess, after: a.publicAccess }, [
          a.publicAccess === 'not-blocked' ? 'widens-access' : 'narrows-access',
        ]),
      );
    if (b.tlsOnly !== a.tlsOnly)
      changes.push(
        changed('exposure', at, { kind: 'tls-only', before: b.tlsOnly, after: a.tlsOnly }, [
          a.tlsOnly === false ? 'widens-access' : 'narrows-access',
        ]),
      );
    if (b.protection !== a.protection) changes.push(protectionChange(at, b.protection, a.protection));
    if (!same(b.retention, a.retention))
      changes.push(
        changed(
          'retention',
          at,
          { kind: 'retention', before: b.retention, after: a.retention },
          retentionEffects(b.retention, a.retention),
        ),
      );
  }
  return changes;
}

function keyChanges(base: StackModel, current: StackModel): Change[] {
  const changes: Change[] = [];
  for (const [, b, a] of pairs(base.keys, current.keys, (k) => k.address)) {
    if (!b || !a) continue;
    const subject: Subject = { kind: 'key', name: (a.alias ?? a.address) as string, address: a.address };
    if (b.rotation !== a.rotation)
      changes.push(
        changed('encryption', subject, { kind: 'key-rotation', before: b.rotation, after: a.rotation }, [
          a.rotation ? 'strengthens-protection' : 'weakens-protection',
        ]),
      );
    if (b.protection !== a.protection) changes.push(protectionChange(subject, b.protection, a.protection));
  }
  return changes;
}

/**
 * Statement changes of one policy (a role's trust or permissions, a resource policy): each added or removed
 * statement, as the reviewer reads it. Whether access widened is not decided here, from the statements' shape, but
 * by the access matrix (accessChanges): `NotAction`, wildcards inside names or a condition that never matches make
 * shape a poor guide.
 */
function statementChanges(
  section: Section,
  subject: Subject,
  before: Statement[],
  after: Statement[],
  field: (s: Statement) => Field,
): Change[] {
  const removed: Change[] = [];
  const added: Change[] = [];
  for (const [, b, a] of pairs(before, after, statementKey)) {
    if (a && !b) added.push({ section, kind: 'added', subject, field: field(a), effects: [] });
    else if (b && !a) removed.push({ section, kind: 'removed', subject, field: field(b), effects: [] });
  }
  // What was, then what is: a replaced statement reads in that order.
  return [...removed, ...added];
}

const cellKey = (c: Pick<AccessCell, 'principal' | 'request' | 'target'>) =>
  `${c.principal}\u0000${c.request}\u0000${c.target}`;

/**
 * CheckNoNewAccess, offline: every (principal, request, target) whose evaluated level differs between the two
 * versions. Up (denied → conditional → allowed) widens access, down narrows it. A principal or target on one side
 * only counts as denied on the other.
 */
export function accessChanges(base: StackModel, current: StackModel): Change[] {
  const before = new Map(base.access.cells.map((c) => [cellKey(c), c]));
  const after = new Map(current.access.cells.map((c) => [cellKey(c), c]));
  const principals = new Map([...base.access.principals, ...current.access.principals].map((p) => [p.id, p]));
  const targets = new Map([...base.access.targets, ...current.access.targets].map((t) => [t.id, t]));
  const rank = (level: AccessLevel) => ACCESS_LEVELS.indexOf(level);
  const changes: Change[] = [];
  for (const key of [...new Set([...before.keys(), ...after.keys()])].sort()) {
    const [b, a] = [before.get(key), after.get(key)];
    const cell = (a ?? b)!;
    const [levelBefore, levelAfter]: AccessLevel[] = [b?.level ?? 'denied', a?.level ?? 'denied'];
    // The level is the answer; which of a request's actions was asked first (`actions`) is not a change of access.
    // Under conditions both times, a condition key that no longer has to match (a Cognito pool's `aud` dropped) widens.
    const keysDropped =
      levelBefore === 'conditional' &&
      levelAfter === 'conditional' &&
      (b?.conditionKeys ?? []).some((k) => !(a?.conditionKeys ?? []).includes(k));
    if (levelBefore === levelAfter && !keysDropped) continue;
    const effects: Effect[] =
      keysDropped || rank(levelAfter) > rank(levelBefore) ? ['widens-access'] : ['narrows-access'];
    changes.push({
      section: 'access',
      kind: 'changed',
      subject: { kind: 'principal', principal: principals.get(cell.principal)! },
      field: {
        kind: 'access',
        request: cell.request,
        target: targets.get(cell.target)!,
        before: levelBefore,
        after: levelAfter,
        actions: cell.actions,
        conditionKeys: cell.conditionKeys,
      },
      effects,
    });
  }
  return changes;
}

/**
 * A new stack's grants to principals outside its account, as changes from nothing (a new stack's own roles are not
 * "new access").
 */
function outsiderGrants(model: StackModel): Change[] {
  const empty: StackModel = { ...model, access: { principals: [], targets: [], cells: [], unseen: [] } };
  const outsiders = new Set(model.access.principals.filter((p) => OUTSIDER_KINDS.includes(p.kind)).map((p) => p.id));
  return accessChanges(empty, model).filter(
    (c) => c.subject.kind === 'principal' && outsiders.has(c.subject.principal.id),
  );
}

function roleChanges(base: StackModel, current: StackModel): Change[] {
  const changes: Change[] = [];
  for (const [, b, a] of pairs(base.roles, current.roles, (r) => r.address)) {
    const role = (a ?? b) as Role;
    const subject: Subject = { kind: 'role', name: role.name, address: role.address };
    if (!b || !a) {
      changes.push({
        section: 'access',
        kind: a ? 'added' : 'removed',
        subject,
        field: { kind: 'existence' },
        effects: [],
      });
      continue;
    }
    changes.push(
      ...statementChanges('access', subject, b.trust, a.trust, (statement) => ({ kind: 'trust-statement', statement })),
    );
    changes.push(
      ...statementChanges('access', subject, b.permissions, a.permissions, (statement) => ({
        kind: 'permission',
        statement,
      })),
    );
    for (const [arn, before, after] of pairs(b.managedPolicies, a.managedPolicies, (m) => m)) {
      if (!before || !after)
        changes.push({
          section: 'access',
          kind: after ? 'added' : 'removed',
          subject,
          field: { kind: 'managed-policy', arn },
          effects: [after ? 'widens-access' : 'narrows-access'],
        });
    }
  }
  return changes;
}

function policyChanges(base: StackModel, current: StackModel): Change[] {
  const changes: Change[] = [];
  for (const [, b, a] of pairs(base.resourcePolicies, current.resourcePolicies, (p) => p.address)) {
    const policy = (a ?? b) as ResourcePolicy;
    const governed =
      policy.governs.kind === 'own'
        ? (current.names[policy.governs.address] ?? base.names[policy.governs.address] ?? policy.governs.address)
        : valueKey(policy.governs);
    const subject: Subject = { kind: 'resource-policy', name: governed, address: policy.address };
    changes.push(
      ...statementChanges('access', subject, b?.statements ?? [], a?.statements ?? [], (statement) => ({
        kind: 'policy-statement',
        statement,
      })),
    );
  }
  for (const [, b, a] of pairs(base.policies, current.policies, (p) => p.address)) {
    const policy = (a ?? b)!;
    const subject: Subject = { kind: 'managed-policy', name: policy.name, address: policy.address };
    if (!b || !a)
      changes.push({
        section: 'access',
        kind: a ? 'added' : 'removed',
        subject,
        field: { kind: 'existence' },
        effects: [],
      });
    else
      changes.push(
        ...statementChanges('access', subject, b.statements, a.statements, (statement) => ({
          kind: 'permission',
          statement,
        })),
      );
  }
  if (base.accountIamAccess !== current.accountIamAccess) {
    changes.push({
      section: 'access',
      kind: 'changed',
      subject: { kind: 'stack' },
      field: { kind: 'account-iam-access', before: base.accountIamAccess, after: current.accountIamAccess },
      effects: [current.accountIamAccess ? 'widens-access' : 'narrows-access'],
    });
  }
  return changes;
}

function alertChanges(base: StackModel, current: StackModel): Change[] {
  const home = (m: StackModel) => ({ account: m.identity.account, region: m.identity.region });
  const alertKey = (m: StackModel) => (a: Alert) => `${a.kind}:${relative(a.name, home(m))}`;
  const destKey = (m: StackModel) => (d: Destination) =>
    d.kind === 'sns-topic' ? `topic:${relative(d.name, home(m))}` : `${d.protocol}:${relative(d.endpoint, home(m))}`;
  const keyed = <T>(m: StackModel, items: T[], key: (m: StackModel) => (t: T) => string) =>
    items.map((t) => [key(m)(t), t] as const);
  const changes: Change[] = [];
  for (const [, b, a] of pairs(
    keyed(base, base.alerts, alertKey),
    keyed(current, current.alerts, alertKey),
    ([k]) => k,
  )) {
    if (!b || !a) {
      const alert = (a ?? b)![1];
      changes.push({
        section: 'alerts',
        kind: a ? 'added' : 'removed',
        subject: { kind: 'alert', name: alert.name, address: alert.address },
        field: { kind: 'existence' },
        effects: [],
      });
    }
  }
  for (const [, b, a] of pairs(
    keyed(base, base.destinations, destKey),
    keyed(current, current.destinations, destKey),
    ([k]) => k,
  )) {
    if (!b || !a) {
      const d = (a ?? b)![1];
      changes.push({
        section: 'alerts',
        kind: a ? 'added' : 'removed',
        subject: {
          kind: 'destination',
          name: d.kind === 'sns-topic' ? d.name : `${d.protocol} ${d.endpoint}`,
          address: d.address,
        },
        field: { kind: 'existence' },
        effects: [],
      });
    }
  }
  return changes;
}

function identityChanges(base: StackModel, current: StackModel): Change[] {
  const [b, a] = [base.identity, current.identity];
  const changes: Change[] = [];
  if (b.account !== a.account)
    changes.push({
      section: 'stack',
      kind: 'changed',
      subject: { kind: 'stack' },
      field: { kind: 'account', before: b.account, after: a.account },
      effects: ['moves-data'],
    });
  changes.push(...residencyMoves(base, current));
  const relBackend = (m: StackModel) =>
    JSON.parse(
      relative(JSON.stringify(m.identity.backend), { account: m.identity.account, region: m.identity.region }),
    ) as unknown;
  if (!same(relBackend(base), relBackend(current)))
    changes.push({
      section: 'residency',
      kind: 'changed',
      subject: { kind: 'stack' },
      field: { kind: 'backend', before: b.backend, after: a.backend },
      effects: [],
    });
  for (const [region, before, after] of pairs(b.residencyExceptions, a.residencyExceptions, (r) => r)) {
    if (!before || !after)
      changes.push({
        section: 'residency',
        kind: after ? 'added' : 'removed',
        subject: { kind: 'stack' },
        field: { kind: 'residency-exception', region },
        effects: [after ? 'widens-access' : 'narrows-access'],
      });
  }
  return changes;
}

/**
 * Where the data is: a region or jurisdiction changed (a move the configuration declared, `movedFrom`), and a stack
 * in a region outside its jurisdiction that was not before. A trust stack holds no data (IAM is global): its
 * provider's region changing moves nothing.
 */
export function residencyMoves(base: StackModel | undefined, current: StackModel): Change[] {
  const a = current.identity;
  const b = base?.identity;
  const holdsData = a.role !== 'trust';
  const changes: Change[] = [];
  if (b && b.region !== a.region) {
    changes.push({
      section: 'residency',
      kind: 'changed',
      subject: { kind: 'stack' },
      field: {
        kind: 'region',
        before: b.region,
        after: a.region,
        jurisdictionBefore: b.jurisdiction,
        jurisdictionAfter: a.jurisdiction,
      },
      effects: holdsData ? ['moves-residency', 'moves-data'] : [],
    });
  } else if (b && b.jurisdiction !== a.jurisdiction && holdsData) {
    changes.push({
      section: 'residency',
      kind: 'changed',
      subject: { kind: 'stack' },
      field: { kind: 'jurisdiction', before: b.jurisdiction, after: a.jurisdiction, region: a.region },
      effects: ['moves-residency'],
    });
  }
  const outside = outsideJurisdiction(a);
  const wasOutside = b ? outsideJurisdiction(b) : null;
  if (
    outside &&
    !(wasOutside && wasOutside.region === outside.region && wasOutside.jurisdiction === outside.jurisdiction)
  ) {
    changes.push({
      section: 'residency',
      kind: 'added',
      subject: { kind: 'stack' },
      field: { kind: 'outside-jurisdiction', ...outside },
      effects: ['moves-residency'],
    });
  }
  return changes;
}

function costChanges(base: StackReport, current: StackReport): Change[] {
  return (current.cost?.lines ?? []).flatMap((line, i): Change[] => {
    const before = base.cost?.lines[i];
    const changed = before && (Math.abs(before.total - line.total) >= 0.01 || !same(before.notPriced, line.notPriced));
    return changed
      ? [
          {
            section: 'cost',
            kind: 'changed',
            subject: { kind: 'cost', eventsPerMonth: line.events },
            field: {
              kind: 'monthly-total',
              before: before.total,
              after: line.total,
              notPricedBefore: before.notPriced,
              notPricedAfter: line.notPriced,
            },
            effects: [],
          },
        ]
      : [];
  });
}

/** Every change between two versions of one stack, by section. */
export function stackChanges(base: StackReport, current: StackReport): Change[] {
  const changes = [
    ...identityChanges(base.model, current.model),
    ...storeChanges(base.model, current.model),
    ...copyChanges(base.model, current.model),
    ...keyChanges(base.model, current.model),
    ...roleChanges(base.model, current.model),
    ...policyChanges(base.model, current.model),
    ...accessChanges(base.model, current.model),
    ...alertChanges(base.model, current.model),
    ...costChanges(base, current),
  ];
  return changes.sort((x, y) => SECTIONS.indexOf(x.section) - SECTIONS.indexOf(y.section));
}

/** Stacks of both sides paired by identity (residency.ts): the same stack, or the deployment it says it moved from. */
function matchStacks(
  base: StackReport[],
  current: StackReport[],
): [StackReport | undefined, StackReport | undefined][] {
  return pairByIdentity(base, current, (r) => r.model.identity);
}

/** Per stack of either side: added, removed, changed or unchanged, with its changes and their effects. */
export function compareReports(
  base: StackReport[],
  current: StackReport[],
  source: StackReview['source'] = 'change',
): StackReview[] {
  return matchStacks(base, current)
    .map(([b, a]): StackReview => {
      if (!b) {
        const changes = [...residencyMoves(undefined, a!.model), ...outsiderGrants(a!.model)];
        return {
          stack: a!.stack,
          status: 'added',
          changes,
          effects: unique(changes.flatMap((c) => c.effects)),
          model: a!.model,
          source,
        };
      }
      if (!a) {
        const destroys = b.model.stores.some((s) => s.kind === 's3' && s.protection !== 'prevent-destroy');
        return {
          stack: b.stack,
          status: 'removed',
          changes: [],
          effects: destroys ? ['shortens-retention'] : [],
          model: b.model,
          source,
        };
      }
      const changes = stackChanges(b, a);
      return {
        stack: a.stack,
        ...(b.stack !== a.stack ? { baseStack: b.stack } : {}),
        status: changes.length ? 'changed' : 'unchanged',
        changes,
        effects: unique(changes.flatMap((c) => c.effects)),
        model: a.model,
        baseModel: b.model,
        source,
      };
    })
    .sort((x, y) => x.stack.localeCompare(y.stack));
}

/** The gate's failures: per stack, the effects in GATED. */
export function gateFailures(reviews: StackReview[]): { stack: string; effect: Effect; change?: Change }[] {
  return reviews.flatMap((r) => {
    const fromChanges = r.changes.flatMap((c) =>
      c.effects.filter((e) => GATED.includes(e)).map((effect) => ({ stack: r.stack, effect, change: c })),
    );
    const fromStack =
      r.status === 'removed'
        ? r.effects.filter((e) => GATED.includes(e)).map((effect) => ({ stack: r.stack, effect }))
        : [];
    return [...fromChanges, ...fromStack];
  });
}

export type { Key };
