/**
 * `npm run erase` in the e2e (the first pipeline stack, after its events and queries): events of three more devices
 * delivered through Firehose, a failed record, a query result and a Deep Archive object naming one of them, and an
 * object in a day's folder no crawler has seen, holding that device beside records whose ids are JSON null or missing
 * (left intact: an id is matched only as a string, after decoding); a first
 * run stopped after one rewrite (planted), resumed until only Firehose's buffer is pending; then zero records of that
 * device in every version under the events and failed-record folders, every other device's records intact
 * (counted), the receipt's counts matching, its MAC of the id verified with KMS (VerifyMac) and another id's refused,
 * the query result gone, and a re-run changing nothing; then a second device erased by two shards (`--shard 0/2`,
 * `--shard 1/2`) and a confirming run without. On the matrix's emulator, without IAM enforcement: moto's signature
 * check fails S3 requests with an encoded key or prefix once it enforces IAM (emulator.ts); the erasure policy is
 * tested permission by permission instead.
 */
import { FirehoseClient, PutRecordBatchCommand } from '@aws-sdk/client-firehose';
import { KMSClient } from '@aws-sdk/client-kms';
import {
  GetObjectCommand,
  ListObjectVersionsCommand,
  PutObjectCommand,
  RestoreObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import type { ResolvedDeployment } from '../../config';
import { ERASURE_REQUESTS_FOLDER, staticFolder } from '../../config/names';
import type { Receipt } from '../erase/engine';
// The command's own entry, deliberately: the run erases as an operator does — its flags parsed, its id file read and
// refused as the command refuses it, its exit codes and resumes — with only the bucket, KMS and MACs pointed at the
// emulator through main's injection points. A library call would skip exactly what this run is to check.
import { main as eraseCommand } from '../erase/index';
import { s3Store } from '../erase/s3-store';
import { kmsIdMacer, receiptMacOf } from '../erase/receipt-mac';
import { EMULATOR_CREDENTIALS } from './emulator';

/** Records per device id in an object's body (failed records: their decoded rawData). */
function countRecords(body: Buffer, counts: Record<string, number> = {}): Record<string, number> {
  const text = (body[0] === 0x1f && body[1] === 0x8b ? gunzipSync(body) : body).toString('utf8');
  for (const line of text.split('\n').filter(Boolean)) {
    const record = JSON.parse(line) as { rawData?: string; client?: { client_id?: string } };
    const events = record.rawData
      ? Buffer.from(record.rawData, 'base64')
          .toString('utf8')
          .split('\n')
          .filter(Boolean)
          .map((e) => JSON.parse(e) as typeof record)
      : [record];
    for (const e of events) counts[e.client?.client_id ?? '?'] = (counts[e.client?.client_id ?? '?'] ?? 0) + 1;
  }
  return counts;
}

/**
 * Records per device id in every version under a folder. An archived version is restored first when `restore` says
 * so (moto restores at once), and skipped otherwise.
 */
async function recordsByDevice(
  s3: S3Client,
  bucket: string,
  prefix: string,
  restore: boolean,
): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  const { Versions = [] } = await s3.send(new ListObjectVersionsCommand({ Bucket: bucket, Prefix: prefix }));
  for (const v of Versions) {
    if (String(v.StorageClass) === 'DEEP_ARCHIVE') {
      if (!restore) continue;
      await s3.send(
        new RestoreObjectCommand({ Bucket: bucket, Key: v.Key, VersionId: v.VersionId, RestoreRequest: { Days: 1 } }),
      );
    }
    countRecords(
      Buffer.from(
        await (
          await s3.send(new GetObjectCommand({ Bucket: bucket, Key: v.Key, VersionId: v.VersionId }))
        ).Body!.transformToByteArray(),
      ),
      counts,
    );
  }
  return counts;
}

/** The erasure of one device on the stack (see the top of this file); what was shown, or throws what did not hold. */
export async function erasureOfOneDevice(d: ResolvedDeployment, dir: string, endpoint: string): Promise<string> {
  const client = () => ({ region: d.region, endpoint, maxAttempts: 2, credentials: EMULATOR_CREDENTIALS });
  const bucket = d.names.dataBucket;
  const [data, errors, results] = [
    staticFolder(d.settings.firehose.dataPrefix),
    staticFolder(d.settings.firehose.errorPrefix),
    d.settings.athena.resultsPrefix,
  ];
  // Installation ids are UUIDs (IDFVs), as the contract's id field holds them; Cognito ids REGION:GUID.
  const [erased, kept1, kept2] = [
    'E1A5ED00-0000-4000-8000-000000000001',
    'C0FFEE00-0000-4000-8000-000000000002',
    'C0FFEE00-0000-4000-8000-000000000003',
  ];
  const event = (device: string, n: number) =>
    JSON.stringify({
      event_type: 'screen_view',
      event_timestamp: Date.now() + n,
      client: { client_id: device, cognito_id: `${d.region}:${device.toLowerCase()}` },
    });
  const firehose = new FirehoseClient(client());
  const batches = [
    [erased, erased, erased, kept1, kept1],
    [erased, erased],
    [kept1, kept2, kept2],
  ];
  for (const [i, devices] of batches.entries()) {
    await firehose.send(
      new PutRecordBatchCommand({
        DeliveryStreamName: d.names.deliveryStream,
        Records: devices.map((device, n) => ({ Data: Buffer.from(`${event(device, i * 10 + n)}\n`) })),
      }),
    );
  }
  const admin = new S3Client({ ...client(), forcePathStyle: true });
  const failed = (record: string) =>
    JSON.stringify({
      attemptsMade: 1,
      errorCode: 'DataFormatConversion.ParseError',
      rawData: Buffer.from(`${record}\n`).toString('base64'),
    });
  await admin.send(
    new PutObjectCommand({
      Bucket: bucket,
      Key: `${errors}processing-failed/e2e.gz`,
      Body: gzipSync(`${failed(event(erased, 90))}\n${failed(event(kept2, 91))}\n`),
    }),
  );
  const archived = gzipSync(`${event(erased, 92)}\n${event(kept1, 93)}\n`);
  await admin.send(
    new PutObjectCommand({
      Bucket: bucket,
      Key: `${data}archived/e2e.gz`,
      StorageClass: 'DEEP_ARCHIVE',
      Body: archived,
    }),
  );
  await admin.send(
    new PutObjectCommand({ Bucket: bucket, Key: `${results}e2e-query.csv`, Body: `"client_id"\n"${erased}"\n` }),
  );
  // A day no crawler has seen (in no partition): the erased device, in lower case, beside devices whose ids are null.
  const uncatalogued = `${data}year=2031/month=01/day=01/`;
  const nullIds = [
    '{"event_type":"screen_view","event_timestamp":1,"client":{"client_id":null,"cognito_id":null}}',
    '{"event_type":"screen_view","event_timestamp":2,"client":{}}',
  ];
  await admin.send(
    new PutObjectCommand({
      Bucket: bucket,
      Key: `${uncatalogued}e2e-uncatalogued.gz`,
      Body: gzipSync(`${event(erased.toLowerCase(), 94)}\n${nullIds.join('\n')}\n${event(kept2, 95)}\n`),
    }),
  );
  const count = async (restore: boolean) => {
    const [a, b] = [
      await recordsByDevice(admin, bucket, data, restore),
      await recordsByDevice(admin, bucket, errors, restore),
    ];
    return Object.fromEntries(
      [...new Set([...Object.keys(a), ...Object.keys(b)])].map((k) => [k, (a[k] ?? 0) + (b[k] ?? 0)]),
    );
  };
  // Before: the archived object is counted from what was written, so the erasure is the first to ask for its restore.
  const before = countRecords(archived, await count(false));
  // Ids compared without case (the contract's id fields): the lower-case copy counts as the erased device's.
  before[erased] += before[erased.toLowerCase()] ?? 0;
  delete before[erased.toLowerCase()];
  if (!before[erased] || !before[kept1] || !before[kept2] || (before['?'] ?? 0) < nullIds.length)
    throw new Error(`the events did not all arrive: ${JSON.stringify(before)}`);

  const idsFile = join(dir, 'erase-ids.txt');
  writeFileSync(idsFile, `${erased}\n`);
  const store = () => s3Store(new S3Client({ ...client(), forcePathStyle: true }), bucket);
  // The receipts' MACs by the stack's HMAC key in the emulator's KMS (moto implements GenerateMac and VerifyMac).
  const kms = new KMSClient(client());
  const mac = () => kmsIdMacer(kms);
  // The emulator runs no SQL: the objects are located by reading them — the command's default (`--locate scan`; the
  // Athena locate is opt-in), run here as an operator runs it.
  const erase = (...extra: string[]) =>
    eraseCommand(
      ['--stack', d.names.stack, '--ids', idsFile, '--request', 'e2e-DSR-1', ...extra],
      () => store(),
      undefined,
      mac,
    );
  const codes = [await erase('--stop-after-rewrites', '1')];
  for (let run = 0; run < 3 && codes[codes.length - 1] !== 0; run++) {
    const receipt = JSON.parse(
      await readText(admin, bucket, `${ERASURE_REQUESTS_FOLDER}e2e-DSR-1/receipt.json`).catch(() => '{"pending":[1]}'),
    ) as Receipt;
    if (codes.length > 1 && receipt.pending.every((p) => p.kind === 'firehose-buffer')) break;
    codes.push(await erase());
  }
  const receipt = JSON.parse(
    await readText(admin, bucket, `${ERASURE_REQUESTS_FOLDER}e2e-DSR-1/receipt.json`),
  ) as Receipt;
  const after = await count(true);
  // The receipt holds a MAC of the id under the stack's receipt key: KMS VerifyMac confirms the erased id, and
  // no other.
  const [macOfErased, macOfKept] = [await receiptMacOf(kms, receipt, erased), await receiptMacOf(kms, receipt, kept1)];
  // Every other device: the three sent here, the null ids ('?') and those of the events step.
  const others = Object.keys(before).filter((k) => k !== erased);
  const problems = [
    codes[0] !== 1 ? `the planted stop should exit 1, it exited ${codes[0]}` : '',
    after[erased] || after[erased.toLowerCase()]
      ? `${(after[erased] ?? 0) + (after[erased.toLowerCase()] ?? 0)} record(s) of the erased device left`
      : '',
    others.some((k) => after[k] !== before[k])
      ? `other devices' records changed: ${JSON.stringify(before)} → ${JSON.stringify(after)}`
      : '',
    receipt.recordsRemoved !== before[erased]
      ? `the receipt says ${receipt.recordsRemoved} record(s) removed, ${before[erased]} were there`
      : '',
    !receipt.coverage.read.includes(uncatalogued)
      ? `the receipt does not say the uncatalogued folder was read: ${JSON.stringify(receipt.coverage)}`
      : '',
    receipt.idsWithoutRecords !== 0 ? 'the receipt says the id matched nothing' : '',
    receipt.queryResultsDeleted !== 1 ? `${receipt.queryResultsDeleted} query result(s) deleted, expected 1` : '',
    receipt.pending.some((p) => p.kind !== 'firehose-buffer')
      ? `still pending: ${JSON.stringify(receipt.pending)}`
      : '',
    JSON.stringify(receipt).toLowerCase().includes(erased.toLowerCase()) ? 'the receipt holds the id' : '',
    'salt' in receipt || receipt.macAlgorithm !== 'HMAC_SHA_256'
      ? `the receipt is not keyed by the HMAC ` +
        `key: ${JSON.stringify({ macKey: receipt.macKey, macAlgorithm: receipt.macAlgorithm })}`
      : '',
    macOfErased !== 0 || macOfKept !== -1
      ? `KMS VerifyMac: the erased id matched MAC ${macOfErased} ` +
        `(expected 0), another device's ${macOfKept} (expected none)`
      : '',
  ].filter(Boolean);
  if (problems.length) throw new Error(`erasure: ${problems.join('; ')}`);
  const again = await erase();
  const rerun = JSON.parse(
    await readText(admin, bucket, `${ERASURE_REQUESTS_FOLDER}e2e-DSR-1/receipt.json`),
  ) as Receipt;
  if (rerun.thisRun.changed !== 0) throw new Error(`erasure: a re-run changed ${rerun.thisRun.changed} object(s)`);

  // Past one machine: a second device by two shards, each its own share of the keys, then one run to confirm.
  writeFileSync(idsFile, `${kept2}\n`);
  const sharded = (...extra: string[]) =>
    eraseCommand(
      [
        '--stack',
        d.names.stack,
        '--ids',
        idsFile,
        '--request',
        'e2e-DSR-2',
        '--app-stopped-at',
        '2026-01-01T00:00:00Z',
        ...extra,
      ],
      () => store(),
      undefined,
      mac,
    );
  const shardCodes = [await sharded('--shard', '0/2'), await sharded('--shard', '1/2'), await sharded()];
  const split = JSON.parse(
    await readText(admin, bucket, `${ERASURE_REQUESTS_FOLDER}e2e-DSR-2/receipt.json`),
  ) as Receipt;
  const afterShards = await count(true);
  const stillThere = Object.keys(after).filter((k) => k !== kept2);
  const shardProblems = [
    shardCodes.some((c) => c !== 0) ? `the shard runs exited ${shardCodes.join(', ')}` : '',
    afterShards[kept2] ? `${afterShards[kept2]} record(s) of the second device left after its shards` : '',
    stillThere.some((k) => afterShards[k] !== after[k])
      ? `other devices' records changed by the shards: ${JSON.stringify(after)} → ${JSON.stringify(afterShards)}`
      : '',
    split.recordsRemoved !== after[kept2]
      ? `the sharded receipt says ${split.recordsRemoved} record(s) removed, ${after[kept2]} were there`
      : '',
    split.thisRun.changed !== 0 || split.runs.map((r) => r.shard).join() !== '0-of-2,1-of-2,all'
      ? `the confirming run: ${JSON.stringify({ changed: split.thisRun.changed, runs: split.runs })}`
      : '',
  ].filter(Boolean);
  if (shardProblems.length) throw new Error(`erasure: ${shardProblems.join('; ')}`);
  return (
    `${before[erased]} record(s) of one device removed from every version under ${data} and ${errors} ` +
    `(${receipt.objectsRewritten} rewritten, ${receipt.objectsDeleted} deleted, ${receipt.versionsDeleted} ` +
    `versions deleted; one in a folder no crawler has seen, read whole: ${receipt.coverage.read.length} ` +
    `folder(s) read), ${others.reduce((n, k) => n + before[k], 0)} record(s) of ${others.length} other ` +
    `devices (${before['?']} with null or missing ids) intact, 1 query result deleted; the receipt's MAC ` +
    `verified by KMS for the erased id and for no other; runs exited ${codes.join(', ')} (a planted stop, a ` +
    `Deep Archive restore, then only Firehose's buffer pending); a re-run changed nothing (exit ${again}); ` +
    `a second device's ${split.recordsRemoved} record(s) removed by two shards ` +
    `and confirmed by a run without (exits ${shardCodes.join(', ')})`
  );
}

async function readText(s3: S3Client, bucket: string, key: string): Promise<string> {
  return (await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }))).Body!.transformToString();
}
