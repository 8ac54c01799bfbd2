/**
 * One erasure request carried out against a stack's bucket, resumable at any point. Per object key, every run does
 * the same, so a run that stops anywhere is finished by the next:
 *   1. the current version holds erased records → a write-ahead note in the journal, then the object rewritten
 *      without them (same key, storage class and encryption; conditional on the version read, so a concurrent
 *      change is re-read instead of overwritten) — or, when nothing is left, removed with every version (no empty
 *      object, no delete marker);
 *   2. every older version of a rewritten key is deleted, and any noncurrent version holding erased records (a
 *      run stopped after step 1, an object deleted or overwritten earlier) is deleted too;
 *   3. an archived version (Deep Archive, Glacier Flexible Retrieval) cannot be read: a restore is started and the
 *      key is pending until a later run finds it restored.
 * Query results holding an id are deleted with their versions (results are derived and re-runnable). The request
 * (the ids' MACs under the receipt key), the journals, the segments of results and the receipt are JSON objects in the
 * stack's own bucket (`erasure-requests/<request>/`), encrypted like the rest.
 *
 * Past one machine, a request is split into shards by a hash of each key: `n` runs, each with its own journal, share
 * the keys without overlap, on as many machines as there are shards (docs/operating.md, "Past one machine").
 */
import { createHash } from 'node:crypto';
import { filterObject, idMatcher, resultText, type IdMatcher, type MatchField } from './records';
import { MAC_ALGORITHM, type IdMacer, type MacKeyed } from './receipt-mac';
import { ARCHIVED_CLASSES } from '../../config/aws';
import { retentionStep } from '../../config/rewrite-retention';
import { forEachConcurrently, inParallel } from '../concurrency';

export interface ObjectVersion {
  key: string;
  versionId: string;
  latest: boolean;
  deleteMarker: boolean;
  storageClass: string;
  lastModified: Date;
  /** Bytes (0 for a delete marker). */
  size: number;
}

export interface ObjectHead {
  etag: string;
  storageClass: string;
  /** `none`: not archived or no restore asked; `ongoing`; `restored` (readable until the restore expires). */
  restore: 'none' | 'ongoing' | 'restored';
  encryption?: string;
  kmsKeyId?: string;
  contentType?: string;
  contentEncoding?: string;
  /** When the data was first written, carried by a rewritten object (config/rewrite-retention.ts). */
  firstWritten?: string;
}

/** The bucket, as the erasure uses it (S3 in scripts/erase/s3-store.ts; an in-memory one in the tests). */
export interface ErasureStore {
  /**
   * Every version and delete marker under a prefix, page by page as S3 lists them: in key order, each key's versions
   * together. A run never holds a folder's listing in memory (millions of objects at the largest volumes).
   */
  versions(prefix: string): AsyncIterable<ObjectVersion>;
  head(key: string, versionId: string): Promise<ObjectHead>;
  get(key: string, versionId: string): Promise<Buffer>;
  /** The last `n` bytes of a version (a ranged GET, `Range: bytes=-n`), or all of it when it is shorter. */
  tail(key: string, versionId: string, n: number): Promise<Buffer>;
  /**
   * A new current version, only if the current one still has `ifMatch` as its ETag: its version id, or `changed`. With
   * `retention`, it carries when its data was first written and is tagged with the days it has left.
   */
  replace(
    key: string,
    body: Buffer,
    like: ObjectHead,
    ifMatch: string,
    retention?: { firstWritten: string; daysLeft: number },
  ): Promise<string | 'changed'>;
  deleteVersion(key: string, versionId: string): Promise<void>;
  restore(key: string, versionId: string, days: number): Promise<void>;
  readJson<T>(key: string): Promise<T | undefined>;
  writeJson(key: string, value: unknown): Promise<void>;
  /** Writes only if the key does not exist yet (S3 conditional write, `If-None-Match: *`): false when it did. */
  createJson(key: string, value: unknown): Promise<boolean>;
  /** The current keys under a prefix (ListObjectsV2: the erasure policy lets it list only the requests folder so). */
  keys(prefix: string): Promise<string[]>;
}

/** Days a restored copy stays readable: long enough for the next run to find it. */
export const RESTORE_DAYS = 7;

/** What Athena read: the folders it read whole, and per key the version listed before its query (athena-locate.ts). */
export interface AthenaRead {
  folders: Set<string>;
  read: Map<string, string>;
  /**
   * JSON events (the raw-line query): per key, the bytes of the lines Athena read (each line's UTF-8 bytes and one
   * for its newline). A key is left unread only when this equals its uncompressed size (uncompressedSize): Athena may
   * read part of a GZIP object (trinodb/trino#18223: only the first of concatenated members; bytes after a member are
   * ignored). Undefined for Parquet events (located through the events table: a Parquet file is read by its footer,
   * whole or not at all).
   */
  bytes?: Map<string, number>;
}

/**
 * The size of an object's text as Athena reads it, to compare with the bytes Athena read: the listed size of a plain
 * object; of a key ending in `.gz` (Athena picks the codec by extension) the GZIP trailer's ISIZE — the uncompressed
 * size modulo 2^32, little-endian, in its last 4 bytes (RFC 1952 §2.3.1) — fetched with a ranged GET. Of several
 * members the trailer is only the last's, so a two-member object shows a size Athena's bytes do not match: read whole.
 */
export async function uncompressedSize(store: ErasureStore, v: ObjectVersion): Promise<number | undefined> {
  if (!v.key.endsWith('.gz')) return v.size;
  if (v.size < 18) return undefined;
  const trailer = await store.tail(v.key, v.versionId, 4);
  return trailer.length === 4 ? trailer.readUInt32LE(0) : undefined;
}

export interface ErasureRequest {
  /** The request's own id (the ticket): a re-run with the same id resumes it. */
  request: string;
  stack: string;
  ids: string[];
  /** Event fields the ids are matched against: dotted paths, or with their case rule and type (records.ts). */
  fields: (string | MatchField)[];
  /**
   * Lines holding an id's characters that are not JSON objects (never removed on a guess): `keep` them, `remove`
   * them, or, by default, keep them and leave the request pending until someone decides.
   */
  unparsed?: 'keep' | 'remove';
  /** Static folders: events, failed records, query results. */
  folders: { data: string; errors: string; results: string };
  /** Where journals and receipts are kept. */
  requestsFolder: string;
  /**
   * The receipts' MACs of the ids: the key a new request's MACs are made with (the stack's receipt key alias; a
   * request already begun keeps the key ARN its record names), and what makes them (receipt-mac.ts).
   */
  mac: { key: string; of: IdMacer };
  /**
   * Days after their first write when events and failed records expire (the lifecycle's `expirationDays`): a rewrite
   * keeps that date (config/rewrite-retention.ts), and an object with less than a day left is deleted, not rewritten.
   * Default: rewrites are not tagged (tests of other behaviour).
   */
  expirationDays?: number;
  /** Firehose's buffer interval: events sent up to then may still arrive after the first run. */
  bufferSeconds: number;
  /** When the app stopped sending for these ids. Default: the request's first run. */
  appStoppedAt?: Date;
  now?: () => Date;
  /**
   * Planted interruption (e2e, tests): throws after this many rewrites, each written but its old versions not
   * yet deleted.
   */
  stopAfterRewrites?: number;
  /**
   * Keys of the events folder located as holding the ids (athena-locate.ts), the folders Athena read whole, and the
   * objects Athena read (`read`: key → the version listed before the query, each in Athena's `$path` set). A key
   * outside `located` is left unread only when its folder is one of those, Athena read that key, its one version is
   * still the version listed (so the one Athena read), it has no version Athena does not read (archived, noncurrent),
   * and — JSON events — Athena read as many bytes of it as its text holds (AthenaRead.bytes, uncompressedSize). Every
   * other key is read — whatever its LastModified says (S3's clock, not the operator's; a multipart object is dated
   * from its upload's start, so a date before the listing does not show Athena read it). Default: every key is read.
   */
  located?: Set<string>;
  athenaFolders?: AthenaRead;
  /** This run's share of the keys: `index` of `count` (from 0). Default: every key. */
  shard?: Shard;
  /** Changed keys per segment (tests). Default: `SEGMENT_KEYS`. */
  segmentKeys?: number;
  /** Keys erased at once, and KMS calls made at once for the ids' MACs. Default: `DEFAULT_CONCURRENCY`. */
  concurrency?: number;
}

/**
 * Keys a run erases at once: each key costs four or more S3 round trips (list, head, get, put, deletes) besides its
 * CPU, so one key at a time leaves the core waiting on the network.
 */
export const DEFAULT_CONCURRENCY = 8;

export interface Shard {
  index: number;
  count: number;
}

/** The shard a key belongs to: the same on every machine and run. */
export const shardOf = (key: string, count: number): number =>
  createHash('sha256').update(key).digest().readUInt32BE(0) % count;

const shardLabel = (s?: Shard) => (s ? `${s.index}-of-${s.count}` : 'all');

type Action = 'rewritten' | 'deleted' | 'versions-deleted' | 'result-deleted';
interface KeyResult {
  action: Action;
  recordsRemoved: number;
  versionsDeleted: number;
  /** Records found per id, by its index in the request's `idHashes` (absent: none). */
  found?: Record<number, number>;
  /** Lines holding an id's characters that were not JSON objects, removed as asked (`--unparsed remove`). */
  unparsedRemoved?: number;
}

export type Pending =
  | { kind: 'restore'; key: string; versionId: string; since: string }
  | { kind: 'firehose-buffer'; until: string }
  /**
   * Lines holding an id's characters that are not JSON: kept until `--unparsed keep` or `--unparsed remove` decides.
   */
  | { kind: 'unparsed'; lines: number }
  /**
   * A query result the run cannot read as text (Parquet, another binary format): whether it names an id is not known.
   */
  | { kind: 'unreadable-result'; key: string; versionId: string }
  /**
   * An events or failed-records object the run cannot decode (a codec's magic or a Hadoop-Snappy header, and no line a
   * JSON object: records.ts, undecodable): whether it holds an id is not known, so the request is never done while it
   * is there. A NUL byte or a codec's magic in one record (any app user can send one) never makes its object so.
   */
  | { kind: 'unreadable-object'; key: string; versionId: string; reason: string };

/** What identifies a request, written once by its first run (any shard): every later run checks its ids against it. */
export interface RequestRecord extends MacKeyed {
  request: string;
  stack: string;
  /** HMAC-SHA-256 of each id under `macKey`, sorted: which ids a request named, checkable only with the key. */
  idMacs: string[];
  fields: string[];
  startedAt: string;
}

/**
 * One shard's progress (or `all`'s), read back by its next run. It stays small whatever the number of objects: it
 * holds the write-ahead notes of changes not yet in a segment, and how many segments there are. A note is written
 * before its change and leaves only when the change's result is in a segment, so a run stopped anywhere finishes it
 * and counts it once.
 */
interface Journal {
  shard: string;
  /**
   * Write-ahead notes: a change begun (rewrite, removal, versions deleted, a query result deleted), with what
   * it removes.
   */
  intents: Record<
    string,
    {
      from: string;
      recordsRemoved: number;
      action: Action;
      versions: string[];
      found?: Record<number, number>;
      unparsedRemoved?: number;
    }
  >;
  /** Segments written: `done.<shard>.<n>.json` for n below this. */
  segments: number;
  /** What those segments hold, added up when each is written: the receipt adds the journals, not the segments. */
  totals: Totals;
  /** Records found per id (index in the request's `idMacs`), added up like `totals`. */
  found?: Record<number, number>;
  runs: { at: string; shard: string; objectsScanned: number; changed: number }[];
  /** What the last run of this shard left pending. */
  pending: Pending[];
}

/**
 * Results of up to `SEGMENT_KEYS` changed keys, and the restores started meanwhile: written once (again only after a
 * stop, with the same results), read back only for the restores.
 */
interface Segment {
  results: Record<string, KeyResult>;
  restores: Record<string, string>;
}

/**
 * Keys per segment: a journal holds at most this many notes (about 250 bytes each: some 50 KB written per change),
 * and a request's receipt reads one segment per this many changed keys (35,000 at 7 M objects).
 */
export const SEGMENT_KEYS = 200;

export interface Receipt extends MacKeyed {
  request: string;
  stack: string;
  /** When the request was first run, and when this receipt was written. */
  startedAt: string;
  writtenAt: string;
  /**
   * HMAC-SHA-256 of every id under `macKey` (a KMS HMAC key only the erasure may use): whether a given id was erased is
   * checked with KMS VerifyMac by those allowed; the ids cannot be read back, nor a guess tested without the key.
   */
  idMacs: string[];
  fields: string[];
  /** Records found and removed per id, in the order of `idMacs`: a 0 is an id that matched nothing (check it). */
  recordsPerId: number[];
  /** Ids that matched no record in any run: counted, never named. */
  idsWithoutRecords: number;
  /** Lines holding an id's characters that were not JSON objects, removed as asked (`--unparsed remove`). */
  unparsedRemoved: number;
  objectsRewritten: number;
  objectsDeleted: number;
  recordsRemoved: number;
  versionsDeleted: number;
  queryResultsDeleted: number;
  /** What is pending for the request: this run's, and with shards, what the other shards' last runs left. */
  pending: Pending[];
  /** Shards of this run's split that have not run yet: the request is not done until each has. */
  shardsNotRun: string[];
  runs: Journal['runs'];
  /**
   * How this run covered each folder of the events: by Athena (it read every object listed there; the run read the
   * located ones, and every object Athena did not read or whose version changed since the listing), or read whole by
   * the run. Every folder is one or the other.
   */
  coverage: { athena: string[]; read: string[] };
  /** What this run read and changed (0 on a re-run that found nothing left), and what it left pending. */
  thisRun: { shard: string; objectsScanned: number; changed: number; pending: number; unparsedKept: number };
}

export class PlantedInterruption extends Error {}

/**
 * The request cannot go on as asked (other ids, another stack, a shard's rewrite to finish first): said, not a
 * stack trace.
 */
export class RequestError extends Error {}

/** The objects of a request's folder: what identifies it, each shard's journal, the receipt, the saved location. */
export function requestPaths(requestsFolder: string, request: string, shard?: Shard) {
  const folder = `${requestsFolder}${request}/`;
  const label = shardLabel(shard);
  return {
    folder,
    record: `${folder}request.json`,
    journals: `${folder}journal`,
    journal: `${folder}journal${shard ? `.${label}` : ''}.json`,
    segments: `${folder}done.`,
    segment: (n: number) => `${folder}done.${label}.${String(n).padStart(6, '0')}.json`,
    receipt: `${folder}receipt.json`,
    located: `${folder}located.json`,
  };
}

/**
 * The MACs of the ids under a key, in the order of `ids`, and the key's ARN: one KMS GenerateMac per distinct id, at
 * most `concurrency` at a time (a request may name thousands of ids; KMS throttles a burst of them).
 */
export async function macsOf(
  mac: IdMacer,
  keyId: string,
  ids: string[],
  concurrency: number,
): Promise<{ keyArn: string; macs: string[] }> {
  const distinct = [...new Set(ids)];
  const made = await inParallel(distinct, concurrency, (id) => mac(keyId, id));
  // An alias moved to another key while the calls ran: the MACs are under two keys, and no record can name both.
  const keys = new Set(made.map((m) => m.keyArn));
  if (keys.size > 1)
    throw new RequestError(
      `${keyId} named ${keys.size} keys while the ids' MACs were made (${[...keys].join(', ')}): ` +
        `run the request again once the alias stays on one key`,
    );
  const byId = new Map(distinct.map((id, i) => [id, made[i].mac]));
  return { keyArn: made[0]?.keyArn ?? keyId, macs: ids.map((id) => byId.get(id)!) };
}

/**
 * The request's record: read, or written by this run when it is the first. Shards starting together race to write
 * it; the conditional write lets one win, and the others check their ids' MACs against it. A record from before
 * receipts were keyed (a salt beside SHA-256 hashes, which let a holder test a guess) is refused: such a request is
 * run again under a new name. Returns the record and each of `r.ids`' MACs.
 */
export async function beginRequest(
  store: ErasureStore,
  r: Pick<ErasureRequest, 'request' | 'stack' | 'ids' | 'fields' | 'requestsFolder' | 'now' | 'mac' | 'concurrency'>,
): Promise<RequestRecord & { macsOfIds: string[] }> {
  const concurrency = r.concurrency ?? DEFAULT_CONCURRENCY;
  const key = requestPaths(r.requestsFolder, r.request).record;
  let record = await store.readJson<RequestRecord>(key);
  refuseSalted(r.request, record);
  let made: { keyArn: string; macs: string[] } | undefined;
  if (!record) {
    made = await macsOf(r.mac.of, r.mac.key, r.ids, concurrency);
    const { keyArn, macs } = made;
    const fresh: RequestRecord = {
      request: r.request,
      stack: r.stack,
      macKey: keyArn,
      macAlgorithm: MAC_ALGORITHM,
      idMacs: [...new Set(macs)].sort(),
      fields: r.fields.map((f) => (typeof f === 'string' ? f : f.path)),
      startedAt: (r.now ?? (() => new Date()))().toISOString(),
    };
    record = (await store.createJson(key, fresh)) ? fresh : await store.readJson<RequestRecord>(key);
    refuseSalted(r.request, record);
  }
  if (!record || record.stack !== r.stack)
    throw new RequestError(
      `request ${r.request} belongs to ${record?.stack ?? 'no stack'}: give this one its own --request`,
    );
  // The record's key by ARN: the alias may have been moved to another key since. MACs this run made under that
  // key (it wrote the record, or another shard did with the same key) are not asked of KMS again.
  const { macs } = made?.keyArn === record.macKey ? made : await macsOf(r.mac.of, record.macKey, r.ids, concurrency);
  if (JSON.stringify([...new Set(macs)].sort()) !== JSON.stringify(record.idMacs))
    throw new RequestError(`request ${r.request} was started with other ids: give this one its own --request`);
  return { ...record, macsOfIds: macs };
}

/** A record or receipt written before receipts were keyed: it holds a salt, and no MAC key. */
function refuseSalted(request: string, record: unknown): void {
  const r = record as { salt?: unknown; macKey?: unknown } | undefined;
  if (r && (r.salt !== undefined || r.macKey === undefined)) {
    throw new RequestError(
      `request ${request} was begun by an older npm run erase, whose record keeps salted SHA-256 ` +
        `hashes of the ids beside their salt (anyone holding it could test a guessed id): it cannot be ` +
        `resumed. Run the request again under a new --request (its receipt will hold MACs under the ` +
        `stack's receipt key); the old folder expires with erasure.receiptRetentionDays`,
    );
  }
}

/** The keys under a prefix with their versions, one key at a time, as they are listed. */
export async function* keysWithVersions(
  store: ErasureStore,
  prefix: string,
): AsyncGenerator<[string, ObjectVersion[]]> {
  let key: string | undefined;
  let group: ObjectVersion[] = [];
  for await (const v of store.versions(prefix)) {
    if (v.key !== key) {
      if (key !== undefined) yield [key, group];
      [key, group] = [v.key, []];
    }
    group.push(v);
  }
  if (key !== undefined) yield [key, group];
}

/** The versions of one key. */
export async function versionsOfKey(store: ErasureStore, key: string): Promise<ObjectVersion[]> {
  const out: ObjectVersion[] = [];
  for await (const v of store.versions(key)) if (v.key === key) out.push(v);
  return out;
}

/** What the receipt counts. */
type Totals = Pick<
  Receipt,
  | 'objectsRewritten'
  | 'objectsDeleted'
  | 'recordsRemoved'
  | 'versionsDeleted'
  | 'queryResultsDeleted'
  | 'unparsedRemoved'
>;

const noTotals = (): Totals => ({
  objectsRewritten: 0,
  objectsDeleted: 0,
  recordsRemoved: 0,
  versionsDeleted: 0,
  queryResultsDeleted: 0,
  unparsedRemoved: 0,
});

/** A segment's results added to totals. A key has one result in one segment (its note leaves the journal with it). */
function addUp(totals: Totals, found: Record<number, number>, segment: Segment): void {
  for (const result of Object.values(segment.results)) {
    for (const [i, n] of Object.entries(result.found ?? {})) found[Number(i)] = (found[Number(i)] ?? 0) + n;
    totals.unparsedRemoved += result.unparsedRemoved ?? 0;
    if (result.action === 'result-deleted') {
      totals.queryResultsDeleted++;
      continue;
    }
    if (result.action === 'rewritten') totals.objectsRewritten++;
    if (result.action === 'deleted') totals.objectsDeleted++;
    totals.recordsRemoved += result.recordsRemoved;
    totals.versionsDeleted += result.versionsDeleted;
  }
}

/** When each restore this shard started was started: from its own segments, one at a time. */
async function restoresOf(store: ErasureStore, r: ErasureRequest): Promise<Record<string, string>> {
  const restores: Record<string, string> = {};
  for (const key of await store.keys(`${requestPaths(r.requestsFolder, r.request).segments}${shardLabel(r.shard)}.`))
    Object.assign(restores, (await store.readJson<Segment>(key))?.restores);
  return restores;
}

/** Every journal of the request, by shard label. */
async function journalsOf(store: ErasureStore, r: ErasureRequest): Promise<Map<string, Journal>> {
  const { journals } = requestPaths(r.requestsFolder, r.request);
  const out = new Map<string, Journal>();
  for (const key of await store.keys(journals)) {
    const j = await store.readJson<Journal>(key);
    if (j) out.set(j.shard, j);
  }
  return out;
}

/**
 * Carries out (or resumes) one request, or with `shard` its share of the keys; returns its receipt, also written to
 * the bucket.
 */
export async function runErasure(store: ErasureStore, r: ErasureRequest): Promise<Receipt> {
  const now = r.now ?? (() => new Date());
  const paths = requestPaths(r.requestsFolder, r.request, r.shard);
  const record = await beginRequest(store, r);
  const label = shardLabel(r.shard);
  const others = await journalsOf(store, r);
  const journal: Journal = others.get(label) ?? {
    shard: label,
    intents: {},
    segments: 0,
    totals: noTotals(),
    runs: [],
    pending: [],
  };
  others.delete(label);
  // A change another shard began is finished only by that shard (it alone owns its journal).
  for (const [other, j] of others) {
    const sibling = r.shard && other.endsWith(`-of-${r.shard.count}`);
    if (sibling || Object.keys(j.intents).length === 0) continue;
    const which =
      other === 'all'
        ? ['the run without --shard', 'without --shard']
        : [`shard ${other.replace('-of-', '/')}`, `--shard ${other.replace('-of-', '/')}`];
    throw new RequestError(
      `${which[0]} of request ${r.request} has a change to finish: run it again first (${which[1]})`,
    );
  }
  const inShard = (key: string) => !r.shard || shardOf(key, r.shard.count) === r.shard.index;
  const earlierRestores = await restoresOf(store, r);
  // Writes of the journal, one after another: each writes the journal as it is when its turn comes, which holds every
  // note made before it was asked for.
  let saving: Promise<void> = Promise.resolve();
  const save = () => (saving = saving.catch(() => undefined).then(() => store.writeJson(paths.journal, journal)));
  // Results wait here for their segment; their notes stay in the journal until it is written.
  let buffer: Segment = { results: {}, restores: {} };
  let buffered = 0;
  let flushing: Promise<void> = Promise.resolve();
  const flush = () =>
    (flushing = flushing.then(async () => {
      const segment = buffer;
      if (Object.keys(segment.results).length === 0 && Object.keys(segment.restores).length === 0) return;
      [buffer, buffered] = [{ results: {}, restores: {} }, 0];
      // A stop between these two writes leaves a segment the journal does not count: the next flush writes over it,
      // with every result it held again (their notes are still in the journal). The count and the notes change
      // together, so no journal write has one without the other.
      await store.writeJson(paths.segment(journal.segments), segment);
      journal.segments++;
      addUp((journal.totals = { ...noTotals(), ...journal.totals }), (journal.found ??= {}), segment);
      for (const key of Object.keys(segment.results)) delete journal.intents[key];
      await save();
    }));
  const done = async (key: string, result: KeyResult) => {
    buffer.results[key] = result;
    buffered++;
    run.changed++;
    if (buffered >= (r.segmentKeys ?? SEGMENT_KEYS)) await flush();
  };
  const matcher = idMatcher(r.ids, r.fields);
  // The matcher's id i is the request's idMacs[hashIndex[i]].
  const hashIndex = record.macsOfIds.map((mac) => record.idMacs.indexOf(mac));
  const pending: Pending[] = [];
  const run = { objectsScanned: 0, changed: 0, unparsedKept: 0 };
  // Keys with a note from an earlier run: each is finished when its key comes up, or after the listing if it is gone.
  const openFromEarlier = new Set(Object.keys(journal.intents));
  let rewrites = 0;
  const context: KeyContext = {
    store,
    matcher,
    filterOptions: { removeUnparsed: r.unparsed === 'remove' },
    ...(r.expirationDays !== undefined ? { expirationDays: r.expirationDays } : {}),
    found: (perId) => {
      const out: Record<number, number> = {};
      perId.forEach((n, i) => n > 0 && (out[hashIndex[i]] = (out[hashIndex[i]] ?? 0) + n));
      return Object.keys(out).length > 0 ? out : undefined;
    },
    journal,
    save,
    pending,
    run,
    now,
    restoredSince: (id) => buffer.restores[id] ?? earlierRestores[id],
    restoreStarted: (id) => {
      buffer.restores[id] = now().toISOString();
    },
    rewritten: () => {
      rewrites++;
      if (r.stopAfterRewrites !== undefined && rewrites >= r.stopAfterRewrites)
        throw new PlantedInterruption(`stopped after ${rewrites} rewrite(s), old versions not yet deleted (planted)`);
    },
  };

  const concurrency = r.concurrency ?? DEFAULT_CONCURRENCY;
  const covered = { athena: new Set<string>(), read: new Set<string>() };
  for (const [folder, failedRecords] of [
    [r.folders.data, false],
    [r.folders.errors, true],
  ] as const) {
    await forEachConcurrently(keysWithVersions(store, folder), concurrency, async ([key, versions]) => {
      if (!inShard(key)) return;
      // Athena read this key's one version: the version listed before its query, which it read (`$path`), still the
      // only one. Never judged by LastModified (S3's clock, and a multipart object's upload start).
      const athenaSawAll =
        versions.length === 1 &&
        versions.every(
          (v) =>
            v.latest &&
            !v.deleteMarker &&
            !ARCHIVED_CLASSES.has(v.storageClass) &&
            r.athenaFolders?.read.get(key) === v.versionId,
        );
      const keyFolder = key.slice(0, key.lastIndexOf('/') + 1);
      if (folder === r.folders.data) {
        const byAthena = r.located !== undefined && r.athenaFolders?.folders.has(keyFolder) === true;
        (byAthena ? covered.athena : covered.read).add(keyFolder);
        if (byAthena && !r.located!.has(key) && athenaSawAll && !journal.intents[key]) {
          // JSON events: only when Athena read every byte of the object's text (AthenaRead.bytes); else read whole.
          const bytes = r.athenaFolders!.bytes;
          if (bytes === undefined) return;
          const read = bytes.get(key);
          const size = await uncompressedSize(store, versions[0]);
          if (read !== undefined && size !== undefined && (key.endsWith('.gz') ? read % 2 ** 32 : read) === size)
            return;
        }
      }
      openFromEarlier.delete(key);
      const result = await eraseKey(context, key, versions, failedRecords);
      if (result) await done(key, result);
    });
  }

  // Query results that name an id: deleted with every version.
  await forEachConcurrently(keysWithVersions(store, r.folders.results), concurrency, async ([key, versions]) => {
    if (!inShard(key)) return;
    openFromEarlier.delete(key);
    const readable = versions.filter((v) => !v.deleteMarker);
    let holds = false;
    const unreadable: string[] = [];
    for (const v of readable) {
      const text = resultText(await store.get(key, v.versionId), key);
      if (text === undefined) unreadable.push(v.versionId);
      else if (matcher.mentions(text)) holds = true;
    }
    // Never skipped unseen: a result the run cannot read as text is kept and named, and the request stays pending
    // (unless another version names an id: then every version goes).
    if (!holds) for (const versionId of unreadable) pending.push({ kind: 'unreadable-result', key, versionId });
    run.objectsScanned += readable.length;
    const earlier = journal.intents[key];
    if (!holds && !earlier) return;
    // Noted first: a run stopped midway deletes the rest next time, and counts the result once.
    if (holds) {
      journal.intents[key] = {
        from: '',
        recordsRemoved: 0,
        action: 'result-deleted',
        versions: versions.map((v) => v.versionId),
      };
      await save();
    }
    const present = new Set(versions.map((v) => v.versionId));
    const doomed = journal.intents[key].versions;
    for (const id of doomed.filter((v) => present.has(v))) await store.deleteVersion(key, id);
    await done(key, { action: 'result-deleted', recordsRemoved: 0, versionsDeleted: doomed.length });
  });

  // Notes of an earlier run whose key is gone (an object removed with every version, a query result deleted): the
  // change is complete, and counted now.
  for (const key of openFromEarlier) {
    const intent = journal.intents[key];
    if (!intent || buffer.results[key]) continue;
    const present = new Set((await versionsOfKey(store, key)).map((v) => v.versionId));
    for (const id of intent.versions.filter((v) => present.has(v))) await store.deleteVersion(key, id);
    await done(key, {
      action: intent.action,
      recordsRemoved: intent.recordsRemoved,
      versionsDeleted: intent.versions.length,
      ...(intent.found ? { found: intent.found } : {}),
      ...(intent.unparsedRemoved ? { unparsedRemoved: intent.unparsedRemoved } : {}),
    });
  }
  await flush();

  const stopped = r.appStoppedAt ?? new Date(record.startedAt);
  // Firehose delivers a buffer at most bufferSeconds after its first record; a minute more for the delivery itself.
  const until = new Date(stopped.getTime() + (r.bufferSeconds + 60) * 1000);
  if (now() < until) pending.push({ kind: 'firehose-buffer', until: until.toISOString() });
  if (run.unparsedKept > 0 && r.unparsed !== 'keep') pending.push({ kind: 'unparsed', lines: run.unparsedKept });
  journal.runs.push({
    at: now().toISOString(),
    shard: label,
    objectsScanned: run.objectsScanned,
    changed: run.changed,
  });
  journal.pending = pending;
  await save();

  // The receipt sums every segment. A run over every key speaks for the whole request; a shard adds what its
  // siblings' last runs left, and names the siblings that have not run.
  const journals = [journal, ...(await journalsOf(store, r)).values()].filter(
    (j, i, all) => all.findIndex((x) => x.shard === j.shard) === i,
  );
  const siblings = r.shard
    ? journals.filter((j) => j.shard !== label && j.shard.endsWith(`-of-${r.shard!.count}`))
    : [];
  const allPending = [...pending, ...siblings.flatMap((j) => j.pending)].filter(
    (p, i, all) => all.findIndex((q) => JSON.stringify(q) === JSON.stringify(p)) === i,
  );
  const shardsNotRun = r.shard
    ? Array.from({ length: r.shard.count }, (_, i) => shardLabel({ index: i, count: r.shard!.count })).filter(
        (s) => !journals.some((j) => j.shard === s),
      )
    : [];
  const totals = noTotals();
  for (const j of journals) for (const k of Object.keys(totals) as (keyof Totals)[]) totals[k] += j.totals[k] ?? 0;
  const recordsPerId = record.idMacs.map((_, i) => journals.reduce((n, j) => n + (j.found?.[i] ?? 0), 0));
  const receipt: Receipt = {
    request: record.request,
    stack: record.stack,
    startedAt: record.startedAt,
    writtenAt: now().toISOString(),
    macKey: record.macKey,
    macAlgorithm: record.macAlgorithm,
    idMacs: record.idMacs,
    fields: record.fields,
    coverage: {
      athena: [...covered.athena].filter((f) => !covered.read.has(f)).sort(),
      read: [...covered.read].sort(),
    },
    recordsPerId,
    idsWithoutRecords: recordsPerId.filter((n) => n === 0).length,
    ...totals,
    pending: allPending,
    shardsNotRun,
    runs: journals.flatMap((j) => j.runs).sort((a, b) => a.at.localeCompare(b.at)),
    thisRun: { shard: label, ...run, pending: pending.length },
  };
  await store.writeJson(paths.receipt, receipt);
  return receipt;
}

/** What every key of a run shares. */
interface KeyContext {
  store: ErasureStore;
  matcher: IdMatcher;
  filterOptions: { removeUnparsed: boolean };
  expirationDays?: number;
  /** Records found per matcher id → per request id hash (undefined when none). */
  found: (perId: number[]) => Record<number, number> | undefined;
  journal: Journal;
  save: () => Promise<void>;
  pending: Pending[];
  run: { objectsScanned: number; unparsedKept: number };
  now: () => Date;
  /** When a restore of this `key@version` was started, by this run or an earlier one (any shard). */
  restoredSince: (id: string) => string | undefined;
  restoreStarted: (id: string) => void;
  /** Called after each rewrite is written (the planted interruption throws here). */
  rewritten: () => void;
}

/** Steps 1–3 for one key; the result when anything changed. */
async function eraseKey(
  c: KeyContext,
  key: string,
  versions: ObjectVersion[],
  failedRecords: boolean,
): Promise<KeyResult | undefined> {
  const { store, matcher, journal, save, pending, run, rewritten } = c;
  // Events objects: their name must agree with their bytes (records.ts, FilterOptions.key).
  const options = { ...c.filterOptions, failedRecords, ...(failedRecords ? {} : { key }) };
  const readable: ObjectVersion[] = [];
  for (const v of versions.filter((x) => !x.deleteMarker)) {
    if (!ARCHIVED_CLASSES.has(v.storageClass)) {
      readable.push(v);
      continue;
    }
    const head = await store.head(key, v.versionId);
    if (head.restore === 'restored') {
      readable.push(v);
      continue;
    }
    const id = `${key}@${v.versionId}`;
    if (head.restore === 'none') {
      await store.restore(key, v.versionId, RESTORE_DAYS);
      c.restoreStarted(id);
    }
    pending.push({ kind: 'restore', key, versionId: v.versionId, since: c.restoredSince(id) ?? c.now().toISOString() });
  }
  if (readable.length < versions.filter((x) => !x.deleteMarker).length) return undefined;

  let current = versions.find((v) => v.latest && !v.deleteMarker);
  for (let attempt = 0; current && attempt < 3; attempt++) {
    const head = await store.head(key, current.versionId);
    const filtered = await filterObject(await store.get(key, current.versionId), matcher, options);
    run.objectsScanned++;
    if (filtered.unreadable !== undefined) {
      pending.push({ kind: 'unreadable-object', key, versionId: current.versionId, reason: filtered.unreadable });
      break;
    }
    run.unparsedKept += filtered.unparsed - filtered.unparsedRemoved;
    if (filtered.removed === 0) break;
    // The rewrite keeps its data's expiry: the date of the first write, carried, and the days left, as a tag. With
    // less than a day left the object is due: deleted with its versions, not rewritten to outlive it.
    const firstWritten = head.firstWritten ?? current.lastModified.toISOString();
    const daysLeft =
      c.expirationDays === undefined ? undefined : retentionStep(c.expirationDays, new Date(firstWritten), c.now());
    const body = daysLeft === null ? null : filtered.body;
    const action: Action = body ? 'rewritten' : 'deleted';
    // Every version there now goes: the one read, and any older copy.
    const doomed = versions.filter((v) => !v.deleteMarker || action === 'deleted').map((v) => v.versionId);
    const found = c.found(filtered.perId);
    const unparsedRemoved = filtered.unparsedRemoved || undefined;
    journal.intents[key] = {
      from: current.versionId,
      recordsRemoved: filtered.removed,
      action,
      versions: doomed,
      ...(found ? { found } : {}),
      ...(unparsedRemoved ? { unparsedRemoved } : {}),
    };
    await save();
    if (body) {
      const written = await store.replace(
        key,
        body,
        head,
        head.etag,
        daysLeft === undefined || daysLeft === null ? undefined : { firstWritten, daysLeft },
      );
      if (written === 'changed') {
        // Changed since it was read: read the new current version and start over.
        versions = await versionsOfKey(store, key);
        current = versions.find((v) => v.latest && !v.deleteMarker);
        continue;
      }
      rewritten();
    }
    for (const id of doomed) await store.deleteVersion(key, id);
    return {
      action,
      recordsRemoved: filtered.removed,
      versionsDeleted: doomed.length,
      ...(found ? { found } : {}),
      ...(unparsedRemoved ? { unparsedRemoved } : {}),
    };
  }
  // A rewrite begun by an earlier run: its old versions go now.
  const intent = journal.intents[key];
  const present = new Set(versions.map((v) => v.versionId));
  if (intent) {
    for (const id of intent.versions.filter((v) => present.has(v))) await store.deleteVersion(key, id);
    return {
      action: intent.action,
      recordsRemoved: intent.recordsRemoved,
      versionsDeleted: intent.versions.length,
      ...(intent.found ? { found: intent.found } : {}),
      ...(intent.unparsedRemoved ? { unparsedRemoved: intent.unparsedRemoved } : {}),
    };
  }
  // Noncurrent versions holding erased records (an object deleted or overwritten earlier): noted, then deleted.
  const holding: string[] = [];
  const perId = matcher.ids.map(() => 0);
  for (const v of versions.filter((x) => !x.deleteMarker && x.versionId !== current?.versionId)) {
    run.objectsScanned++;
    const filtered = await filterObject(await store.get(key, v.versionId), matcher, options);
    if (filtered.unreadable !== undefined)
      pending.push({ kind: 'unreadable-object', key, versionId: v.versionId, reason: filtered.unreadable });
    filtered.perId.forEach((n, i) => (perId[i] += n));
    if (filtered.removed > 0) holding.push(v.versionId);
  }
  if (holding.length === 0) return undefined;
  const found = c.found(perId);
  journal.intents[key] = {
    from: '',
    recordsRemoved: 0,
    action: 'versions-deleted',
    versions: holding,
    ...(found ? { found } : {}),
  };
  await save();
  for (const id of holding) await store.deleteVersion(key, id);
  return {
    action: 'versions-deleted',
    recordsRemoved: 0,
    versionsDeleted: holding.length,
    ...(found ? { found } : {}),
  };
}
