/**
 * Locating the objects that hold the ids with one Athena query in the stack's workgroup, instead of reading every
 * object: every object of the events table Athena read, and whether it holds an id (Athena user guide,
 * "Getting the file locations for source data in Amazon S3": the `$path` pseudo-column). One scan: an aggregation per
 * object, one row each.
 *
 * Coverage is proven, not assumed: Athena reads only the partitions the catalog knows (a crawler may not have seen a
 * new day's folder yet) and the folders a projection's template names. The run lists the folder first; a folder is
 * covered by Athena only when Athena read every current, readable object the listing holds there, key by key.
 * Every other folder — uncatalogued, changed since, or with objects Athena cannot read — is read whole by the run
 * itself, and the receipt says which way each folder was covered. Short prefixes of the ids' digests are execution
 * parameters, each a quoted SQL string (Athena user guide, "Use parameterized queries"), never the ids nor their full
 * digests (LOCATE_DIGEST_PREFIX_HEX). Its scan is estimated before it runs from the size of the
 * objects Athena can read, priced with the region's sourced Athena price, and checked against the workgroup's scan
 * cutoff, which would cancel it. Athena reads only current objects in classes it can read: archived ones and older
 * versions are still read by the run itself (engine.ts).
 */
import {
  GetQueryExecutionCommand,
  GetQueryResultsCommand,
  GetWorkGroupCommand,
  StartQueryExecutionCommand,
  type AthenaClient,
} from '@aws-sdk/client-athena';
import { createHash } from 'node:crypto';
import type { ObjectVersion } from './engine';
import { ARCHIVED_CLASSES } from './engine';
import { matchField, type MatchField } from './records';

export interface LocateTarget {
  workgroup: string;
  database: string;
  table: string;
  bucket: string;
  /** The events folder, `data/`. */
  folder: string;
  /** Athena's price per TB scanned in the region, when sourced. */
  pricePerTb?: number;
}

const quoteIdentifier = (name: string) => `"${name.replace(/"/g, '""')}"`;
const quoteString = (value: string) => `'${value.replace(/'/g, "''")}'`;

/** The SHA-256 of an id's UTF-8 bytes, in upper-case hex (Trino's `to_hex(sha256(…))`). */
export const idDigest = (id: string) => createHash('sha256').update(id, 'utf8').digest('hex').toUpperCase();

/**
 * How many hex characters of each id's digest the locating query sends: 4, so 16^4 = 65,536 possible prefixes. The
 * parameters stay in the erasure workgroup's query history for 45 days and may be in CloudTrail's StartQueryExecution
 * events; a reader of either who can query the events table could hash every client id and name the erased device
 * from a full digest (SHA-256 without salt or key). A prefix only narrows the reader to the client ids sharing it,
 * about 1 in 65,536 of them (k-anonymity: with N client ids, about N / 65,536 devices per prefix; a table with fewer
 * client ids than that gives the device little or no company). The trade-off: the query also marks every object
 * holding a device that shares a prefix, and the run reads those too, leaving them intact (it matches ids exactly
 * after JSON decoding, records.ts): per id, about 1 in 65,536 of the other devices adds its objects to the reads,
 * never to the deletions. Shorter prefixes hide better and read more; longer ones read less and hide worse.
 */
export const LOCATE_DIGEST_PREFIX_HEX = 4;

/** What the query sends for an id: the first LOCATE_DIGEST_PREFIX_HEX characters of its digest. */
export const idDigestPrefix = (id: string) => idDigest(id).slice(0, LOCATE_DIGEST_PREFIX_HEX);

/**
 * The query and its parameters: every id once per field, in order. The ids never appear in the query or its execution
 * parameters, which Athena keeps in the workgroup's query history for 45 days, nor do their full digests: each field's
 * value is hashed in the query (Trino `sha256`, `to_hex`; Athena engine version 3 functions), cut to its first
 * LOCATE_DIGEST_PREFIX_HEX characters (Trino `substr(string, start, length)`, positions from 1:
 * https://trino.io/docs/current/functions/string.html) and compared with the same prefixes of the ids' SHA-256
 * digests. A field whose ids match in any case (the contract's id fields) is lower-cased first, as the run matches it
 * (records.ts); a bigint field has its digits cast. The query only finds candidates — every object holding a device
 * whose digest shares a prefix: the run decides, record by record. One row per object Athena read (`$path`), with
 * whether it holds a candidate.
 */
export function locateQuery(
  t: Pick<LocateTarget, 'database' | 'table'>,
  ids: string[],
  fields: (string | MatchField)[],
): { sql: string; parameters: string[] } {
  const placeholders = ids.map(() => '?').join(', ');
  const typed = fields.map((f) => (typeof f === 'string' ? matchField(f) : f));
  const where = typed
    .map((f) => {
      const column = f.path.split('.').map(quoteIdentifier).join('.');
      const value =
        f.type === 'bigint' ? `CAST(${column} AS varchar)` : f.caseInsensitive ? `lower(${column})` : column;
      return `substr(to_hex(sha256(to_utf8(${value}))), 1, ${LOCATE_DIGEST_PREFIX_HEX}) IN (${placeholders})`;
    })
    .join(' OR ');
  // A row without the contract's required event_type is a record the SerDe could not read (malformed, skipped by
  // `ignore.malformed.json`, which the events table sets in every catalog mode) or not an event: its object is read by
  // the run, which counts such lines (records.ts). Should the SerDe give a malformed line no row at all, an object of
  // only such lines has no `$path`: its folder is then not covered (coverage()) and is read whole.
  // One row per object Athena read, whether it holds an id or not: the run compares the objects it listed with
  // these, key by key (a count would let an object Athena skipped hide behind one written after the listing).
  const sql = `SELECT "$path" AS path, bool_or(coalesce(${where}, false) OR "event_type" IS NULL) AS holds FROM ${quoteIdentifier(t.database)}.${quoteIdentifier(t.table)} GROUP BY "$path"`;
  return {
    sql,
    parameters: typed.flatMap((f) =>
      ids.map((id) => quoteString(idDigestPrefix(f.caseInsensitive ? id.toLowerCase() : id))),
    ),
  };
}

/** The folder of a key (`data/year=2026/x.gz` → `data/year=2026/`). */
export const folderOf = (key: string) => key.slice(0, key.lastIndexOf('/') + 1);

/**
 * The events folder as listed before the query: bytes Athena would read, and the keys of the current readable objects
 * per folder (compared key by key with the objects Athena read: about 100 bytes of memory per object).
 */
export interface Listing {
  bytes: number;
  folders: Map<string, Set<string>>;
  /** When the listing began: objects written later were not in it, and are read by the run. */
  at: Date;
}

/** Bytes Athena would read and objects per folder: the current, readable objects of the events folder. */
export async function listForLocating(
  versions: AsyncIterable<ObjectVersion> | ObjectVersion[],
  at = new Date(),
): Promise<Listing> {
  const listing: Listing = { bytes: 0, folders: new Map(), at };
  for await (const v of versions) {
    if (!v.latest || v.deleteMarker || ARCHIVED_CLASSES.has(v.storageClass)) continue;
    listing.bytes += v.size;
    const folder = folderOf(v.key);
    if (!listing.folders.has(folder)) listing.folders.set(folder, new Set());
    listing.folders.get(folder)!.add(v.key);
  }
  return listing;
}

/** Bytes Athena would read: the current, readable objects of the events folder. */
export async function scannableBytes(versions: AsyncIterable<ObjectVersion> | ObjectVersion[]): Promise<number> {
  return (await listForLocating(versions)).bytes;
}

/** What the query found: the keys holding an id, and the keys of the objects Athena read per folder (relative to the bucket). */
export interface Located {
  keys: Set<string>;
  /** The keys Athena read, per folder. */
  folders: Map<string, Set<string>>;
}

/**
 * How each folder of the events was covered: by Athena (it read every key listed there), or read whole by the run.
 * Keys, not counts: Athena may not read an object listed (Hive's input formats pass over names beginning with `_` or
 * `.`; an object without a row has no `$path`) and reads objects written after the listing, so equal counts can hide an
 * object it never read. Keys
 * Athena read that were not listed (written later) do not matter: the run reads every key written after the listing.
 */
export function coverage(listing: Listing, located: Located): { athena: Set<string>; read: string[] } {
  const athena = new Set<string>();
  const read: string[] = [];
  for (const [folder, keys] of listing.folders) {
    const seen = located.folders.get(folder);
    if (seen && [...keys].every((k) => seen.has(k))) athena.add(folder);
    else read.push(folder);
  }
  return { athena, read: read.sort() };
}

export class LocateError extends Error {}

/** Runs the query; returns what it found and read. `say` gets the estimate before it runs. */
export async function locateWithAthena(
  athena: AthenaClient,
  t: LocateTarget,
  ids: string[],
  fields: (string | MatchField)[],
  bytes: number,
  say: (line: string) => void,
  pollMs = 1000,
): Promise<Located> {
  const gb = bytes / 2 ** 30;
  const cost =
    t.pricePerTb === undefined
      ? 'its price is not sourced for this region'
      : `about $${((bytes / 2 ** 40) * t.pricePerTb).toFixed(2)}`;
  say(`locating with Athena in ${t.workgroup}: scans up to ${gb.toFixed(2)} GB (${cost})`);
  const cutoff = (await athena.send(new GetWorkGroupCommand({ WorkGroup: t.workgroup }))).WorkGroup?.Configuration
    ?.BytesScannedCutoffPerQuery;
  if (cutoff !== undefined && bytes > cutoff) {
    throw new LocateError(
      `the workgroup cancels queries past ${(cutoff / 2 ** 30).toFixed(2)} GB, and the events are ${gb.toFixed(2)} GB: raise athena.bytesScannedCutoffPerQuery for the erasure, or use --locate scan`,
    );
  }
  const { sql, parameters } = locateQuery(t, ids, fields);
  const { QueryExecutionId } = await athena.send(
    new StartQueryExecutionCommand({
      QueryString: sql,
      ExecutionParameters: parameters,
      WorkGroup: t.workgroup,
      QueryExecutionContext: { Database: t.database },
    }),
  );
  for (;;) {
    const execution = (await athena.send(new GetQueryExecutionCommand({ QueryExecutionId }))).QueryExecution;
    const state = execution?.Status?.State;
    if (state === 'SUCCEEDED') break;
    if (state === 'FAILED' || state === 'CANCELLED')
      throw new LocateError(
        `the locating query ${state.toLowerCase()}: ${execution?.Status?.StateChangeReason ?? 'no reason given'} (--locate scan reads the objects instead)`,
      );
    await new Promise((r) => setTimeout(r, pollMs));
  }
  const located: Located = { keys: new Set(), folders: new Map() };
  const prefix = `s3://${t.bucket}/`;
  let NextToken: string | undefined;
  let header = true;
  do {
    const page = await athena.send(new GetQueryResultsCommand({ QueryExecutionId, NextToken }));
    for (const row of page.ResultSet?.Rows ?? []) {
      if (header) {
        header = false;
        continue;
      }
      const [path, holds] = (row.Data ?? []).map((d) => d.VarCharValue ?? '');
      if (!path.startsWith(prefix)) continue;
      const key = path.slice(prefix.length);
      const folder = folderOf(key);
      if (!located.folders.has(folder)) located.folders.set(folder, new Set());
      located.folders.get(folder)!.add(key);
      if (holds === 'true') located.keys.add(key);
    }
    NextToken = page.NextToken;
  } while (NextToken);
  return located;
}
