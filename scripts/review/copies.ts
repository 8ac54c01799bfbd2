/**
 * Where a bucket's objects go besides itself (model/types.ts `Store.copies`): replication, access logs and ACL
 * grants. The same change reads the same whether a pull request makes it or someone makes it outside Terraform
 * (a plan's `resource_drift`, reviewed by `review --plan` and `npm run drift`): a new replication destination copies
 * every new object to a bucket this stack does not hold — its region is not in an S3 ARN, so the copy may leave the
 * region and the jurisdiction (moves residency); access logs sent to a bucket outside the stack carry request
 * metadata out of it (moves residency); an ACL grant lets its grantee in besides the bucket policy (widens access).
 */
import type { StackModel, Store } from '../../model/types';
import { relative } from '../../model/values';
import type { Change, Effect } from '../report/changes';

const pairsOf = (base: Store[], current: Store[]) => {
  const before = new Map(base.filter((s) => s.kind === 's3').map((s) => [s.address, s]));
  return current
    .filter((s) => s.kind === 's3' && before.has(s.address))
    .map((s) => [before.get(s.address)!, s] as const);
};

/** The stack's own buckets, by name: a copy to one of them stays in the stack's region. */
const ownBuckets = (m: StackModel) => new Set(m.stores.filter((s) => s.kind === 's3').map((s) => s.name.split('/')[0]));
const bucketOf = (arnOrName: string) => arnOrName.replace(/^arn:[^:]+:s3:::/, '').split('/')[0];

export function copyChanges(base: StackModel, current: StackModel): Change[] {
  const changes: Change[] = [];
  const own = ownBuckets(current);
  const seen = new Set<string>();
  for (const [b, a] of pairsOf(base.stores, current.stores)) {
    // One bucket holds several stores (one per prefix): its copies are said once.
    if (seen.has(a.address)) continue;
    seen.add(a.address);
    if (!b.copies || !a.copies) continue;
    // Relative to each side's account and region (model/values.ts): a new account id moves no copy.
    const rel = (m: StackModel, copies: NonNullable<Store['copies']>) => {
      const r = (t: string) => relative(t, { account: m.identity.account, region: m.identity.region });
      return {
        replicatesTo: copies.replicatesTo.map(r),
        accessLogsTo: copies.accessLogsTo === null ? null : r(copies.accessLogsTo),
        aclGrants: copies.aclGrants.map(r),
      };
    };
    const [before, after] = [rel(base, b.copies), rel(current, a.copies)];
    const home = (t: string) =>
      t.split('<account>').join(current.identity.account).split('<region>').join(current.identity.region);
    const subject = { kind: 'store' as const, name: a.name.split('/')[0], address: a.address, storeKind: a.kind };
    const leaves = (target: string): Effect[] => (own.has(bucketOf(target)) ? [] : ['moves-residency']);
    for (const destination of after.replicatesTo.filter((d) => !before.replicatesTo.includes(d)).map(home)) {
      changes.push({
        section: 'residency',
        kind: 'added',
        subject,
        field: { kind: 'replication', destination, outsideStack: !own.has(bucketOf(destination)) },
        effects: leaves(destination),
      });
    }
    for (const destination of before.replicatesTo.filter((d) => !after.replicatesTo.includes(d)).map(home)) {
      changes.push({
        section: 'residency',
        kind: 'removed',
        subject,
        field: { kind: 'replication', destination, outsideStack: !own.has(bucketOf(destination)) },
        effects: [],
      });
    }
    if (before.accessLogsTo !== after.accessLogsTo) {
      changes.push({
        section: 'residency',
        kind: 'changed',
        subject,
        field: { kind: 'access-log-target', before: b.copies.accessLogsTo, after: a.copies.accessLogsTo },
        effects: a.copies.accessLogsTo ? leaves(a.copies.accessLogsTo) : [],
      });
    }
    for (const grant of after.aclGrants.filter((g) => !before.aclGrants.includes(g)).map(home))
      changes.push({
        section: 'exposure',
        kind: 'added',
        subject,
        field: { kind: 'acl-grant', grant },
        effects: ['widens-access'],
      });
    for (const grant of before.aclGrants.filter((g) => !after.aclGrants.includes(g)))
      changes.push({
        section: 'exposure',
        kind: 'removed',
        subject,
        field: { kind: 'acl-grant', grant },
        effects: ['narrows-access'],
      });
  }
  return changes;
}
