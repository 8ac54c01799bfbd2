/**
 * The Erasure construct in a bare stack: a policy granting exactly the calls `npm run erase` makes — a test per
 * permission, allowed and refused, read through the review's own coverage test — and, with principals, a role only
 * they may assume.
 */
import { buildStackModel } from '../../../model/build';
import { factsFromTags } from '../../../terraform-json/facts';
import { Erasure } from '../../../stacks/constructs/erasure';
import { all, bareStack, ENV, KEY, one, policyOf, prefix, request, synth, viaService } from './bare';

const names = {
  stack: 'bare',
  dataBucket: 'bare-data',
  erasure: 'bare-erasure',
  erasureWorkgroup: 'bare-erasure-wg',
  erasureReceiptKeyAlias: 'alias/bare-erasure-receipts',
  glueDatabase: 'bare_db',
  erasureLinesTable: 'events_data_erasure_lines',
};
const DAILY = 'data/year=!{timestamp:yyyy}/month=!{timestamp:MM}/day=!{timestamp:dd}/';

function build(
  principals?: string[],
  lines: { dataPrefix: string; format: 'json' | 'parquet'; expirationDays: number } = {
    dataPrefix: DAILY,
    format: 'json',
    expirationDays: 90,
  },
) {
  const stack = bareStack();
  new Erasure(stack, 'erasure', {
    env: ENV,
    names,
    folders: { data: 'data/', errors: 'errors/', results: 'athena-results/' },
    keyArn: KEY,
    lines: { database: 'bare_db', ...lines },
    ...(principals ? { principals } : {}),
  });
  return synth(stack);
}

describe('Erasure', () => {
  const tf = build();
  const { granted, allowed } = policyOf(tf);

  // Each S3 call of scripts/erase/s3-store.ts, as the IAM action it needs (S3 API reference, each
  // operation's permissions).
  it.each([
    [
      'lists the versions of events (ListObjectVersions)',
      request('s3:ListBucketVersions', 'arn:aws:s3:::bare-data', prefix('data/year=2026/')),
    ],
    [
      'lists the versions of failed records',
      request('s3:ListBucketVersions', 'arn:aws:s3:::bare-data', prefix('errors/')),
    ],
    [
      'lists the versions of query results',
      request('s3:ListBucketVersions', 'arn:aws:s3:::bare-data', prefix('athena-results/')),
    ],
    [
      'reads an event object version (HeadObject, GetObject)',
      request('s3:GetObjectVersion', 'arn:aws:s3:::bare-data/data/year=2026/x.gz'),
    ],
    ['rewrites it (PutObject)', request('s3:PutObject', 'arn:aws:s3:::bare-data/data/year=2026/x.gz')],
    ['deletes its old versions', request('s3:DeleteObjectVersion', 'arn:aws:s3:::bare-data/data/year=2026/x.gz')],
    ['starts a Deep Archive restore', request('s3:RestoreObject', 'arn:aws:s3:::bare-data/data/year=2026/x.gz')],
    [
      'rewrites a failed-record object',
      request('s3:PutObject', 'arn:aws:s3:::bare-data/errors/processing-failed/x.gz'),
    ],
    ['reads a query result', request('s3:GetObjectVersion', 'arn:aws:s3:::bare-data/athena-results/q.csv')],
    ['deletes a query result', request('s3:DeleteObjectVersion', 'arn:aws:s3:::bare-data/athena-results/q.csv')],
    [
      'reads its journal (a missing one is a 404 through ListBucket)',
      request('s3:GetObject', 'arn:aws:s3:::bare-data/erasure-requests/DSR-1/journal.json'),
    ],
    [
      'sees whether a journal exists',
      request('s3:ListBucket', 'arn:aws:s3:::bare-data', prefix('erasure-requests/DSR-1/journal.json')),
    ],
    ['writes its receipt', request('s3:PutObject', 'arn:aws:s3:::bare-data/erasure-requests/DSR-1/receipt.json')],
    // Shards (--shard): the request's record written once, every shard's journal listed for the receipt.
    [
      "writes the request's record if absent (PutObject with If-None-Match)",
      request('s3:PutObject', 'arn:aws:s3:::bare-data/erasure-requests/DSR-1/request.json'),
    ],
    [
      "lists the request's journals (ListObjectsV2)",
      request('s3:ListBucket', 'arn:aws:s3:::bare-data', prefix('erasure-requests/DSR-1/journal')),
    ],
    [
      'reads the located keys saved for the shards',
      request('s3:GetObject', 'arn:aws:s3:::bare-data/erasure-requests/DSR-1/located.json'),
    ],
    // Segments: each changed key's result, written once per 200 keys; all of them read for the receipt.
    ['writes a segment', request('s3:PutObject', 'arn:aws:s3:::bare-data/erasure-requests/DSR-1/done.all.000000.json')],
    ['lists the segments', request('s3:ListBucket', 'arn:aws:s3:::bare-data', prefix('erasure-requests/DSR-1/done.'))],
    ['reads a segment', request('s3:GetObject', 'arn:aws:s3:::bare-data/erasure-requests/DSR-1/done.all.000000.json')],
    [
      'lists the versions left of a key an earlier run removed',
      request('s3:ListBucketVersions', 'arn:aws:s3:::bare-data', prefix('data/year=2026/x.gz')),
    ],
    ['decrypts through S3', request('kms:Decrypt', KEY, viaService('s3'))],
    ['encrypts rewrites through S3', request('kms:GenerateDataKey', KEY, viaService('s3'))],
    // --locate athena (scripts/erase/athena-locate.ts)
    [
      "reads its workgroup's scan cutoff",
      request('athena:GetWorkGroup', 'arn:aws:athena:eu-central-1:222222222222:workgroup/bare-erasure-wg'),
    ],
    [
      'runs the locating query in its own workgroup',
      request('athena:StartQueryExecution', 'arn:aws:athena:eu-central-1:222222222222:workgroup/bare-erasure-wg'),
    ],
    [
      'polls it',
      request('athena:GetQueryExecution', 'arn:aws:athena:eu-central-1:222222222222:workgroup/bare-erasure-wg'),
    ],
    [
      'reads its results',
      request('athena:GetQueryResults', 'arn:aws:athena:eu-central-1:222222222222:workgroup/bare-erasure-wg'),
    ],
    [
      'lets the query read the events table',
      request('glue:GetTable', 'arn:aws:glue:eu-central-1:222222222222:table/bare_db/events_data'),
    ],
    [
      'lets the query read its raw-line table',
      request('glue:GetTable', 'arn:aws:glue:eu-central-1:222222222222:table/bare_db/events_data_erasure_lines'),
    ],
    ['lets the query read events', request('s3:GetObject', 'arn:aws:s3:::bare-data/data/year=2026/x.gz')],
    [
      'lets the query write its result in its own folder',
      request('s3:PutObject', 'arn:aws:s3:::bare-data/erasure-locate-results/q.csv'),
    ],
    [
      'lets the query read its result back',
      request('s3:GetObject', 'arn:aws:s3:::bare-data/erasure-locate-results/q.csv'),
    ],
    // Athena calls GetBucketLocation on the results bucket as the caller (AmazonAthenaFullAccess grants it on
    // results buckets).
    ["lets Athena find the results bucket's region", request('s3:GetBucketLocation', 'arn:aws:s3:::bare-data')],
    ['decrypts through Athena', request('kms:Decrypt', KEY, viaService('athena'))],
  ])('may: %s', (_what, r) => expect(allowed(r)).toBe(true));

  it.each([
    [
      'query in another workgroup',
      request('athena:StartQueryExecution', 'arn:aws:athena:eu-central-1:222222222222:workgroup/other'),
    ],
    [
      "query in the analysts' workgroup, whose history they read",
      request('athena:StartQueryExecution', 'arn:aws:athena:eu-central-1:222222222222:workgroup/bare-wg'),
    ],
    ["write into the analysts' results folder", request('s3:PutObject', 'arn:aws:s3:::bare-data/athena-results/q.csv')],
    [
      'change the catalog',
      request('glue:UpdateTable', 'arn:aws:glue:eu-central-1:222222222222:table/bare_db/events_data'),
    ],
    ['read failed records without a version', request('s3:GetObject', 'arn:aws:s3:::bare-data/errors/x.gz')],
    [
      'delete a receipt',
      request('s3:DeleteObjectVersion', 'arn:aws:s3:::bare-data/erasure-requests/DSR-1/receipt.json'),
    ],
    ['touch another folder', request('s3:PutObject', 'arn:aws:s3:::bare-data/other/x')],
    ['touch another bucket', request('s3:GetObjectVersion', 'arn:aws:s3:::other/data/x.gz')],
    ['list the whole bucket', request('s3:ListBucket', 'arn:aws:s3:::bare-data')],
    ['list versions of the whole bucket', request('s3:ListBucketVersions', 'arn:aws:s3:::bare-data')],
    ['change the bucket', request('s3:PutBucketPolicy', 'arn:aws:s3:::bare-data')],
    ['decrypt directly, outside S3', request('kms:Decrypt', KEY)],
    ['decrypt through another service', request('kms:Decrypt', KEY, viaService('sqs'))],
  ])('may not: %s', (_what, r) => expect(allowed(r)).toBe(false));

  it(
    'its raw-line table: one string column per line (RegexSerDe, the whole ' +
      'line, DOTALL), projected over every day of the retention and more',
    () => {
      const table = one(tf, 'aws_glue_catalog_table') as {
        name: string;
        database_name: string;
        parameters: Record<string, string>;
        partition_keys: { name: string }[];
        storage_descriptor: {
          location: string;
          columns: { name: string; type: string }[];
          ser_de_info: { serialization_library: string; parameters: Record<string, string> };
        };
      };
      expect(table).toMatchObject({ name: 'events_data_erasure_lines', database_name: 'bare_db' });
      expect(table.storage_descriptor).toMatchObject({
        location: 's3://bare-data/data/',
        columns: [{ name: 'line', type: 'string' }],
        ser_de_info: {
          serialization_library: 'org.apache.hadoop.hive.serde2.RegexSerDe',
          parameters: { 'input.regex': '(?s)^(.*)$' },
        },
      });
      // The regex matches every line whole, line terminators Java's `.` would stop at included.
      const regex = new RegExp(table.storage_descriptor.ser_de_info.parameters['input.regex'].replace('(?s)', ''), 's');
      for (const line of ['{"a":1}', 'x\ry', 'a\u2028b', '', '\u0001{']) expect(regex.exec(line)?.[1]).toBe(line);
      expect(table.partition_keys.map((k) => k.name)).toEqual(['year', 'month', 'day']);
      expect(table.parameters).toMatchObject({
        'projection.enabled': 'true',
        'projection.year.type': 'date',
        'projection.year.range': 'NOW-2YEARS,NOW',
        'projection.month.range': '1,12',
        'projection.day.range': '1,31',
        'storage.location.template': 's3://bare-data/data/year=$${year}/month=$${month}/day=$${day}/',
      });
      // Past a year of retention, more years.
      const long = one(
        build(undefined, { dataPrefix: DAILY, format: 'json', expirationDays: 800 }),
        'aws_glue_catalog_table',
      ) as {
        parameters: Record<string, string>;
      };
      expect(long.parameters['projection.year.range']).toBe('NOW-4YEARS,NOW');
      // Another layout is not projected (the run reads whole what Athena does not); Parquet objects have no lines.
      const other = one(
        build(undefined, {
          dataPrefix:
            'data/app=!{partitionKeyFromQuery:app}/year=!{timestamp:yyyy}/month=!{timestamp:MM}/day=!{timestamp:dd}/',
          format: 'json',
          expirationDays: 90,
        }),
        'aws_glue_catalog_table',
      ) as { parameters: Record<string, string>; partition_keys?: unknown[] };
      expect(other.parameters['projection.enabled']).toBeUndefined();
      expect(other.partition_keys ?? []).toEqual([]);
      expect(
        all(build(undefined, { dataPrefix: DAILY, format: 'parquet', expirationDays: 90 }), 'aws_glue_catalog_table'),
      ).toEqual([]);
    },
  );

  it(
    'its own workgroup: settings enforced, engine pinned to Athena engine version 3 (the SQL is ' +
      "Trino's), results in its own folder, encrypted with the stack key, kept one day",
    () => {
      expect(one(tf, 'aws_athena_workgroup')).toMatchObject({
        name: 'bare-erasure-wg',
        configuration: {
          enforce_workgroup_configuration: true,
          engine_version: { selected_engine_version: 'Athena engine version 3' },
          result_configuration: {
            output_location: 's3://bare-data/erasure-locate-results/',
            encryption_configuration: { encryption_option: 'SSE_KMS', kms_key_arn: KEY },
          },
        },
      });
    },
  );

  it(
    "the receipts' key: HMAC_256 for MACs only, not rotated (KMS cannot " +
      'rotate HMAC keys), its alias; the policy may MAC with it',
    () => {
      const key = one(tf, 'aws_kms_key');
      expect(key).toMatchObject({
        customer_master_key_spec: 'HMAC_256',
        key_usage: 'GENERATE_VERIFY_MAC',
        enable_key_rotation: false,
        lifecycle: { prevent_destroy: true },
      });
      expect(one(tf, 'aws_kms_alias').name).toBe('alias/bare-erasure-receipts');
      const erasurePolicy = JSON.parse(String(one(tf, 'aws_iam_policy').policy)).Statement as {
        Sid: string;
        Action: unknown;
        Resource: unknown;
      }[];
      expect(erasurePolicy.find((x) => x.Sid === 'KeyTheReceipts')).toMatchObject({
        Action: ['kms:GenerateMac', 'kms:VerifyMac'],
        Resource: expect.stringMatching(/^\$\{aws_kms_key\.erasure_receipt-key_\w+\.arn\}$/),
      });
      const statements = JSON.parse(String(key.policy)).Statement as {
        Sid: string;
        Principal: { AWS: unknown };
        Action: string[];
      }[];
      // Administrators manage it without any MAC operation (nor CreateGrant, which would let them grant it
      // to themselves).
      const admin = statements.find((x) => x.Sid === 'AdministratorsManageWithoutUsingIt')!;
      expect(
        admin.Action.some(
          (a) =>
            /Mac|CreateGrant|\*$/.test(a) &&
            !/^kms:(Describe|Enable|List|Put|Update|Revoke|Disable|Get|Delete)\*$/.test(a),
        ),
      ).toBe(false);
      expect(statements.filter((x) => x.Action.includes('kms:GenerateMac')).map((x) => x.Sid)).toEqual([
        'OnlyHoldersOfTheErasurePolicyMac',
      ]);
    },
  );

  it('with an erasure role, the key policy names it alone for MACs', () => {
    const withRole = build(['arn:aws:iam::222222222222:role/Privacy']);
    const statements = JSON.parse(String(one(withRole, 'aws_kms_key').policy)).Statement as {
      Sid: string;
      Principal: { AWS: unknown };
      Action: string[];
    }[];
    expect(
      statements.filter((x) => x.Action.includes('kms:GenerateMac') || x.Action.includes('kms:VerifyMac')),
    ).toEqual([
      {
        Sid: 'OnlyTheErasureRoleMacs',
        Effect: 'Allow',
        Principal: { AWS: expect.stringMatching(/^\$\{aws_iam_role\.erasure_role_\w+\.arn\}$/) },
        Action: ['kms:GenerateMac', 'kms:VerifyMac'],
        Resource: '*',
      },
    ]);
  });

  it('without principals: the policy only; with principals: a role only they may assume, which has it', () => {
    expect(all(tf, 'aws_iam_role')).toEqual([]);
    const withRole = build(['arn:aws:iam::222222222222:role/Privacy']);
    expect(JSON.parse(String(one(withRole, 'aws_iam_role').assume_role_policy)).Statement).toEqual([
      {
        Sid: 'ConfiguredOperatorsAssume',
        Effect: 'Allow',
        Principal: { AWS: ['arn:aws:iam::222222222222:role/Privacy'] },
        Action: 'sts:AssumeRole',
      },
    ]);
    const model = buildStackModel(withRole, {
      ...factsFromTags('bare', withRole),
      account: ENV.accountId,
      region: ENV.region,
    });
    expect(model.roles.map((r) => [r.name, r.permissions.length])).toEqual([['bare-erasure', granted.length]]);
  });
});
