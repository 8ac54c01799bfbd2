/**
 * `npm run erase -- --stack <stack> --ids <file> --request <id>`: removes every event of the listed device (or user)
 * ids from the stack's bucket — events, failed records, every version of each — and deletes query results naming
 * them, with a receipt in the stack's own bucket. By default every object is read (`--locate scan`); `--locate athena`
 * (opt-in: not yet run on a real Athena, docs/operating.md) locates the objects holding the ids with one Athena query,
 * its scan shown first. Resumable: the same `--request` again finishes what a stopped run began, or finds nothing
 * left. Past one machine: `--shard i/n` on n machines (with `--locate athena`: `--locate-only` once first), then once
 * without `--shard` for the final receipt. Exit 0 done, 3 something still pending (a restore from Deep Archive,
 * Firehose's buffer), 1 an error, 2 a usage error. Needs credentials of the stack's account allowed what
 * `<stack>-erasure` allows (the stack's erasure policy).
 */
import { AthenaClient } from '@aws-sdk/client-athena';
import { KMSClient } from '@aws-sdk/client-kms';
import { S3Client } from '@aws-sdk/client-s3';
import { pricesFor } from '../../config/prices';
import {
  athenaRead,
  coverage,
  linesLocatable,
  listForLocating,
  locateWithAthena,
  LocateError,
  type LocateTarget,
} from './athena-locate';
import { readFileSync } from 'node:fs';
import { ERASURE_REQUESTS_FOLDER, staticFolder } from '../../config/names';
import type { ResolvedDeployment } from '../../config';
import { commandLine, isEntryPoint, loadDeploymentsOrReport, usage, type CommandSpec } from '../cli';
import {
  beginRequest,
  macsOf,
  DEFAULT_CONCURRENCY,
  PlantedInterruption,
  RequestError,
  requestPaths,
  runErasure,
  shardOf,
  type AthenaRead,
  type ErasureStore,
  type Receipt,
  type Shard,
} from './engine';
import { DEFAULT_ID_FIELDS, type MatchField } from './records';
import { IdFileError, lineNumbers, matchFields, parseIdFile } from './id-file';
import { contractFields } from '../../config/event-contract';
import { kmsIdMacer, type IdMacer } from './receipt-mac';
import { s3Store } from './s3-store';

export const ERASE_COMMAND = {
  name: 'erase',
  summary:
    'Erases the events of the ids in a file (one per line; matched exactly, after JSON decoding, against ' +
    'client.client_id and client.cognito_id — UUIDs, case ignored — unless --field says otherwise) from a ' +
    "stack's events, failed records and query results, every version of each, and writes a receipt with " +
    "HMACs of the ids (by the stack's KMS receipt key, which only the erasure may use) into the stack's " +
    "bucket. The same --request resumes or confirms. Exit 3 while a Deep Archive restore or Firehose's " +
    'buffer is pending.',
  flags: {
    stack: { type: 'string', value: 'stack', help: 'the stack whose data is erased' },
    ids: { type: 'string', value: 'file', help: 'file of ids, one per line' },
    request: { type: 'string', value: 'id', help: 'the request (your ticket id): a re-run with it resumes' },
    field: {
      type: 'string',
      value: 'path',
      multiple: true,
      help:
        `a contract column (string or bigint) holding ids (repeatable), matched exactly; ` +
        `default ${DEFAULT_ID_FIELDS.join(', ')}, whose ids must be UUIDs / Cognito identity ids and match in any case`,
    },
    unparsed: {
      type: 'string',
      value: 'keep|remove',
      help:
        "lines holding an id's characters that are not JSON: keep or remove them, " +
        'once you have looked (default: kept, and the request stays pending)',
    },
    locate: {
      type: 'string',
      value: 'athena|scan',
      help:
        'scan (default): read every object, independent of Athena; athena (opt-in): one query in the ' +
        "erasure's own workgroup finds the objects, its scan shown first — not yet run on a real Athena " +
        'here: before relying on it, erase a test device with it on a real stack and check that the ' +
        "receipt's coverage.athena lists the day's folder, the device's records are gone and a second run " +
        'finds nothing, then compare with --locate scan (docs/operating.md, known limitations)',
    },
    'app-stopped-at': {
      type: 'string',
      value: 'time',
      help: "when the app stopped sending for these ids (ISO 8601); default: the request's first run",
    },
    shard: {
      type: 'string',
      value: 'i/n|aws-batch',
      help:
        "this run's share of the keys, i of n counted from 0 (aws-batch: an AWS Batch array child's index and " +
        'size): n runs on n machines split the work; with --locate athena, run --locate-only once first',
    },
    'locate-only': {
      type: 'boolean',
      help: 'with --locate athena: locate once and save the located objects for the shards, then stop',
    },
    concurrency: {
      type: 'string',
      value: 'N',
      help:
        `objects erased at once, 1 to 64 (default ${DEFAULT_CONCURRENCY}): each costs several S3 ` +
        `round trips besides its CPU; also the KMS calls made at once for the ids' MACs`,
    },
    'stop-after-rewrites': {
      type: 'string',
      value: 'N',
      help: 'stop after N rewrites, their old versions not yet deleted (to show a resumed run)',
    },
  },
} satisfies CommandSpec;

/** The request as the engine takes it, from the deployment's folders and buffer. */
export function erasureRequest(
  d: ResolvedDeployment,
  request: string,
  ids: string[],
  mac: IdMacer,
  options: {
    fields?: (string | MatchField)[];
    unparsed?: 'keep' | 'remove';
    appStoppedAt?: Date;
    stopAfterRewrites?: number;
    located?: Set<string>;
    shard?: Shard;
    concurrency?: number;
  } = {},
) {
  return {
    request,
    stack: d.names.stack,
    ids,
    // Receipts keep MACs of the ids under the stack's receipt key (receipt-mac.ts), never the ids.
    mac: { key: d.names.erasureReceiptKeyAlias, of: mac },
    fields: options.fields ?? DEFAULT_ID_FIELDS,
    folders: {
      data: staticFolder(d.settings.firehose.dataPrefix),
      errors: staticFolder(d.settings.firehose.errorPrefix),
      results: d.settings.athena.resultsPrefix,
    },
    requestsFolder: ERASURE_REQUESTS_FOLDER,
    bufferSeconds: d.settings.firehose.bufferIntervalSeconds,
    expirationDays: d.settings.lifecycle.expirationDays,
    ...(options.unparsed ? { unparsed: options.unparsed } : {}),
    ...(options.appStoppedAt ? { appStoppedAt: options.appStoppedAt } : {}),
    ...(options.stopAfterRewrites !== undefined ? { stopAfterRewrites: options.stopAfterRewrites } : {}),
    ...(options.located ? { located: options.located } : {}),
    ...(options.shard ? { shard: options.shard } : {}),
    ...(options.concurrency !== undefined ? { concurrency: options.concurrency } : {}),
  };
}

/**
 * `i/n` → the shard, or undefined when it is not one (0 ≤ i < n, 1 < n ≤ 10,000: an AWS Batch array job's sizes).
 * `aws-batch`: the child's `AWS_BATCH_JOB_ARRAY_INDEX` of `AWS_BATCH_JOB_ARRAY_SIZE` (AWS Batch user guide, "AWS Batch
 * job environment variables").
 */
export function parseShard(text: string, env: NodeJS.ProcessEnv = process.env): Shard | undefined {
  if (text === 'aws-batch')
    return env.AWS_BATCH_JOB_ARRAY_INDEX && env.AWS_BATCH_JOB_ARRAY_SIZE
      ? parseShard(`${env.AWS_BATCH_JOB_ARRAY_INDEX}/${env.AWS_BATCH_JOB_ARRAY_SIZE}`)
      : undefined;
  const m = /^(\d+)\/(\d+)$/.exec(text);
  if (!m) return undefined;
  const [index, count] = [Number(m[1]), Number(m[2])];
  return count >= 2 && count <= 10_000 && index < count ? { index, count } : undefined;
}

/**
 * What `--locate-only` saves for the shards: when, how many keys, and in how many parts (`located.<n>.json`, each
 * `LOCATED_PART_KEYS` keys: millions of keys would not fit one JSON string).
 */
interface SavedLocation {
  at: string;
  count: number;
  parts: number;
  /** The folders Athena read whole, and when the events folder was listed (athena-locate.ts, coverage). */
  athenaFolders: string[];
  listedAt: string;
  /**
   * Parts (`located.read.<n>.json`) of the keys Athena read, each with the version listed before the query: what a
   * shard may leave unread (athenaRead). A location saved without them (an earlier version) is located again.
   */
  readParts?: number;
  /**
   * JSON events: the read parts carry per key the bytes of it Athena read (AthenaRead.bytes). A JSON location saved
   * without them (an earlier version) is located again.
   */
  bytes?: boolean;
}
const LOCATED_PART_KEYS = 100_000;
const locatedPart = (savedAt: string, n: number, kind = '') =>
  savedAt.replace(/\.json$/, `${kind}.${String(n).padStart(4, '0')}.json`);

async function saveLocation(
  store: ErasureStore,
  savedAt: string,
  keys: string[],
  athena: AthenaRead,
  listedAt: Date,
): Promise<void> {
  const parts = Math.ceil(keys.length / LOCATED_PART_KEYS);
  for (let n = 0; n < parts; n++)
    await store.writeJson(locatedPart(savedAt, n), keys.slice(n * LOCATED_PART_KEYS, (n + 1) * LOCATED_PART_KEYS));
  const read = [...athena.read]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([key, versionId]) => (athena.bytes ? [key, versionId, athena.bytes.get(key) ?? null] : [key, versionId]));
  const readParts = Math.ceil(read.length / LOCATED_PART_KEYS);
  for (let n = 0; n < readParts; n++)
    await store.writeJson(
      locatedPart(savedAt, n, '.read'),
      read.slice(n * LOCATED_PART_KEYS, (n + 1) * LOCATED_PART_KEYS),
    );
  // Written last: a shard finds the location only once every part is there.
  await store.writeJson(savedAt, {
    at: new Date().toISOString(),
    count: keys.length,
    parts,
    athenaFolders: [...athena.folders].sort(),
    listedAt: listedAt.toISOString(),
    readParts,
    ...(athena.bytes ? { bytes: true } : {}),
  } satisfies SavedLocation);
}

/** The saved keys that are this shard's, or undefined when nothing was saved. */
async function savedLocation(
  store: ErasureStore,
  savedAt: string,
  shard: Shard,
  needBytes: boolean,
): Promise<
  { saved: SavedLocation; keys: Set<string>; read: Map<string, string>; bytes?: Map<string, number> } | undefined
> {
  const saved = await store.readJson<SavedLocation>(savedAt);
  // A location saved without its coverage, the keys Athena read or (JSON events) the bytes it read of each (an
  // earlier version) cannot show what Athena read: locate again.
  if (!saved?.athenaFolders || saved.readParts === undefined || (needBytes && !saved.bytes)) return undefined;
  const keys = new Set<string>();
  for (let n = 0; n < saved.parts; n++)
    for (const key of (await store.readJson<string[]>(locatedPart(savedAt, n))) ?? [])
      if (shardOf(key, shard.count) === shard.index) keys.add(key);
  const read = new Map<string, string>();
  const bytes = saved.bytes ? new Map<string, number>() : undefined;
  for (let n = 0; n < saved.readParts; n++)
    for (const [key, versionId, size] of (await store.readJson<[string, string, (number | null)?][]>(
      locatedPart(savedAt, n, '.read'),
    )) ?? [])
      if (shardOf(key, shard.count) === shard.index) {
        read.set(key, versionId);
        if (bytes && typeof size === 'number') bytes.set(key, size);
      }
  return { saved, keys, read, ...(bytes ? { bytes } : {}) };
}

/** What a run did and what is left, for people. */
export function describeReceipt(r: Receipt, bucket: string, idLines?: (r: Receipt) => number[]): string[] {
  const lines = [
    `request ${r.request} ` +
      `on ${r.stack}${r.thisRun.shard === 'all' ? '' : `, shard ${r.thisRun.shard.replace('-of-', '/')}`}: ` +
      (r.thisRun.changed === 0
        ? 'nothing left to erase in this run'
        : `${r.thisRun.changed} object(s) changed in this run`) +
      ` (${r.thisRun.objectsScanned} read)`,
    `in all: ${r.objectsRewritten} object(s) rewritten, ${r.objectsDeleted} deleted, ${r.recordsRemoved} ` +
      `record(s) removed, ${r.versionsDeleted} version(s) deleted, ${r.queryResultsDeleted} query result(s) deleted`,
  ];
  for (const p of r.pending) {
    lines.push(
      p.kind === 'restore'
        ? `pending: s3://${bucket}/${p.key} (version ${p.versionId}) is archived; its restore was ` +
            `started ${p.since} — run again once it is restored (Deep Archive bulk: within 48 hours)`
        : p.kind === 'unparsed'
          ? `pending: ${p.lines} line(s) hold an id's characters but are not JSON, or not a record whose id ` +
            `fields hold it (the id in another field, a key repeated), so whose they are is not known; they ` +
            `were kept — look at them, then run again with --unparsed keep or --unparsed remove`
          : p.kind === 'unreadable-object'
            ? `pending: s3://${bucket}/${p.key} (version ${p.versionId}) cannot be read as NDJSON ` +
              `— ${p.reason}, and no line of it is a JSON object — so whether it holds an id is not known; it ` +
              `was kept — the erasure reads only GZIP and plain NDJSON, and no flag of npm run erase decides ` +
              `for such an object: decode it, remove the device's records from it and from every older version ` +
              `of the key (aws s3api list-object-versions --prefix '${p.key}'; each unreadable version is ` +
              `named here on its own), or put it back as GZIP NDJSON and delete its older versions, then run again`
            : p.kind === 'unreadable-result'
              ? `pending: the query result s3://${bucket}/${p.key} (version ${p.versionId}) cannot be read ` +
                `as text (Parquet, another binary format), so whether it names an id is not known; it was ` +
                `kept — look at it, delete it (every version) if it does, then run again`
              : `pending: events sent before the app stopped may still be in ` +
                `Firehose's buffer until ${p.until} — run again after that`,
    );
  }
  const covered = r.coverage.athena.length + r.coverage.read.length;
  lines.push(
    `coverage: ${covered} folder(s) of events — ${r.coverage.athena.length} through Athena (it read ` +
      `every object there), ${r.coverage.read.length} read whole by this run` +
      (r.coverage.read.length > 0 && r.coverage.athena.length > 0
        ? ` (${r.coverage.read.slice(0, 3).join(', ')}${r.coverage.read.length > 3 ? ', …' : ''}: objects ` +
          `Athena did not read, or changed since)`
        : ''),
  );
  if (r.unparsedRemoved > 0)
    lines.push(
      `${r.unparsedRemoved} line(s) that were not JSON but held an id's characters removed (--unparsed remove)`,
    );
  if (r.idsWithoutRecords > 0)
    lines.push(
      `${r.idsWithoutRecords} of ${r.idMacs.length} id(s) matched no record so ` +
        `far${idLines ? `: line(s) ${idLines(r).join(', ')} of the file` : ''} — check each (another field? ` +
        `another stack?)`,
    );
  if (r.shardsNotRun.length > 0)
    lines.push(`pending: shard(s) ${r.shardsNotRun.map((s) => s.replace('-of-', '/')).join(', ')} not run yet`);
  const done = r.pending.length === 0 && r.shardsNotRun.length === 0;
  lines.push(
    `receipt: s3://${bucket}/${ERASURE_REQUESTS_FOLDER}${r.request}/receipt.json` +
      (done
        ? r.thisRun.shard === 'all'
          ? ' — done'
          : ' — every shard done; run once without --shard to confirm'
        : ''),
  );
  return lines;
}

export async function main(
  args: string[],
  storeFor: (d: ResolvedDeployment) => ErasureStore = (d) =>
    s3Store(new S3Client({ region: d.region }), d.names.dataBucket),
  athenaFor: (d: ResolvedDeployment) => AthenaClient = (d) => new AthenaClient({ region: d.region }),
  macFor: (d: ResolvedDeployment) => IdMacer = (d) => kmsIdMacer(new KMSClient({ region: d.region })),
): Promise<number> {
  const command = commandLine(ERASE_COMMAND, args);
  if (command.exit !== undefined) return command.exit;
  const { values } = command;
  const missing = (['stack', 'ids', 'request'] as const).filter((f) => !values[f]);
  if (missing.length > 0) {
    console.error(`${missing.map((f) => `--${f}`).join(', ')} required\n${usage(ERASE_COMMAND)}`);
    return 2;
  }
  if (!/^[A-Za-z0-9._-]{1,128}$/.test(values.request!)) {
    console.error(
      `--request ${values.request}: letters, digits, dots, hyphens ` +
        `and underscores only (it names a folder of the bucket)`,
    );
    return 2;
  }
  const deployments = loadDeploymentsOrReport();
  if (!deployments) return 1;
  const d = deployments.find((x) => x.names.stack === values.stack);
  if (!d) {
    console.error(`unknown stack ${values.stack}; known: ${deployments.map((x) => x.names.stack).join(', ')}`);
    return 2;
  }
  let ids: string[];
  let fields: MatchField[];
  let idText: string;
  try {
    fields = matchFields(values.field, contractFields(d.settings.contract.extraColumns));
    idText = readFileSync(values.ids!, 'utf8');
    ids = parseIdFile(idText, fields);
  } catch (error) {
    // A --field error names its flag itself; anything else is about the file.
    console.error(
      error instanceof IdFileError && error.source === 'field'
        ? error.message
        : `--ids ${values.ids}: ${(error as Error).message}`,
    );
    return 2;
  }
  if (values.unparsed !== undefined && values.unparsed !== 'keep' && values.unparsed !== 'remove') {
    console.error(`--unparsed ${values.unparsed}: keep or remove`);
    return 2;
  }
  const unparsed = values.unparsed as 'keep' | 'remove' | undefined;
  const appStoppedAt = values['app-stopped-at'] ? new Date(values['app-stopped-at']) : undefined;
  if (appStoppedAt && Number.isNaN(appStoppedAt.getTime())) {
    console.error(`--app-stopped-at ${values['app-stopped-at']}: not a time (ISO 8601, e.g. 2026-12-01T10:00:00Z)`);
    return 2;
  }
  const stop = values['stop-after-rewrites'] !== undefined ? Number(values['stop-after-rewrites']) : undefined;
  if (stop !== undefined && !(Number.isInteger(stop) && stop >= 1)) {
    console.error(`--stop-after-rewrites ${values['stop-after-rewrites']}: a whole number from 1`);
    return 2;
  }
  // Scan by default: the Athena locate is opt-in until it has been checked on a real stack (docs/operating.md).
  const locate = values.locate ?? 'scan';
  if (locate !== 'athena' && locate !== 'scan') {
    console.error(`--locate ${locate}: athena or scan\n${usage(ERASE_COMMAND)}`);
    return 2;
  }
  if (locate === 'athena' && d.settings.firehose.format === 'json' && !linesLocatable(ids, fields)) {
    console.error(
      `${values.field?.length ? `--field ${values.field.join(', ')}` : 'these ids'}: its ids have no ` +
        `fixed shape, so the locating query could find them only as a whole JSON value, while the run ` +
        `also counts them inside other text; run with --locate scan (it reads every object)`,
    );
    return 2;
  }
  const shard = values.shard !== undefined ? parseShard(values.shard) : undefined;
  if (values.shard !== undefined && !shard) {
    console.error(
      values.shard === 'aws-batch'
        ? '--shard aws-batch: AWS_BATCH_JOB_ARRAY_INDEX and ' +
            'AWS_BATCH_JOB_ARRAY_SIZE are not set (not an AWS Batch array child)'
        : `--shard ${values.shard}: i/n with 0 ≤ i < n and 2 ≤ n ≤ 10000, e.g. 0/16, or aws-batch`,
    );
    return 2;
  }
  const concurrency = values.concurrency !== undefined ? Number(values.concurrency) : undefined;
  if (concurrency !== undefined && !(Number.isInteger(concurrency) && concurrency >= 1 && concurrency <= 64)) {
    console.error(`--concurrency ${values.concurrency}: a whole number from 1 to 64`);
    return 2;
  }
  if (values['locate-only'] && (locate !== 'athena' || shard)) {
    console.error('--locate-only locates with Athena for the shards: with --locate athena, without --shard');
    return 2;
  }
  try {
    const store = storeFor(d);
    const mac = macFor(d);
    const r = erasureRequest(d, values.request!, ids, mac, {
      fields,
      ...(unparsed ? { unparsed } : {}),
      appStoppedAt,
      stopAfterRewrites: stop,
      ...(shard ? { shard } : {}),
      ...(concurrency !== undefined ? { concurrency } : {}),
    });
    const savedAt = requestPaths(r.requestsFolder, r.request).located;
    let located: Set<string> | undefined;
    let athenaFolders: AthenaRead | undefined;
    if (locate === 'athena' && shard) {
      // Shards share one located set: n queries would scan the window n times.
      const saved = await savedLocation(store, savedAt, shard, d.settings.firehose.format === 'json');
      if (!saved) {
        console.error(
          `--shard with --locate athena reads the objects located once by --locate-only, and ` +
            `request ${r.request} has none: run it with --locate-only first (or the shards with --locate scan)`,
        );
        return 2;
      }
      located = saved.keys;
      athenaFolders = {
        folders: new Set(saved.saved.athenaFolders),
        read: saved.read,
        ...(saved.bytes ? { bytes: saved.bytes } : {}),
      };
      console.log(
        `located: ${located.size} of the ${saved.saved.count} object(s) ` +
          `saved by --locate-only at ${saved.saved.at} are this shard's`,
      );
    } else if (locate === 'athena') {
      const folder = r.folders.data;
      const target = locateTarget(d, folder);
      await beginRequest(store, r);
      const listing = await listForLocating(store.versions(folder));
      const found = await locateWithAthena(athenaFor(d), target, ids, fields, listing.bytes, (line) =>
        console.log(line),
      );
      const covered = coverage(listing, found);
      located = found.keys;
      athenaFolders = athenaRead(listing, found);
      console.log(
        `located: ${located.size} object(s) of ${folder} hold the ids; ${covered.athena.size} ` +
          `folder(s) covered by Athena, ${covered.read.length} read whole by this run (Athena ` +
          `did not read every object there, or one changed since it was listed)`,
      );
      if (values['locate-only']) {
        await saveLocation(store, savedAt, [...located].sort(), athenaFolders, listing.at);
        console.log(
          `saved for the shards: s3://${d.names.dataBucket}/${savedAt} — now run ` +
            `--shard i/n for every i from 0 to n-1, then once without --shard`,
        );
        return 0;
      }
    }
    const receipt = await runErasure(store, { ...r, ...(located && athenaFolders ? { located, athenaFolders } : {}) });
    // An id that matched nothing is named by its line in the operator's file, never printed.
    const lineOf = lineNumbers(idText, fields);
    const { macs } =
      receipt.idsWithoutRecords > 0
        ? await macsOf(mac, receipt.macKey, ids, r.concurrency ?? DEFAULT_CONCURRENCY)
        : { macs: [] };
    const idLines = (x: Receipt) =>
      ids.filter((_id, i) => x.recordsPerId[x.idMacs.indexOf(macs[i])] === 0).map((id) => lineOf.get(id)!);
    for (const line of describeReceipt(receipt, d.names.dataBucket, idLines)) console.log(line);
    return receipt.thisRun.pending > 0 ? 3 : 0;
  } catch (error) {
    if (error instanceof RequestError) {
      console.error(`erase refused: ${error.message}`);
      return 2;
    }
    if (error instanceof LocateError) {
      // Nothing erased yet: the message says the way on (--locate scan; athena-locate.ts, locateFailure).
      console.error(`erase stopped before erasing anything: ${error.message}`);
      return 1;
    }
    if (error instanceof PlantedInterruption) {
      console.error(`erase stopped: ${error.message}; run the same command again to resume`);
      return 1;
    }
    const e = error as Error & { $metadata?: { httpStatusCode?: number } };
    console.error(
      `erase failed: ${e.name}: ${e.message}` +
        (e.$metadata?.httpStatusCode === 403
          ? ` — the credentials need the stack's erasure policy (${d.names.erasure})`
          : '') +
        `; run the same command again to resume`,
    );
    return 1;
  }
}

/**
 * Where the locating query runs: the erasure's own workgroup (stacks/constructs/erasure.ts), whose query history and
 * results no analyst policy reaches; never the analysts' workgroup. What it reads: the erasure's raw-line table for
 * JSON events, the events table for Parquet events.
 */
export function locateTarget(d: ResolvedDeployment, folder: string): LocateTarget {
  return {
    workgroup: d.names.erasureWorkgroup,
    database: d.names.glueDatabase,
    table: d.names.table,
    // JSON events are located in their raw lines (athena-locate.ts); Parquet events through the events table.
    ...(d.settings.firehose.format === 'json' ? { linesTable: d.names.erasureLinesTable } : {}),
    bucket: d.names.dataBucket,
    folder,
    pricePerTb: pricesFor(d.region)?.prices['athena.scanned']?.value,
  };
}

if (isEntryPoint('scripts/erase/index.ts')) {
  main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
