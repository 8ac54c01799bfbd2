/**
 * The hot path of an erasure: one object's bytes in, the same object without the records of the erased ids out, in
 * its own format. Events are newline-delimited JSON, GZIP-compressed or not (Firehose's `compression`); failed-record
 * objects are NDJSON too, each line holding the original record base64-encoded in `rawData` (Firehose developer guide,
 * "Handle data delivery failure", error output format). Lines without any of the ids as a substring are kept byte for
 * byte and never parsed: only candidate lines are parsed, and removed only when an id field holds an erased id.
 */
import { createHash } from 'node:crypto';
import { gunzipSync, gzipSync } from 'node:zlib';

/** Dotted paths of the event fields that identify a data subject: the installation and its guest identity. */
export const DEFAULT_ID_FIELDS = ['client.client_id', 'client.cognito_id'];

export interface IdMatcher {
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

/** An object the erasure cannot rewrite in its own format; it stops before changing anything of that object. */
export class UnsupportedFormatError extends Error {}

const GZIP_MAGIC = [0x1f, 0x8b];
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
 * Removes the lines holding erased ids from an NDJSON object (GZIP or plain, kept as it came). `failedRecords`: the
 * lines are Firehose's failed-record envelopes, matched on their decoded `rawData`.
 */
export function filterNdjson(body: Buffer, matcher: IdMatcher, failedRecords = false): Filtered {
  if (body.subarray(0, 4).toString('latin1') === 'PAR1') throw new UnsupportedFormatError('a Parquet object (record format conversion): the erasure rewrites NDJSON objects only so far');
  const gzip = isGzip(body);
  const text = (gzip ? gunzipSync(body) : body).toString('utf8');
  // Fast path: nothing in the object can match; it is left as it is.
  if (!matcher.mayHold(text) && !failedRecords) return { body, removed: 0 };
  const lines = text.split('\n');
  const trailingNewline = lines[lines.length - 1] === '';
  if (trailingNewline) lines.pop();
  const keptLines: string[] = [];
  let removed = 0;
  for (const line of lines) {
    if (line.length > 0 && lineHolds(line, matcher, failedRecords)) removed++;
    else keptLines.push(line);
  }
  if (removed === 0) return { body, removed: 0 };
  if (keptLines.every((l) => l.length === 0)) return { body: null, removed };
  const out = Buffer.from(keptLines.join('\n') + (trailingNewline ? '\n' : ''), 'utf8');
  return { body: gzip ? gzipSync(out) : out, removed };
}

/** A salted SHA-256 of an id, for receipts: proves which ids a request named without keeping them. */
export function saltedHash(salt: string, id: string): string {
  return createHash('sha256').update(salt).update('\0').update(id).digest('hex');
}
