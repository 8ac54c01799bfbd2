/**
 * Who can reach a store, as the report states it: the one seam between the model and the stores' reachability
 * sentences (words.reachability): the bucket's public access block, and from the access matrix (model/access.ts, every
 * policy evaluated) the principals outside the account that reach the store and the Cognito guests that do.
 */
import { OUTSIDER_KINDS } from '../../model/access';
import type { StackModel, Store } from '../../model/types';

/** Identities anyone can obtain — the identity pool's guests — allowed actions on the store, through a role. */
export interface GuestReach {
  role: string;
  actions: string[];
}

export type StoreReach =
  /** An S3 bucket: its public access block, and whoever its bucket and key policies and the account's IAM allow. */
  | { kind: 'bucket'; publicAccessBlocked: boolean; outsiders: string[] }
  /** No resource policy and no public endpoint: the account's IAM principals, and the web identities below. */
  | { kind: 'iam'; guests: GuestReach[] };


export function storeReach(model: StackModel, store: Store): StoreReach {
  const { principals, cells } = model.access;
  const kindOf = (id: string) => principals.find((p) => p.id === id);
  // The store's own target in the matrix: a bucket's folder, or the stream, log group, catalog or queue itself.
  const onStore = cells.filter((c) => c.target === store.id || c.target === store.address);
  if (store.publicAccess !== 'no-public-endpoint') {
    const outsiders = [...new Set(onStore.filter((c) => OUTSIDER_KINDS.some((k) => k === kindOf(c.principal)?.kind)).map((c) => kindOf(c.principal)!.name))].sort();
    return { kind: 'bucket', publicAccessBlocked: store.publicAccess === 'blocked', outsiders };
  }
  const guests = principals
    .filter((p) => p.kind === 'guest')
    .flatMap((p): GuestReach[] => {
      const actions = onStore.filter((c) => c.principal === p.id).flatMap((c) => c.actions);
      return actions.length ? [{ role: p.name, actions: [...new Set(actions)].sort() }] : [];
    });
  return { kind: 'iam', guests };
}
