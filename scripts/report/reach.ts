/**
 * Who can reach a store, as the report states it: the one seam between the model and the stores' reachability
 * sentences (words.reachability): the bucket's public access block, and from the access matrix (model/access.ts, every
 * policy evaluated) the principals outside the account that reach the store and the Cognito guests that do.
 */
import { OUTSIDER_KINDS, type AccessPrincipal } from '../../model/access';
import type { StackModel, Store, Value } from '../../model/types';

/** Identities anyone can obtain — the identity pool's guests — allowed actions on the store, through a role. */
export interface GuestReach {
  role: string;
  actions: string[];
}

/**
 * The resource policy of a store that has no bucket policy: one of the stack's (a queue policy) evaluated with the
 * rest; none in this stack (a stream, a log group: the matrix evaluated the identity policies alone); or, for the Glue
 * Data Catalog, none in this stack while the account's and region's catalog policy may be set outside it, unseen.
 */
export type StorePolicy = 'own-evaluated' | 'none-in-stack' | 'catalog-policy-outside-stack';

export type StoreReach =
  /** An S3 bucket: its public access block, and whoever its bucket and key policies and the account's IAM allow. */
  | { kind: 'bucket'; publicAccessBlocked: boolean; outsiders: AccessPrincipal[] }
  /**
   * A stream, catalog or queue the access matrix asks about: its resource policy, the outsiders that reach it (none
   * when the list is empty), the identity pool's guests, and the principals of the account that reach it.
   */
  | {
      kind: 'evaluated';
      policy: StorePolicy;
      outsiders: AccessPrincipal[];
      guests: GuestReach[];
      inside: AccessPrincipal[];
    }
  /** A store the access matrix does not ask about (a log group): nothing is said of who reaches it but that. */
  | { kind: 'not-evaluated'; policy: StorePolicy };

export function storeReach(model: StackModel, store: Store): StoreReach {
  const { principals, cells, targets } = model.access;
  const kindOf = (id: string) => principals.find((p) => p.id === id);
  // The store's own target in the matrix: a bucket's folder, or the stream, catalog or queue itself.
  const onStore = cells.filter((c) => c.target === store.id || c.target === store.address);
  if (store.publicAccess !== 'no-public-endpoint') {
    const outsiders = [
      ...new Map(
        onStore
          .map((c) => kindOf(c.principal))
          .filter((p): p is AccessPrincipal => p !== undefined && OUTSIDER_KINDS.includes(p.kind))
          .map((p) => [p.id, p]),
      ).values(),
    ];
    return { kind: 'bucket', publicAccessBlocked: store.publicAccess === 'blocked', outsiders };
  }
  const governs = (v: Value) => v.kind === 'own' && v.address === store.address;
  const policy: StorePolicy = model.resourcePolicies.some((r) => governs(r.governs))
    ? 'own-evaluated'
    : store.kind === 'glue-catalog'
      ? 'catalog-policy-outside-stack'
      : 'none-in-stack';
  if (!targets.some((t) => t.id === store.id || t.id === store.address)) return { kind: 'not-evaluated', policy };
  const reaching = [...new Set(onStore.map((c) => c.principal))]
    .map((id) => kindOf(id))
    .filter((p): p is AccessPrincipal => p !== undefined);
  const guests = reaching
    .flatMap((p) => (p.kind === 'guest' ? [p] : []))
    .map((p): GuestReach => ({
      role: p.name,
      actions: [...new Set(onStore.filter((c) => c.principal === p.id).flatMap((c) => c.actions))].sort(),
    }));
  const outsiders = reaching.filter((p) => OUTSIDER_KINDS.includes(p.kind));
  const inside = reaching.filter((p) => p.kind !== 'guest' && !OUTSIDER_KINDS.includes(p.kind));
  return { kind: 'evaluated', policy, outsiders, guests, inside };
}
