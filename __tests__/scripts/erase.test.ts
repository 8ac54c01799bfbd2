/**
 * The erasure engine against an in-memory versioned bucket: formats, versions, archive, concurrency, resume, receipt.
 */
import { createHash, createHmac } from 'node:crypto';
import { deflateRawSync, deflateSync, gunzipSync, gzipSync, inflateRawSync } from 'node:zlib';
import {
  beginRequest,
  DEFAULT_CONCURRENCY,
  keysWithVersions,
  PlantedInterruption,
  RequestError,
  runErasure,
  shardOf,
  type ErasureRequest,
  type ErasureStore,
  type ObjectHead,
  type ObjectVersion,
  type Receipt,
} from '../../scripts/erase/engine';
import { contractFields } from '../../config/event-contract';
import { LOCATE_DIGEST_PREFIX_HEX } from '../../config/names';
import { contractParquet, parquetShape } from '../../scripts/erase/parquet';
import { filterNdjson, filterObject, idMatcher, matchField, undecodable } from '../../scripts/erase/records';
import { IdFileError, matchFields, parseIdFile } from '../../scripts/erase/id-file';
import {
  coverage,
  idDigest,
  idDigestPrefix,
  listForLocating,
  locateQuery,
  LocateError,
  locateWithAthena,
  LINE_MARKS,
  linesLocatable,
  locateLinesQuery,
  athenaRead,
  wantedPrefixesSql,
  LOCATE_ESCAPE,
  LOCATE_MAX_RUN,
  LOCATE_RUN_REGEX,
  LOCATE_UUID_LENGTH,
  LOCATE_UUID_SHAPE,
  type LineMark,
} from '../../scripts/erase/athena-locate';
import type { AthenaClient } from '@aws-sdk/client-athena';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeReceipt, ERASE_COMMAND, locateTarget, main as erase, parseShard } from '../../scripts/erase/index';
import { kmsIdMacer, localIdMacer, receiptMacOf, verifyIdMac, type IdMacer } from '../../scripts/erase/receipt-mac';
import type { KMSClient } from '@aws-sdk/client-kms';
import { synthDeployments } from '../helpers';
import { s3Store } from '../../scripts/erase/s3-store';
import type { S3Client } from '@aws-sdk/client-s3';
import { CONFIGURED } from '../fixtures/configured';
import { ERASURE_LOCATE_RESULTS_FOLDER, staticFolder } from '../../config/names';
import { retentionStep, retentionSteps } from '../../config/rewrite-retention';

interface Stored {
  versionId: string;
  body: Buffer;
  storageClass: string;
  deleteMarker: boolean;
  restore: ObjectHead['restore'];
  kmsKeyId: string;
  lastModified: Date;
  /** What a rewrite carried: the data's first write (metadata) and the days it had left (tag). */
  retention?: { firstWritten: string; daysLeft: number };
}

/** A versioned bucket in memory; `beforeReplace` lets a test change an object between its read and its rewrite. */
class MemoryBucket implements ErasureStore {
  objects = new Map<string, Stored[]>();
  private next = 1;
  beforeReplace?: (key: string) => void;
  /** The time of each write. */
  clock = () => new Date();

  put(key: string, body: Buffer, storageClass = 'STANDARD', retention?: Stored['retention']): string {
    const versionId = `v${this.next++}`;
    this.objects.set(key, [
      ...(this.objects.get(key) ?? []),
      {
        versionId,
        body,
        storageClass,
        deleteMarker: false,
        restore: 'none',
        kmsKeyId: 'key-1',
        lastModified: this.clock(),
        ...(retention ? { retention } : {}),
      },
    ]);
    return versionId;
  }
  private etag = (s: Stored) => createHash('md5').update(s.body).digest('hex');
  private find(key: string, versionId: string) {
    const v = this.objects.get(key)?.find((x) => x.versionId === versionId);
    if (!v) throw Object.assign(new Error(`no ${key}@${versionId}`), { name: 'NoSuchVersion' });
    return v;
  }
  async *versions(prefix: string): AsyncGenerator<ObjectVersion> {
    // Listed like S3: a snapshot in key order, newest version first.
    const listed = [...this.objects].filter(([k]) => k.startsWith(prefix)).sort(([a], [b]) => (a < b ? -1 : 1));
    yield* listed.flatMap(([key, vs]) =>
      vs
        .map((v, i) => ({
          key,
          versionId: v.versionId,
          latest: i === vs.length - 1,
          deleteMarker: v.deleteMarker,
          storageClass: v.storageClass,
          lastModified: v.lastModified,
          size: v.body.length,
        }))
        .reverse(),
    );
  }
  async head(key: string, versionId: string): Promise<ObjectHead> {
    const v = this.find(key, versionId);
    return {
      etag: this.etag(v),
      storageClass: v.storageClass,
      restore: v.restore,
      encryption: 'aws:kms',
      kmsKeyId: v.kmsKeyId,
      ...(v.retention ? { firstWritten: v.retention.firstWritten } : {}),
    };
  }
  async get(key: string, versionId: string): Promise<Buffer> {
    const v = this.find(key, versionId);
    if (v.storageClass === 'DEEP_ARCHIVE' && v.restore !== 'restored')
      throw Object.assign(new Error('InvalidObjectState'), { name: 'InvalidObjectState' });
    return v.body;
  }
  async tail(key: string, versionId: string, n: number): Promise<Buffer> {
    // A ranged GET, apart from `get` (which tests count as reading an object whole).
    const { body } = this.find(key, versionId);
    return body.subarray(Math.max(0, body.length - n));
  }
  async replace(
    key: string,
    body: Buffer,
    like: ObjectHead,
    ifMatch: string,
    retention?: Stored['retention'],
  ): Promise<string | 'changed'> {
    this.beforeReplace?.(key);
    const vs = this.objects.get(key)!;
    if (this.etag(vs[vs.length - 1]) !== ifMatch) return 'changed';
    const versionId = this.put(key, body, like.storageClass, retention);
    return versionId;
  }
  async deleteVersion(key: string, versionId: string): Promise<void> {
    const left = (this.objects.get(key) ?? []).filter((v) => v.versionId !== versionId);
    if (left.length) this.objects.set(key, left);
    else this.objects.delete(key);
  }
  async restore(key: string, versionId: string): Promise<void> {
    this.find(key, versionId).restore = 'ongoing';
  }
  async readJson<T>(key: string): Promise<T | undefined> {
    const vs = this.objects.get(key);
    return vs ? (JSON.parse(vs[vs.length - 1].body.toString()) as T) : undefined;
  }
  async writeJson(key: string, value: unknown): Promise<void> {
    this.put(key, Buffer.from(JSON.stringify(value)));
  }
  async keys(prefix: string): Promise<string[]> {
    return [...this.objects]
      .filter(([k, vs]) => k.startsWith(prefix) && !vs[vs.length - 1].deleteMarker)
      .map(([k]) => k);
  }
  async createJson(key: string, value: unknown): Promise<boolean> {
    if (this.objects.has(key)) return false;
    this.put(key, Buffer.from(JSON.stringify(value)));
    return true;
  }
  /** Every line of every version under a prefix (for counting what is left). */
  lines(prefix: string): string[] {
    return [...this.objects]
      .filter(([k]) => k.startsWith(prefix))
      .flatMap(([, vs]) => vs.flatMap((v) => gunzipSync(v.body).toString().split('\n').filter(Boolean)));
  }
}

const event = (device: string, n: number) =>
  JSON.stringify({
    event_type: 'screen_view',
    event_timestamp: n,
    client: { client_id: device, cognito_id: `us-east-1:${device}-guest` },
  });
const object = (...lines: string[]) => gzipSync(`${lines.join('\n')}\n`);
const failed = (record: string) =>
  JSON.stringify({
    attemptsMade: 1,
    errorCode: 'DataFormatConversion.ParseError',
    rawData: Buffer.from(record).toString('base64'),
  });
/** The erased device: an IDFV, as the contract's id field holds it. */
const ERASED = 'A1B2C3D4-0000-4000-8000-00000000000A';
/** The receipts' MACs in tests: HMAC-SHA-256 with a secret standing for the KMS key's material (receipt-mac.ts). */
const MAC_SECRET = 'receipt-key-material';
const TEST_MAC = localIdMacer(MAC_SECRET);
const request = (overrides: Partial<ErasureRequest> = {}): ErasureRequest => ({
  request: 'DSR-1',
  stack: 'telemetry-dev-us-east-1',
  ids: [ERASED],
  fields: ['client.client_id', 'client.cognito_id'],
  folders: { data: 'data/', errors: 'errors/', results: 'athena-results/' },
  requestsFolder: 'erasure-requests/',
  bufferSeconds: 60,
  appStoppedAt: new Date('2026-01-01T00:00:00Z'),
  mac: { key: 'alias/telemetry-dev-erasure-receipts', of: TEST_MAC },
  ...overrides,
});

function bucketWithEvents(data = 'data/', errors = 'errors/', results = 'athena-results/'): MemoryBucket {
  const b = new MemoryBucket();
  b.put(
    `${data}year=2026/a.gz`,
    object(event(ERASED, 1), event('device-B', 2), event(ERASED, 3), event('device-C', 4)),
  );
  b.put(`${data}year=2026/only-a.gz`, object(event(ERASED, 5), event(ERASED, 6)));
  b.put(`${data}year=2026/none.gz`, object(event('device-B', 7)));
  b.put(`${errors}processing-failed/x.gz`, object(failed(event(ERASED, 8)), failed(event('device-C', 9))));
  b.put(`${results}q1.csv`, Buffer.from(`"client_id"\n"${ERASED}"\n`));
  b.put(`${results}q2.csv`, Buffer.from('"n"\n"3"\n'));
  return b;
}

describe('erasure of one device', () => {
  it(
    'rewrites objects without its records, deletes objects ' + 'holding only its records, and every older version',
    async () => {
      const b = bucketWithEvents();
      const untouched = b.objects.get('data/year=2026/none.gz')![0].body;
      const receipt = await runErasure(b, request());
      expect(b.lines('data/').filter((l) => l.includes(ERASED))).toEqual([]);
      expect(
        b.lines('errors/').filter((l) => Buffer.from(JSON.parse(l).rawData, 'base64').toString().includes(ERASED)),
      ).toEqual([]);
      // Every other record is still there, counted: B and C in data/, C in errors/.
      expect(
        b
          .lines('data/')
          .map((l) => JSON.parse(l).client.client_id)
          .sort(),
      ).toEqual(['device-B', 'device-B', 'device-C']);
      expect(b.lines('errors/')).toHaveLength(1);
      // One version per key: the rewritten one; the object of A alone is gone, with no delete marker.
      expect(b.objects.get('data/year=2026/a.gz')).toHaveLength(1);
      expect(b.objects.has('data/year=2026/only-a.gz')).toBe(false);
      expect(b.objects.get('data/year=2026/none.gz')![0].body).toBe(untouched);
      expect(b.objects.has('athena-results/q1.csv')).toBe(false);
      expect(b.objects.has('athena-results/q2.csv')).toBe(true);
      expect(receipt).toMatchObject({
        objectsRewritten: 2,
        objectsDeleted: 1,
        recordsRemoved: 5,
        versionsDeleted: 3,
        queryResultsDeleted: 1,
        pending: [],
      });
    },
  );

  it('keeps the encryption and storage class, and lines of others byte for byte', async () => {
    const b = new MemoryBucket();
    b.put(
      'data/x.gz',
      object('{"client":{"client_id":"device-B"},"odd":  "spacing"}', event(ERASED, 1)),
      'STANDARD_IA',
    );
    await runErasure(b, request());
    const [v] = b.objects.get('data/x.gz')!;
    expect(v).toMatchObject({ storageClass: 'STANDARD_IA', kmsKeyId: 'key-1' });
    expect(gunzipSync(v.body).toString()).toBe('{"client":{"client_id":"device-B"},"odd":  "spacing"}\n');
  });

  it(
    'a receipt with HMACs of the ids under the receipt key, no salt, ' +
      'never the ids; a re-run finds nothing left and says so',
    async () => {
      const b = bucketWithEvents();
      const first = await runErasure(b, request());
      expect(JSON.stringify(first)).not.toContain(ERASED);
      expect(first.idMacs).toEqual([createHmac('sha256', MAC_SECRET).update(ERASED, 'utf8').digest('hex')]);
      expect(first).toMatchObject({
        macKey: 'arn:aws:kms:us-east-1:111111111111:key/local-test',
        macAlgorithm: 'HMAC_SHA_256',
      });
      // Nothing in the receipt lets its holder test a guess: no salt, and a SHA-256 of the id (salted or not) is
      // not there.
      expect(first).not.toHaveProperty('salt');
      expect(JSON.stringify(first)).not.toContain(createHash('sha256').update(ERASED).digest('hex'));
      expect(JSON.stringify(await b.readJson('erasure-requests/DSR-1/request.json'))).not.toMatch(/salt|device-A/i);
      const second = await runErasure(b, request());
      expect(second.thisRun.changed).toBe(0);
      expect({ ...second, runs: undefined, thisRun: undefined, writtenAt: undefined }).toEqual({
        ...first,
        runs: undefined,
        thisRun: undefined,
        writtenAt: undefined,
      });
      expect(second.runs).toHaveLength(2);
      const stored = await b.readJson<typeof first>('erasure-requests/DSR-1/receipt.json');
      expect(stored?.recordsRemoved).toBe(first.recordsRemoved);
    },
  );

  it(
    'a run stopped after a rewrite, before its old version was deleted, ' +
      'is finished by the next: nothing lost or counted twice',
    async () => {
      const whole = await runErasure(bucketWithEvents(), request());
      const b = bucketWithEvents();
      await expect(runErasure(b, request({ stopAfterRewrites: 1 }))).rejects.toThrow(PlantedInterruption);
      // Stopped midway: the rewritten object has its old version, still holding the device's records.
      expect(b.lines('data/').some((l) => l.includes(ERASED))).toBe(true);
      const resumed = await runErasure(b, request());
      expect(b.lines('data/').filter((l) => l.includes(ERASED))).toEqual([]);
      expect(
        b
          .lines('data/')
          .map((l) => JSON.parse(l).client.client_id)
          .sort(),
      ).toEqual(['device-B', 'device-B', 'device-C']);
      expect(resumed).toMatchObject({
        objectsRewritten: whole.objectsRewritten,
        objectsDeleted: whole.objectsDeleted,
        recordsRemoved: whole.recordsRemoved,
        versionsDeleted: whole.versionsDeleted,
      });
    },
  );

  it(
    'an object changed between its read and its rewrite is read ' +
      'again: the change is kept, the device still erased',
    async () => {
      const b = new MemoryBucket();
      b.put('data/x.gz', object(event(ERASED, 1), event('device-B', 2)));
      let changed = false;
      b.beforeReplace = (key) => {
        if (changed) return;
        changed = true;
        b.put(key, object(event(ERASED, 1), event('device-B', 2), event('device-D', 3)));
      };
      const receipt = await runErasure(b, request());
      expect(b.lines('data/').map((l) => JSON.parse(l).client.client_id)).toEqual(['device-B', 'device-D']);
      expect(b.objects.get('data/x.gz')).toHaveLength(1);
      expect(receipt).toMatchObject({ objectsRewritten: 1, recordsRemoved: 1, versionsDeleted: 2 });
    },
  );

  it('a Deep Archive object: restore started and pending (exit 3), finished by a run after the restore', async () => {
    const b = new MemoryBucket();
    b.put('data/old.gz', object(event(ERASED, 1), event('device-B', 2)), 'DEEP_ARCHIVE');
    const first = await runErasure(b, request());
    expect(first.pending).toEqual([expect.objectContaining({ kind: 'restore', key: 'data/old.gz' })]);
    expect(b.objects.get('data/old.gz')![0].restore).toBe('ongoing');
    const again = await runErasure(b, request());
    expect(again.pending).toHaveLength(1);
    b.objects.get('data/old.gz')![0].restore = 'restored';
    const done = await runErasure(b, request());
    expect(done.pending).toEqual([]);
    expect(b.objects.get('data/old.gz')).toEqual([expect.objectContaining({ storageClass: 'DEEP_ARCHIVE' })]);
    expect(gunzipSync(b.objects.get('data/old.gz')![0].body).toString()).not.toContain(ERASED);
  });

  it("pending while Firehose's buffer may still deliver events sent before the app stopped", async () => {
    const stopped = new Date('2026-06-01T12:00:00Z');
    const receipt = await runErasure(
      new MemoryBucket(),
      request({ appStoppedAt: stopped, now: () => new Date('2026-06-01T12:01:00Z') }),
    );
    expect(receipt.pending).toEqual([{ kind: 'firehose-buffer', until: '2026-06-01T12:02:00.000Z' }]);
  });

  it('the same request id with other ids is refused', async () => {
    const b = bucketWithEvents();
    await runErasure(b, request());
    await expect(runErasure(b, request({ ids: ['device-B'] }))).rejects.toThrow(/other ids/);
  });

  it(
    'a request begun by the salted receipts of before is ' + 'refused with what to do, and nothing is touched',
    async () => {
      const b = bucketWithEvents();
      const salt = '00112233445566778899aabbccddeeff';
      await b.writeJson('erasure-requests/DSR-1/request.json', {
        request: 'DSR-1',
        stack: 'telemetry-dev-us-east-1',
        salt,
        idHashes: [createHash('sha256').update(salt).update('\0').update(ERASED).digest('hex')],
        fields: ['client.client_id'],
        startedAt: '2026-01-01T00:00:00.000Z',
      });
      const before = b.lines('data/');
      const refused = runErasure(b, request());
      await expect(refused).rejects.toThrow(RequestError);
      await expect(runErasure(b, request())).rejects.toThrow(
        new RegExp(
          'begun by an older npm run erase, whose record keeps salted SHA-256 hashes.*Run the request ' +
            'again under a new --request',
        ),
      );
      expect(b.lines('data/')).toEqual(before);
    },
  );
});

describe('listing on S3: one key at a time, never the whole folder', () => {
  it(
    'versions and delete markers of a page merged by key; a key ' +
      'split over two pages comes once, with all its versions',
    async () => {
      const pages = [
        {
          Versions: [
            { Key: 'data/a', VersionId: 'a1', IsLatest: true, LastModified: new Date(1) },
            { Key: 'data/b', VersionId: 'b3', IsLatest: false, LastModified: new Date(1) },
          ],
          DeleteMarkers: [{ Key: 'data/b', VersionId: 'b4', IsLatest: true }],
          IsTruncated: true,
          NextKeyMarker: 'data/b',
          NextVersionIdMarker: 'b3',
        },
        {
          Versions: [
            { Key: 'data/b', VersionId: 'b2', IsLatest: false, LastModified: new Date(1) },
            { Key: 'data/c', VersionId: 'c1', IsLatest: true, LastModified: new Date(1) },
          ],
          DeleteMarkers: [{ Key: 'data/b', VersionId: 'b1', IsLatest: false }],
          IsTruncated: false,
        },
      ];
      const markers: (string | undefined)[] = [];
      const s3 = {
        send: async (c: { input: { KeyMarker?: string } }) => (
          markers.push(c.input.KeyMarker),
          pages[markers.length - 1]
        ),
      } as unknown as S3Client;
      const listed: [string, string[]][] = [];
      for await (const [key, versions] of keysWithVersions(s3Store(s3, 'bucket'), 'data/'))
        listed.push([key, versions.map((v) => `${v.versionId}${v.deleteMarker ? ' (marker)' : ''}`)]);
      expect(listed).toEqual([
        ['data/a', ['a1']],
        ['data/b', ['b3', 'b4 (marker)', 'b2', 'b1 (marker)']],
        ['data/c', ['c1']],
      ]);
      expect(markers).toEqual([undefined, 'data/b']);
      // A version without LastModified is refused, never dated by the epoch (a rewrite's retention starts from it).
      delete (pages[1].Versions[1] as { LastModified?: Date }).LastModified;
      markers.length = 0;
      await expect(
        (async () => {
          for await (const _ of keysWithVersions(s3Store(s3, 'bucket'), 'data/'));
        })(),
      ).rejects.toThrow('S3 listed a version of data/c without LastModified');
    },
  );
});

describe('journal and segments: what a run writes per object stays small', () => {
  function manyObjects(n: number): MemoryBucket {
    const b = new MemoryBucket();
    for (let i = 0; i < n; i++)
      b.put(`data/k-${String(i).padStart(5, '0')}.gz`, object(event(ERASED, i), event('device-B', i)));
    b.put('data/only-a.gz', object(event(ERASED, 1)));
    b.put('athena-results/q.csv', Buffer.from(`"client_id"\n"${ERASED}"\n`));
    return b;
  }
  /** The request's own objects written, by kind, with their largest size. */
  function watchWrites(b: MemoryBucket) {
    const largest: Record<string, number> = {};
    const write = b.writeJson.bind(b);
    b.writeJson = async (key, value) => {
      const kind = key.split('/').pop()!.split('.')[0];
      largest[kind] = Math.max(largest[kind] ?? 0, JSON.stringify(value).length);
      return write(key, value);
    };
    return largest;
  }

  it(
    'the journal holds only changes not yet in a segment: its ' +
      'largest write does not grow with the number of objects',
    async () => {
      const sizes: number[] = [];
      for (const n of [40, 400]) {
        const b = manyObjects(n);
        const largest = watchWrites(b);
        const receipt = await runErasure(b, request({ segmentKeys: 20 }));
        expect(receipt).toMatchObject({
          objectsRewritten: n,
          objectsDeleted: 1,
          recordsRemoved: n + 1,
          queryResultsDeleted: 1,
        });
        expect(b.lines('data/').filter((l) => l.includes(ERASED))).toEqual([]);
        // One segment per 20 changed keys, written once each.
        expect([...b.objects.keys()].filter((k) => k.includes('/done.'))).toHaveLength(Math.ceil((n + 2) / 20));
        sizes.push(largest.journal);
      }
      expect(sizes[1]).toBeLessThan(sizes[0] * 1.5);
    },
  );

  it(
    'a run stopped with results not yet in a segment, or between a ' +
      'segment and its journal, counts each change once when resumed',
    async () => {
      const whole = await runErasure(manyObjects(30), request({ segmentKeys: 4 }));
      // Stopped after 10 rewrites: two segments written, two results only in memory, their notes in the journal.
      const b = manyObjects(30);
      await expect(runErasure(b, request({ segmentKeys: 4, stopAfterRewrites: 10 }))).rejects.toThrow(
        PlantedInterruption,
      );
      const resumed = await runErasure(b, request({ segmentKeys: 4 }));
      expect(resumed).toMatchObject({
        objectsRewritten: whole.objectsRewritten,
        objectsDeleted: whole.objectsDeleted,
        recordsRemoved: whole.recordsRemoved,
        versionsDeleted: whole.versionsDeleted,
        queryResultsDeleted: 1,
      });
      // Stopped after a segment was written and before the journal counted it.
      const c = manyObjects(30);
      const write = c.writeJson.bind(c);
      let segments = 0;
      c.writeJson = async (key, value) => {
        await write(key, value);
        if (key.includes('/done.') && ++segments === 2) throw new Error('connection lost');
      };
      await expect(runErasure(c, request({ segmentKeys: 4 }))).rejects.toThrow('connection lost');
      c.writeJson = write;
      expect(await runErasure(c, request({ segmentKeys: 4 }))).toMatchObject({
        objectsRewritten: whole.objectsRewritten,
        objectsDeleted: whole.objectsDeleted,
        recordsRemoved: whole.recordsRemoved,
        versionsDeleted: whole.versionsDeleted,
        queryResultsDeleted: 1,
      });
    },
  );

  /** Every key with a result in a segment, as often as it has one. */
  const segmentKeys = (b: MemoryBucket) =>
    [...b.objects]
      .filter(([k]) => k.includes('/done.'))
      .flatMap(([, vs]) => Object.keys(JSON.parse(vs[vs.length - 1].body.toString()).results as object));

  it(
    'several keys at once, never more than asked, erase what ' + 'one at a time does; each key in one segment',
    async () => {
      const one = manyObjects(40);
      const sequential = await runErasure(one, request({ segmentKeys: 2, concurrency: 1 }));
      const b = manyObjects(40);
      let inFlight = 0;
      let most = 0;
      let segmentsWriting = 0;
      let readWhileWriting = 0;
      const get = b.get.bind(b);
      b.get = async (key, versionId) => {
        most = Math.max(most, ++inFlight);
        await new Promise((resolve) => setTimeout(resolve, 1));
        inFlight--;
        if (segmentsWriting > 0) readWhileWriting++;
        return get(key, versionId);
      };
      // A segment takes a while to write (longer than a read): results keep arriving meanwhile.
      const write = b.writeJson.bind(b);
      b.writeJson = async (key, value) => {
        const body = JSON.stringify(value);
        if (!key.includes('/done.')) return write(key, JSON.parse(body));
        segmentsWriting++;
        await new Promise((resolve) => setTimeout(resolve, 3));
        segmentsWriting--;
        return write(key, JSON.parse(body));
      };
      const parallel = await runErasure(b, request({ segmentKeys: 2, concurrency: 4 }));
      expect(most).toBeGreaterThan(1);
      expect(most).toBeLessThanOrEqual(4);
      expect(readWhileWriting).toBeGreaterThan(0);
      const counts = (x: typeof sequential) => ({ ...x, writtenAt: undefined, startedAt: undefined, runs: undefined });
      expect(counts(parallel)).toEqual(counts(sequential));
      const keys = segmentKeys(b);
      expect(new Set(keys).size).toBe(keys.length);
      expect(keys.sort()).toEqual(segmentKeys(one).sort());
    },
  );

  it('stopped while several keys are under way, and resumed: every key counted once', async () => {
    const whole = await runErasure(manyObjects(40), request({ concurrency: 1 }));
    const b = manyObjects(40);
    await expect(runErasure(b, request({ segmentKeys: 3, concurrency: 8, stopAfterRewrites: 10 }))).rejects.toThrow(
      PlantedInterruption,
    );
    const resumed = await runErasure(b, request({ segmentKeys: 3, concurrency: 8 }));
    expect(resumed).toMatchObject({
      objectsRewritten: whole.objectsRewritten,
      objectsDeleted: whole.objectsDeleted,
      recordsRemoved: whole.recordsRemoved,
      versionsDeleted: whole.versionsDeleted,
      queryResultsDeleted: 1,
    });
    const keys = segmentKeys(b);
    expect(new Set(keys).size).toBe(keys.length);
    expect(b.lines('data/').filter((l) => l.includes(ERASED))).toEqual([]);
  });

  it(
    'a query result half deleted before a stop: the next run deletes the ' +
      'versions left, though none names an id, and counts it once',
    async () => {
      const b = new MemoryBucket();
      b.put('athena-results/q.csv', Buffer.from('"n"\n"3"\n'));
      b.put('athena-results/q.csv', Buffer.from(`"client_id"\n"${ERASED}"\n`));
      const remove = b.deleteVersion.bind(b);
      let deletions = 0;
      b.deleteVersion = async (key, versionId) => {
        await remove(key, versionId);
        if (++deletions === 1) throw new Error('connection lost');
      };
      await expect(runErasure(b, request())).rejects.toThrow('connection lost');
      expect(b.objects.get('athena-results/q.csv')).toHaveLength(1);
      b.deleteVersion = remove;
      expect(await runErasure(b, request())).toMatchObject({ queryResultsDeleted: 1 });
      expect(b.objects.has('athena-results/q.csv')).toBe(false);
      expect((await b.readJson<{ intents: object }>('erasure-requests/DSR-1/journal.json'))?.intents).toEqual({});
    },
  );

  it(
    'an events object the run cannot decode (ZIP, Snappy, HADOOP_SNAPPY, broken ' +
      'GZIP) is kept, named and left pending — never "matched no record"',
    async () => {
      const b = new MemoryBucket();
      const text = Buffer.from(`${event(ERASED, 1)}\n${event('device-B', 2)}\n`);
      const deflated = deflateRawSync(text);
      // ZIP: a local file header, then the deflated NDJSON (Firehose ZIP compression).
      b.put(
        'data/year=2026/zip',
        Buffer.concat([Buffer.from('PK\x03\x04\x14\x00\x00\x00\x08\x00', 'latin1'), deflated]),
      );
      // Compressed bytes as a codec writes them: literal runs (the id's bytes in clear) broken by copy tags, so no line
      // is a JSON object (each line's repeated keys are copies of the first line's).
      const compressed = Buffer.from(
        text
          .toString('latin1')
          .split('\n')
          .map((l) => (l ? `${l.slice(0, 12)}\x05\x1c${l.slice(14)}` : l))
          .join('\n'),
        'latin1',
      );
      // Snappy framing: the stream identifier chunk, then a chunk.
      b.put('data/year=2026/snappy', Buffer.concat([Buffer.from('\xff\x06\x00\x00sNaPpY', 'latin1'), compressed]));
      // HADOOP_SNAPPY: no magic; a big-endian block length first. Its literal runs hold the id's bytes in clear.
      const block = Buffer.alloc(8);
      block.writeUInt32BE(text.length, 0);
      block.writeUInt32BE(text.length + 3, 4);
      b.put('data/year=2026/hadoop-snappy', Buffer.concat([block, Buffer.from([0xf0, 0x40]), compressed]));
      b.put('data/year=2026/broken.gz', Buffer.concat([gzipSync(text).subarray(0, 20)]));
      b.put('data/year=2026/fine.gz', object(event(ERASED, 3), event('device-B', 4)));
      const receipt = await runErasure(b, request());
      expect(receipt.recordsRemoved).toBe(1);
      const unreadable = receipt.pending.filter((p) => p.kind === 'unreadable-object');
      expect(unreadable.map((p) => 'key' in p && p.key).sort()).toEqual([
        'data/year=2026/broken.gz',
        'data/year=2026/hadoop-snappy',
        'data/year=2026/snappy',
        'data/year=2026/zip',
      ]);
      // Kept as they were: nothing removed on a guess from bytes the run cannot read.
      for (const key of ['zip', 'snappy', 'hadoop-snappy', 'broken.gz'])
        expect(b.objects.get(`data/year=2026/${key}`)).toHaveLength(1);
      expect(describeReceipt(receipt, 'b').join('\n')).toMatch(
        /zip \(version .*\) cannot be read as NDJSON — a ZIP archive/,
      );
      expect(describeReceipt(receipt, 'b').join('\n')).not.toContain(' — done');
      // The operator is told that older versions count too, and that no flag decides for such an object.
      expect(describeReceipt(receipt, 'b').join('\n')).toMatch(
        /every older version of the key .*no flag|no flag.*every older version of the key/,
      );
      // Plain NDJSON, and a GZIP one, stay readable (an ordinary object is never pending).
      expect(undecodable(text)).toBeUndefined();
      expect(undecodable(Buffer.from('{"a":"\\u0000"}\n'))).toBeUndefined();
    },
  );

  it.each([
    ['a NUL byte in a line', (x: string) => `{"event_type":"x","note":"a\x00b${x}"}`],
    ['a first record beginning with bzip2’s magic', (x: string) => `BZh91AY&SY${x}`],
    ['a first record beginning with ORC’s magic', (x: string) => `ORC${x}`],
    ['a first record beginning with ZIP’s magic', (x: string) => `PK\x03\x04${x}`],
    [
      'a first record beginning with a NUL (a Hadoop-Snappy header’s shape)',
      (x: string) => `\x00\x00\x01\x00\x00\x00\x00\x80${x}`,
    ],
  ])(
    'a guest’s record with %s never blocks an erasure: the device’s records beside it go, the guest’s line stays',
    async (_what, guest) => {
      for (const gz of [true, false]) {
        for (const naming of [false, true]) {
          const b = new MemoryBucket();
          const text = `${guest(naming ? ` ${ERASED}` : '')}\n${event(ERASED, 1)}\n${event('device-B', 2)}\n`;
          const key = `data/year=2026/guest${gz ? '.gz' : ''}`;
          b.put(key, gz ? gzipSync(Buffer.from(text, 'latin1')) : Buffer.from(text, 'latin1'));
          const receipt = await runErasure(b, request());
          expect(receipt.recordsRemoved).toBe(1);
          expect(receipt.pending.filter((p) => p.kind === 'unreadable-object')).toEqual([]);
          const body = b.objects.get(key)!.at(-1)!.body;
          const left = (gz ? gunzipSync(body) : body).toString('latin1');
          expect(left).toBe(`${guest(naming ? ` ${ERASED}` : '')}\n${event('device-B', 2)}\n`);
          // Pending only by the unparsed-line rule: when the guest's line holds the id's characters.
          expect(receipt.pending.filter((p) => p.kind !== 'firehose-buffer')).toEqual(
            naming ? [{ kind: 'unparsed', lines: 1 }] : [],
          );
          expect(b.objects.get(key)).toHaveLength(1);
        }
      }
    },
  );

  it(
    'query results: a GZIP one (an UNLOAD) naming the id is deleted; ' +
      'one that is not text is kept, named and left pending',
    async () => {
      const b = new MemoryBucket();
      b.put('athena-results/unload/q-1.gz', gzipSync(`{"client_id":"${ERASED.toLowerCase()}"}\n`));
      b.put('athena-results/unload/q-2.gz', gzipSync('{"client_id":"someone else"}\n'));
      b.put(
        'athena-results/unload/q-3.parquet',
        Buffer.concat([Buffer.from('PAR1'), Buffer.alloc(16, 7), Buffer.from('PAR1')]),
      );
      b.put('athena-results/q-4.bin', Buffer.from([0x00, 0xff, 0xfe, 0x01]));
      b.put('athena-results/q-5.gz', Buffer.from([0x1f, 0x8b, 0x08, 0x00, 0x01]));
      // Athena's column metadata beside a result: binary, its strings as they are.
      b.put('athena-results/q-6.csv.metadata', Buffer.from([0x0a, 0x02, 0x00, 0x22, 0x05, ...Buffer.from('n_ids')]));
      // An unreadable version beside one naming the id: every version goes, nothing left pending for it.
      b.put('athena-results/q-7', Buffer.from('PAR1 columns PAR1'));
      b.put('athena-results/q-7', gzipSync(`"${ERASED}"\n`));
      const receipt = await runErasure(b, request());
      expect(receipt.queryResultsDeleted).toBe(2);
      expect([...b.objects.keys()].sort()).toEqual([
        'athena-results/q-4.bin',
        'athena-results/q-5.gz',
        'athena-results/q-6.csv.metadata',
        'athena-results/unload/q-2.gz',
        'athena-results/unload/q-3.parquet',
        'erasure-requests/DSR-1/done.all.000000.json',
        'erasure-requests/DSR-1/journal.json',
        'erasure-requests/DSR-1/receipt.json',
        'erasure-requests/DSR-1/request.json',
      ]);
      expect(receipt.pending.filter((p) => p.kind === 'unreadable-result').map((p) => 'key' in p && p.key)).toEqual(
        expect.arrayContaining([
          'athena-results/q-4.bin',
          'athena-results/q-5.gz',
          'athena-results/unload/q-3.parquet',
        ]),
      );
      expect(receipt.pending.filter((p) => p.kind === 'unreadable-result')).toHaveLength(3);
      expect(describeReceipt(receipt, 'bkt').join('\n')).toContain(
        'pending: the query result s3://bkt/athena-results/unload/q-3.parquet (version',
      );
    },
  );

  it(
    'an object removed with every version just before a stop is ' + 'counted by the next run, though its key is gone',
    async () => {
      const whole = await runErasure(manyObjects(3), request());
      const b = manyObjects(3);
      const remove = b.deleteVersion.bind(b);
      b.deleteVersion = async (key, versionId) => {
        await remove(key, versionId);
        if (key === 'data/only-a.gz') throw new Error('connection lost');
      };
      await expect(runErasure(b, request())).rejects.toThrow('connection lost');
      b.deleteVersion = remove;
      expect(b.objects.has('data/only-a.gz')).toBe(false);
      expect(await runErasure(b, request())).toMatchObject({
        objectsRewritten: whole.objectsRewritten,
        objectsDeleted: 1,
        recordsRemoved: whole.recordsRemoved,
        versionsDeleted: whole.versionsDeleted,
      });
    },
  );
});

describe('shards: one request split over several runs', () => {
  /** A bucket with enough keys that three shards each get some. */
  function widerBucket(): MemoryBucket {
    const b = bucketWithEvents();
    for (let i = 0; i < 12; i++)
      b.put(`data/year=2026/more-${i}.gz`, object(event(ERASED, 100 + i), event('device-B', 200 + i)));
    return b;
  }

  it(
    'the shards read disjoint keys that together are every ' + 'key, and erase what one run would, counted once',
    async () => {
      const whole = await runErasure(widerBucket(), request());
      const b = widerBucket();
      const readBy = new Map<string, number[]>();
      const get = b.get.bind(b);
      let current = -1;
      b.get = async (key, versionId) => (
        key.startsWith('erasure-requests/') || readBy.set(key, [...(readBy.get(key) ?? []), current]),
        get(key, versionId)
      );
      for (let i = 0; i < 3; i++) {
        current = i;
        await runErasure(b, request({ shard: { index: i, count: 3 } }));
      }
      expect(new Set([...readBy.values()].flat()).size).toBe(3);
      for (const [key, shards] of readBy) expect(new Set(shards)).toEqual(new Set([shardOf(key, 3)]));
      expect(b.lines('data/').filter((l) => l.includes(ERASED))).toEqual([]);
      expect(b.lines('data/').filter((l) => l.includes('device-B'))).toHaveLength(14);
      // The run after the shards finds nothing left, and its receipt sums the shards' journals.
      current = -1;
      const confirm = await runErasure(b, request());
      expect(confirm.thisRun.changed).toBe(0);
      expect(confirm).toMatchObject({
        objectsRewritten: whole.objectsRewritten,
        objectsDeleted: whole.objectsDeleted,
        recordsRemoved: whole.recordsRemoved,
        versionsDeleted: whole.versionsDeleted,
        queryResultsDeleted: whole.queryResultsDeleted,
        shardsNotRun: [],
      });
      expect(confirm.runs.map((r) => r.shard)).toEqual(['0-of-3', '1-of-3', '2-of-3', 'all']);
    },
  );

  it("a shard's receipt names the shards not run yet and what its siblings left pending", async () => {
    const b = widerBucket();
    b.put('data/year=2026/archived.gz', object(event(ERASED, 1)), 'DEEP_ARCHIVE');
    const owner = shardOf('data/year=2026/archived.gz', 2);
    await runErasure(b, request({ shard: { index: owner, count: 2 } }));
    const other = await runErasure(b, request({ shard: { index: 1 - owner, count: 2 } }));
    expect(other.thisRun.pending).toBe(0);
    expect(other.pending).toEqual([expect.objectContaining({ kind: 'restore', key: 'data/year=2026/archived.gz' })]);
    expect(other.shardsNotRun).toEqual([]);
    const first = await runErasure(widerBucket(), request({ shard: { index: 1, count: 4 } }));
    expect(first.shardsNotRun).toEqual(['0-of-4', '2-of-4', '3-of-4']);
  });

  it('shards starting together agree on one record: the first written wins, with its MAC key', async () => {
    const b = new MemoryBucket();
    const [x, y] = await Promise.all([beginRequest(b, request()), beginRequest(b, request())]);
    expect([x.macKey, x.idMacs]).toEqual([y.macKey, y.idMacs]);
    expect(b.objects.get('erasure-requests/DSR-1/request.json')).toHaveLength(1);
  });

  it(
    "makes the ids' MACs at most `concurrency` KMS calls at a " + "time, each distinct id once, in the ids' order",
    async () => {
      const ids = Array.from({ length: 40 }, (_, i) => `B1B2C3D4-0000-4000-8000-${String(i).padStart(12, '0')}`);
      for (const concurrency of [1, 3, undefined]) {
        let inFlight = 0;
        let most = 0;
        const calls: string[] = [];
        // A fake KMS: each GenerateMac takes a moment, counted while it is outstanding.
        const counting: IdMacer = async (keyId, id) => {
          calls.push(`${keyId} ${id}`);
          most = Math.max(most, ++inFlight);
          await new Promise((resolve) => setTimeout(resolve, 1));
          inFlight--;
          return TEST_MAC(keyId, id);
        };
        const r = request({
          ids: [...ids, ids[0]],
          mac: { key: 'alias/k', of: counting },
          ...(concurrency === undefined ? {} : { concurrency }),
        });
        const record = await beginRequest(new MemoryBucket(), r);
        expect(most).toBe(concurrency ?? DEFAULT_CONCURRENCY);
        // A fresh record: the MACs under the alias, once — not asked again under the key's ARN the alias named.
        expect(calls).toEqual(ids.map((id) => `alias/k ${id}`));
        const expected = await Promise.all(r.ids.map(async (id) => (await TEST_MAC(record.macKey, id)).mac));
        expect(record.macsOfIds).toEqual(expected);
      }
    },
  );

  it("refuses to begin when the alias names two keys while the ids' MACs are made (moved meanwhile)", async () => {
    let calls = 0;
    const [before, after] = [
      localIdMacer(MAC_SECRET, 'arn:aws:kms:r:1:key/old'),
      localIdMacer(MAC_SECRET, 'arn:aws:kms:r:1:key/new'),
    ];
    const moving: IdMacer = async (keyId, id) => (++calls > 2 ? after : before)(keyId, id);
    const ids = Array.from({ length: 4 }, (_, i) => `B1B2C3D4-0000-4000-8000-${String(i).padStart(12, '0')}`);
    const b = new MemoryBucket();
    await expect(beginRequest(b, request({ ids, mac: { key: 'alias/k', of: moving } }))).rejects.toThrow(
      /alias\/k named 2 keys while the ids' MACs were made/,
    );
    expect(b.objects.has('erasure-requests/DSR-1/request.json')).toBe(false);
  });

  it('a shard stopped midway is finished by its own next run; a run without --shard refuses until then', async () => {
    const b = widerBucket();
    const stopped = [0, 1].find((i) =>
      [...b.objects.keys()].some((k) => k.startsWith('data/') && shardOf(k, 2) === i),
    )!;
    await expect(runErasure(b, request({ shard: { index: stopped, count: 2 }, stopAfterRewrites: 1 }))).rejects.toThrow(
      PlantedInterruption,
    );
    await expect(runErasure(b, request())).rejects.toThrow(RequestError);
    await expect(runErasure(b, request({ shard: { index: 0, count: 3 } }))).rejects.toThrow(
      new RegExp(
        `shard ${stopped}/2 of request DSR-1 has a change to finish: run it again first \\(--shard ${stopped}/2\\)`,
      ),
    );
    await runErasure(b, request({ shard: { index: stopped, count: 2 } }));
    await runErasure(b, request({ shard: { index: 1 - stopped, count: 2 } }));
    const confirm = await runErasure(b, request());
    const whole = await runErasure(widerBucket(), request());
    expect(confirm).toMatchObject({
      recordsRemoved: whole.recordsRemoved,
      versionsDeleted: whole.versionsDeleted,
      objectsRewritten: whole.objectsRewritten,
    });
    expect(b.lines('data/').filter((l) => l.includes(ERASED))).toEqual([]);
  });

  it(
    'a run without --shard stopped midway is finished without ' + '--shard; a shard refuses until then, saying so',
    async () => {
      const b = widerBucket();
      await expect(runErasure(b, request({ stopAfterRewrites: 1 }))).rejects.toThrow(PlantedInterruption);
      await expect(runErasure(b, request({ shard: { index: 0, count: 2 } }))).rejects.toThrow(
        'the run without --shard of request DSR-1 has a change to finish: run it again first (without --shard)',
      );
      await runErasure(b, request());
      expect((await runErasure(b, request({ shard: { index: 0, count: 2 } }))).thisRun.changed).toBe(0);
    },
  );

  it('--shard i/n: 0 ≤ i < n, 2 ≤ n ≤ 10000; aws-batch: the array child’s index and size', () => {
    expect(parseShard('0/16')).toEqual({ index: 0, count: 16 });
    expect(parseShard('aws-batch', { AWS_BATCH_JOB_ARRAY_INDEX: '7', AWS_BATCH_JOB_ARRAY_SIZE: '8' })).toEqual({
      index: 7,
      count: 8,
    });
    expect(parseShard('aws-batch', {})).toBeUndefined();
    for (const bad of ['16/16', '0/1', '1/10001', '-1/4', 'a/4', '1/4/2', '1']) expect(parseShard(bad)).toBeUndefined();
  });
});

describe('formats', () => {
  const matcher = idMatcher([ERASED], ['client.client_id']);
  it('plain NDJSON stays plain; an id only in another field is not a match', () => {
    const body = Buffer.from(
      `${event(ERASED, 1)}\n{"client":{"client_id":"device-B"},"attributes":{"note":"${ERASED}"}}\n`,
    );
    const out = filterNdjson(body, matcher);
    expect(out.removed).toBe(1);
    expect(out.body!.toString()).toBe(`{"client":{"client_id":"device-B"},"attributes":{"note":"${ERASED}"}}\n`);
  });
  const fields = contractFields([]);
  const parquetEvent = (device: string, n: number) => ({
    ...JSON.parse(event(device, n)),
    metrics: { price: n },
    device: { model: 'iPhone16,2', platform: { name: 'iOS', version: '26.1' } },
  });

  it('Parquet: rewritten with the same schema, compression and row order, without the device’s rows', async () => {
    const body = await contractParquet(
      [parquetEvent(ERASED, 1), parquetEvent('device-B', 2), parquetEvent(ERASED, 3), parquetEvent('device-C', 4)],
      fields,
    );
    const out = await filterObject(body, idMatcher([ERASED]));
    expect(out.removed).toBe(2);
    const [before, after] = [await parquetShape(body), await parquetShape(out.body!)];
    expect(after).toEqual({ ...before, rows: 2 });
    expect(before.columns).toContain('metrics MAP(VARCHAR, DOUBLE)');
    expect(before.compression).toEqual(['SNAPPY']);
    expect(await filterObject(out.body!, idMatcher(['device-B']))).toMatchObject({ removed: 1 });
  });

  it('Parquet: an object of only the device is removed, one without it left as it is', async () => {
    const only = await contractParquet([parquetEvent(ERASED, 1)], fields);
    expect(await filterObject(only, idMatcher([ERASED]))).toMatchObject({ body: null, removed: 1, perId: [1] });
    const none = await contractParquet([parquetEvent('device-B', 1)], fields);
    expect((await filterObject(none, idMatcher([ERASED]))).body).toBe(none);
  });

  it('Parquet objects go through the same engine: versions, receipt', async () => {
    const b = new MemoryBucket();
    b.put('data/x.parquet', await contractParquet([parquetEvent(ERASED, 1), parquetEvent('device-B', 2)], fields));
    const receipt = await runErasure(b, request());
    expect(receipt).toMatchObject({ objectsRewritten: 1, recordsRemoved: 1, versionsDeleted: 1 });
    expect((await parquetShape(b.objects.get('data/x.parquet')![0].body)).rows).toBe(1);
  });
});

describe('exact matching: no collateral deletion, no silent miss', () => {
  const OTHER = 'B1B2C3D4-0000-4000-8000-00000000000B';
  const fields = [matchField('client.client_id'), matchField('client.cognito_id')];
  const keptLines = (body: Buffer | null) => (body ? body.toString().split('\n').filter(Boolean) : []);

  it(
    'a JSON null, a missing field, a number or the id elsewhere ' + 'never match; only a string equal to the id does',
    () => {
      const lines = [
        '{"client":{"client_id":null,"cognito_id":null}}',
        '{"client":{}}',
        '{"event_type":"x"}',
        '{"client":{"client_id":12345}}',
        `{"client":{"client_id":"${OTHER}"},"attributes":{"note":"${ERASED}"}}`,
        `{"client":{"client_id":"${OTHER}x${ERASED}"}}`,
        `{"client":[{"client_id":"${ERASED}"}]}`,
        `{"client":{"client_id":"${ERASED}"}}`,
      ];
      const out = filterNdjson(Buffer.from(`${lines.join('\n')}\n`), idMatcher([ERASED], fields));
      // The id elsewhere (a note, inside another id, in an array) is kept, and counted as unparsed: never silently.
      expect(out).toMatchObject({ removed: 1, perId: [1], unparsed: 3 });
      expect(keptLines(out.body)).toEqual(lines.slice(0, -1));
      // Ids that stand for "no value" are refused before any matching (below); the matcher itself matches them by type.
      for (const word of ['null', 'undefined', '12345'])
        expect(filterNdjson(Buffer.from(`${lines.join('\n')}\n`), idMatcher([word], fields)).removed).toBe(0);
    },
  );

  it(
    "a key repeated on an id field's path, in either order, or the " +
      'id outside the id fields: kept, counted, never decided',
    () => {
      const lines = [
        `{"client":{"client_id":"${ERASED}","client_id":"${OTHER}"}}`,
        `{"client":{"client_id":"${OTHER}","client_id":"${ERASED}"}}`,
        `{"client":{"client_id":"${ERASED}"},"client":{"client_id":"${OTHER}"}}`,
        `{"client":{"client_id":"${OTHER}"},"attributes":{"note":"${ERASED.toLowerCase()}"}}`,
        `{"client":{"client_id":"${OTHER}"},"attributes":{"\u006eote":"${ERASED.replace('A', '\\u0041')}"}}`,
        // A repeated key elsewhere does not make a matching record ambiguous; nor one without the id, ambiguous or not.
        `{"client":{"client_id":"${ERASED}"},"attributes":{"k":"1","k":"2"}}`,
        `{"client":{"client_id":"${OTHER}","client_id":"${OTHER}"}}`,
      ];
      const body = Buffer.from(`${lines.join('\n')}\n`);
      const out = filterNdjson(body, idMatcher([ERASED], fields));
      expect(out).toMatchObject({ removed: 1, perId: [1], unparsed: 5, unparsedRemoved: 0 });
      expect(keptLines(out.body)).toEqual([...lines.slice(0, 5), lines[6]]);
      const asked = filterNdjson(body, idMatcher([ERASED], fields), { removeUnparsed: true });
      expect(asked).toMatchObject({ removed: 6, unparsedRemoved: 5 });
      expect(keptLines(asked.body)).toEqual([lines[6]]);
    },
  );

  it('ids written with JSON escapes are found: \\uXXXX for any character, \\/ in a --field id, an escaped key', () => {
    const escaped = ERASED.replace(/[0-9A-F]/g, (c, i: number) =>
      i % 3 === 0 ? `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}` : c,
    );
    expect(escaped).not.toContain(ERASED.slice(0, 3));
    const body = Buffer.from(
      `{"client":{"client_id":"${escaped}"}}\n{"client":{"client\\u005fid":"` +
        `${ERASED.toLowerCase()}"}}\n{"client":{"client_id":"${OTHER}"}}\n`,
    );
    expect(filterNdjson(gzipSync(body), idMatcher([ERASED], fields))).toMatchObject({ removed: 2, perId: [2] });
    const slash = filterNdjson(
      Buffer.from('{"user":"a\\/b"}\n{"user":"a/c"}\n'),
      idMatcher(['a/b'], [matchField('user')]),
    );
    expect(slash).toMatchObject({ removed: 1 });
    expect(keptLines(slash.body)).toEqual(['{"user":"a/c"}']);
  });

  it('the case rule: the contract id fields match in any ASCII case (UUIDs); a --field column matches exactly', () => {
    const upper = `{"client":{"client_id":"${ERASED}","cognito_id":"us-east-1:${OTHER.toLowerCase()}"}}`;
    const mixed = `{"client":{"client_id":"${ERASED.toLowerCase().replace(/a/g, 'A')}"}}`;
    const body = Buffer.from(`${upper}\n${mixed}\n`);
    expect(filterNdjson(body, idMatcher([ERASED.toLowerCase()], fields))).toMatchObject({ removed: 2, perId: [2] });
    expect(filterNdjson(body, idMatcher([`US-EAST-1:${OTHER}`], fields))).toMatchObject({ removed: 1, perId: [1] });
    const custom = Buffer.from('{"user":"Alice"}\n{"user":"alice"}\n');
    expect(keptLines(filterNdjson(custom, idMatcher(['alice'], [matchField('user')])).body)).toEqual([
      '{"user":"Alice"}',
    ]);
  });

  it(
    'the case-insensitive search reads ids as text: ' +
      'regular-expression characters, non-ASCII ids, multi-byte text around',
    () => {
      const line = (id: string) => `{"client":{"client_id":"${id}"},"note":"Zoë — ünïcödé ✓"}`;
      const body = Buffer.from(
        `${[line('A.B+C(D)[E]'), line('aXb+c(d)[e]'), line('Émile'), line('émile'), line('ÉMILE')].join('\n')}\n`,
      );
      // Read as text, not as a pattern: the dot matches a dot (in any case of the letters), not any character.
      const special = filterNdjson(body, idMatcher(['a.b+c(d)[e]'], fields));
      expect(special).toMatchObject({ removed: 1, perId: [1] });
      expect(keptLines(special.body)).not.toContain(line('A.B+C(D)[E]'));
      // A non-ASCII id (no UUID, but idMatcher takes it with a --field): every case of it goes, as match() folds case —
      // over all of Unicode, as Athena's and DuckDB's lower() do — though the other cases' bytes are not the id's.
      const accented = filterNdjson(body, idMatcher(['émile'], fields));
      expect(accented).toMatchObject({ removed: 3, perId: [3] });
      expect(keptLines(accented.body)).toEqual([line('A.B+C(D)[E]'), line('aXb+c(d)[e]')]);
      // The Kelvin sign lower-cases to an ASCII k: a record holding it is the id 'k1' for match(), so the search
      // finds it.
      const kelvin = Buffer.from(`${line('\u212a1')}\n${line('K1')}\n${line('k2')}\n`);
      expect(filterNdjson(kelvin, idMatcher(['k1'], fields))).toMatchObject({ removed: 2, perId: [2] });
      // An id spelt with the Kelvin sign is the id 'key' for match(): its ASCII spellings go too (second review).
      const keys = Buffer.from(`${line('KEY')}\n${line('kEy')}\n${line('kez')}\n`);
      expect(filterNdjson(keys, idMatcher(['\u212aey'], fields))).toMatchObject({ removed: 2, perId: [2] });
      // A control character (the id file refuses them; idMatcher takes any text) in an ASCII id: found in any case.
      const control = Buffer.from(`${JSON.stringify({ client: { client_id: 'X\u007fy' } })}\n`);
      expect(filterNdjson(control, idMatcher(['x\u007fY'], fields))).toMatchObject({ removed: 1 });
    },
  );

  it(
    "a bigint field's id is the number's value, however the JSON " +
      'writes it (an exponent, a fraction a double rounds)',
    () => {
      const durations = ['1e3', '1E+3', '999.99999999999999999', '1000', '1001', '10000'];
      const body = Buffer.from(`${durations.map((d) => `{"session":{"duration":${d}}}`).join('\n')}\n`);
      const out = filterNdjson(body, idMatcher(['1000'], [matchField('session.duration', 'bigint')]));
      expect(out).toMatchObject({ removed: 4, perId: [4] });
      expect(keptLines(out.body)).toEqual(['{"session":{"duration":1001}}', '{"session":{"duration":10000}}']);
    },
  );

  it('a line that is not JSON is never removed on a guess: counted and kept, removed only when asked', () => {
    const lines = [
      `not json ${ERASED}`,
      `{"client":{"client_id":"${ERASED}"`,
      `"${ERASED}"`,
      'not json, no id',
      `{"client":{"client_id":"${OTHER}"}}`,
    ];
    const body = Buffer.from(`${lines.join('\n')}\n`);
    const kept = filterNdjson(body, idMatcher([ERASED], fields));
    expect(kept).toMatchObject({ removed: 0, unparsed: 3, unparsedRemoved: 0 });
    expect(kept.body).toBe(body);
    // The id '-' (refused by the id file) would have removed any line with a hyphen: never by substring.
    expect(filterNdjson(body, idMatcher(['-'], fields))).toMatchObject({ removed: 0 });
    const removed = filterNdjson(body, idMatcher([ERASED], fields), { removeUnparsed: true });
    expect(removed).toMatchObject({ removed: 3, unparsedRemoved: 3 });
    expect(keptLines(removed.body)).toEqual(lines.slice(3));
    // A failed record whose original record is not JSON: the same rule.
    const failedLine = JSON.stringify({
      attemptsMade: 1,
      errorCode: 'x',
      rawData: Buffer.from(`garbage ${ERASED}`).toString('base64'),
    });
    expect(
      filterNdjson(Buffer.from(`${failedLine}\n`), idMatcher([ERASED], fields), { failedRecords: true }),
    ).toMatchObject({ removed: 0, unparsed: 1 });
  });

  it("a failed record holding several events loses only the erased device's: the others stay in its rawData", () => {
    const many = failed(`${event(ERASED, 1)}\n${event(OTHER, 2)}\n${event(ERASED, 3)}`);
    const only = failed(event(ERASED, 4));
    // An envelope whose own fields name the id (an error message quoting the record) goes whole.
    const quoting = JSON.stringify({
      ...JSON.parse(failed(`${event(ERASED, 5)}\n${event(OTHER, 6)}`)),
      errorMessage: `bad ${ERASED}`,
    });
    const untouched = failed(event(OTHER, 7));
    const out = filterNdjson(Buffer.from(`${many}\n${only}\n${quoting}\n${untouched}\n`), idMatcher([ERASED], fields), {
      failedRecords: true,
    });
    expect(out).toMatchObject({ perId: [4], unparsed: 0 });
    const lines = keptLines(out.body);
    expect(lines).toHaveLength(2);
    const rewritten = JSON.parse(lines[0]) as Record<string, string>;
    expect(Buffer.from(rewritten.rawData, 'base64').toString()).toBe(event(OTHER, 2));
    expect({ ...rewritten, rawData: '' }).toEqual({ ...JSON.parse(many), rawData: '' });
    expect(lines[1]).toBe(untouched);
  });

  it('Parquet: the same rule — case ignored in the contract id fields, null matches nothing', async () => {
    const rows = [
      JSON.parse(event(ERASED.toLowerCase(), 1)),
      { ...JSON.parse(event(OTHER, 2)), client: { client_id: null, cognito_id: null } },
      JSON.parse(event(OTHER, 3)),
    ];
    const body = await contractParquet(rows, contractFields([]));
    expect(await filterObject(body, idMatcher([ERASED], fields))).toMatchObject({ removed: 1, perId: [1] });
    expect(await filterObject(body, idMatcher(['null'], fields))).toMatchObject({ removed: 0 });
  });

  it(
    'the engine: non-JSON lines leave the request pending until ' +
      '--unparsed decides; ids that matched nothing are counted, not named',
    async () => {
      const b = new MemoryBucket();
      b.put('data/x.gz', object(event(ERASED, 1), `broken ${ERASED}`, event('device-B', 2)));
      const ids = [ERASED, OTHER];
      const first = await runErasure(b, request({ ids }));
      expect(first).toMatchObject({
        recordsRemoved: 1,
        idsWithoutRecords: 1,
        pending: [{ kind: 'unparsed', lines: 1 }],
        thisRun: { unparsedKept: 1 },
      });
      expect(first.recordsPerId.sort()).toEqual([0, 1]);
      expect(JSON.stringify(first)).not.toContain(OTHER);
      expect((await runErasure(b, request({ ids, unparsed: 'keep' }))).pending).toEqual([]);
      const last = await runErasure(b, request({ ids, unparsed: 'remove' }));
      expect(last).toMatchObject({ unparsedRemoved: 1, recordsRemoved: 2, pending: [] });
      expect(b.lines('data/')).toEqual([event('device-B', 2)]);
    },
  );
});

describe('retention kept through a rewrite', () => {
  const DAY = 86_400_000;

  it('the step a rewrite is tagged with never lets it outlive its data, and is at most one step early', () => {
    // Every wrong tag, said; one assertion at the end (the walk has ~2,000 cases).
    const wrong: string[] = [];
    for (const days of [1, 2, 7, 30, 31, 90, 365, 400, 3650, 36_500]) {
      const steps = retentionSteps(days);
      for (let age = 0; age <= days + 1; age += Math.max(1, Math.floor(days / 50))) {
        for (const extra of [0, 1, DAY / 2, DAY - 1]) {
          const first = new Date(Date.UTC(2026, 0, 1));
          const now = new Date(first.getTime() + age * DAY + extra);
          const step = retentionStep(days, first, now);
          const left = days - Math.ceil((now.getTime() - first.getTime()) / DAY);
          const at = `${days} days, ${age} days and ${extra} ms old: step ${step}`;
          if (left < 1) {
            if (step !== null) wrong.push(`${at}, not null`);
            continue;
          }
          // Expires by the same midnight as the data it holds, or earlier: now + step ≤ first + days.
          if (now.getTime() + step! * DAY > first.getTime() + days * DAY) wrong.push(`${at} outlives its data`);
          const next = steps.find((s) => s > step!);
          if (next !== undefined && next <= left) wrong.push(`${at}: step ${next} fits the ${left} days left`);
        }
      }
    }
    expect(wrong).toEqual([]);
  });

  it(
    'a rewrite carries its data’s first write and the days left; a second erasure ' +
      'keeps that date; an object past its retention is deleted, not rewritten',
    async () => {
      const b = new MemoryBucket();
      const now = new Date('2026-06-01T12:00:00Z');
      b.clock = () => new Date('2026-05-02T12:00:00Z');
      b.put('data/d/a.gz', object(event(ERASED, 1), event('device-B', 2), event('device-C', 3)));
      b.clock = () => new Date('2025-01-01T00:00:00Z');
      b.put('data/d/old.gz', object(event(ERASED, 4), event('device-B', 5)));
      b.clock = () => now;
      await runErasure(b, request({ expirationDays: 90, now: () => now }));
      const [rewritten] = b.objects.get('data/d/a.gz')!;
      // 30 days old of 90: 60 left → tagged 59 (the step at or below 60), first write carried.
      expect(rewritten.retention).toEqual({
        firstWritten: '2026-05-02T12:00:00.000Z',
        daysLeft: retentionStep(90, new Date('2026-05-02T12:00:00Z'), now),
      });
      expect(rewritten.retention!.daysLeft).toBeLessThanOrEqual(60);
      expect(b.objects.has('data/d/old.gz')).toBe(false);
      // A later erasure of another device rewrites it again: the first write stays the original one, not the rewrite's.
      const later = new Date('2026-07-01T12:00:00Z');
      b.clock = () => later;
      await runErasure(b, request({ request: 'DSR-2', ids: ['device-B'], expirationDays: 90, now: () => later }));
      const [again] = b.objects.get('data/d/a.gz')!;
      expect(again.retention).toEqual({
        firstWritten: '2026-05-02T12:00:00.000Z',
        daysLeft: retentionStep(90, new Date('2026-05-02T12:00:00Z'), later),
      });
      expect(again.retention!.daysLeft).toBeLessThanOrEqual(30);
      expect(b.lines('data/')).toEqual([event('device-C', 3)]);
    },
  );
});

describe('the id file', () => {
  const fields = matchFields(undefined, contractFields([]));
  const uuid = 'a1b2c3d4-0000-4000-8000-00000000000a';

  it(
    'refuses, by line and without echoing them, words for no value, ' +
      'quoted, comma-separated ids and ids of no id shape',
    () => {
      const bad = [
        'null',
        'NULL',
        'undefined',
        'None',
        '-',
        '""',
        `"${uuid}"`,
        `'${uuid}'`,
        `${uuid},${uuid}`,
        `${uuid} ${uuid}`,
        'device-A',
        'not-a-uuid',
        `${uuid}x`,
        'us-east-1:not-hex',
      ];
      for (const id of bad) {
        expect(() => parseIdFile(`${uuid}\n${id}\n`, fields)).toThrow(IdFileError);
        try {
          parseIdFile(`${uuid}\n${id}\n`, fields);
        } catch (error) {
          expect((error as Error).message).toMatch(/^1 line\(s\) refused, nothing erased:\n {2}line 2: /);
          if (id.length > 4) expect((error as Error).message).not.toContain(id);
        }
      }
      expect(() => parseIdFile('\n\n', fields)).toThrow('no ids');
    },
  );

  it(
    'a Cognito identity id whose part after the colon is not a ' +
      'GUID is refused saying so (REGION:GUID), never later',
    () => {
      for (const [id, given] of [
        ['us-east-1:not-hex', fields],
        [`eu-central-1:${uuid}x`, fields],
        ['us-east-1:12345', matchFields(['client.cognito_id'], contractFields([]))],
      ] as const) {
        expect(() => parseIdFile(`${id}\n`, given)).toThrow(
          'line 1: a Cognito identity id is REGION:GUID, and the part after the colon is not a GUID',
        );
        expect(() => parseIdFile(`${id}\n`, given)).not.toThrow(id);
      }
      // Without the Cognito field, such a line is just not an IDFV.
      expect(() => parseIdFile('us-east-1:not-hex\n', matchFields(['client.client_id'], contractFields([])))).toThrow(
        'line 1: not a UUID',
      );
    },
  );

  it(
    'accepts UUIDs in any case and Cognito identity ids; each once; ' +
      '--field columns take any plain id, bigint columns integers',
    () => {
      // The contract's id fields ignore case: an id in two cases is one id, kept lower-cased (one MAC, one digest).
      expect(parseIdFile(`${uuid}\r\n${uuid.toUpperCase()}\n\nUS-EAST-1:${uuid}\n${uuid}\n`, fields)).toEqual([
        uuid.toLowerCase(),
        `us-east-1:${uuid.toLowerCase()}`,
      ]);
      const contract = contractFields([
        { name: 'user_ref', type: 'string', description: 'x' },
        { name: 'user_no', type: 'bigint', description: 'x' },
      ]);
      expect(parseIdFile('alice@example.com\n', matchFields(['user_ref'], contract))).toEqual(['alice@example.com']);
      // A field that matches exactly keeps each case: two ids (with the contract's id field beside it, too).
      expect(parseIdFile('Alice\nalice\n', matchFields(['user_ref'], contract))).toEqual(['Alice', 'alice']);
      expect(parseIdFile('Alice\nalice\n', matchFields(['user_ref', 'client.client_id'], contract))).toEqual([
        'Alice',
        'alice',
      ]);
      expect(() => parseIdFile('null\n', matchFields(['user_ref'], contract))).toThrow(IdFileError);
      expect(parseIdFile('42\n', matchFields(['user_no'], contract))).toEqual(['42']);
      expect(() => parseIdFile('4x\n', matchFields(['user_no'], contract))).toThrow(/not an integer/);
      expect(() => matchFields(['nope'], contract)).toThrow(/no such column/);
      expect(() => matchFields(['metrics'], contract)).toThrow(/not a string or bigint/);
      // The command branches on where the error comes from (a flag or the file), never on its words.
      const sourceOf = (f: () => unknown) => {
        try {
          f();
        } catch (error) {
          return error instanceof IdFileError ? error.source : 'other';
        }
        return 'none';
      };
      expect(sourceOf(() => matchFields(['nope'], contract))).toBe('field');
      expect(sourceOf(() => parseIdFile('null\n', matchFields(['user_ref'], contract)))).toBe('file');
      expect(sourceOf(() => parseIdFile('\n', matchFields(['user_ref'], contract)))).toBe('file');
    },
  );
});

describe('locating with Athena', () => {
  const target = {
    workgroup: 'wg',
    database: 'telemetry_dev',
    table: 'events_data',
    bucket: 'b',
    folder: 'data/',
    pricePerTb: 5,
  };

  it(
    'Parquet events, through the events table — one scan: one row per object read, with ' +
      'whether it holds an id; never the ids nor their digests, only short prefixes of the ' +
      'digests as parameters, once per field, lower-cased where case is ignored',
    () => {
      const ids = ["Dev'ice", 'xyz-7'];
      const { sql, parameters } = locateQuery(target, ids, ['client.client_id', matchField('user_ref')]);
      const n = LOCATE_DIGEST_PREFIX_HEX;
      const wanted = wantedPrefixesSql(ids.length);
      expect(sql).toBe(
        `SELECT "$path" AS path, bool_or(coalesce(contains(wanted0.prefixes, ` +
          `substr(to_hex(sha256(to_utf8(lower("client"."client_id")))), 1, ${n})) OR contains(wanted1.prefixes, ` +
          `substr(to_hex(sha256(to_utf8("user_ref"))), 1, ${n})), false) OR "event_type" IS NULL) AS holds FROM ` +
          `"telemetry_dev"."events_data" CROSS JOIN ${wanted} AS wanted0 CROSS JOIN ${wanted} AS wanted1 GROUP ` +
          `BY "$path"`,
      );
      expect(wanted).toContain('WHERE p IN (?, ?))');
      const sha = (s: string) => createHash('sha256').update(s).digest('hex').toUpperCase();
      // Each parameter is a quoted prefix of the id's digest, as long as the query's substr: never the whole digest.
      expect(parameters).toEqual(
        [sha("dev'ice"), sha('xyz-7'), sha("Dev'ice"), sha('xyz-7')].map((d) => `'${d.slice(0, n)}'`),
      );
      expect(n).toBeGreaterThan(0);
      expect(n).toBeLessThan(64);
      const sent = JSON.stringify({ sql, parameters });
      expect(sent).not.toMatch(/[0-9a-f]{64}/i);
      for (const id of ids) expect(sent).not.toContain(id);
      for (const id of ["dev'ice", "Dev'ice", 'xyz-7']) expect(sent).not.toContain(sha(id).slice(0, n + 1));
    },
  );

  it("a device whose digest shares the erased id's prefix is located and read, never removed", async () => {
    // Another IDFV whose lower-cased digest begins as the erased device's does (about 1 in 16^n: found by counting).
    const prefix = (id: string) => idDigest(id.toLowerCase()).slice(0, LOCATE_DIGEST_PREFIX_HEX);
    let neighbour = '';
    // Bounded: 2 million tries find a 4-character prefix's neighbour but for about e^-30 of the time. The count starts
    // just before the first one it found for 4 characters (71,018: ~0.13 s of hashing from 0) and, for another prefix
    // length, goes on from there.
    for (let i = 71_000; !neighbour && i < 2_071_000; i++) {
      const id = `A1B2C3D4-0000-4000-8000-${i.toString(16).toUpperCase().padStart(12, '0')}`;
      if (id !== ERASED && prefix(id) === prefix(ERASED)) neighbour = id;
    }
    expect(neighbour).not.toBe('');
    expect(idDigest(neighbour.toLowerCase())).not.toBe(idDigest(ERASED.toLowerCase()));
    const b = new MemoryBucket();
    b.put('data/year=2026/both.gz', object(event(ERASED, 1), event(neighbour, 2), event('device-B', 3)));
    b.put('data/year=2026/neighbour.gz', object(event(neighbour, 4), event('device-B', 5)));
    b.put('data/year=2026/others.gz', object(event('device-B', 6)));
    const listing = await listForLocating(b.versions('data/'), new Date(Date.now() + 60_000));
    // Athena, as the query asks: per object, whether a record's field digest begins with one of that field's prefixes.
    const fields = ['client.client_id', 'client.cognito_id'];
    let started: { QueryString: string; ExecutionParameters: string[] } | undefined;
    const client = {
      send: async (command: { constructor: { name: string }; input: Record<string, unknown> }) => {
        const name = command.constructor.name;
        if (name === 'GetWorkGroupCommand') return { WorkGroup: { Configuration: {} } };
        if (name === 'StartQueryExecutionCommand') {
          started = command.input as typeof started;
          return { QueryExecutionId: 'q' };
        }
        if (name === 'GetQueryExecutionCommand') return { QueryExecution: { Status: { State: 'SUCCEEDED' } } };
        const params = started!.ExecutionParameters.map((p) => p.slice(1, -1));
        const perField = params.length / fields.length;
        const rows = [...b.objects].map(([key, vs]) => {
          const records = gunzipSync(vs[vs.length - 1].body)
            .toString()
            .split('\n')
            .filter(Boolean)
            .map((l) => JSON.parse(l) as { client: Record<string, string> });
          const holds = records.some((r) =>
            fields.some((f, i) =>
              params.slice(i * perField, (i + 1) * perField).includes(prefix(r.client[f.split('.')[1]])),
            ),
          );
          return [`s3://b/${key}`, String(holds)];
        });
        return { ResultSet: { Rows: [HEADER, ...rows].map((r) => ({ Data: r.map((v) => ({ VarCharValue: v })) })) } };
      },
    } as unknown as AthenaClient;
    const found = await locateWithAthena(client, target, [ERASED.toLowerCase()], fields, 1, () => undefined, 0);
    // What Athena keeps: no full digest, only prefixes of the erased id's digest.
    expect(JSON.stringify(started)).not.toMatch(/[0-9a-f]{64}/i);
    expect(started!.ExecutionParameters).toContain(`'${prefix(ERASED)}'`);
    expect(started!.QueryString).toContain(`, 1, ${LOCATE_DIGEST_PREFIX_HEX}))`);
    // The neighbour's object is a candidate (it shares the prefix); the others' is not.
    expect([...found.keys].sort()).toEqual(['data/year=2026/both.gz', 'data/year=2026/neighbour.gz']);
    const covered = coverage(listing, found);
    expect(covered).toEqual({ athena: new Set(['data/year=2026/']), read: [] });
    const reads: string[] = [];
    const get = b.get.bind(b);
    b.get = async (key, versionId) => (reads.push(key), get(key, versionId));
    const receipt = await runErasure(b, request({ located: found.keys, athenaFolders: athenaRead(listing, found) }));
    expect(reads).toContain('data/year=2026/neighbour.gz');
    expect(reads).not.toContain('data/year=2026/others.gz');
    expect(b.lines('data/').filter((l) => l.includes(ERASED))).toEqual([]);
    // The neighbour's records stay, byte for byte; its own object is not even rewritten (one version).
    expect(b.lines('data/').filter((l) => l.includes(neighbour))).toEqual([event(neighbour, 2), event(neighbour, 4)]);
    expect(b.objects.get('data/year=2026/neighbour.gz')).toHaveLength(1);
    expect(b.lines('data/').filter((l) => l.includes('device-B'))).toHaveLength(3);
    expect(receipt.recordsRemoved).toBe(1);
  });

  /** An Athena client answering from a script: the workgroup's cutoff, states in turn, and pages of result rows. */
  function athena(cutoff: number, states: string[], pages: string[][][]) {
    const sent: string[] = [];
    const client = {
      send: async (command: { constructor: { name: string }; input: Record<string, unknown> }) => {
        sent.push(command.constructor.name);
        if (command.constructor.name === 'GetWorkGroupCommand')
          return { WorkGroup: { Configuration: { BytesScannedCutoffPerQuery: cutoff } } };
        if (command.constructor.name === 'StartQueryExecutionCommand') return { QueryExecutionId: 'q1' };
        if (command.constructor.name === 'GetQueryExecutionCommand')
          return { QueryExecution: { Status: { State: states.shift(), StateChangeReason: 'TABLE_NOT_FOUND' } } };
        const page = Number(command.input.NextToken ?? 0);
        return {
          ResultSet: { Rows: pages[page].map((row) => ({ Data: row.map((v) => ({ VarCharValue: v })) })) },
          ...(page + 1 < pages.length ? { NextToken: String(page + 1) } : {}),
        };
      },
    };
    return { client: client as unknown as AthenaClient, sent };
  }
  const HEADER = ['path', 'holds'];

  it(
    'says the scan and its cost before it runs, waits for the query, ' +
      'and returns the holding keys and the keys read per folder',
    async () => {
      const said: string[] = [];
      const { client, sent } = athena(
        2 ** 40,
        ['RUNNING', 'SUCCEEDED'],
        [
          [HEADER, ['s3://b/data/d1/x.gz', 'true'], ['s3://b/data/d1/y.gz', 'true'], ['s3://b/data/d1/z.gz', 'false']],
          [
            ['s3://b/data/d2/w.gz', 'false'],
            ['s3://other/data/d3/z.gz', 'true'],
            ['s3://b/data/d4/a\nb.gz', 'true'],
          ],
        ],
      );
      const found = await locateWithAthena(
        client,
        target,
        ['d'],
        ['client.client_id'],
        2 ** 40 / 10,
        (l) => said.push(l),
        0,
      );
      expect([...found.keys]).toEqual(['data/d1/x.gz', 'data/d1/y.gz', 'data/d4/a\nb.gz']);
      // Another bucket's rows are not this bucket's objects; a key with a newline is one row, read as it is.
      expect([...found.folders].map(([f, keys]) => [f, [...keys]])).toEqual([
        ['data/d1/', ['data/d1/x.gz', 'data/d1/y.gz', 'data/d1/z.gz']],
        ['data/d2/', ['data/d2/w.gz']],
        ['data/d4/', ['data/d4/a\nb.gz']],
      ]);
      expect(said).toEqual(['locating with Athena in wg: scans up to 102.40 GB (about $0.50)']);
      expect(sent[0]).toBe('GetWorkGroupCommand');
    },
  );

  it('refuses before running when the workgroup would cancel it, and says why a failed query failed', async () => {
    await expect(
      locateWithAthena(
        athena(2 ** 30, [], []).client,
        target,
        ['d'],
        ['client.client_id'],
        2 ** 31,
        () => undefined,
        0,
      ),
    ).rejects.toThrow(/raise athena.bytesScannedCutoffPerQuery/);
    await expect(
      locateWithAthena(
        athena(2 ** 40, ['FAILED'], []).client,
        target,
        ['d'],
        ['client.client_id'],
        1,
        () => undefined,
        0,
      ),
    ).rejects.toThrow(LocateError);
  });

  it(
    'a folder is covered by Athena only when it read every key ' +
      'listed there (more is fine); any other is read whole',
    async () => {
      const listing = {
        bytes: 0,
        at: new Date(),
        versions: new Map<string, string>(),
        folders: new Map([
          ['data/d1/', new Set(['data/d1/a', 'data/d1/b'])],
          ['data/d2/', new Set(['data/d2/a', 'data/d2/_hidden'])],
          ['data/new-day/', new Set(['data/new-day/a'])],
        ]),
      };
      const found = {
        keys: new Set<string>(),
        folders: new Map([
          ['data/d1/', new Set(['data/d1/a', 'data/d1/b', 'data/d1/late'])],
          // As many objects as listed, but not the same ones: one written after the listing hides one never read.
          ['data/d2/', new Set(['data/d2/a', 'data/d2/late'])],
        ]),
      };
      expect(coverage(listing, found)).toEqual({ athena: new Set(['data/d1/']), read: ['data/d2/', 'data/new-day/'] });
    },
  );

  it(
    'an object Athena skipped is read, though Athena read as many ' +
      'objects there as were listed (one came after the listing)',
    async () => {
      const b = new MemoryBucket();
      b.clock = () => new Date(1000);
      // Athena passes over a name beginning with `_`; the run must not.
      b.put('data/year=2026/_hidden.gz', object(event(ERASED, 1), event('device-B', 2)));
      b.put('data/year=2026/normal.gz', object(event('device-B', 3)));
      const listing = await listForLocating(b.versions('data/'), new Date(2000));
      b.clock = () => new Date(3000);
      b.put('data/year=2026/late.gz', object(event('device-B', 4)));
      const { client } = athena(
        2 ** 40,
        ['SUCCEEDED'],
        [[HEADER, ['s3://b/data/year=2026/normal.gz', 'false'], ['s3://b/data/year=2026/late.gz', 'false']]],
      );
      const found = await locateWithAthena(
        client,
        { ...target, bucket: 'b' },
        [ERASED],
        ['client.client_id'],
        1,
        () => undefined,
        0,
      );
      const covered = coverage(listing, found);
      expect(covered.athena.size).toBe(0);
      const receipt = await runErasure(b, request({ located: found.keys, athenaFolders: athenaRead(listing, found) }));
      expect(b.lines('data/').filter((l) => l.includes(ERASED))).toEqual([]);
      expect(b.lines('data/').filter((l) => l.includes('device-B'))).toHaveLength(3);
      expect(receipt.recordsRemoved).toBe(1);
      expect(receipt.coverage).toEqual({ athena: [], read: ['data/year=2026/'] });
    },
  );

  it(
    'the run reads the located objects, every object of a folder Athena did ' +
      'not read, and every object with versions Athena does not read',
    async () => {
      const b = bucketWithEvents();
      b.put('data/year=2026/none.gz', object(event('device-B', 70), event(ERASED, 71)));
      // A day the crawler has not catalogued yet: Athena never read it.
      b.put('data/year=2027/uncatalogued.gz', object(event(ERASED, 80), event('device-B', 81)));
      b.put('data/year=2026/others-only.gz', object(event('device-B', 82)));
      const listing = await listForLocating(b.versions('data/'), new Date(Date.now() + 60_000));
      const athenaSaw = {
        keys: new Set(['data/year=2026/a.gz', 'data/year=2026/only-a.gz']),
        folders: new Map([['data/year=2026/', new Set(listing.folders.get('data/year=2026/'))]]),
      };
      const covered = coverage(listing, athenaSaw);
      expect(covered).toEqual({ athena: new Set(['data/year=2026/']), read: ['data/year=2027/'] });
      const reads: string[] = [];
      const get = b.get.bind(b);
      b.get = async (key, versionId) => (reads.push(key), get(key, versionId));
      const receipt = await runErasure(
        b,
        request({ located: athenaSaw.keys, athenaFolders: athenaRead(listing, athenaSaw) }),
      );
      // none.gz has an older version, which Athena does not read: the run reads it (the current one holds the device
      // too, so it is rewritten and both old versions deleted); the uncatalogued folder is read whole.
      expect([...new Set(reads.filter((k) => k.startsWith('data/')))].sort()).toEqual([
        'data/year=2026/a.gz',
        'data/year=2026/none.gz',
        'data/year=2026/only-a.gz',
        'data/year=2027/uncatalogued.gz',
      ]);
      expect(b.objects.get('data/year=2026/none.gz')).toHaveLength(1);
      expect(b.lines('data/').filter((l) => l.includes(ERASED))).toEqual([]);
      expect(receipt.coverage).toEqual({ athena: ['data/year=2026/'], read: ['data/year=2027/'] });
    },
  );

  // Whatever Athena's reader makes of a broken line — a row marking its object, or no row at all (the object then has
  // no `$path`, so its folder is not covered) — the object is read, and a broken line naming the id leaves the request
  // pending. (The raw-line query gives every line a row and marks a broken one: see "locating JSON events" below.)
  it.each([
    ['gives the malformed lines no row: the object has no $path, its folder is read whole', false],
    ['gives each malformed line a row of NULLs: the object is located by its NULL event_type', true],
  ])('an object of only malformed lines, one naming the id, when the SerDe %s', async (_how, nullRows) => {
    const b = new MemoryBucket();
    b.clock = () => new Date(1000);
    b.put('data/year=2026/ok.gz', object(event('device-B', 1)));
    b.put('data/year=2026/broken.gz', object(`{"client":{"client_id":"${ERASED}"`, 'not json at all'));
    const listing = await listForLocating(b.versions('data/'), new Date(2000));
    const rows = [['s3://b/data/year=2026/ok.gz', 'false']];
    if (nullRows) rows.push(['s3://b/data/year=2026/broken.gz', 'true']);
    const { client } = athena(2 ** 40, ['SUCCEEDED'], [[HEADER, ...rows]]);
    const found = await locateWithAthena(client, target, [ERASED], ['client.client_id'], 1, () => undefined, 0);
    expect(found.keys.has('data/year=2026/broken.gz')).toBe(nullRows);
    const covered = coverage(listing, found);
    expect(covered).toEqual(
      nullRows ? { athena: new Set(['data/year=2026/']), read: [] } : { athena: new Set(), read: ['data/year=2026/'] },
    );
    const reads: string[] = [];
    const get = b.get.bind(b);
    b.get = async (key, versionId) => (reads.push(key), get(key, versionId));
    const receipt = await runErasure(b, request({ located: found.keys, athenaFolders: athenaRead(listing, found) }));
    expect(reads).toContain('data/year=2026/broken.gz');
    // Not removed on a guess, not missed: the broken line naming the id is counted (one without the id's bytes
    // cannot hold it), and the request stays pending until --unparsed decides.
    expect(receipt).toMatchObject({ recordsRemoved: 0, pending: [{ kind: 'unparsed', lines: 1 }] });
    expect(receipt.coverage).toEqual({
      athena: nullRows ? ['data/year=2026/'] : [],
      read: nullRows ? [] : ['data/year=2026/'],
    });
    expect(b.lines('data/').some((l) => l.includes(ERASED))).toBe(true);
  });

  it('without coverage, a key Athena did not locate is read: the located set alone never skips a folder', async () => {
    const b = bucketWithEvents();
    b.put('data/year=2027/uncatalogued.gz', object(event(ERASED, 80)));
    const receipt = await runErasure(b, request({ located: new Set(['data/year=2026/a.gz']) }));
    expect(b.lines('data/').filter((l) => l.includes(ERASED))).toEqual([]);
    expect(receipt.coverage).toEqual({ athena: [], read: ['data/year=2026/', 'data/year=2027/'] });
  });

  it('an object written after the listing is read, though its folder was covered', async () => {
    const b = new MemoryBucket();
    b.clock = () => new Date(1000);
    b.put('data/year=2026/a.gz', object(event(ERASED, 1), event('device-B', 2)));
    b.put('data/year=2026/only-a.gz', object(event(ERASED, 5)));
    const listing = await listForLocating(b.versions('data/'), new Date(2000));
    b.clock = () => new Date(3000);
    b.put('data/year=2026/late.gz', object(event(ERASED, 90)));
    await runErasure(
      b,
      request({
        located: new Set(['data/year=2026/a.gz', 'data/year=2026/only-a.gz']),
        athenaFolders: athenaRead(listing, { keys: new Set(), folders: listing.folders }),
      }),
    );
    expect(b.lines('data/').filter((l) => l.includes(ERASED))).toEqual([]);
  });

  // S3 dates an object by its own clock, a multipart one from the upload's start: an object Firehose finished after
  // the listing may carry a LastModified before it. Only the objects Athena read (`$path`) may be left unread.
  it.each([
    ['dated before the listing (a multipart upload begun earlier, or the operator clock ahead)', 500],
    ['dated by an epoch (no LastModified)', 0],
  ])('an object Athena did not read is read, though %s', async (_how, lastModified) => {
    const b = new MemoryBucket();
    b.clock = () => new Date(1000);
    b.put('data/year=2026/a.gz', object(event(ERASED, 1), event('device-B', 2)));
    b.put('data/year=2026/others.gz', object(event('device-B', 3)));
    const listing = await listForLocating(b.versions('data/'), new Date(2000));
    // Athena read both listed objects; a third lands after its query, dated earlier than the listing.
    const found = { keys: new Set(['data/year=2026/a.gz']), folders: listing.folders };
    b.clock = () => new Date(lastModified);
    b.put('data/year=2026/finished-late.gz', object(event(ERASED, 90), event('device-B', 91)));
    const covered = athenaRead(listing, found);
    expect(covered.folders).toEqual(new Set(['data/year=2026/']));
    const reads: string[] = [];
    const get = b.get.bind(b);
    b.get = async (key, versionId) => (reads.push(key), get(key, versionId));
    const receipt = await runErasure(b, request({ located: found.keys, athenaFolders: covered }));
    expect(reads).toContain('data/year=2026/finished-late.gz');
    // What Athena read and did not locate is still left unread.
    expect(reads).not.toContain('data/year=2026/others.gz');
    expect(b.lines('data/').filter((l) => l.includes(ERASED))).toEqual([]);
    expect(receipt.recordsRemoved).toBe(2);
  });

  it('a key Athena read whose version changed since the listing is read again', async () => {
    const b = new MemoryBucket();
    b.put('data/year=2026/a.gz', object(event('device-B', 1)));
    const listing = await listForLocating(b.versions('data/'));
    const found = { keys: new Set<string>(), folders: listing.folders };
    const covered = athenaRead(listing, found);
    // Replaced by another version after the query, the old one gone: not the version Athena read.
    const [old] = b.objects.get('data/year=2026/a.gz')!;
    b.put('data/year=2026/a.gz', object(event(ERASED, 2), event('device-B', 3)));
    await b.deleteVersion('data/year=2026/a.gz', old.versionId);
    await runErasure(b, request({ located: found.keys, athenaFolders: covered }));
    expect(b.lines('data/').filter((l) => l.includes(ERASED))).toEqual([]);
  });
});

/**
 * Athena as the raw-line query asks, from the same marks (LINE_MARKS) and constants the query is built from — never by
 * reading its SQL: per current object Athena can read (not archived, no name beginning with `_` or `.`), its lines as
 * a text reader splits them (`\n`, `\r\n` or `\r`), each marked by the JavaScript of each mark. A mark added to the
 * query without its JavaScript here does not compile; one removed from LINE_MARKS is removed from both.
 */
const MARKS_IN_JS: Record<LineMark, (line: string | null, prefixes: Set<string>) => boolean> = {
  null: (line) => line === null,
  escape: (line) => line !== null && line.includes(LOCATE_ESCAPE),
  'not-one-object': (line) => {
    if (line === null || line.trim() === '') return false;
    try {
      const v: unknown = JSON.parse(line);
      return v === null || typeof v !== 'object' || Array.isArray(v);
    } catch {
      return true;
    }
  },
  id: (line, prefixes) =>
    line !== null &&
    (line.toLowerCase().match(new RegExp(LOCATE_RUN_REGEX, 'g')) ?? []).some((run) => {
      if (run.length > LOCATE_MAX_RUN) return true;
      for (let i = 0; i + LOCATE_UUID_LENGTH <= run.length; i++) {
        const w = run.slice(i, i + LOCATE_UUID_LENGTH);
        if (new RegExp(LOCATE_UUID_SHAPE).test(w) && prefixes.has(idDigest(w).slice(0, LOCATE_DIGEST_PREFIX_HEX)))
          return true;
      }
      return false;
    }),
};

/** The first GZIP member's text (gzipSync writes a 10-byte header), whatever follows it. */
const firstGzipMember = (body: Buffer) => inflateRawSync(body.subarray(10));

function linesAthena(b: MemoryBucket, folder = 'data/') {
  const started: { QueryString: string; ExecutionParameters: string[] }[] = [];
  const client = {
    send: async (command: { constructor: { name: string }; input: Record<string, unknown> }) => {
      const name = command.constructor.name;
      if (name === 'GetWorkGroupCommand') return { WorkGroup: { Configuration: {} } };
      if (name === 'StartQueryExecutionCommand') {
        started.push(command.input as (typeof started)[number]);
        return { QueryExecutionId: 'q' };
      }
      if (name === 'GetQueryExecutionCommand') return { QueryExecution: { Status: { State: 'SUCCEEDED' } } };
      const prefixes = new Set(started.at(-1)!.ExecutionParameters.map((p) => p.slice(1, -1)));
      const rows: string[][] = [];
      for (const [key, vs] of b.objects) {
        const current = vs[vs.length - 1];
        const base = key.slice(key.lastIndexOf('/') + 1);
        if (!key.startsWith(folder) || current.deleteMarker || ARCHIVED.has(current.storageClass)) continue;
        if (base.startsWith('_') || base.startsWith('.')) continue;
        // Hadoop's text reader picks its codec by the file's extension, not its bytes; Trino's GZIP reader reads only
        // the first of concatenated members (trinodb/trino#18223), and bytes after a member are ignored.
        let raw: Buffer;
        try {
          raw = key.endsWith('.gz') ? firstGzipMember(current.body) : current.body;
        } catch {
          // Not GZIP under `.gz`: Athena's reader fails on it (the real query fails, and says to run --locate scan);
          // here it gives no row, so its folder is not covered.
          continue;
        }
        const lines = raw.toString('utf8').split(/\r\n|\n|\r/);
        if (lines.at(-1) === '') lines.pop();
        if (lines.length === 0) continue;
        const holds = lines.some((line) => LINE_MARKS.some((m) => MARKS_IN_JS[m](line, prefixes)));
        // The query's `bytes`: sum(length(to_utf8(line)) + 1), from the lines read.
        const bytes = lines.reduce((n, line) => n + Buffer.byteLength(line, 'utf8') + 1, 0);
        rows.push([`s3://b/${key}`, String(holds), String(bytes)]);
      }
      return {
        ResultSet: {
          Rows: [['path', 'holds', 'bytes'], ...rows].map((r) => ({ Data: r.map((v) => ({ VarCharValue: v })) })),
        },
      };
    },
  } as unknown as AthenaClient;
  return { client, started };
}
const ARCHIVED = new Set(['DEEP_ARCHIVE', 'GLACIER']);
/** The keys of a folder's current objects, sorted. */
const listedKeys = (b: MemoryBucket, folder: string) =>
  [...b.objects]
    .filter(([k, vs]) => k.startsWith(folder) && !vs.at(-1)!.deleteMarker)
    .map(([k]) => k)
    .sort();

/**
 * The clause each `?` of a query stands in, read from its text: string literals and quoted identifiers removed (a `?`
 * inside one is no parameter), then per parenthesis level the last clause keyword seen (SELECT, FROM, JOIN, WHERE,
 * GROUP, HAVING, ORDER, ON); a parenthesis opens a level of no clause of its own (a function call, an IN list: the
 * enclosing clause holds), unless a keyword follows inside it (a subquery: its own clauses). Small, and honest for the
 * SQL built here.
 */
function parameterClauses(sql: string): string[] {
  const bare = sql.replace(/'(?:[^']|'')*'/g, "''").replace(/"(?:[^"]|"")*"/g, '""');
  const levels: (string | undefined)[] = [undefined];
  const clauses: string[] = [];
  for (const token of bare.match(/[A-Za-z_][A-Za-z_0-9]*|[()?]/g) ?? []) {
    if (token === '(') levels.push(undefined);
    else if (token === ')') levels.pop();
    else if (token === '?') clauses.push([...levels].reverse().find((c) => c !== undefined) ?? 'none');
    else if (/^(SELECT|FROM|JOIN|WHERE|GROUP|HAVING|ORDER|ON)$/i.test(token))
      levels[levels.length - 1] = token.toUpperCase() === 'JOIN' ? 'FROM' : token.toUpperCase();
  }
  return clauses;
}

describe('Athena takes execution parameters only in a WHERE clause', () => {
  // "Currently, ? parameters can be placed only in the WHERE clause. Syntax like SELECT ? FROM table is not supported."
  // (Athena user guide, "Use parameterized queries"): a `?` anywhere else fails the query, or is not documented
  // to work.
  it('the checker finds a parameter in a SELECT list, a FROM clause or a subquery, and ignores quoted ones', () => {
    expect(parameterClauses('SELECT bool_or(x IN (?, ?)) FROM t WHERE y = ?')).toEqual(['SELECT', 'SELECT', 'WHERE']);
    expect(
      parameterClauses(`SELECT a FROM t CROSS JOIN (SELECT ? AS b FROM u WHERE c = '?') AS v WHERE "?" = ?`),
    ).toEqual(['SELECT', 'WHERE']);
    expect(parameterClauses('SELECT a FROM f(?) GROUP BY a HAVING count(*) > ?')).toEqual(['FROM', 'HAVING']);
  });

  it.each([
    [
      'JSON events (raw lines)',
      () =>
        locateLinesQuery({ database: 'd', linesTable: 'l' }, [
          ERASED,
          'eu-west-1:0f1e2d3c-0000-4000-8000-00000000000c',
        ]),
    ],
    [
      'Parquet events (typed columns)',
      () => locateQuery({ database: 'd', table: 't' }, [ERASED, 'x'], ['client.client_id', matchField('user_ref')]),
    ],
  ])('%s: every `?` is in a WHERE clause, one per parameter', (_what, build) => {
    const { sql, parameters } = build();
    const clauses = parameterClauses(sql);
    expect(clauses).toHaveLength(parameters.length);
    expect(clauses.length).toBeGreaterThan(0);
    expect(clauses.every((c) => c === 'WHERE')).toBe(true);
  });

  it(
    'the wanted prefixes are every possible prefix of a digest, ' + 'as to_hex writes it, before the parameters pick',
    () => {
      // format('%02X%02X', hi, lo) over 0..255 twice, as Java's formatter writes it: every upper-case hex prefix once.
      expect(LOCATE_DIGEST_PREFIX_HEX % 2).toBe(0);
      const sql = wantedPrefixesSql(1);
      const bytes = LOCATE_DIGEST_PREFIX_HEX / 2;
      expect(sql).toContain(`format('${'%02X'.repeat(bytes)}'`);
      expect(sql.match(/UNNEST\(sequence\(0, 255\)\)/g)).toHaveLength(bytes);
      expect(sql).toContain('coalesce(array_agg(p), CAST(ARRAY[] AS array(varchar)))');
      const made = new Set<string>();
      const hex = (n: number) => n.toString(16).toUpperCase().padStart(2, '0');
      for (let hi = 0; hi < 256; hi++) for (let lo = 0; lo < 256; lo++) made.add(hex(hi) + hex(lo));
      expect(made.size).toBe(16 ** LOCATE_DIGEST_PREFIX_HEX);
      for (const id of [ERASED.toLowerCase(), 'x', '']) expect(made.has(idDigestPrefix(id))).toBe(true);
    },
  );
});

describe('locating JSON events in their raw lines: no JSON parser has to agree with the run', () => {
  const target = {
    workgroup: 'wg',
    database: 'telemetry_dev',
    table: 'events_data',
    linesTable: 'events_data_erasure_lines',
    bucket: 'b',
    folder: 'data/',
  };
  const COGNITO = 'eu-central-1:0f1e2d3c-0000-4000-8000-00000000000c';
  /** The erased device's objects (its id lower-cased, in client.client_id), located through a fake Athena. */
  const locateErased = (client: Parameters<typeof locateWithAthena>[0]) =>
    locateWithAthena(client, target, [ERASED.toLowerCase()], ['client.client_id'], 1, () => undefined, 0);

  it(
    'the query: every mark over the line column, one row per object read; only ' +
      'short digest prefixes of the lower-cased UUIDs as parameters, each once',
    () => {
      const { sql, parameters } = locateLinesQuery(target, [ERASED, ERASED.toLowerCase(), COGNITO]);
      expect(sql).toMatch(
        new RegExp(
          String.raw`^SELECT "\$path" AS path, bool_or\(.*\) AS holds, sum\(length\(to_utf8\("line"\)\) \+ 1\) ` +
            String.raw`AS bytes FROM "telemetry_dev"\."events_data_erasure_lines" CROSS JOIN \(SELECT .*\) AS ` +
            String.raw`wanted GROUP BY "\$path"$`,
        ),
      );
      // Each mark is in the query (a mark dropped from it would drop objects the run must read).
      expect(sql).toContain('"line" IS NULL');
      expect(sql).toContain(`strpos("line", '${LOCATE_ESCAPE}') > 0`);
      expect(sql).toContain(`try(CAST(json_parse("line") AS map(varchar, json))) IS NULL`);
      expect(sql).toContain(`regexp_extract_all(lower("line"), '${LOCATE_RUN_REGEX}')`);
      expect(sql).toContain(`length(run) > ${LOCATE_MAX_RUN}`);
      // The windows' sequence is bounded whatever the run's length (Trino's sequence refuses more than 10,000 elements,
      // and OR need not stop at its first true operand): a guest's long hex run cannot fail every locate.
      expect(sql).toContain(`sequence(1, least(length(run), ${LOCATE_MAX_RUN}) - ${LOCATE_UUID_LENGTH - 1})`);
      expect(sql).not.toMatch(/sequence\(1, length\(run\)/);
      expect(sql).toContain(
        `contains(wanted.prefixes, substr(to_hex(sha256(to_utf8(substr(run, ` +
          `i, ${LOCATE_UUID_LENGTH})))), 1, ${LOCATE_DIGEST_PREFIX_HEX}))`,
      );
      expect(sql).toContain(`CROSS JOIN ${wantedPrefixesSql(2)} AS wanted`);
      expect(LINE_MARKS).toEqual(['null', 'escape', 'not-one-object', 'id']);
      const guid = COGNITO.split(':')[1];
      expect(parameters).toEqual(
        [ERASED.toLowerCase(), guid].map((k) => `'${idDigest(k).slice(0, LOCATE_DIGEST_PREFIX_HEX)}'`),
      );
      const sent = JSON.stringify({ sql, parameters });
      expect(sent).not.toMatch(/[0-9a-f]{64}/i);
      for (const id of [ERASED, ERASED.toLowerCase(), COGNITO, guid]) {
        expect(sent).not.toContain(id);
        expect(sent).not.toContain(idDigest(id).slice(0, LOCATE_DIGEST_PREFIX_HEX + 1));
      }
      // Only the contract's id fields' ids: a --field id has no shape to look for.
      expect(linesLocatable([ERASED, COGNITO], ['client.client_id', 'client.cognito_id'])).toBe(true);
      expect(linesLocatable(['user-7'], [matchField('user_ref')])).toBe(false);
      expect(() => locateLinesQuery(target, ['user-7'])).toThrow(LocateError);
    },
  );

  /**
   * Hostile objects, each beside an ordinary one: what the OpenX JSON SerDe reads otherwise than the run does. Each is
   * marked by the query, read by the run, and either loses the device's record or leaves the request pending — never a
   * "done" receipt with the id still in the bucket.
   */
  const escaped = ERASED.replace('A', '\\u0041');
  const hostile: [string, string[], 'removed' | 'pending'][] = [
    ['(a) two records on one line, the device second', [`${event('device-B', 1)}${event(ERASED, 2)}`], 'pending'],
    ['(a) two records on one line, the device first', [`${event(ERASED, 1)} ${event('device-B', 2)}`], 'pending'],
    [
      '(b) a duplicate id key, the device first (a reader keeping the last sees the other)',
      [`{"event_type":"x","client":{"client_id":"${ERASED}","client_id":"device-B"}}`],
      'pending',
    ],
    [
      '(b) keys differing only in case (the SerDe folds case)',
      [`{"event_type":"x","client":{"client_id":"device-B","CLIENT_ID":"${ERASED}"}}`],
      'pending',
    ],
    [
      '(c) the id in a field that is not an id field',
      [`{"event_type":"x","note":"was ${ERASED.toLowerCase()}"}`],
      'pending',
    ],
    [
      '(c) a flat "client.client_id" key (dots in keys are not paths)',
      [`{"event_type":"x","client.client_id":"${ERASED}"}`],
      'pending',
    ],
    [
      '(d) a malformed line beside a valid line, in one object',
      [event('device-B', 1), `{"event_type":"x","client":{"client_id":"${ERASED}"`],
      'pending',
    ],
    ['valid JSON of the wrong types, naming the device', [`{"event_type":{"a":1},"client":"${ERASED}"}`], 'pending'],
    [
      "valid JSON of the wrong types beside the device's record",
      [`{"event_type":[1],"client":"x"}`, event(ERASED, 1)],
      'removed',
    ],
    ['the id written with a \\u escape', [`{"event_type":"x","client":{"client_id":"${escaped}"}}`], 'removed'],
    [
      'the id after a UUID-like run that a non-overlapping match would take',
      [`{"event_type":"x","client":{"client_id":"11111111-2222-3333-4444-5555${ERASED}"}}`],
      'pending',
    ],
  ];

  it.each(hostile)('%s: marked, read, and never done with the id left', async (_what, lines, outcome) => {
    const b = new MemoryBucket();
    b.clock = () => new Date(1000);
    b.put('data/year=2026/month=01/day=02/ok.gz', object(event('device-B', 90)));
    b.put('data/year=2026/month=01/day=02/hostile.gz', object(...lines));
    const listing = await listForLocating(b.versions('data/'), new Date(2000));
    const { client } = linesAthena(b);
    const found = await locateWithAthena(
      client,
      target,
      [ERASED.toLowerCase()],
      ['client.client_id', 'client.cognito_id'],
      1,
      () => undefined,
      0,
    );
    expect([...found.keys]).toEqual(['data/year=2026/month=01/day=02/hostile.gz']);
    const covered = coverage(listing, found);
    expect(covered.read).toEqual([]);
    const reads: string[] = [];
    const get = b.get.bind(b);
    b.get = async (key, versionId) => (reads.push(key), get(key, versionId));
    const receipt = await runErasure(
      b,
      request({
        ids: [ERASED.toLowerCase()],
        located: found.keys,
        athenaFolders: athenaRead(listing, found),
      }),
    );
    expect(reads).toEqual(['data/year=2026/month=01/day=02/hostile.gz']);
    const left = b.lines('data/').some((l) => l.toLowerCase().includes(ERASED.toLowerCase()) || l.includes(escaped));
    if (outcome === 'pending') {
      expect(receipt.pending).toContainEqual({ kind: 'unparsed', lines: 1 });
      expect(left).toBe(true);
    } else {
      expect(receipt.recordsRemoved).toBe(1);
      expect(left).toBe(false);
    }
    // Never "done" with the id still there.
    expect(receipt.pending.length === 0 && left).toBe(false);
  });

  it(
    'every object the run would change or leave pending is marked: the ' +
      'hostile objects, a Cognito id in text, upper and lower case',
    async () => {
      const b = new MemoryBucket();
      hostile.forEach(([, lines], i) => b.put(`data/year=2026/month=01/day=02/h${i}.gz`, object(...lines)));
      b.put(
        'data/year=2026/month=01/day=02/cognito.gz',
        object(`{"event_type":"x","note":"guest ${COGNITO.toUpperCase()}"}`),
      );
      b.put(
        'data/year=2026/month=01/day=02/plain.json',
        Buffer.from(`${event(ERASED.toLowerCase(), 1)}\r\n${event('device-B', 2)}\r\n`),
      );
      b.put('data/year=2026/month=01/day=02/others.gz', object(event('device-B', 3), event('device-C', 4)));
      const ids = [ERASED.toLowerCase(), COGNITO];
      const fields = ['client.client_id', 'client.cognito_id'];
      const { client } = linesAthena(b);
      const found = await locateWithAthena(client, target, ids, fields, 1, () => undefined, 0);
      const matcher = idMatcher(ids, fields);
      for (const [key, vs] of b.objects) {
        const f = await filterObject(vs[0].body, matcher);
        if (f.removed > 0 || f.unparsed > 0) expect([key, found.keys.has(key)]).toEqual([key, true]);
      }
      expect(found.keys.has('data/year=2026/month=01/day=02/others.gz')).toBe(false);
      expect(found.keys.size).toBe(hostile.length + 2);
    },
  );

  it(
    'a line that is not one JSON object marks its object, though ' +
      'it holds no id (a second net); a blank line does not',
    async () => {
      const b = new MemoryBucket();
      b.put('data/d/broken.gz', object(event('device-B', 1), '{"event_type":"x"'));
      b.put('data/d/array.gz', object('[1,2]'));
      b.put('data/d/blank.gz', object(event('device-B', 2), '', '   ', event('device-C', 3)));
      const { client } = linesAthena(b);
      const found = await locateErased(client);
      expect([...found.keys].sort()).toEqual(['data/d/array.gz', 'data/d/broken.gz']);
      expect([...found.folders.get('data/d/')!].sort()).toEqual([
        'data/d/array.gz',
        'data/d/blank.gz',
        'data/d/broken.gz',
      ]);
    },
  );

  it(
    'an object whose name disagrees with its bytes (GZIP without `.gz`, or `.gz` not ' +
      'GZIP: Athena picks the codec by extension) is marked, kept and pending',
    async () => {
      const b = new MemoryBucket();
      b.put('data/d/no-extension', object(event(ERASED, 1), event('device-B', 2)));
      b.put('data/d/not-gzip.gz', Buffer.from(`${event(ERASED, 3)}\n${event('device-B', 4)}\n`));
      const { client } = linesAthena(b);
      const found = await locateErased(client);
      // Athena reads the one's compressed bytes as lines (no JSON): marked. Its GZIP reader fails on the other (the
      // fake gives it no row).
      expect(found.folders.get('data/d/')?.has('data/d/not-gzip.gz')).toBe(false);
      expect(found.keys.has('data/d/no-extension')).toBe(true);
      const receipt = await runErasure(
        b,
        request({ located: found.keys, athenaFolders: { folders: new Set(['data/d/']), read: new Map() } }),
      );
      expect(
        receipt.pending
          .filter((p) => p.kind === 'unreadable-object')
          .map((p) => 'key' in p && p.key)
          .sort(),
      ).toEqual(['data/d/no-extension', 'data/d/not-gzip.gz']);
      expect(receipt.recordsRemoved).toBe(0);
      for (const key of ['data/d/no-extension', 'data/d/not-gzip.gz']) expect(b.objects.get(key)).toHaveLength(1);
      // Failed records are not read by Athena: their names are not checked.
      const e = new MemoryBucket();
      e.put('errors/x', object(failed(event(ERASED, 5))));
      expect(await runErasure(e, request())).toMatchObject({ recordsRemoved: 1 });
    },
  );

  it("a `holds` value other than 'false' (empty, NULL) is taken as holding: the object is read", async () => {
    const { client } = (() => {
      const rows = [
        ['path', 'holds', 'bytes'],
        ['s3://b/data/d/a.gz', '', '10'],
        ['s3://b/data/d/b.gz', 'TRUE', '10'],
        ['s3://b/data/d/c.gz', 'false', '10'],
      ];
      return {
        client: {
          send: async (command: { constructor: { name: string } }) => {
            const name = command.constructor.name;
            if (name === 'GetWorkGroupCommand') return { WorkGroup: { Configuration: {} } };
            if (name === 'StartQueryExecutionCommand') return { QueryExecutionId: 'q' };
            if (name === 'GetQueryExecutionCommand') return { QueryExecution: { Status: { State: 'SUCCEEDED' } } };
            return { ResultSet: { Rows: rows.map((r) => ({ Data: r.map((v) => ({ VarCharValue: v })) })) } };
          },
        } as unknown as AthenaClient,
      };
    })();
    const found = await locateWithAthena(client, target, [ERASED], ['client.client_id'], 1, () => undefined, 0);
    expect([...found.keys].sort()).toEqual(['data/d/a.gz', 'data/d/b.gz']);
  });

  /** Locates with the fake Athena, then runs the erasure over what it found; returns the receipt and the keys read. */
  async function locateAndErase(b: MemoryBucket, overrides: Partial<ErasureRequest> = {}) {
    const listing = await listForLocating(b.versions('data/'), new Date(2000));
    const { client } = linesAthena(b);
    const ids = [ERASED.toLowerCase()];
    const found = await locateErased(client);
    const reads: string[] = [];
    const get = b.get.bind(b);
    b.get = async (key, versionId) => (reads.push(key), get(key, versionId));
    const receipt = await runErasure(
      b,
      request({ ids, located: found.keys, athenaFolders: athenaRead(listing, found), ...overrides }),
    );
    return { receipt, reads, found };
  }

  it(
    'an object Athena read only part of (a second GZIP member: ' +
      'trinodb/trino#18223) is read whole, and the id removed',
    async () => {
      const b = new MemoryBucket();
      b.put('data/d/ok.gz', object(event('device-B', 1)));
      // Two members: Athena reads the first (no id), the run both. ISIZE is the last member's size, not Athena's bytes.
      b.put(
        'data/d/two.gz',
        Buffer.concat([object(event('device-B', 2)), object(event(ERASED, 3), event('device-C', 4))]),
      );
      const { receipt, reads, found } = await locateAndErase(b);
      expect(found.keys.size).toBe(0);
      expect(reads).toEqual(['data/d/two.gz']);
      expect(receipt).toMatchObject({ recordsRemoved: 1, pending: [] });
      expect(b.lines('data/').sort()).toEqual(
        [event('device-B', 1), event('device-B', 2), event('device-C', 4)].sort(),
      );
    },
  );

  it(
    'a GZIP member followed by bytes that are no member (ignored by ' +
      'Java and Athena) is read whole: the id there is found',
    async () => {
      const b = new MemoryBucket();
      b.put('data/d/ok.gz', object(event('device-B', 1)));
      const trailing = Buffer.from(`${event(ERASED, 3)}\n`);
      b.put('data/d/trailing.gz', Buffer.concat([object(event('device-B', 2)), trailing]));
      const kept = await locateAndErase(b);
      expect(kept.reads).toEqual(['data/d/trailing.gz']);
      // The id's characters in bytes no reader takes for lines: kept and pending, never "done"…
      expect(kept.receipt.pending).toContainEqual({ kind: 'unparsed', lines: 1 });
      // …and removed when the operator says so, the member's records kept.
      const removed = await locateAndErase(b, { request: 'DSR-2', unparsed: 'remove' });
      expect(removed.receipt).toMatchObject({ unparsedRemoved: 1, pending: [] });
      const body = b.objects.get('data/d/trailing.gz')!.at(-1)!.body;
      expect(gunzipSync(body).toString()).toBe(`${event('device-B', 2)}\n`);
    },
  );

  it(
    'a plain object is left unread only when Athena read every byte of ' +
      'it; a final line without newline or \\r\\n endings are read',
    async () => {
      const b = new MemoryBucket();
      b.put('data/d/plain.json', Buffer.from(`${event('device-B', 1)}\n`));
      b.put('data/d/no-newline.json', Buffer.from(`${event('device-B', 2)}`));
      b.put('data/d/crlf.json', Buffer.from(`${event('device-B', 3)}\r\n`));
      b.put('data/d/ok.gz', object(event('device-B', 4)));
      const { reads } = await locateAndErase(b);
      expect(reads.sort()).toEqual(['data/d/crlf.json', 'data/d/no-newline.json']);
    },
  );

  it('a run of hex digits past the longest hashed marks its line (the query would fail on it otherwise)', async () => {
    const b = new MemoryBucket();
    b.put('data/d/long.gz', object(`{"event_type":"x","blob":"${'a'.repeat(LOCATE_MAX_RUN + 1)}"}`));
    b.put('data/d/short.gz', object(`{"event_type":"x","blob":"${'a'.repeat(LOCATE_MAX_RUN)}"}`));
    const { client } = linesAthena(b);
    const found = await locateErased(client);
    expect([...found.keys]).toEqual(['data/d/long.gz']);
  });

  it('Parquet events are located through the events table (no lines to read): the target says which', () => {
    const json = CONFIGURED.find((d) => d.settings.firehose.format === 'json')!;
    expect(locateTarget(json, 'data/').linesTable).toBe(json.names.erasureLinesTable);
    const parquet = {
      ...json,
      settings: { ...json.settings, firehose: { ...json.settings.firehose, format: 'parquet' as const } },
    };
    expect(locateTarget(parquet, 'data/').linesTable).toBeUndefined();
  });
});

describe('npm run erase', () => {
  const [d] = CONFIGURED;
  const dir = mkdtempSync(join(tmpdir(), 'erase-cli-'));
  const ids = join(dir, 'ids.txt');
  writeFileSync(ids, `${ERASED}\n\n${ERASED}\n`);
  // The command's lines are not the test's output.
  beforeEach(() => {
    jest.spyOn(console, 'log').mockImplementation(() => undefined);
    jest.spyOn(console, 'error').mockImplementation(() => undefined);
  });
  afterEach(() => jest.restoreAllMocks());
  const data = staticFolder(d.settings.firehose.dataPrefix);
  /** The bucket of events in the configured deployment's own folders. */
  const configuredBucket = () =>
    bucketWithEvents(data, staticFolder(d.settings.firehose.errorPrefix), d.settings.athena.resultsPrefix);

  it.each([
    [
      'a line past 200 MB',
      'TextLineLengthLimitExceededException: Too many bytes before newline: 2147483648',
      /past Athena's limits/,
    ],
    ['a row past 32 MB', 'INVALID_FUNCTION_ARGUMENT: Row size exceeds the limit of 32 MB', /past Athena's limits/],
    ['any other failure', 'TABLE_NOT_FOUND: line 1:1: Table does not exist', /or fix the cause/],
  ])('a locating query that fails on %s says to run with --locate scan', async (_what, reason, how) => {
    const errors = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    const athena = {
      send: async (command: { constructor: { name: string } }) => {
        if (command.constructor.name === 'GetWorkGroupCommand') return { WorkGroup: { Configuration: {} } };
        if (command.constructor.name === 'StartQueryExecutionCommand') return { QueryExecutionId: 'q' };
        return { QueryExecution: { Status: { State: 'FAILED', StateChangeReason: reason } } };
      },
    } as unknown as AthenaClient;
    const b = configuredBucket();
    const args = ['--stack', d.names.stack, '--ids', ids, '--request', 'DSR-fail', '--locate', 'athena'];
    expect(
      await erase(
        args,
        () => b,
        () => athena,
        () => TEST_MAC,
      ),
    ).toBe(1);
    const said = String(errors.mock.calls.at(-1)?.[0]);
    expect(said).toContain('run with --locate scan');
    expect(said).toContain(reason);
    expect(said).toMatch(how);
    expect(said).not.toContain('to resume');
    expect(b.lines(data).some((l) => l.includes(ERASED))).toBe(true);
  });

  it(
    'refuses what it cannot run, with exit 2: a missing flag, an unknown ' +
      'stack, a request id that is no folder name, an empty file',
    async () => {
      const empty = join(dir, 'empty.txt');
      writeFileSync(empty, '\n');
      for (const args of [
        ['--stack', d.names.stack, '--ids', ids],
        ['--stack', 'nope', '--ids', ids, '--request', 'r'],
        ['--stack', d.names.stack, '--ids', ids, '--request', 'a/b'],
        ['--stack', d.names.stack, '--ids', empty, '--request', 'r'],
        ['--stack', d.names.stack, '--ids', ids, '--request', 'r', '--locate', 'sql'],
        ['--stack', d.names.stack, '--ids', ids, '--request', 'r', '--stop-after-rewrites', 'x'],
        ['--stack', d.names.stack, '--ids', ids, '--request', 'r', '--concurrency', '0'],
        ['--stack', d.names.stack, '--ids', ids, '--request', 'r', '--shard', '2/2'],
      ]) {
        expect(await erase(args, () => new MemoryBucket())).toBe(2);
      }
      // A bad id file: refused before the bucket is touched, saying which line, never the id.
      const errors = jest.spyOn(console, 'error').mockImplementation(() => undefined);
      for (const [n, text] of [
        'null\n',
        `${ERASED}\nundefined\n`,
        `"${ERASED}"\n`,
        `${ERASED},${ERASED}\n`,
        'secret-person@example.com\n',
      ].entries()) {
        const file = join(dir, `bad-${n}.txt`);
        writeFileSync(file, text);
        const touched = jest.fn(() => new MemoryBucket());
        expect(await erase(['--stack', d.names.stack, '--ids', file, '--request', 'r'], touched)).toBe(2);
        expect(touched).not.toHaveBeenCalled();
        expect(String(errors.mock.calls.at(-1)?.[0])).toMatch(/line \d+: /);
      }
      expect(String(errors.mock.calls.at(-1)?.[0])).not.toContain('secret-person');
      expect(
        await erase(
          ['--stack', d.names.stack, '--ids', ids, '--request', 'r', '--field', 'no.such'],
          () => new MemoryBucket(),
        ),
      ).toBe(2);
      // A --field error is said as the flag's, not prefixed with the file's name.
      expect(String(errors.mock.calls.at(-1)?.[0])).toMatch(/^--field no\.such: /);
      expect(
        await erase(
          ['--stack', d.names.stack, '--ids', ids, '--request', 'r', '--unparsed', 'maybe'],
          () => new MemoryBucket(),
        ),
      ).toBe(2);
      // A --field column's ids have no shape the raw-line query could look for: JSON events need --locate scan.
      const plain = join(dir, 'plain.txt');
      writeFileSync(plain, 'user-7\n');
      const touched = jest.fn(() => new MemoryBucket());
      const fieldArgs = ['--stack', d.names.stack, '--ids', plain, '--request', 'r', '--field', 'device.model'];
      expect(d.settings.firehose.format).toBe('json');
      expect(await erase([...fieldArgs, '--locate', 'athena'], touched)).toBe(2);
      expect(touched).not.toHaveBeenCalled();
      expect(String(errors.mock.calls.at(-1)?.[0])).toMatch(/--locate scan/);
      // Scan is the default: no Athena is asked (the Athena locate is opt-in, not yet run on a real Athena).
      const noAthena = jest.fn((): AthenaClient => {
        throw new Error('no Athena by default');
      });
      expect(
        await erase([...fieldArgs, '--app-stopped-at', '2026-01-01T00:00:00Z'], touched, noAthena, () => TEST_MAC),
      ).toBe(0);
      expect(noAthena).not.toHaveBeenCalled();
      expect(ERASE_COMMAND.flags.locate.help).toMatch(
        /^scan \(default\).*athena \(opt-in\).*not yet run on a real Athena/,
      );
      // --locate-only is for the Athena locate only.
      expect(await erase(['--stack', d.names.stack, '--ids', ids, '--request', 'r', '--locate-only'], touched)).toBe(2);
      expect(String(errors.mock.calls.at(-1)?.[0])).toMatch(/with --locate athena/);
    },
  );

  it(
    'past one machine: --locate-only queries once and saves the keys; ' +
      'each --shard reads them, and the run without --shard confirms',
    async () => {
      const b = configuredBucket();
      const queries: string[] = [];
      const athena = {
        send: async (command: { constructor: { name: string }; input: { QueryString?: string } }) => {
          if (command.constructor.name === 'StartQueryExecutionCommand') queries.push(command.input.QueryString!);
          if (command.constructor.name === 'GetWorkGroupCommand') return { WorkGroup: { Configuration: {} } };
          if (command.constructor.name === 'StartQueryExecutionCommand') return { QueryExecutionId: 'q' };
          if (command.constructor.name === 'GetQueryExecutionCommand')
            return { QueryExecution: { Status: { State: 'SUCCEEDED' } } };
          // After the shards, nothing holds the device any more.
          const left = b.lines(data).some((l) => l.includes(ERASED));
          const holding = left ? [`${data}year=2026/a.gz`, `${data}year=2026/only-a.gz`] : [];
          const row = (...v: string[]) => ({ Data: v.map((x) => ({ VarCharValue: x })) });
          // Athena reads every object of the catalogued day.
          const objects = [...b.objects.keys()].filter((k) => k.startsWith(`${data}year=2026/`));
          return {
            ResultSet: {
              Rows: [
                row('path', 'holds', 'bytes'),
                ...objects.map((k) =>
                  row(
                    `s3://${d.names.dataBucket}/${k}`,
                    String(holding.includes(k)),
                    String(firstGzipMember(b.objects.get(k)!.at(-1)!.body).length),
                  ),
                ),
              ],
            },
          };
        },
      } as unknown as AthenaClient;
      const args = [
        '--stack',
        d.names.stack,
        '--ids',
        ids,
        '--request',
        'DSR-10',
        '--app-stopped-at',
        '2026-01-01T00:00:00Z',
      ];
      const withAthena = [...args, '--locate', 'athena'];
      expect(
        await erase(
          [...withAthena, '--shard', '0/2'],
          () => b,
          () => athena,
          () => TEST_MAC,
        ),
      ).toBe(2);
      expect(
        await erase(
          [...args, '--locate-only', '--locate', 'scan'],
          () => b,
          () => athena,
          () => TEST_MAC,
        ),
      ).toBe(2);
      expect(
        await erase(
          [...withAthena, '--locate-only'],
          () => b,
          () => athena,
          () => TEST_MAC,
        ),
      ).toBe(0);
      expect(queries).toHaveLength(1);
      expect(b.lines(data).some((l) => l.includes(ERASED))).toBe(true);
      expect(await b.readJson(`erasure-requests/DSR-10/located.json`)).toMatchObject({
        count: 2,
        parts: 1,
        athenaFolders: [`${data}year=2026/`],
        readParts: 1,
        bytes: true,
      });
      // What the shards may leave unread: each key Athena read, with the version listed before the query and the bytes
      // Athena read of it (JSON events: a shard leaves a key unread only when they are its uncompressed size).
      const read = await b.readJson<[string, string, number][]>(`erasure-requests/DSR-10/located.read.0000.json`);
      expect(read!.map(([key]) => key)).toEqual(listedKeys(b, `${data}year=2026/`));
      for (const [key, versionId, bytes] of read!) {
        expect(b.objects.get(key)!.at(-1)!.versionId).toBe(versionId);
        expect(bytes).toBe(gunzipSync(b.objects.get(key)!.at(-1)!.body).length);
      }
      expect(await b.readJson(`erasure-requests/DSR-10/located.0000.json`)).toEqual([
        `${data}year=2026/a.gz`,
        `${data}year=2026/only-a.gz`,
      ]);
      expect(
        await erase(
          [...withAthena, '--shard', '0/2'],
          () => b,
          () => athena,
          () => TEST_MAC,
        ),
      ).toBe(0);
      expect(
        await erase(
          [...withAthena, '--shard', '1/2'],
          () => b,
          () => athena,
          () => TEST_MAC,
        ),
      ).toBe(0);
      expect(queries).toHaveLength(1);
      expect(b.lines(data).filter((l) => l.includes(ERASED))).toEqual([]);
      expect(
        await erase(
          withAthena,
          () => b,
          () => athena,
          () => TEST_MAC,
        ),
      ).toBe(0);
      expect(queries).toHaveLength(2);
      expect(await b.readJson(`erasure-requests/DSR-10/receipt.json`)).toMatchObject({
        objectsRewritten: 2,
        objectsDeleted: 1,
        recordsRemoved: 5,
        shardsNotRun: [],
        coverage: { athena: [`${data}year=2026/`], read: [] },
      });
    },
  );

  it(
    'names an id that matched nothing by its line in the file, ' +
      'never the id itself; says how each folder was covered',
    async () => {
      const b = configuredBucket();
      const unknown = 'D00D0000-0000-4000-8000-00000000000D';
      const file = join(dir, 'two.txt');
      // The same IDFV again in lower case: one id, not a second one that matched nothing.
      writeFileSync(file, `${ERASED}\n${unknown}\n${ERASED.toLowerCase()}\n`);
      const said: string[] = [];
      jest.spyOn(console, 'log').mockImplementation((line: string) => void said.push(line));
      expect(
        await erase(
          [
            '--stack',
            d.names.stack,
            '--ids',
            file,
            '--request',
            'DSR-11',
            '--locate',
            'scan',
            '--app-stopped-at',
            '2026-01-01T00:00:00Z',
          ],
          () => b,
          undefined,
          () => TEST_MAC,
        ),
      ).toBe(0);
      expect(said).toContain(
        '1 of 2 id(s) matched no record so far: line(s) 2 of the file — check each (another field? another stack?)',
      );
      expect(said.join('\n')).not.toContain(unknown);
      expect((await b.readJson<Receipt>('erasure-requests/DSR-11/receipt.json'))?.idMacs).toHaveLength(2);
      expect(said).toContain(
        'coverage: 1 folder(s) of events — 0 through Athena (it read every object there), 1 read whole by this run',
      );
    },
  );

  it("erases with --locate scan: exit 3 while Firehose's buffer may deliver, 0 once it cannot", async () => {
    const b = configuredBucket();
    const args = ['--stack', d.names.stack, '--ids', ids, '--request', 'DSR-9', '--locate', 'scan'];
    expect(
      await erase(
        [...args, '--app-stopped-at', new Date().toISOString()],
        () => b,
        undefined,
        () => TEST_MAC,
      ),
    ).toBe(3);
    expect(b.lines(data).filter((l) => l.includes(ERASED))).toEqual([]);
    expect(
      await erase(
        [...args, '--app-stopped-at', '2026-01-01T00:00:00Z'],
        () => b,
        undefined,
        () => TEST_MAC,
      ),
    ).toBe(0);
  });
});

describe('the locating query runs in the erasure workgroup, which no analyst reaches', () => {
  it(
    "locateTarget names the stack's erasure workgroup: the one writing to the " +
      "erasure's own results folder, in the erasure policy and not the analysts'",
    () => {
      const [synthesized] = synthDeployments([CONFIGURED[0]]);
      const d = synthesized.stack.deployment;
      const target = locateTarget(d, staticFolder(d.settings.firehose.dataPrefix));
      const workgroups = Object.values(synthesized.tf.resource.aws_athena_workgroup) as {
        name: string;
        configuration: { result_configuration: { output_location: string } };
      }[];
      const own = workgroups.find((w) => w.name === target.workgroup);
      expect(own?.configuration.result_configuration.output_location).toBe(
        `s3://${d.names.dataBucket}/${ERASURE_LOCATE_RESULTS_FOLDER}`,
      );
      expect(target.workgroup).not.toBe(d.names.workgroup);
      const policies = Object.values(synthesized.tf.resource.aws_iam_policy) as { name: string; policy: string }[];
      const athenaResources = (name: string) =>
        (
          JSON.parse(policies.find((p) => p.name === name)!.policy).Statement as {
            Action: string | string[];
            Resource: string | string[];
          }[]
        )
          .filter((s) => [s.Action].flat().some((a) => a.startsWith('athena:')))
          .flatMap((s) => [s.Resource].flat());
      expect(athenaResources(d.names.erasure)).toEqual([
        expect.stringMatching(new RegExp(`:workgroup/${target.workgroup}$`)),
      ]);
      expect(
        athenaResources(d.names.roles.analyst).some((r) => r.endsWith(`/${target.workgroup}`) || r.endsWith('/*')),
      ).toBe(false);
    },
  );

  it(
    'the raw-line table the query reads (JSON events) is in the stack, over ' +
      'the events folder, in the database the erasure policy may read',
    () => {
      for (const synthesized of synthDeployments(CONFIGURED)) {
        const d = synthesized.stack.deployment;
        const target = locateTarget(d, staticFolder(d.settings.firehose.dataPrefix));
        const tables = Object.values(synthesized.tf.resource.aws_glue_catalog_table ?? {}) as {
          name: string;
          database_name: string;
          storage_descriptor: { location: string };
        }[];
        const lines = tables.find((t) => t.name === d.names.erasureLinesTable);
        if (d.settings.firehose.format !== 'json') {
          expect([target.linesTable, lines]).toEqual([undefined, undefined]);
          continue;
        }
        expect(target.linesTable).toBe(lines?.name);
        expect(lines!.storage_descriptor.location).toBe(
          `s3://${d.names.dataBucket}/${staticFolder(d.settings.firehose.dataPrefix)}`,
        );
        const policies = Object.values(synthesized.tf.resource.aws_iam_policy) as { name: string; policy: string }[];
        const glue = (
          JSON.parse(policies.find((p) => p.name === d.names.erasure)!.policy).Statement as {
            Action: string | string[];
            Resource: string | string[];
          }[]
        ).filter((st) => [st.Action].flat().includes('glue:GetTable'));
        const tableArn = `:table/${d.names.glueDatabase}/${d.names.erasureLinesTable}`;
        expect(
          glue.some((st) =>
            [st.Resource]
              .flat()
              .some((r) =>
                new RegExp(`^${r.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`).test(
                  `arn:aws:glue:${d.region}:${d.accountId}${tableArn}`,
                ),
              ),
          ),
        ).toBe(true);
      }
    },
  );
});

describe('receipt MACs through KMS (receipt-mac.ts)', () => {
  /** A KMS client answering GenerateMac and VerifyMac from a secret, as KMS would with the key's material. */
  const scriptedKms = (secret: string) => {
    const calls: string[] = [];
    const kms = {
      send: async (command: {
        constructor: { name: string };
        input: { KeyId: string; MacAlgorithm: string; Message: Uint8Array; Mac?: Uint8Array };
      }) => {
        calls.push(`${command.constructor.name} ${command.input.KeyId} ${command.input.MacAlgorithm}`);
        const mac = createHmac('sha256', secret).update(Buffer.from(command.input.Message)).digest();
        if (command.constructor.name === 'GenerateMacCommand')
          return { KeyId: 'arn:aws:kms:us-east-1:111111111111:key/k', Mac: new Uint8Array(mac) };
        if (Buffer.compare(mac, Buffer.from(command.input.Mac!)) !== 0)
          throw Object.assign(new Error(''), { name: 'KMSInvalidMacException' });
        return { MacValid: true };
      },
    } as unknown as KMSClient;
    return { kms, calls };
  };

  it(
    "makes each id's MAC with the alias, keeps the key's ARN, and verifies an " +
      'id against a receipt: the erased id matches, another does not',
    async () => {
      const { kms, calls } = scriptedKms('material');
      const made = await kmsIdMacer(kms)('alias/telemetry-dev-erasure-receipts', ERASED);
      expect(made).toEqual({
        keyArn: 'arn:aws:kms:us-east-1:111111111111:key/k',
        mac: createHmac('sha256', 'material').update(ERASED).digest('hex'),
      });
      const receipt = { macKey: made.keyArn, macAlgorithm: 'HMAC_SHA_256' as const, idMacs: ['00', made.mac] };
      expect(await receiptMacOf(kms, receipt, ERASED)).toBe(1);
      expect(await receiptMacOf(kms, receipt, 'B1B2C3D4-0000-4000-8000-00000000000B')).toBe(-1);
      expect(await verifyIdMac(kms, receipt, ERASED, '00')).toBe(false);
      // Verified with the receipt's key by ARN, never the alias (which may have moved).
      expect(calls.filter((c) => c.startsWith('VerifyMac'))).toEqual(
        Array(5).fill('VerifyMacCommand arn:aws:kms:us-east-1:111111111111:key/k HMAC_SHA_256'),
      );
      // A receipt of the contract's id fields keeps ids lower-cased: an IDFV given in upper case is found.
      const lowered = await kmsIdMacer(kms)('alias/telemetry-dev-erasure-receipts', ERASED.toLowerCase());
      const ofIdFields = { ...receipt, idMacs: [lowered.mac], fields: ['client.client_id', 'client.cognito_id'] };
      expect(await receiptMacOf(kms, ofIdFields, ERASED)).toBe(0);
      expect(await receiptMacOf(kms, { ...ofIdFields, fields: ['user_ref'] }, ERASED)).toBe(-1);
    },
  );

  it('a KMS error other than an invalid MAC is not taken for "no match"', async () => {
    const kms = {
      send: async () => Promise.reject(Object.assign(new Error('denied'), { name: 'AccessDeniedException' })),
    } as unknown as KMSClient;
    await expect(verifyIdMac(kms, { macKey: 'k', macAlgorithm: 'HMAC_SHA_256' }, ERASED, '00')).rejects.toThrow(
      'denied',
    );
  });

  it('the command refuses a request begun with salted receipts: exit 2, one line saying what to do', async () => {
    const [d] = CONFIGURED;
    const dir = mkdtempSync(join(tmpdir(), 'erase-salted-'));
    const file = join(dir, 'ids.txt');
    writeFileSync(file, `${ERASED}\n`);
    const b = new MemoryBucket();
    await b.writeJson('erasure-requests/OLD-1/request.json', {
      request: 'OLD-1',
      stack: d.names.stack,
      salt: 'aa',
      idHashes: ['bb'],
      fields: [],
      startedAt: '2026-01-01T00:00:00.000Z',
    });
    const errors = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    expect(
      await erase(
        ['--stack', d.names.stack, '--ids', file, '--request', 'OLD-1', '--locate', 'scan'],
        () => b,
        undefined,
        () => TEST_MAC,
      ),
    ).toBe(2);
    expect(String(errors.mock.calls.at(-1)?.[0])).toMatch(
      /^erase refused: request OLD-1 was begun by an older npm run erase.*salted.*new --request/,
    );
    errors.mockRestore();
  });
});

describe('GZIP objects with bytes after their members (hostile review, 2026-12-06)', () => {
  const ID = '11111111-2222-3333-4444-555555555555';
  const OTHER = '99999999-2222-3333-4444-555555555555';
  const matcher = idMatcher([ID]);
  const line = (id: string, n = 0) => `{"client":{"client_id":"${id}"},"n":${n}}`;
  const gz = (text: string) => gzipSync(Buffer.from(text));

  it('trailing bytes that begin with a zero byte are searched, not dropped: the id there is an unparsed line', () => {
    const body = Buffer.concat([gz(`${line(OTHER)}\n`), Buffer.from(`\x00${line(ID)}\n`, 'latin1')]);
    const out = filterNdjson(body, matcher, { key: 'data/x.gz' });
    expect([out.removed, out.unparsed, out.unreadable]).toEqual([0, 1, undefined]);
  });

  it('a member behind a zero byte is not decoded as nothing: the object is kept and pending, never rewritten', () => {
    const body = Buffer.concat([gz(`${line(ID)}\n${line(OTHER, 1)}\n`), Buffer.from([0]), gz(`${line(OTHER, 2)}\n`)]);
    const out = filterNdjson(body, matcher, { key: 'data/x.gz' });
    expect(out.unreadable).toMatch(/GZIP member after bytes/);
    expect(out.body).toBe(body);
  });

  it(
    'compressed twice (GZIP in GZIP) or a zlib stream inside: ' + 'kept and pending, never counted as holding nothing',
    () => {
      const inner = `${line(ID)}\n`;
      for (const body of [gzipSync(gzipSync(Buffer.from(inner))), gzipSync(deflateSync(Buffer.from(inner)))]) {
        const out = filterNdjson(body, matcher, { key: 'data/x.gz' });
        expect(out.unreadable).toMatch(/GZIP stream inside|zlib stream/);
        expect(out.body).toBe(body);
      }
    },
  );

  it('a rewrite keeps the bytes after the last member byte for byte (zero padding, another writer’s trailer)', () => {
    for (const trailer of [Buffer.alloc(16), Buffer.from(`\x00TRAILER-${OTHER}`, 'latin1')]) {
      const body = Buffer.concat([gz(`${line(OTHER)}\n${line(ID)}\n`), trailer]);
      const out = filterNdjson(body, matcher, { key: 'data/x.gz' });
      expect(out.removed).toBe(1);
      expect(out.body!.subarray(-trailer.length)).toEqual(trailer);
      expect(gunzipSync(out.body!.subarray(0, out.body!.length - trailer.length)).toString()).toBe(`${line(OTHER)}\n`);
    }
  });
});
