/**
 * Values as policies and settings hold them, made comparable: a reference to a resource of the stack becomes an
 * `own` value (its address), anything else a literal with the stack's account id and region replaced by tokens.
 */
import type { Condition, Principal, Statement, Value } from './types';
import { asList, parsePolicy, type Statement as JsonStatement } from '../terraform-json/policy';

/** Where a stack lives: what a literal is made relative to. */
export interface Home {
  account: string;
  region: string;
}

export const ACCOUNT_TOKEN = '<account>';
export const REGION_TOKEN = '<region>';

const REFERENCE = /^\$\{([a-z0-9_]+\.[A-Za-z0-9_-]+)\.([a-z_]+)\}(.*)$/s;

/** The stack's own account id and region replaced by tokens. */
export function relative(text: string, home: Home): string {
  let out = text;
  if (/^\d{12}$/.test(home.account)) out = out.split(home.account).join(ACCOUNT_TOKEN);
  if (home.region) out = out.split(home.region).join(REGION_TOKEN);
  return out;
}

/** A value of the JSON (a reference `${type.name.attribute}…` or a literal) as a comparable Value. */
export function valueOf(raw: unknown, home: Home): Value {
  const text = String(raw);
  const ref = REFERENCE.exec(text);
  if (ref && !ref[3].includes('${'))
    return { kind: 'own', address: ref[1], attribute: ref[2], suffix: relative(ref[3], home) };
  return { kind: 'literal', text: relative(text, home) };
}

/** A stable text of a value, for sets and equality. */
export const valueKey = (v: Value): string => (v.kind === 'own' ? `${v.address}.${v.attribute}${v.suffix}` : v.text);

function principalsOf(principal: unknown, home: Home): Principal[] {
  if (principal === undefined) return [];
  if (principal === '*') return [{ kind: 'any' }];
  return Object.entries(principal as Record<string, unknown>)
    .flatMap(([type, values]) =>
      asList(values as string | string[]).map((v): Principal => {
        // Regional service principals (logs.<region>.amazonaws.com) are relative too.
        if (type === 'Service') return { kind: 'service', service: relative(String(v), home) };
        if (type === 'Federated') return { kind: 'federated', provider: relative(String(v), home) };
        return v === '*' ? { kind: 'any' } : { kind: 'aws', value: valueOf(v, home) };
      }),
    )
    .sort((a, b) => principalKey(a).localeCompare(principalKey(b)));
}

export const principalKey = (p: Principal): string =>
  p.kind === 'service'
    ? `service:${p.service}`
    : p.kind === 'federated'
      ? `federated:${p.provider}`
      : p.kind === 'aws'
        ? `aws:${valueKey(p.value)}`
        : 'any';

function conditionsOf(condition: JsonStatement['Condition'], home: Home): Condition[] {
  return Object.entries(condition ?? {})
    .flatMap(([operator, entries]) =>
      Object.entries(entries).map(([key, values]) => ({
        operator,
        key,
        values: asList(values as string | string[])
          .map((v) => valueOf(v, home))
          .sort((a, b) => valueKey(a).localeCompare(valueKey(b))),
      })),
    )
    .sort((a, b) => `${a.operator} ${a.key}`.localeCompare(`${b.operator} ${b.key}`));
}

/** A policy document (JSON text) as statements; an unreadable one as none (the synth gate refuses it). */
export function statementsOf(policy: unknown, home: Home): Statement[] {
  return (parsePolicy(policy) ?? []).map((s) => ({
    effect: s.Effect === 'Deny' ? 'Deny' : 'Allow',
    principals: principalsOf(s.Principal, home),
    actions: asList(s.Action).map(String).sort(),
    resources: asList(s.Resource)
      .map((r) => valueOf(r, home))
      .sort((a, b) => valueKey(a).localeCompare(valueKey(b))),
    conditions: conditionsOf(s.Condition, home),
    ...(s.NotPrincipal !== undefined ? { notPrincipals: principalsOf(s.NotPrincipal, home) } : {}),
    ...(s.NotAction !== undefined ? { notActions: asList(s.NotAction).map(String).sort() } : {}),
    ...(s.NotResource !== undefined
      ? {
          notResources: asList(s.NotResource)
            .map((r) => valueOf(r, home))
            .sort((a, b) => valueKey(a).localeCompare(valueKey(b))),
        }
      : {}),
  }));
}
