/**
 * How an erasure request is served on a stack, as data for the report's "Erasure" section: every place an event
 * has a copy (from the model's stores), how `npm run erase` removes it and how long that takes at most, who may run
 * it (the stack's erasure policy and role), and what locating a device's events and rewriting the objects cost at the
 * three volume tiers.
 */
import { ARCHIVED_CLASSES, FIREHOSE_DIRECT_PUT_RETENTION_HOURS } from '../../config/aws';
import { ERASURE_LOCATE_RESULTS_FOLDER, ERASURE_REQUESTS_FOLDER, erasurePolicyOf } from '../../config/names';
import type { AccessPrincipal } from '../../model/access';
import type { StackModel, StoreRole } from '../../model/types';
import { ASSUMPTIONS, price, rawGbOf, storedGbOf, VOLUMES } from './prices';

export type ErasureHow =
  'rewritten' | 'restored-then-rewritten' | 'delivered-then-rewritten' | 'deleted-when-naming-an-id';

export interface ErasureCopy {
  store: string;
  role: StoreRole;
  how: ErasureHow;
  /** The most hours after the request until this copy is gone, S3 reachable. */
  hours: number;
  /**
   * The most hours while S3 is unreachable: Firehose's buffer holds undeliverable Direct PUT records up to
   * FIREHOSE_DIRECT_PUT_RETENTION_HOURS (config/aws.ts) before they land or are dropped. Absent: as `hours`.
   */
  hoursWhileS3Unreachable?: number;
}

export interface ErasureCost {
  events: number;
  /** Data the retention window holds in classes Athena reads, GB: what locating with Athena scans. */
  queryableGb: number;
  /** Data of the window in archive classes, GB: restored before it can be read. */
  archivedGb: number;
  /** Athena's scan of the queryable window; null when Athena is not priced for the region. Over the cutoff: null. */
  athenaLocate: number | null;
  /**
   * Whether the workgroup's per-query cutoff cancels that scan (`npm run erase` refuses it; `--locate scan` reads
   * the objects).
   */
  locateOverCutoff: boolean;
  /**
   * Over the cutoff: what the query would be billed were it run anyway, cancelled at the cutoff's bytes
   * (ATHENA_CANCELLED_BILLING_SOURCE, config/aws.ts); `npm run erase` refuses it before it starts, so costs nothing.
   * Null otherwise, or when Athena is not priced.
   */
  cancelledLocate: number | null;
  /**
   * Objects the window holds: one per buffer flush of Firehose (`npm run erase` reads and rewrites them one by one).
   */
  objects: number;
  /**
   * S3 requests of rewriting every object of the window once (a GET, a HEAD and a PUT each, a LIST per 1,000): the
   * most a batch of requests costs at S3 Standard prices; deleting the old versions is free. Null when not priced.
   */
  rewriteRequests: number | null;
  /** Core-hours of rewriting every object of the window at the measured rate: what `--shard` spreads over machines. */
  rewriteCoreHours: number;
}

/**
 * A copy `npm run erase` does not edit, and what happens to it: a log (CloudWatch Logs events cannot be edited, only
 * their streams or group deleted), the requests' own receipts, the locating query's results (keys of objects, never
 * ids) and its entry in the erasure workgroup's query history.
 */
export type ErasureOutside =
  /** A store of the stack the command does not edit: a log group, the requests' receipts, the locating results. */
  | {
      what: 'log' | 'receipts' | 'locate-results';
      store: string;
      /** Days it is kept; null: never expires. */
      days: number | null;
    }
  /**
   * A workgroup's query history (kept ATHENA_HISTORY_DAYS): whether the erasure's locating query runs there (its SQL
   * holds digests of the ids) or analysts' queries do (an analyst's SQL naming an id holds the id), and who may read
   * that history, from the access matrix's `read-history` cells (allowed or conditional).
   */
  | { what: 'query-history'; workgroup: string; days: number; locating: boolean; readers: AccessPrincipal[] }
  /**
   * The account's CloudTrail trail, outside these stacks: its retention is the trail's (null: not this stack's to say).
   */
  | { what: 'cloudtrail'; days: null };

/**
 * Days Athena keeps a query's text and execution parameters in its history (Athena user guide, "View recent queries":
 * query history is kept for 45 days).
 */
export const ATHENA_HISTORY_DAYS = 45;

export interface ErasurePlan {
  /** The stack's erasure policy, and the role that has it (null: attach the policy where operators sign in). */
  policy: string | null;
  role: string | null;
  copies: ErasureCopy[];
  /** When the last copy the command erases is gone, at most, in hours after the request, S3 reachable. */
  hours: number;
  /** The same while S3 is unreachable (Firehose's buffer retains what it cannot deliver); null: no buffered copy. */
  hoursWhileS3Unreachable: number | null;
  /** Seconds of Firehose's buffer interval, when a buffer holds a copy (null: none). */
  bufferSeconds: number | null;
  /** Whether a copy is gone only after a second run (`npm run erase` exits 3 on the first, saying what is pending). */
  secondRun: boolean;
  /** Copies the command does not edit: each goes by its own retention. */
  outside: ErasureOutside[];
  costs: ErasureCost[];
  /** Parts of a request's cost the region's price file has no sourced price for. */
  notPriced: ErasureNotPriced[];
}

/**
 * `compute`: the machines the rewrite runs on (no compute price is sourced); `infrequent-access`: Standard-IA's
 * retrieval fee and request prices, when the window has Standard-IA objects.
 */
export type ErasureNotPriced = 's3-requests' | 'archive-retrieval' | 'infrequent-access' | 'compute';

/**
 * Hours until a restored copy of an archived object is readable, bulk tier: Deep Archive within 48 hours, Glacier
 * Flexible Retrieval 5–12 hours (S3 user guide, "Archive retrieval options").
 */
const BULK_RESTORE_HOURS: Record<string, number> = { DEEP_ARCHIVE: 48, GLACIER: 12 };

/** `cutoffBytes`: the Athena workgroup's per-query scan cutoff (null: none), which the locating query must fit. */
export function erasurePlan(model: StackModel, region: string, cutoffBytes: number | null = null): ErasurePlan | null {
  const eventStores = model.stores.filter((s) => s.role === 'event-data' || s.role === 'failed-records');
  if (eventStores.length === 0) return null;
  const copies: ErasureCopy[] = [];
  for (const s of eventStores) {
    const archive = s.retention.transitions.find((t) => ARCHIVED_CLASSES.has(t.storageClass));
    copies.push({
      store: s.name,
      role: s.role,
      how: archive ? 'restored-then-rewritten' : 'rewritten',
      hours: archive ? BULK_RESTORE_HOURS[archive.storageClass] : 0,
    });
  }
  for (const s of model.stores.filter((x) => x.role === 'buffer' && x.retention.buffer)) {
    copies.push({
      store: s.name,
      role: s.role,
      how: 'delivered-then-rewritten',
      hours: s.retention.buffer!.seconds / 3600,
      hoursWhileS3Unreachable: FIREHOSE_DIRECT_PUT_RETENTION_HOURS,
    });
  }
  // The erasure's own results (its locating query's: object keys and whether each holds an id) hold no record: not
  // a copy.
  const locateResults = (x: { name: string }) => x.name.endsWith(`/${ERASURE_LOCATE_RESULTS_FOLDER}`);
  for (const s of model.stores.filter((x) => x.role === 'query-results' && !locateResults(x)))
    copies.push({ store: s.name, role: s.role, how: 'deleted-when-naming-an-id', hours: 0 });
  // The locating query runs in the workgroup that writes its results (the erasure's own).
  const locatingWorkgroups = new Set(
    model.flow.flatMap((e) =>
      e.via.kind === 'query-results' &&
      e.to.kind === 's3' &&
      locateResults({ name: `${e.to.bucket}/${e.to.prefix}` }) &&
      e.from.kind === 'athena'
        ? [e.from.workgroup]
        : [],
    ),
  );
  // Every workgroup's history keeps its queries' SQL and parameters (ATHENA_HISTORY_DAYS): the locating query's in
  // the workgroup that writes its results (the erasure's own, first), analysts' queries in every other.
  const histories = model.access.targets
    .flatMap((t) => (t.kind === 'workgroup' ? [t] : []))
    .map((t) => ({
      what: 'query-history' as const,
      workgroup: t.name,
      days: ATHENA_HISTORY_DAYS,
      locating: locatingWorkgroups.has(t.name),
      readers: model.access.principals.filter((p) =>
        model.access.cells.some((c) => c.target === t.id && c.request === 'read-history' && c.principal === p.id),
      ),
    }))
    .sort((a, b) => Number(b.locating) - Number(a.locating));
  // Logs may quote record content (Firehose's error messages) or keys: kept their retention, never edited.
  const outside: ErasureOutside[] = [
    ...model.stores
      .filter((s) => s.role === 'logs')
      .map((s): ErasureOutside => ({ what: 'log', store: s.name, days: s.retention.expirationDays })),
    ...model.stores
      .filter((s) => s.name.endsWith(`/${ERASURE_REQUESTS_FOLDER}`))
      .map((s): ErasureOutside => ({ what: 'receipts', store: s.name, days: s.retention.expirationDays })),
    ...model.stores
      .filter(locateResults)
      .map((s): ErasureOutside => ({ what: 'locate-results', store: s.name, days: s.retention.expirationDays })),
    ...histories,
    // The account's trail, outside these stacks: its retention is the trail's (null here: not this stack's to say).
    { what: 'cloudtrail', days: null },
  ];

  const events = model.stores.find((s) => s.role === 'event-data')!;
  const keptDays = events.retention.expirationDays ?? 365;
  const queryableDays = Math.min(events.retention.notQueryableFromDay ?? keptDays, keptDays);
  const athena = price(region, 'athena.scanned')?.value;
  const [put, get] = [price(region, 's3.putRequests')?.value, price(region, 's3.getRequests')?.value];
  const parquet = model.flow.some((e) => e.via.kind === 'delivery' && e.via.parquet);
  const buffer = model.stores.find((s) => s.role === 'buffer')?.retention.buffer;
  const costs = VOLUMES.map((n): ErasureCost => {
    const gbPerDay = storedGbOf(n) / ASSUMPTIONS.daysPerMonth;
    const queryableGb = Math.round(gbPerDay * queryableDays);
    const overCutoff = cutoffBytes !== null && gbPerDay * queryableDays * 2 ** 30 > cutoffBytes;
    // Firehose writes an object when its buffer is full or its interval is up, whichever comes first (a stack
    // without a stream in its model: Firehose's defaults, 5 MiB and 300 s).
    const rawMbPerDay = (rawGbOf(n) / ASSUMPTIONS.daysPerMonth) * 1024;
    const { seconds: interval, mib } = buffer ?? { seconds: 300, mib: 5 };
    const objects = Math.round(keptDays * Math.max(86_400 / interval, rawMbPerDay / mib));
    const rewriteRequests =
      put === undefined || get === undefined
        ? null
        : Math.round((objects * (put + 2 * get) + Math.ceil(objects / 1000) * put) * 100) / 100;
    // JSON is rewritten at a rate per MB of JSON, Parquet per MB of Parquet (about the size of the GZIP'd JSON).
    const seconds = parquet
      ? (gbPerDay * keptDays * 1024) / ASSUMPTIONS.rewriteParquetMbPerSecond
      : (rawMbPerDay * keptDays) / ASSUMPTIONS.rewriteJsonMbPerSecond;
    return {
      events: n,
      queryableGb,
      archivedGb: Math.round(gbPerDay * (keptDays - queryableDays)),
      athenaLocate: athena === undefined || overCutoff ? null : Math.round((queryableGb / 1024) * athena * 100) / 100,
      locateOverCutoff: overCutoff,
      cancelledLocate:
        athena === undefined || !overCutoff ? null : Math.round((cutoffBytes! / 2 ** 40) * athena * 10_000) / 10_000,
      objects,
      rewriteRequests,
      rewriteCoreHours: Math.round((seconds / 3600) * 10) / 10,
    };
  });
  const policy = model.policies.find((p) => p.name === erasurePolicyOf(model.identity.stack));
  const role = policy ? model.roles.find((r) => policy.attachedTo.includes(r.address)) : undefined;
  return {
    policy: policy?.name ?? null,
    role: role?.name ?? null,
    copies,
    hours: Math.max(...copies.map((c) => c.hours)),
    hoursWhileS3Unreachable: copies.some((c) => c.hoursWhileS3Unreachable !== undefined)
      ? Math.max(...copies.map((c) => c.hoursWhileS3Unreachable ?? c.hours))
      : null,
    bufferSeconds: copies.some((c) => c.how === 'delivered-then-rewritten') ? (buffer?.seconds ?? null) : null,
    // A buffered copy lands after the first run; an archived one is readable only after its restore.
    secondRun: copies.some((c) => c.hours > 0),
    outside,
    costs,
    notPriced: [
      ...(put === undefined || get === undefined ? (['s3-requests'] as const) : []),
      ...(copies.some((c) => c.how === 'restored-then-rewritten') ? (['archive-retrieval'] as const) : []),
      ...(events.retention.transitions.some((t) => t.storageClass === 'STANDARD_IA' && t.days < keptDays)
        ? (['infrequent-access'] as const)
        : []),
      'compute' as const,
    ],
  };
}
