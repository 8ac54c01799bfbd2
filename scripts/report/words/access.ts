/** The access matrix (model/access.ts) and a store's reachability in words. */
import type {
  AccessLevel,
  AccessPrincipal,
  AccessRequest,
  AccessTarget,
  StandInPrincipalKind,
} from '../../../model/access';
import type { StorePolicy, StoreReach } from '../reach';
import { PUBLIC_ACCESS, STORE_ROLE } from './model';

/** A store's resource policy, for its reachability sentence. */
export const STORE_POLICY: Record<StorePolicy, string> = {
  'own-evaluated': 'its resource policy and the identity policies, evaluated',
  'none-in-stack': 'no resource policy in this stack; the identity policies, evaluated',
  'catalog-policy-outside-stack':
    "no Data Catalog resource policy in this stack (the account's, if one is " +
    'set outside it, is not seen); the identity policies, evaluated',
};

/**
 * Who can reach a store, in a sentence: the bucket's public access block and the outsiders the access matrix found;
 * for a stream, catalog or queue the matrix's answers (outsiders, the identity pool's guests, the account's
 * principals); for a store the matrix does not ask about, that it was not evaluated. From `storeReach` (reach.ts).
 */
export function reachability(r: StoreReach): string {
  if (r.kind === 'bucket') {
    const outside = r.outsiders.length
      ? `; outside the account: ${[...new Set(r.outsiders.map(outsiderName))].sort().join(', ')}`
      : '; no principal outside the account (evaluated)';
    return (
      `public access ${PUBLIC_ACCESS[r.publicAccessBlocked ? 'blocked' : 'not-blocked']}; the ` +
      `principals its bucket and key policies and the account's IAM allow${outside}`
    );
  }
  if (r.kind === 'not-evaluated')
    return (
      `not in the access evaluation (it asks of the buckets, key, topic, queue, stream ` +
      `and catalog): whoever the account's IAM policies ` +
      `allow; ${r.policy === 'none-in-stack' ? 'no resource policy in this stack' : STORE_POLICY[r.policy]}`
    );
  const outside = r.outsiders.length
    ? `outside the account: ${r.outsiders.map(accessPrincipal).join(', ')}`
    : 'no principal of another account';
  const guests = r.guests.map(
    (g) =>
      `anyone with the app's identity pool id, as a Cognito guest through role ${g.role} (${g.actions.join(', ')})`,
  );
  const inside = r.inside.length
    ? `in the account: ${r.inside.map(accessPrincipal).join('; ')}`
    : 'no principal of the account';
  return [STORE_POLICY[r.policy], outside, ...guests, inside].join('; ');
}

/** The access matrix's terms (model/access.ts) in a reviewer's words. */
export const ACCESS_REQUEST: Record<AccessRequest, string> = {
  read: 'read',
  write: 'write',
  delete: 'delete (or expire)',
  list: 'list',
  decrypt: 'decrypt with',
  administer: 'administer (its policies, trust or grants; redirect or delete it):',
  'change-policy': 'change the policy, ACL or public access block of',
  'put-records': 'put records into',
  'read-catalog': 'read the tables of',
  'change-catalog': 'change or delete the tables of',
  'read-history': "read the query history (each query's SQL, execution parameters and results) of",
  mac: 'compute or verify MACs (test a guessed id against the receipts) with',
  assume: 'assume',
  'act-outside': 'act outside the stack',
};

export const ACCESS_LEVEL: Record<AccessLevel, string> = {
  allowed: 'allowed',
  conditional: 'allowed under conditions',
  denied: 'denied',
};

/** Who a principal of the matrix is; account ids spelled out for anyone outside the stack's account. */
export function accessPrincipal(p: AccessPrincipal): string {
  switch (p.kind) {
    case 'stack-role':
      return `role ${p.name}`;
    case 'guest':
      return `app users (Cognito guests, role ${p.name})`;
    case 'policy-holder':
      return `whoever holds policy ${p.name}`;
    case 'deploy-plan':
    case 'deploy-apply':
      return p.name;
    case 'account-principal':
      return `any other principal of account ${p.account} its IAM policies allow`;
    case 'named-external':
      return `${p.name} (account ${p.account})`;
    case 'other-account':
      return 'a principal of any other account';
    case 'anyone':
      return 'anyone, unauthenticated';
    case 'web-identity':
      return `web identities of ${p.name}`;
    case 'service-for-another-account':
      return `${p.name} acting for another account (account ${p.account})`;
  }
}

/** What the access matrix's stand-in principals (model/access.ts `STAND_IN_PRINCIPALS`) are called in a list. */
export const STAND_IN_PRINCIPAL: Record<StandInPrincipalKind, string> = {
  'account-principal': 'any other principal of this account',
  'other-account': 'a principal of another account',
  anyone: 'anyone (anonymous)',
};

/** An outsider as a bucket's reachability lists it: its name, or what a stand-in is called. */
const outsiderName = (p: AccessPrincipal): string => ('name' in p ? p.name : STAND_IN_PRINCIPAL[p.kind]);

/** The access matrix's target for anything beyond the stack (model/access.ts `OutsideTarget`). */
export const OUTSIDE_THE_STACK = 'resources outside the stack';

export const accessTarget = (t: AccessTarget): string =>
  t.kind === 'outside'
    ? OUTSIDE_THE_STACK
    : t.kind === 'store' && t.storeRole
      ? `${STORE_ROLE[t.storeRole]} (${t.name})`
      : `${t.kind} ${t.name}`;

/** What a request asks, of its target: "read app events … (bucket/data/)", "act outside the stack". */
export const accessWhat = (request: AccessRequest, target: AccessTarget): string =>
  request === 'act-outside' ? ACCESS_REQUEST[request] : `${ACCESS_REQUEST[request]} ${accessTarget(target)}`;

/** Its actions, and for a conditional answer the keys that must match: " (s3:GetObject) when aws:SourceIp match". */
export const accessHow = (level: AccessLevel, actions: string[], conditionKeys: string[]): string =>
  `${actions.length ? ` (${actions.join(', ')})` : ''}` +
  `${level === 'conditional' && conditionKeys.length ? ` when ${conditionKeys.join(', ')} match` : ''}`;

/** One cell: "read app events delivered by Firehose (…/data/): allowed (s3:GetObject)". */
export const accessCell = (
  request: AccessRequest,
  target: AccessTarget,
  level: AccessLevel,
  actions: string[],
  conditionKeys: string[],
): string => `${accessWhat(request, target)}: ${ACCESS_LEVEL[level]}${accessHow(level, actions, conditionKeys)}`;
