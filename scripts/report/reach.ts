/**
 * Who can reach a store, as the report states it: the one seam between the model and the stores' reachability
 * sentences (words.reachability). Today it reads what the model holds — the bucket's public access block, and the
 * stack's roles that web identities may assume; the access matrix (model/, IAM policy evaluation) will fill it instead,
 * and no sentence changes shape. It does not evaluate policies itself: it states only what a statement names.
 */
import type { Role, StackModel, Statement, Store } from '../../model/types';
import { iamWildcardMatch } from '../../model/values';

/** Identities anyone can obtain — the identity pool's guests — allowed actions on the store, through a role. */
export interface GuestReach {
  role: string;
  actions: string[];
}

export type StoreReach =
  /** An S3 bucket: its public access block, and whoever its bucket and key policies and the account's IAM allow. */
  | { kind: 'bucket'; publicAccessBlocked: boolean }
  /** No resource policy and no public endpoint: the account's IAM principals, and the web identities below. */
  | { kind: 'iam'; guests: GuestReach[] };

/** Whether a role is assumed by web identities (Cognito identity pool credentials, for guests too). */
const webIdentity = (r: Role) => r.trust.some((s) => s.effect === 'Allow' && s.principals.some((p) => p.kind === 'federated' && p.provider === 'cognito-identity.amazonaws.com'));

/** Whether a statement's resources name the store (by reference, or by its name in a literal ARN). */
const names = (s: Statement, store: Store) =>
  s.resources.some((v) => (v.kind === 'own' ? v.address === store.address : v.text === '*' || v.text.endsWith(`/${store.name}`) || v.text.endsWith(`:${store.name}`)));

export function storeReach(model: StackModel, store: Store): StoreReach {
  if (store.publicAccess !== 'no-public-endpoint') return { kind: 'bucket', publicAccessBlocked: store.publicAccess === 'blocked' };
  const guests = model.roles.filter(webIdentity).flatMap((r): GuestReach[] => {
    const actions = r.permissions.filter((s) => s.effect === 'Allow' && names(s, store)).flatMap((s) => s.actions);
    return actions.length ? [{ role: r.name, actions: [...new Set(actions)].sort() }] : [];
  });
  return { kind: 'iam', guests };
}

/** The actions a reach allows that match an IAM action (wildcards in the policy). */
export const allows = (g: GuestReach, action: string) => g.actions.some((a) => iamWildcardMatch(a, action, true));
