/**
 * The hot path of an erasure: one object's bytes in, the same object without the records of the erased ids out, in
 * its own format. Events are newline-delimited JSON, GZIP-compressed or not (Firehose's `compression`), or Parquet
 * (record format conversion; scripts/erase/parquet.ts); failed-record
 * objects are NDJSON too, each line holding the original record base64-encoded in `rawData` (Firehose developer guide,
 * "Handle data delivery failure", error output format). A failed record whose original record holds several events
 * loses only the matching ones: its line is rewritten with `rawData` re-encoded (unless its other fields name an id).
 *
 * Matching is exact and typed: a record goes only when, once its JSON is decoded, an id field holds a JSON string equal
 * to an erased id (a `bigint` field: a JSON number whose value is the id's integer, `1e3` as `1000`) — never JSON
 * null, a missing field, a number in a string field, or the id somewhere else in the line. Ids of the contract's id
 * fields (`ID_FIELDS`: UUIDs underneath) are compared lower-cased (toLowerCase, as Athena's and DuckDB's lower(): for a
 * UUID, its ASCII case); ids of other fields (`--field`) exactly.
 *
 * Only candidate lines are decoded: those holding an id's bytes (in any case, for the case-insensitive fields), and
 * those with a backslash, since JSON may write any character of an id as an escape (`\u0041`, `\/`) that a byte
 * search cannot see. Every other line is kept byte for byte. A candidate that holds an id's characters but is not a
 * JSON object is never removed on a guess: it is counted (`unparsed`) and kept, unless the run is told to remove such
 * lines (`removeUnparsed`, `npm run erase -- --unparsed remove`). So is a JSON object that holds an id's characters (in
 * a decoded string, key or value) but whose id fields do not match: the id elsewhere in the record, or a key repeated
 * on an id field's path (which value a reader keeps is the reader's choice). A number in another field is not an id.
 */
import { crc32, gunzipSync, gzipSync, inflateRawSync } from 'node:zlib';
import { ID_FIELDS } from '../../config/event-contract';
import { filterParquet } from './parquet';

/** Dotted paths of the event fields that identify a data subject: the installation and its guest identity. */
export const DEFAULT_ID_FIELDS = ID_FIELDS.map((f) => f.path);

/** A field ids are matched in: its path, whether case is ignored, and its contract type. */
export interface MatchField {
  path: string;
  caseInsensitive: boolean;
  type: 'string' | 'bigint';
}

/** A field by its path: case-insensitive when it is one of the contract's id fields, a string unless said. */
export const matchField = (path: string, type: MatchField['type'] = 'string'): MatchField => ({
  path,
  caseInsensitive: ID_FIELDS.some((f) => f.path === path),
  type,
});

export interface IdMatcher {
  /** The ids, as given, and the fields they are matched in. */
  ids: string[];
  fields: MatchField[];
  /** The index (in `ids`) of the id a decoded event holds in an id field, or -1. */
  match(event: unknown): number;
  /**
   * Whether a text holds an id's characters (in any case where a field ignores case): query results, unparsed lines.
   */
  mentions(text: string): boolean;
}

export function idMatcher(ids: string[], fields: (string | MatchField)[] = DEFAULT_ID_FIELDS): IdMatcher {
  const typed = fields.map((f) => (typeof f === 'string' ? matchField(f) : f));
  const exact = new Map(ids.map((id, i) => [id, i] as const));
  const folded = new Map(ids.map((id, i) => [id.toLowerCase(), i] as const));
  const anyFolded = typed.some((f) => f.caseInsensitive);
  const paths = typed.map((f) => ({ ...f, steps: f.path.split('.') }));
  const at = (value: unknown, steps: string[]) =>
    steps.reduce<unknown>(
      (node, key) =>
        node !== null && typeof node === 'object' && !Array.isArray(node) && Object.hasOwn(node, key)
          ? (node as Record<string, unknown>)[key]
          : undefined,
      value,
    );
  const lowered = ids.map((id) => id.toLowerCase());
  return {
    ids,
    fields: typed,
    match(event) {
      if (event === null || typeof event !== 'object' || Array.isArray(event)) return -1;
      for (const f of paths) {
        const value = at(event, f.steps);
        let text: string | undefined;
        if (f.type === 'string' && typeof value === 'string') text = value;
        if (f.type === 'bigint' && typeof value === 'number' && Number.isSafeInteger(value)) text = String(value);
        if (text === undefined) continue;
        const i = f.caseInsensitive ? folded.get(text.toLowerCase()) : exact.get(text);
        if (i !== undefined) return i;
      }
      return -1;
    },
    mentions(text) {
      if (ids.some((id) => text.includes(id))) return true;
      if (!anyFolded) return false;
      const lower = text.toLowerCase();
      return lowered.some((id) => lower.includes(id));
    },
  };
}

export interface Filtered {
  /** The object without the erased records; null when none is left (the object is deleted, not rewritten empty). */
  body: Buffer | null;
  /** Records (lines) removed. */
  removed: number;
  /** Events found per id (by index in the matcher's ids). */
  perId: number[];
  /** Lines holding an id's characters that are not JSON objects: kept, unless removing them was asked. */
  unparsed: number;
  /** Of those, removed (`removeUnparsed`). */
  unparsedRemoved: number;
  /** Why the object could not be read (undecodable, a broken GZIP stream): nothing was looked for, nothing changed. */
  unreadable?: string;
}

export interface FilterOptions {
  /** The lines are Firehose's failed-record envelopes, matched on their decoded `rawData`. */
  failedRecords?: boolean;
  /**
   * Remove lines that hold an id's characters but are not JSON objects (an explicit decision; default: keep and count).
   */
  removeUnparsed?: boolean;
  /**
   * The events object's key: its name must agree with its bytes — GZIP under a key ending in `.gz`, not GZIP under any
   * other — or the object is undecodable (pending). Athena's text reader, for the locate and the analysts' table alike,
   * picks the codec by the file's extension, not its bytes (Hadoop CompressionCodecFactory), so such an object is not
   * what Athena reads; the run does not decide for it. Undefined (failed records, which Athena does not read):
   * not checked.
   */
  key?: string;
}

const GZIP_MAGIC = [0x1f, 0x8b];
const BACKSLASH = 0x5c;
/** Parquet files begin (and end) with `PAR1` (Apache Parquet file format). */
const isParquet = (body: Buffer) => body.length > 8 && body.subarray(0, 4).toString('latin1') === 'PAR1';
const isGzip = (body: Buffer) => body.length > 2 && body[0] === GZIP_MAGIC[0] && body[1] === GZIP_MAGIC[1];

/** Magic bytes of compressed or columnar formats whose bytes do not show the text they hold. */
const OPAQUE_MAGIC = [
  'PAR1', // Apache Parquet
  'ORC', // Apache ORC
  'Obj\x01', // Apache Avro object container
  '\x28\xb5\x2f\xfd', // Zstandard frame
  'BZh', // bzip2
  '\xff\x06\x00\x00sNaPpY', // Snappy framing format
];

/** Magic bytes of compressed archives and streams a JSON events object may come in that the run cannot decode. */
const UNDECODABLE_MAGIC: [string, string][] = [
  ['PK\x03\x04', 'a ZIP archive (Firehose ZIP compression)'],
  ['PK\x05\x06', 'an empty ZIP archive'],
  ['\xff\x06\x00\x00sNaPpY', 'a Snappy framed stream (Firehose Snappy compression)'],
  ['\x28\xb5\x2f\xfd', 'a Zstandard frame'],
  ['BZh', 'a bzip2 stream'],
  ['\xfd7zXZ\x00', 'an xz stream'],
  ['ORC', 'an ORC file'],
  ['Obj\x01', 'an Avro object container'],
  // Compressed twice, or zlib-wrapped: text the line search cannot see either (hostile review, 2026-12-06).
  ['\x1f\x8b', 'a GZIP stream inside the GZIP stream'],
  ['\x78\x01', 'a zlib stream'],
  ['\x78\x5e', 'a zlib stream'],
  ['\x78\x9c', 'a zlib stream'],
  ['\x78\xda', 'a zlib stream'],
];

/**
 * Why an events object (GZIP already undone) cannot be read as NDJSON by the run, or undefined when it can. The run
 * finds ids by their bytes and removes lines: in compressed bytes it finds nothing and would say so — a silent miss.
 * Undecodable: an object whose first bytes are a codec's or container's magic (ZIP, Snappy framing, Zstandard, bzip2,
 * xz, ORC, Avro, GZIP inside GZIP, zlib; UNDECODABLE_MAGIC) or a Hadoop-Snappy block header (Firehose's HADOOP_SNAPPY
 * has no magic number: a 4-byte big-endian uncompressed block length, then the compressed chunk's, the first beginning
 * with a NUL byte for any block under 16 MiB; hadoopSnappyHeader) — AND of which no line parses as a JSON object.
 *
 * Both, because any app user can put a record through Firehose: a record holding a NUL byte, or one beginning with
 * `BZh`, `ORC` or `PK\x03\x04` that happens to be its object's first, must not make the whole object unreadable —
 * the erased device's records beside it would never be removed and every request would stay pending until the object
 * expires. A NUL is a property of its line: no JSON text holds a raw NUL (RFC 8259: control characters are escaped in
 * strings, and only space, tab, LF and CR stand between tokens), so such a line is "not JSON" like any malformed line:
 * kept, and pending (`--unparsed`) only when it holds an id's characters (lineOutcome). Compressed bytes hold no
 * line that parses as a JSON object (a codec's literal runs are broken by its copy tags, and its first line begins
 * with the header); an NDJSON object from Firehose holds at least one.
 */
export function undecodable(raw: Buffer): string | undefined {
  const head = raw.subarray(0, 16).toString('latin1');
  const magic = UNDECODABLE_MAGIC.find(([m]) => head.startsWith(m));
  const why = magic
    ? magic[1]
    : hadoopSnappyHeader(raw)
      ? 'a Hadoop-Snappy block (Firehose HADOOP_SNAPPY compression: two ' +
        'big-endian lengths, the first beginning with a NUL byte)'
      : undefined;
  if (why === undefined || anyJsonObjectLine(raw)) return undefined;
  return why;
}

/** Whether the object begins as a Hadoop-Snappy block does: two 4-byte big-endian lengths, the first's top byte NUL. */
const hadoopSnappyHeader = (raw: Buffer) => raw.length >= 8 && raw[0] === 0;

/**
 * Whether any line of the object parses as a JSON object (what an NDJSON object of events holds, and compressed
 * bytes do not).
 */
function anyJsonObjectLine(raw: Buffer): boolean {
  for (const [start, end] of allLines(raw)) {
    // A JSON object line begins with `{` (after blanks); the others need no parse.
    const line = raw.toString('utf8', start, end).trim();
    if (!line.startsWith('{')) continue;
    try {
      const v: unknown = JSON.parse(line);
      if (v !== null && typeof v === 'object' && !Array.isArray(v)) return true;
    } catch {
      // not JSON
    }
  }
  return false;
}

/**
 * A query result's text, to look for the ids in: GZIP undone first (an UNLOAD or CTAS writes text files GZIP-compressed
 * by default; Athena user guide, "Use compression in Athena",
 * https://docs.aws.amazon.com/athena/latest/ug/compression-formats.html), then read as UTF-8. Undefined when it cannot
 * be read so: Parquet, ORC, Avro, another compression, bytes that are not UTF-8 text, or a broken GZIP stream — the
 * run cannot tell whether it names an id. Athena's `.metadata` file beside each result (column names and types, not
 * rows; a protobuf whose strings are stored uncompressed, as reverse-engineered in
 * https://gist.github.com/iconara/4969c247e8abb69600cdbe6f4b20f50b) is searched byte for byte.
 */
export function resultText(body: Buffer, key: string): string | undefined {
  let raw = body;
  try {
    while (isGzip(raw)) raw = gunzipSync(raw);
  } catch {
    return undefined;
  }
  const head = raw.subarray(0, 10).toString('latin1');
  if (OPAQUE_MAGIC.some((m) => head.startsWith(m))) return undefined;
  if (key.endsWith('.metadata')) return raw.toString('utf8');
  if (raw.includes(0)) return undefined;
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(raw);
  } catch {
    return undefined;
  }
}

/** A failed-record line's original record, decoded; or the line itself when it is not one. */
function originalRecord(line: string): string {
  try {
    const failed = JSON.parse(line) as { rawData?: unknown };
    return failed !== null && typeof failed === 'object' && typeof failed.rawData === 'string'
      ? Buffer.from(failed.rawData, 'base64').toString('utf8')
      : line;
  } catch {
    return line;
  }
}

/**
 * What one line (an event, or a failed record wrapping one or more) holds: ids matched, unparsed mentions, and for a
 * failed record whose original record also holds events that do not match, the line rewritten without the matching
 * ones (`rest`: its `rawData` re-encoded), so other devices' events in the same record stay.
 */
function lineOutcome(
  line: string,
  matcher: IdMatcher,
  failedRecords: boolean,
): { matched: number[]; unparsed: boolean; rest?: string } {
  const text = failedRecords ? originalRecord(line) : line;
  const matched: number[] = [];
  let unparsed = false;
  const events = text.split('\n');
  const kept: string[] = [];
  for (const event of events) {
    const before = matched.length;
    lineEvent(event);
    if (matched.length === before) kept.push(event);
  }
  if (failedRecords && matched.length > 0 && text !== line && kept.some((e) => e.trim() !== '')) {
    const envelope = JSON.parse(line) as Record<string, unknown>;
    // The envelope's own fields (an error message may quote the record) naming an id: the line goes whole.
    const { rawData: _, ...fields } = envelope;
    if (scanJson(JSON.stringify(fields)).strings.some((x) => matcher.mentions(x))) return { matched, unparsed };
    return {
      matched,
      unparsed,
      rest: JSON.stringify({ ...envelope, rawData: Buffer.from(kept.join('\n'), 'utf8').toString('base64') }),
    };
  }
  return { matched, unparsed };

  function lineEvent(event: string): void {
    if (event.trim() === '') return;
    let parsed: unknown;
    try {
      parsed = JSON.parse(event);
    } catch {
      parsed = undefined;
    }
    const isObject = parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed);
    if (!isObject) {
      if (matcher.mentions(event)) unparsed = true;
      return;
    }
    // JSON.parse keeps the last of duplicate keys (ECMA-262, JSON.parse; RFC 8259 §4 leaves it to the parser), and
    // another reader may keep the first: a duplicate on an id's path makes the record ambiguous, never decided here.
    const { duplicates, strings } = scanJson(event);
    const mentioned = strings.some((s) => matcher.mentions(s));
    const ambiguous = duplicates.some((d) => matcher.fields.some((f) => f.path === d || f.path.startsWith(`${d}.`)));
    const i = ambiguous ? -1 : matcher.match(parsed);
    if (i >= 0) matched.push(i);
    // The id's characters in a record whose id fields do not match (elsewhere in it, or behind a duplicate key): kept
    // and counted like a line that is not JSON, never silently kept.
    else if (mentioned) unparsed = true;
  }
}

/**
 * What a valid JSON text holds that `JSON.parse` hides: the dotted paths of keys repeated within one object (array
 * elements add `[]` to a path, so no id field's path runs through one), and every string, decoded (keys and values).
 */
export function scanJson(text: string): { duplicates: string[]; strings: string[] } {
  const duplicates: string[] = [];
  const strings: string[] = [];
  // Per open object its keys and path, per open array null; `key` is the last key read, the path of a value
  // opened next.
  const stack: ({ keys: Set<string>; path: string } | { keys: null; path: string })[] = [];
  let key: string | undefined;
  const pathOf = (k: string | undefined) => {
    const top = stack[stack.length - 1];
    if (!top) return '';
    const name = top.keys === null ? '[]' : (k ?? '');
    return top.path === '' ? name : `${top.path}.${name}`;
  };
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '"') {
      let j = i + 1;
      while (text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
      const value = JSON.parse(text.slice(i, j + 1)) as string;
      strings.push(value);
      let k = j + 1;
      while (k < text.length && /\s/.test(text[k])) k++;
      const top = stack[stack.length - 1];
      if (text[k] === ':' && top?.keys) {
        if (top.keys.has(value)) duplicates.push(pathOf(value));
        top.keys.add(value);
        key = value;
      }
      i = j;
    } else if (c === '{' || c === '[') {
      const path = stack.length === 0 ? '' : pathOf(key);
      stack.push(c === '{' ? { keys: new Set(), path } : { keys: null, path });
      key = undefined;
    } else if (c === '}' || c === ']') stack.pop();
  }
  return { duplicates, strings };
}

/**
 * GZIP level of rewritten objects: zlib's default. Compressing is about half of a rewrite's time; level 1 compresses
 * 2.7× faster but the object comes out about a third larger (the bench object), and an erasure at scale rewrites most
 * of the window, which is then stored for months: size wins over a one-off minute (npm run bench, erasure;
 * docs/contributing.md).
 */
export const REWRITE_GZIP_LEVEL = 6;

/** The line (start, end exclusive of its newline) around a byte offset. */
function lineAround(raw: Buffer, at: number): [number, number] {
  const start = raw.lastIndexOf(0x0a, at) + 1;
  const newline = raw.indexOf(0x0a, at);
  return [start, newline === -1 ? raw.length : newline];
}

/**
 * Start and end of every candidate line: holding an id's bytes (lower-cased bytes too, for the case-insensitive
 * fields: a Latin-1 view keeps one character per byte, so offsets stay byte offsets), or a backslash.
 */
function candidateLines(raw: Buffer, matcher: IdMatcher): [number, number][] {
  const lines = new Map<number, number>();
  const add = (at: number) => {
    const [start, end] = lineAround(raw, at);
    lines.set(start, end);
    return end;
  };
  const folded = matcher.fields.some((f) => f.caseInsensitive);
  // Every character below 0x80, control characters too (an id never holds one: the id file refuses them).
  const ascii = (text: string) => [...text].every((c) => c.charCodeAt(0) < 0x80);
  // The object's Latin-1 view, made when first searched: one character per byte, so offsets stay byte offsets.
  let view: string | undefined;
  const text = () => (view ??= raw.toString('latin1'));
  /** Every line holding a match of `re` (global) in the Latin-1 view. */
  const matching = (re: RegExp) => {
    for (let m = re.exec(text()); m; m = re.exec(text())) re.lastIndex = add(m.index) + 1;
  };
  for (const id of matcher.ids) {
    // The case-insensitive search below finds every exact occurrence of an ASCII id too.
    if (folded && ascii(id)) continue;
    const needle = Buffer.from(id, 'utf8');
    for (let at = raw.indexOf(needle); at !== -1; at = raw.indexOf(needle, add(at) + 1));
  }
  if (folded) {
    for (const id of matcher.ids) {
      const lower = id.toLowerCase();
      // match() folds case as toLowerCase does. An id whose lower case is ASCII: a case-insensitive regular expression
      // over the Latin-1 view finds its every ASCII spelling (no Latin-1 character lower-cases to an ASCII letter, and
      // /i without `u` folds no other character onto one), without copying the text twice: ~25% of an object's
      // search (2026-12-07, 18 MB).
      if (ascii(lower)) matching(new RegExp(lower.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'), 'gi'));
      // Any other spelling holds a character outside ASCII: only the Kelvin sign lower-cases to ASCII (k; İ to i and
      // a combining dot; every code point enumerated, 2026-12-07), and a non-ASCII lower case needs a non-ASCII
      // character. For such ids every line holding a byte outside ASCII is a candidate (hostile reviews, 2026-12-07:
      // `Émile` kept when `émile` was erased; `KEY` kept when an id spelt with the Kelvin sign was).
      if (!ascii(lower) || lower.includes('k')) matching(/[\x80-\xff]/g);
    }
  }
  // A bigint field's id is a JSON number's value: written with a fraction or an exponent (`1e3`,
  // `999.99999999999999999` is 1000 in a double), the line need not hold its digits.
  if (matcher.fields.some((f) => f.type === 'bigint')) matching(/\d[.eE]/g);
  for (let at = raw.indexOf(BACKSLASH); at !== -1; at = raw.indexOf(BACKSLASH, add(at) + 1));
  return [...lines].sort(([a], [b]) => a - b);
}

/** An object without the erased records, in its own format: Parquet (by its magic bytes) or NDJSON. */
export async function filterObject(body: Buffer, matcher: IdMatcher, options: FilterOptions = {}): Promise<Filtered> {
  return isParquet(body) ? filterParquet(body, matcher) : filterNdjson(body, matcher, options);
}

/**
 * Removes the lines holding erased ids from an NDJSON object (GZIP or plain, kept as it came). Events: only candidate
 * lines are decoded and parsed; every other byte is copied as it is. Failed records: every line's `rawData` is decoded.
 */
export function filterNdjson(body: Buffer, matcher: IdMatcher, options: FilterOptions = {}): Filtered {
  const failedRecords = options.failedRecords ?? false;
  const gzip = isGzip(body);
  if (options.key !== undefined && options.key.endsWith('.gz') !== gzip)
    return unreadable(
      body,
      matcher,
      gzip
        ? 'GZIP bytes under a key without `.gz` (Athena picks the codec by the extension: it reads them as text)'
        : 'a key ending in `.gz` whose bytes are not GZIP (Athena picks ' +
            'the codec by the extension: it cannot read them)',
    );
  let raw: Buffer;
  let trailing: Buffer = Buffer.alloc(0);
  try {
    ({ raw, trailing } = gzip ? gunzipMembers(body) : { raw: body, trailing });
  } catch (error) {
    return unreadable(body, matcher, `a broken GZIP stream (${(error as Error).message})`);
  }
  const why = undecodable(raw);
  if (why) return unreadable(body, matcher, why);
  const lines: [number, number][] = failedRecords ? allLines(raw) : candidateLines(raw, matcher);
  const perId = matcher.ids.map(() => 0);
  let unparsed = 0;
  let unparsedRemoved = 0;
  // Lines rewritten rather than removed (a failed record keeping other devices' events), by their start.
  const rewritten = new Map<number, string>();
  const removed = lines.filter(([start, end]) => {
    if (end <= start) return false;
    const outcome = lineOutcome(raw.toString('utf8', start, end), matcher, failedRecords);
    for (const i of outcome.matched) perId[i]++;
    if (outcome.unparsed) unparsed++;
    if (outcome.rest !== undefined) rewritten.set(start, outcome.rest);
    if (outcome.matched.length > 0) return true;
    if (outcome.unparsed && options.removeUnparsed) {
      unparsedRemoved++;
      return true;
    }
    return false;
  });
  // Bytes after the last GZIP member that are no member: ignored by Java's GZIPInputStream, so by Athena; kept here
  // byte for byte, and counted like a line that is not JSON when they hold an id's characters.
  let dropTrailing = false;
  if (trailing.length > 0 && matcher.mentions(trailing.toString('latin1'))) {
    unparsed++;
    if (options.removeUnparsed) [dropTrailing, unparsedRemoved] = [true, unparsedRemoved + 1];
  }
  if (removed.length === 0 && !dropTrailing) return { body, removed: 0, perId, unparsed, unparsedRemoved };
  const kept: Buffer[] = [];
  let from = 0;
  for (const [start, end] of removed) {
    kept.push(raw.subarray(from, start));
    const rest = rewritten.get(start);
    if (rest !== undefined) kept.push(Buffer.from(rest, 'utf8'));
    // A rewritten line keeps its newline; a removed one goes with it.
    from = rest !== undefined ? end : Math.min(end + 1, raw.length);
  }
  kept.push(raw.subarray(from));
  const out = Buffer.concat(kept);
  const counts = { removed: removed.length + (dropTrailing ? 1 : 0), perId, unparsed, unparsedRemoved };
  const keptTrailing = dropTrailing ? Buffer.alloc(0) : trailing;
  if (out.toString('utf8').trim().length === 0 && keptTrailing.length === 0) return { body: null, ...counts };
  return { body: gzip ? Buffer.concat([gzipSync(out, { level: REWRITE_GZIP_LEVEL }), keptTrailing]) : out, ...counts };
}

/**
 * A GZIP object's text (RFC 1952): every member, one after another (concatenated members are one stream, as gunzip
 * reads them), and the bytes after the last member that are not one (`trailing`: Java's GZIPInputStream, so Athena,
 * ignores them). A member cut short, or failing its CRC-32 or ISIZE check, or trailing bytes beginning like a member,
 * throw: a broken stream, whose rest the run cannot read.
 */
export function gunzipMembers(body: Buffer): { raw: Buffer; trailing: Buffer } {
  // Node's gunzip reads concatenated members, but stops without a word at trailing bytes that begin with a zero byte
  // (and throws at others): only when it consumed the whole object is its answer taken; otherwise the members are
  // walked here, so nothing after them is dropped unseen (hostile review, 2026-12-06).
  try {
    const { buffer, engine } = gunzipSync(body, { info: true }) as unknown as {
      buffer: Buffer;
      engine: { bytesWritten: number };
    };
    if (engine.bytesWritten === body.length) return { raw: buffer, trailing: Buffer.alloc(0) };
  } catch {
    // Trailing bytes Node refuses, or a broken member: the walk below tells which.
  }
  const parts: Buffer[] = [];
  let at = 0;
  while (at < body.length && isGzip(body.subarray(at))) {
    const start = at + gzipHeaderLength(body, at);
    const { buffer, engine } = inflateRawSync(body.subarray(start), { info: true }) as unknown as {
      buffer: Buffer;
      engine: { bytesWritten: number };
    };
    const end = start + engine.bytesWritten;
    if (end + 8 > body.length) throw new Error('a GZIP member cut short');
    if (body.readUInt32LE(end) !== crc32(buffer) || body.readUInt32LE(end + 4) !== buffer.length % 2 ** 32)
      throw new Error('a GZIP member whose CRC or size does not match its data');
    parts.push(buffer);
    at = end + 8;
  }
  if (parts.length === 0) throw new Error('no GZIP member');
  const trailing = body.subarray(at);
  // A member behind other bytes would be compressed text the line search cannot see: the object is not decoded.
  if (trailing.includes(GZIP_MEMBER_START)) throw new Error('a GZIP member after bytes that are not one');
  return { raw: Buffer.concat(parts), trailing };
}

/** A GZIP member's first bytes: magic and the deflate method (RFC 1952 §2.3). */
const GZIP_MEMBER_START = Buffer.from([0x1f, 0x8b, 0x08]);

/** A GZIP member's header length (RFC 1952 §2.3: 10 bytes, then FEXTRA, FNAME, FCOMMENT, FHCRC as its flags say). */
function gzipHeaderLength(body: Buffer, at: number): number {
  const flags = body[at + 3];
  let n = at + 10;
  if (flags & 0x04) n += 2 + body.readUInt16LE(n);
  if (flags & 0x08) n = body.indexOf(0, n) + 1;
  if (flags & 0x10) n = body.indexOf(0, n) + 1;
  if (flags & 0x02) n += 2;
  if (n <= at || n > body.length) throw new Error('a GZIP member header cut short');
  return n - at;
}

const unreadable = (body: Buffer, matcher: IdMatcher, why: string): Filtered => ({
  body,
  removed: 0,
  perId: matcher.ids.map(() => 0),
  unparsed: 0,
  unparsedRemoved: 0,
  unreadable: why,
});

function allLines(raw: Buffer): [number, number][] {
  const lines: [number, number][] = [];
  for (let start = 0; start < raw.length;) {
    const newline = raw.indexOf(0x0a, start);
    const end = newline === -1 ? raw.length : newline;
    lines.push([start, end]);
    start = end + 1;
  }
  return lines;
}
