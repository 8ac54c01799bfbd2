/**
 * Locating the objects that hold the ids with one Athena query in the stack's workgroup, instead of reading every
 * object: every object Athena read, and whether it holds an id (Athena user guide, "Getting the file locations for
 * source data in Amazon S3": the `$path` pseudo-column). One scan: an aggregation per object, one row each. JSON events
 * are read as raw lines from the erasure's own table (locateLinesQuery: no JSON parser has to agree with the run's);
 * Parquet events through the events table's typed columns (locateQuery).
 *
 * Coverage is proven, not assumed: Athena reads only the partitions the catalog knows or a projection's template
 * names. The run lists the folder first; a folder is
 * covered by Athena only when Athena read every current, readable object the listing holds there, key by key.
 * Every other folder — not read, changed since, or with objects Athena cannot read — is read whole by the run
 * itself, and the receipt says which way each folder was covered. Short prefixes of the ids' digests are execution
 * parameters, each a quoted SQL string in a WHERE clause (Athena user guide, "Use parameterized queries";
 * wantedPrefixesSql), never the ids nor their full digests (LOCATE_DIGEST_PREFIX_HEX, config/names.ts). Its scan
 * is estimated before it runs from the size of the objects Athena can read, priced with the region's sourced Athena
 * price, and checked against the workgroup's scan cutoff, which would cancel it. Athena reads only current objects in
 * classes it can read: archived ones and older versions are still read by the run itself (engine.ts).
 */
import {
  GetQueryExecutionCommand,
  GetQueryResultsCommand,
  GetWorkGroupCommand,
  StartQueryExecutionCommand,
  type AthenaClient,
} from '@aws-sdk/client-athena';
import { createHash } from 'node:crypto';
import type { AthenaRead, ObjectVersion } from './engine';
import { ARCHIVED_CLASSES } from '../../config/aws';
import { matchField, type MatchField } from './records';
import { ERASURE_LINES_COLUMN, LOCATE_DIGEST_PREFIX_HEX } from '../../config/names';

export interface LocateTarget {
  workgroup: string;
  database: string;
  /** The events table (Parquet events are located through it). */
  table: string;
  /**
   * The erasure's raw-line table (stacks/constructs/erasure.ts), for JSON events: every line as written, one string
   * column. Undefined for Parquet events.
   */
  linesTable?: string;
  bucket: string;
  /** The events folder, `data/`. */
  folder: string;
  /** Athena's price per TB scanned in the region, when sourced. */
  pricePerTb?: number;
}

const quoteIdentifier = (name: string) => `"${name.replace(/"/g, '""')}"`;
const quoteString = (value: string) => `'${value.replace(/'/g, "''")}'`;

export class LocateError extends Error {}

/** The SHA-256 of an id's UTF-8 bytes, in upper-case hex (Trino's `to_hex(sha256(…))`). */
export const idDigest = (id: string) => createHash('sha256').update(id, 'utf8').digest('hex').toUpperCase();

/** What the query sends for an id: the first LOCATE_DIGEST_PREFIX_HEX characters of its digest. */
export const idDigestPrefix = (id: string) => idDigest(id).slice(0, LOCATE_DIGEST_PREFIX_HEX);

/**
 * A one-row subquery naming the digest prefixes sent, as an array column `prefixes`: every possible prefix is made in
 * the query (LOCATE_DIGEST_PREFIX_HEX / 2 bytes, each `sequence(0, 255)`: Trino's `sequence` makes at most 10,000
 * elements, https://trino.io/docs/current/functions/array.html; `format('%02X', …)` is Java's formatter,
 * https://trino.io/docs/current/functions/conversion.html#format, upper-case as `to_hex` writes) and kept only when it
 * is one of the parameters. The parameters stand in its WHERE clause, the only place Athena takes them ("Currently, ?
 * parameters can be placed only in the WHERE clause. Syntax like SELECT ? FROM table is not supported.": Athena user
 * guide, "Use parameterized queries",
 * https://docs.aws.amazon.com/athena/latest/ug/querying-with-prepared-statements.html). `array_agg` over no row is
 * NULL, so the array is never NULL but empty (`coalesce`); an aggregation without GROUP BY is one row whatever it
 * reads, so a CROSS JOIN with it keeps every row of the table.
 */
export function wantedPrefixesSql(count: number): string {
  const bytes = LOCATE_DIGEST_PREFIX_HEX / 2;
  const hex = Array.from({ length: bytes }, (_, i) => `b${i}`);
  const made = hex.map((b) => `UNNEST(sequence(0, 255)) AS ${b}_(${b})`).join(' CROSS JOIN ');
  const placeholders = Array.from({ length: count }, () => '?').join(', ');
  return (
    `(SELECT coalesce(array_agg(p), CAST(ARRAY[] AS array(varchar))) AS prefixes FROM (SELECT ` +
    `format('${'%02X'.repeat(bytes)}', ${hex.join(', ')}) AS p FROM ${made}) AS made WHERE p IN (${placeholders}))`
  );
}

/** The SQL test that a digest prefix of `value` is one of `wanted`'s (a column of wantedPrefixesSql). */
const prefixWanted = (wanted: string, value: string) =>
  `contains(${wanted}.prefixes, substr(to_hex(sha256(to_utf8(${value}))), 1, ${LOCATE_DIGEST_PREFIX_HEX}))`;

/**
 * The query over the events table (Parquet events) and its parameters: every id once per field, in order. The ids
 * never appear in the query or its execution parameters, which Athena keeps in the workgroup's query history for 45
 * days, nor do their full digests: each field's value is hashed in the query (Trino `sha256`, `to_hex`; Athena engine
 * version 3 functions), cut to its first LOCATE_DIGEST_PREFIX_HEX characters (Trino `substr(string, start, length)`,
 * positions from 1: https://trino.io/docs/current/functions/string.html) and compared with the same prefixes of the
 * ids' SHA-256 digests. A field whose ids match in any case (the contract's id fields) is lower-cased first, as the run
 * matches it (records.ts); a bigint field has its digits cast. The query only finds candidates — every object holding a
 * device whose digest shares a prefix: the run decides, record by record. One row per object Athena read (`$path`),
 * with whether it holds a candidate.
 */
export function locateQuery(
  t: Pick<LocateTarget, 'database' | 'table'>,
  ids: string[],
  fields: (string | MatchField)[],
): { sql: string; parameters: string[] } {
  const typed = fields.map((f) => (typeof f === 'string' ? matchField(f) : f));
  // One subquery of wanted prefixes per field (its ids' prefixes differ with its case rule): every `?` in a WHERE.
  const where = typed
    .map((f, i) => {
      const column = f.path.split('.').map(quoteIdentifier).join('.');
      const value =
        f.type === 'bigint' ? `CAST(${column} AS varchar)` : f.caseInsensitive ? `lower(${column})` : column;
      return prefixWanted(`wanted${i}`, value);
    })
    .join(' OR ');
  const wanted = typed.map((_, i) => ` CROSS JOIN ${wantedPrefixesSql(ids.length)} AS wanted${i}`).join('');
  // Parquet events (JSON events are located by locateLinesQuery). A row without the contract's required event_type is
  // not an event: its object is read by the run. Records Firehose could not convert are in the errors folder, which
  // every run reads whole; an object of which Athena returned no row has no `$path`: its folder is then not covered
  // (coverage()) and is read whole.
  // One row per object Athena read, whether it holds an id or not: the run compares the objects it listed with
  // these, key by key (a count would let an object Athena skipped hide behind one written after the listing).
  // No byte count here (unlike locateLinesQuery): a Parquet file is read through its footer, which lists every row
  // group; it is not a text stream a reader can stop early in (no GZIP members: Parquet compresses page by page), and
  // a file whose footer is not where it should be fails the query rather than reading part of it.
  // (Apache Parquet file format, https://parquet.apache.org/docs/file-format/)
  const sql =
    `SELECT "$path" AS path, bool_or(coalesce(${where}, false) OR "event_type" IS NULL) AS holds ` +
    `FROM ${quoteIdentifier(t.database)}.${quoteIdentifier(t.table)}${wanted} GROUP BY "$path"`;
  return {
    sql,
    parameters: typed.flatMap((f) =>
      ids.map((id) => quoteString(idDigestPrefix(f.caseInsensitive ? id.toLowerCase() : id))),
    ),
  };
}

/**
 * Locating JSON events without trusting a JSON parser. The events table's OpenX JSON SerDe does not read a line as the
 * run does (records.ts): it ignores text after a line's first object (two records on one line), keeps the last of
 * duplicate keys and folds keys' case (`case.insensitive`), has no column for an id outside the id fields, and may
 * give a malformed line no row; AWS warns its results can be non-deterministic (Athena user guide, "OpenX JSON SerDe",
 * https://docs.aws.amazon.com/athena/latest/ug/openx-json-serde.html). A query over that table could say an object
 * holds no id when the run, reading it, would find one. So JSON events are located through the erasure's own table
 * of raw lines (one string per line, stacks/constructs/erasure.ts), and an object is marked — read whole by the run,
 * which decides exactly — when any of its lines is marked by one of LINE_MARKS:
 *   - `null`: the SerDe gave the line no text (a line its regular expression did not match);
 *   - `escape`: it holds a JSON `\u` escape (LOCATE_ESCAPE): any character of an id may be written so, and only so —
 *     the ids of the contract's id fields are hex digits, hyphens, a colon and a region's letters, which no other
 *     JSON escape writes;
 *   - `not-one-object`: it is not blank and not one JSON object (Trino `try(CAST(json_parse(…) AS map(varchar, json)))`
 *     is NULL: not JSON, an array or scalar, or — where Trino refuses them in a map — duplicate keys). The run reads
 *     the line itself and counts it only when it holds an id's characters; the mark is the net under Athena's reading
 *     of the bytes: an object Athena cannot decode as the run does (a GZIP object whose name lacks `.gz`, read by the
 *     text reader as compressed bytes, whose codec it picks by file extension) shows no id but lines that are not JSON;
 *   - `id`: it holds an id-shaped token whose digest begins with a parameter: every window of UUID length
 *     (LOCATE_UUID_LENGTH) in every run of hex digits and hyphens (LOCATE_RUN_REGEX, the line lower-cased) that has a
 *     UUID's shape (LOCATE_UUID_SHAPE) is hashed — windows, not regular-expression matches, since matches do not
 *     overlap and one UUID-like run can hide the next — and a run longer than LOCATE_MAX_RUN marks its line outright
 *     (Trino's `sequence` makes at most 10,000 elements). The parameter of an IDFV is its digest's prefix, of a Cognito
 *     identity id (`REGION:GUID`) its GUID's (locateKey): a line holding the Cognito id holds its GUID, wherever it is.
 * Every line holding an id's characters in any ASCII case, in any field, key or text, is thus marked, and so is every
 * line the run would decode because of an escape: what the run alone can decide is never decided by Athena.
 */
export const LINE_MARKS = ['null', 'escape', 'not-one-object', 'id'] as const;
export type LineMark = (typeof LINE_MARKS)[number];

/** The JSON escape that can write any character of an id (RFC 8259 §7). */
export const LOCATE_ESCAPE = '\\u';
/** Runs of lower-case hex digits and hyphens at least a UUID long, in which the id windows are looked for. */
export const LOCATE_RUN_REGEX = '[0-9a-f-]{36,}';
/** A UUID's length in characters (RFC 9562: 8-4-4-4-12 hex digits). */
export const LOCATE_UUID_LENGTH = 36;
/** A lower-case UUID, whole. */
export const LOCATE_UUID_SHAPE = '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$';
/**
 * The longest run whose windows are hashed; a longer one marks its line. Trino's `sequence` refuses more than 10,000
 * elements (https://trino.io/docs/current/functions/array.html, sequence), which would fail the query.
 */
export const LOCATE_MAX_RUN = 4096;

/**
 * What the locating query hashes for an id of the contract's id fields: the lower-cased UUID — an IDFV itself, a
 * Cognito identity id's GUID (after the colon). Undefined for an id of no UUID inside (a `--field` id).
 */
export function locateKey(id: string): string | undefined {
  const key = id.slice(id.lastIndexOf(':') + 1).toLowerCase();
  return new RegExp(LOCATE_UUID_SHAPE).test(key) ? key : undefined;
}

/**
 * Whether the raw-line query can locate these ids: only ids of the contract's id fields, whose shape (a UUID inside)
 * lets the query find them anywhere in a line without naming them. A `--field` column's ids have no shape: the query
 * could find them only whole, as a JSON value, while the run also counts them inside other text, so such a request
 * reads every object (`--locate scan`).
 */
export const linesLocatable = (ids: string[], fields: (string | MatchField)[]): boolean =>
  fields.every((f) => (typeof f === 'string' ? matchField(f) : f).caseInsensitive) &&
  ids.every((id) => locateKey(id) !== undefined);

/**
 * Each mark as Trino SQL over the line column; `wanted` is the subquery of the ids' digest prefixes
 * (wantedPrefixesSql).
 */
function markSql(mark: LineMark, line: string, wanted: string): string {
  switch (mark) {
    case 'null':
      return `${line} IS NULL`;
    case 'escape':
      return `strpos(${line}, ${quoteString(LOCATE_ESCAPE)}) > 0`;
    case 'not-one-object':
      return `(trim(${line}) <> '' AND try(CAST(json_parse(${line}) AS map(varchar, json))) IS NULL)`;
    case 'id': {
      const n = LOCATE_UUID_LENGTH;
      const window = `substr(run, i, ${n})`;
      // The sequence is bounded by LOCATE_MAX_RUN whatever the run's length: SQL does not promise that `OR` stops at
      // its first true operand, and a longer sequence fails the whole query (a guest's long hex run failing
      // every locate).
      return (
        `any_match(regexp_extract_all(lower(${line}), ${quoteString(LOCATE_RUN_REGEX)}), run -> length(run) ` +
        `> ${LOCATE_MAX_RUN} OR any_match(sequence(1, least(length(run), ${LOCATE_MAX_RUN}) - ${n - 1}), i -> ` +
        `regexp_like(${window}, ${quoteString(LOCATE_UUID_SHAPE)}) AND ${prefixWanted(wanted, window)}))`
      );
    }
  }
}

/**
 * The query over the raw-line table and its parameters: one row per object Athena read (`$path`), with whether any
 * of its lines is marked (LINE_MARKS). The parameters are the LOCATE_DIGEST_PREFIX_HEX-character prefixes of the
 * digests of the ids' locate keys (locateKey), each once: never the ids nor their full digests.
 */
export function locateLinesQuery(
  t: Pick<LocateTarget, 'database'> & { linesTable: string },
  ids: string[],
): { sql: string; parameters: string[] } {
  const keys = [...new Set(ids.map((id) => locateKey(id)))];
  if (keys.some((k) => k === undefined))
    throw new LocateError('the raw-line query locates ids of the contract id fields only');
  const prefixes = [...new Set(keys.map((k) => idDigestPrefix(k!)))];
  const line = quoteIdentifier(ERASURE_LINES_COLUMN);
  const marks = LINE_MARKS.map((m) => markSql(m, line, 'wanted'));
  // The prefixes in a WHERE clause of their own (wantedPrefixesSql), joined to every line: never a `?` in the SELECT
  // list. The bytes Athena read of each object: each line's UTF-8 bytes and one for the newline the text reader took
  // off (Hadoop's LineRecordReader ends a line at `\n`, `\r` or `\r\n` and drops the terminator). Only an object whose
  // size equals this is left unread (engine.ts): a final line without a newline, `\r\n` endings, a byte-order mark, or
  // text Athena did not read (a second GZIP member, trinodb/trino#18223) all differ, and the run reads it whole.
  const sql =
    `SELECT "$path" AS path, bool_or(${marks.join(' OR ')}) AS holds, sum(length(to_utf8(${line})) + 1) AS bytes ` +
    `FROM ${quoteIdentifier(t.database)}.${quoteIdentifier(t.linesTable)} CROSS ` +
    `JOIN ${wantedPrefixesSql(prefixes.length)} AS wanted GROUP BY "$path"`;
  return { sql, parameters: prefixes.map(quoteString) };
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
  /** The current version of each key listed: the one Athena reads, unless the key changes after the listing. */
  versions: Map<string, string>;
  /** When the listing began (said, never compared with S3's LastModified). */
  at: Date;
}

/** Bytes Athena would read and objects per folder: the current, readable objects of the events folder. */
export async function listForLocating(
  versions: AsyncIterable<ObjectVersion> | ObjectVersion[],
  at = new Date(),
): Promise<Listing> {
  const listing: Listing = { bytes: 0, folders: new Map(), versions: new Map(), at };
  for await (const v of versions) {
    if (!v.latest || v.deleteMarker || ARCHIVED_CLASSES.has(v.storageClass)) continue;
    listing.bytes += v.size;
    const folder = folderOf(v.key);
    if (!listing.folders.has(folder)) listing.folders.set(folder, new Set());
    listing.folders.get(folder)!.add(v.key);
    listing.versions.set(v.key, v.versionId);
  }
  return listing;
}

/**
 * What the query found: the keys holding an id, and the keys of the objects Athena read per folder (relative to
 * the bucket).
 */
export interface Located {
  keys: Set<string>;
  /** The keys Athena read, per folder. */
  folders: Map<string, Set<string>>;
  /** JSON events: per key, the bytes of its lines Athena read (locateLinesQuery's `bytes`). */
  bytes?: Map<string, number>;
}

/**
 * How each folder of the events was covered: by Athena (it read every key listed there), or read whole by the run.
 * Keys, not counts: Athena may not read an object listed (Hive's input formats pass over names beginning with `_` or
 * `.`; an object without a row has no `$path`) and reads objects written after the listing, so equal counts can hide an
 * object it never read. Keys
 * Athena read that were not listed (written later) do not matter: the run reads every key Athena did not
 * read (athenaRead).
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

/**
 * What the run may leave unread: the folders Athena covered (coverage), and each key Athena read (its `$path`) with
 * the version listed before the query — the run skips a key not located only when that version is still its only one
 * (engine.ts). A key Athena did not read is read by the run, however old S3 says it is.
 */
export function athenaRead(listing: Listing, located: Located): AthenaRead {
  const read = new Map<string, string>();
  for (const [key, versionId] of listing.versions)
    if (located.folders.get(folderOf(key))?.has(key)) read.set(key, versionId);
  return { folders: coverage(listing, located).athena, read, ...(located.bytes ? { bytes: located.bytes } : {}) };
}

/**
 * Athena's hard limits on what one query reads: a row of at most 32 MB, a line of a text file of at most 200 MB
 * (`TextLineLengthLimitExceededException: Too many bytes before newline`; Athena user guide, "Considerations and
 * limitations", https://docs.aws.amazon.com/athena/latest/ug/other-notable-limitations.html). A query failing on one
 * fails again on every run: the object is still there.
 */
const SIZE_LIMIT_REASON =
  /TextLineLengthLimitExceeded|Too many bytes before newline|row size|exceeds? .*\b(32|200) ?MB|line .*too long/i;

/**
 * What a failed or cancelled locating query tells the operator: the way on is `--locate scan` (the run reads every
 * object itself, no Athena); a row or line past Athena's size limits fails every run's query the same way.
 */
export function locateFailure(state: string, reason: string | undefined): string {
  const why = reason ?? 'no reason given';
  if (SIZE_LIMIT_REASON.test(why))
    return (
      `the locating query ${state.toLowerCase()}: ${why} — a line or row of the events is past ` +
      `Athena's limits (32 MB per row, 200 MB per line of text), and every locating query would fail ` +
      `on it again: run with --locate scan (the run reads every object itself, without Athena)`
    );
  return (
    `the locating query ${state.toLowerCase()}: ${why} — run with --locate scan (the run reads ` +
    `every object itself, without Athena), or fix the cause and run the same command again`
  );
}

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
      `the workgroup cancels queries past ${(cutoff / 2 ** 30).toFixed(2)} GB, and the events ` +
        `are ${gb.toFixed(2)} GB: raise athena.bytesScannedCutoffPerQuery for the erasure, or use --locate scan`,
    );
  }
  // JSON events: the raw lines; Parquet events: the events table's typed columns (Firehose converted each record, and
  // sent those it could not convert to the errors folder, which every run reads whole).
  const { sql, parameters } = t.linesTable
    ? locateLinesQuery({ database: t.database, linesTable: t.linesTable }, ids)
    : locateQuery(t, ids, fields);
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
      throw new LocateError(locateFailure(state, execution?.Status?.StateChangeReason));
    await new Promise((r) => setTimeout(r, pollMs));
  }
  const located: Located = { keys: new Set(), folders: new Map(), ...(t.linesTable ? { bytes: new Map() } : {}) };
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
      const [path, holds, bytes] = (row.Data ?? []).map((d) => d.VarCharValue ?? '');
      if (!path.startsWith(prefix)) continue;
      const key = path.slice(prefix.length);
      const folder = folderOf(key);
      if (!located.folders.has(folder)) located.folders.set(folder, new Set());
      located.folders.get(folder)!.add(key);
      // Anything but 'false' (empty, NULL, another spelling) is taken as holding: the run reads the object (fail safe).
      if (holds !== 'false') located.keys.add(key);
      // A byte count that is not a whole number is left out: the key is then read whole (engine.ts).
      if (located.bytes && /^\d+$/.test(bytes ?? '')) located.bytes.set(key, Number(bytes));
    }
    NextToken = page.NextToken;
  } while (NextToken);
  return located;
}
