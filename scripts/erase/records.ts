/**
 * The hot path of an erasure: one object's bytes in, the same object without the records of the erased ids out, in
 * its own format. Events are newline-delimited JSON, GZIP-compressed or not (Firehose's `compression`), or Parquet
 * (record format conversion; scripts/erase/parquet.ts); failed-record
 * objects are NDJSON too, each line holding the original record base64-encoded in `rawData` (Firehose developer guide,
 * "Handle data delivery failure", error output format). Lines without any of the ids as a substring are kept byte for
 * byte and never parsed: only candidate lines are parsed, and removed only when an id field holds an erased id.
 */
import { createHash } from 'node:crypto';
import { gunzipSync, gzipSync } from 'node:zlib';
import { filterParquet } from './parquet';

/** Dotted paths of the event fields that identify a data subject: the installation and its guest identity. */
export const DEFAULT_ID_FIELDS = ['client.client_id', 'client.cognito_id'];

export interface IdMatcher {
  /** The ids, as given, and the dotted fields they are matched in. */
  ids: string[];
  fields: string[];
  /** Whether a line may hold one of the ids (cheap substring test). */
  mayHold(line: string): boolean;
  /** Whether a parsed event holds one of the ids in an id field. */
  holds(event: unknown): boolean;
}

export function idMatcher(ids: string[], fields: string[] = DEFAULT_ID_FIELDS): IdMatcher {
  const wanted = new Set(ids);
  const paths = fields.map((f) => f.split('.'));
  const at = (value: unknown, path: string[]) => path.reduce<unknown>((node, key) => (node !== null && typeof node === 'object' ? (node as Record<string, unknown>)[key] : undefined), value);
  return {
    ids,
    fields,
    mayHold: (line) => ids.some((id) => line.includes(id)),
    holds: (event) => paths.some((path) => wanted.has(String(at(event, path)))),
  };
}

export interface Filtered {
  /** The object without the erased records; null when none is left (the object is deleted, not rewritten empty). */
  body: Buffer | null;
  /** Records (lines) removed. */
  removed: number;
}

const GZIP_MAGIC = [0x1f, 0x8b];
/** Parquet files begin (and end) with `PAR1` (Apache Parquet file format). */
const isParquet = (body: Buffer) => body.length > 8 && body.subarray(0, 4).toString('latin1') === 'PAR1';
const isGzip = (body: Buffer) => body.length > 2 && body[0] === GZIP_MAGIC[0] && body[1] === GZIP_MAGIC[1];

/** A failed-record line's original record, decoded; or the line itself when it is not one. */
function originalRecord(line: string): string {
  try {
    const failed = JSON.parse(line) as { rawData?: unknown };
    return typeof failed.rawData === 'string' ? Buffer.from(failed.rawData, 'base64').toString('utf8') : line;
  } catch {
    return line;
  }
}

/** Whether one line (an event, or a failed record wrapping one or more) holds an erased id. */
function lineHolds(line: string, matcher: IdMatcher, failedRecords: boolean): boolean {
  const text = failedRecords ? originalRecord(line) : line;
  if (!matcher.mayHold(text)) return false;
  return text.split('\n').some((event) => {
    if (!matcher.mayHold(event)) return false;
    try {
      return matcher.holds(JSON.parse(event));
    } catch {
      // Not JSON (a failed record can be anything the app sent): an id as a substring is enough to erase it.
      return true;
    }
  });
}

/**
 * GZIP level of rewritten objects: zlib's default. Compressing is about half of a rewrite's time; level 1 compresses
 * 2.7× faster but the object comes out about a third larger (the bench object), and an erasure at scale rewrites most of the window, which
 * is then stored for months: size wins over a one-off minute (npm run bench, erasure; docs/contributing.md).
 */
export const REWRITE_GZIP_LEVEL = 6;

/** Start and end (exclusive, without the newline) of every line holding one of the ids as bytes. */
function candidateLines(raw: Buffer, ids: string[]): [number, number][] {
  const lines = new Map<number, number>();
  for (const id of ids) {
    const needle = Buffer.from(id, 'utf8');
    for (let at = raw.indexOf(needle); at !== -1; at = raw.indexOf(needle, at + needle.length)) {
      const start = raw.lastIndexOf(0x0a, at) + 1;
      if (lines.has(start)) continue;
      const newline = raw.indexOf(0x0a, at);
      lines.set(start, newline === -1 ? raw.length : newline);
    }
  }
  return [...lines].sort(([a], [b]) => a - b);
}

/**
 * Removes the lines holding erased ids from an NDJSON object (GZIP or plain, kept as it came). `failedRecords`: the
 * lines are Firehose's failed-record envelopes, matched on their decoded `rawData`. Events: only the lines holding an
 * id's bytes are decoded and parsed; every other byte is copied as it is.
 */
/** An object without the erased records, in its own format: Parquet (by its magic bytes) or NDJSON. */
export async function filterObject(body: Buffer, matcher: IdMatcher, failedRecords = false): Promise<Filtered> {
  return isParquet(body) ? filterParquet(body, matcher.ids, matcher.fields) : filterNdjson(body, matcher, failedRecords);
}

export function filterNdjson(body: Buffer, matcher: IdMatcher, failedRecords = false): Filtered {
  const gzip = isGzip(body);
  const raw = gzip ? gunzipSync(body) : body;
  const lines: [number, number][] = failedRecords ? allLines(raw) : candidateLines(raw, matcher.ids);
  const removed = lines.filter(([start, end]) => end > start && lineHolds(raw.toString('utf8', start, end), matcher, failedRecords));
  if (removed.length === 0) return { body, removed: 0 };
  const kept: Buffer[] = [];
  let from = 0;
  for (const [start, end] of removed) {
    kept.push(raw.subarray(from, start));
    from = Math.min(end + 1, raw.length);
  }
  kept.push(raw.subarray(from));
  const out = Buffer.concat(kept);
  if (out.toString('utf8').trim().length === 0) return { body: null, removed: removed.length };
  return { body: gzip ? gzipSync(out, { level: REWRITE_GZIP_LEVEL }) : out, removed: removed.length };
}

function allLines(raw: Buffer): [number, number][] {
  const lines: [number, number][] = [];
  for (let start = 0; start < raw.length; ) {
    const newline = raw.indexOf(0x0a, start);
    const end = newline === -1 ? raw.length : newline;
    lines.push([start, end]);
    start = end + 1;
  }
  return lines;
}

/** A salted SHA-256 of an id, for receipts: proves which ids a request named without keeping them. */
export function saltedHash(salt: string, id: string): string {
  return createHash('sha256').update(salt).update('\0').update(id).digest('hex');
}
