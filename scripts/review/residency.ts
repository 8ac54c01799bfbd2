/**
 * Residency in the change review: which stack of the base a stack of the change is (pairing by identity only), and
 * what a change does to where its data is (a move to another region or jurisdiction, a stack outside its
 * jurisdiction's regions). compare.ts turns these into changes with effects; render.ts says them.
 *
 * Pairing: a stack pairs with its earlier self — the same role, environments and region (model/types.ts `stackKey`,
 * so a new account id is the same stack), or, for a pipeline, the deployment its configuration says it moved from
 * (`movedFrom`). A state stack whose deployments changed pairs with the one of the same region that held state of
 * one of them; a trust stack (IAM is global) with the one that served one of its environments. Nothing else pairs:
 * a removed stack and an unrelated added one are reviewed as removed and added.
 */
import { BUILT_IN_JURISDICTIONS } from '../../config/jurisdictions';
import type { Identity } from '../../model/types';
import { stackKey } from '../../model/types';

/** The regions a stack's jurisdiction allows: from its facts, or (an older synth) the built-in table; null: unknown. */
export function jurisdictionRegionsOf(id: Identity): string[] | null {
  if (id.jurisdictionRegions !== undefined) return id.jurisdictionRegions;
  return id.jurisdiction ? (BUILT_IN_JURISDICTIONS[id.jurisdiction]?.regions ?? null) : null;
}

/** The jurisdictions of the built-in table whose regions hold `region`, for the words (`us-west-2 (US)`). */
export function regionJurisdictions(region: string): string[] {
  return Object.entries(BUILT_IN_JURISDICTIONS)
    .filter(([code, j]) => code !== 'EEA' && j.regions.includes(region))
    .map(([code]) => code);
}

/** A stack whose region is outside its jurisdiction (allowed only by a configured exception): what and why. */
export function outsideJurisdiction(
  id: Identity,
): { region: string; jurisdiction: string; regionJurisdictions: string[]; reason: string | null } | null {
  if (id.role === 'trust' || !id.jurisdiction) return null; // IAM is global: a trust stack holds no data of a region
  const allowed = jurisdictionRegionsOf(id);
  if (allowed === null || allowed.includes(id.region)) return null;
  return {
    region: id.region,
    jurisdiction: id.jurisdiction,
    regionJurisdictions: regionJurisdictions(id.region),
    reason: id.regionExceptions?.[id.region] ?? null,
  };
}

const pipelineKey = (id: Identity) => `${id.environments[0] ?? ''}/${id.region}`;
const overlaps = (a: string[], b: string[]) => a.some((e) => b.includes(e));

/** Pairs the stacks of two sides by identity; [base, current] with one side undefined for a removed or added stack. */
export function pairByIdentity<T>(
  base: T[],
  current: T[],
  identity: (t: T) => Identity,
): [T | undefined, T | undefined][] {
  const result: [T | undefined, T | undefined][] = [];
  const removed = new Map(base.map((b) => [stackKey(identity(b)), b]));
  const added: T[] = [];
  for (const a of current) {
    const key = stackKey(identity(a));
    const b = removed.get(key);
    if (b !== undefined) {
      result.push([b, a]);
      removed.delete(key);
    } else {
      added.push(a);
    }
  }
  const pair = (a: T, b: T) => {
    result.push([b, a]);
    removed.delete(stackKey(identity(b)));
    added.splice(added.indexOf(a), 1);
  };
  // A pipeline its configuration says was another deployment (`movedFrom`: a move or a rename).
  for (const a of [...added]) {
    const id = identity(a);
    if (id.role !== 'pipeline' || !id.movedFrom) continue;
    const b = [...removed.values()].find(
      (r) => identity(r).role === 'pipeline' && pipelineKey(identity(r)) === id.movedFrom,
    );
    if (b !== undefined) pair(a, b);
  }
  // A state stack (same region) or a trust stack whose deployments changed: paired when exactly one candidate on
  // each side.
  const sameServer = (b: Identity, a: Identity) =>
    b.role === a.role &&
    overlaps(b.environments, a.environments) &&
    (a.role === 'trust' || (a.role === 'state' && a.region === b.region));
  for (const a of [...added]) {
    const candidates = [...removed.values()].filter((b) => sameServer(identity(b), identity(a)));
    if (
      candidates.length !== 1 ||
      added.filter((other) => sameServer(identity(candidates[0]), identity(other))).length !== 1
    )
      continue;
    pair(a, candidates[0]);
  }
  return [
    ...result,
    ...[...removed.values()].map((b) => [b, undefined] as [T, undefined]),
    ...added.map((a) => [undefined, a] as [undefined, T]),
  ];
}
