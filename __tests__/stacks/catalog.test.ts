import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { readOverrideFile, applyOverrides } from '../../config/override-file';
import { EXAMPLE_MATRIX } from '../fixtures/example-matrix';
import { contractFields, glueType } from '../../config/event-contract';
import { CONTRACT_SCHEMA_FOLDER, staticFolder } from '../../config/names';
import { resolveMatrix } from '../../config/resolve';
import { projectionTemplate, STORAGE_FORMATS } from '../../stacks/constructs/catalog';
import { parsePolicy } from '../../terraform-json/policy';
import { configCheck } from '../../scripts/config-check';
import { generateEvents, renderPrefix, validateEvents, writeFirehoseObjects } from '../../scripts/telemetry-events';
import { dataKey, only, singleDeployment, synthMatrix } from '../helpers';

const EXAMPLE = join(__dirname, '../../config/examples/catalog-modes.json');
const variants = synthMatrix(applyOverrides(EXAMPLE_MATRIX, readOverrideFile(EXAMPLE)));
const variant = (mode: string, format: 'json' | 'parquet' = 'json') =>
  variants.find(
    (v) => v.deployment.settings.catalog.mode === mode && v.deployment.settings.firehose.format === format,
  )!;
/** The catalog's tables: every Glue table of the stack but the erasure's raw-line table. */
const catalogTables = (tf: (typeof variants)[number]['tf'], d: (typeof variants)[number]['deployment']) =>
  Object.values(tf.resource.aws_glue_catalog_table).filter((t) => t.name !== d.names.erasureLinesTable);

describe('catalog modes (config/examples/catalog-modes.json)', () => {
  it('covers every catalog mode with JSON and with Parquet', () => {
    expect(variants.map((v) => [v.deployment.settings.catalog.mode, v.deployment.settings.firehose.format])).toEqual([
      ['crawler', 'json'],
      ['crawler', 'parquet'],
      ['crawler-events', 'json'],
      ['crawler-events', 'parquet'],
      ['projection', 'json'],
      ['projection', 'parquet'],
    ]);
  });

  it.each(variants.map((v) => [v.deployment.settings.catalog.mode, v.deployment.settings.firehose.format, v] as const))(
    '%s + %s: Firehose writes the format the catalog table declares',
    (mode, format, v) => {
      const { tf } = v;
      const ext = only(tf, 'aws_kinesis_firehose_delivery_stream').extended_s3_configuration as Record<string, unknown>;
      // Every table of the catalog (the events table; in crawler modes with Parquet, the schema-only one too) — not the
      // erasure's raw-line table (JSON only; __tests__/stacks/constructs/erasure.test.ts).
      const tables = catalogTables(tf, v.deployment);
      expect(Object.values(tf.resource.aws_glue_catalog_table).length - tables.length).toBe(format === 'json' ? 1 : 0);
      expect(tables.length).toBe(format === 'parquet' && mode !== 'projection' ? 2 : 1);
      for (const table of tables)
        expect(table.storage_descriptor).toMatchObject({
          ser_de_info: { serialization_library: STORAGE_FORMATS[format].serializationLibrary },
        });
      if (format === 'parquet') {
        expect(ext.data_format_conversion_configuration).toMatchObject({ enabled: true });
        expect(ext.compression_format).toBe('UNCOMPRESSED');
      } else {
        expect(ext.data_format_conversion_configuration).toBeUndefined();
        expect(ext.compression_format).toBe('GZIP');
      }
    },
  );

  it(
    'crawler-events: encrypted queue and DLQ in region, fed by S3 ' +
      'object events of the data folder, crawled in event mode',
    () => {
      const { tf, deployment: d } = variant('crawler-events');
      const queues = Object.values(tf.resource.aws_sqs_queue);
      expect(queues).toHaveLength(2);
      for (const q of queues) expect(q.kms_master_key_id).toContain('aws_kms_key');
      const crawler = only(tf, 'aws_glue_crawler');
      expect(crawler.recrawl_policy).toEqual({ recrawl_behavior: 'CRAWL_EVENT_MODE' });
      expect(crawler.schema_change_policy).toEqual({ update_behavior: 'LOG', delete_behavior: 'LOG' });
      // Event mode on the catalog target (AWS supports S3 events for Data Catalog targets since September 2022).
      expect(crawler.s3_target).toBeUndefined();
      expect((crawler.catalog_target as Record<string, unknown>[])[0]).toMatchObject({
        event_queue_arn: expect.stringContaining('aws_sqs_queue'),
        dlq_event_queue_arn: expect.stringContaining('aws_sqs_queue'),
      });
      const notification = only(tf, 'aws_s3_bucket_notification');
      // One notification configuration holds both the alert topic and the crawler's queue.
      expect(notification.topic).toHaveLength(1);
      expect(notification.queue).toEqual([
        expect.objectContaining({ filter_prefix: staticFolder(d.settings.firehose.dataPrefix) }),
      ]);
      expect([...(notification.depends_on as string[])].sort()).toEqual([
        expect.stringContaining('aws_sns_topic_policy'),
        expect.stringContaining('aws_sqs_queue_policy'),
      ]);
      // The queue's policy lets the bucket send; the DLQ's only refuses requests without TLS (SQS redrives into it).
      const policies = Object.values(tf.resource.aws_sqs_queue_policy) as { queue_url: string; policy: string }[];
      const queueBody = Object.entries(tf.resource.aws_sqs_queue).find(
        ([, q]) => q.name === d.names.dataEventsQueue,
      )![0];
      const queuePolicyBody = policies.find((p) => p.queue_url.includes(`aws_sqs_queue.${queueBody}.`))!;
      const dlqPolicy = parsePolicy(policies.find((p) => p !== queuePolicyBody)?.policy) ?? [];
      expect(dlqPolicy.map((s) => s.Sid)).toEqual(['DenyInsecureTransport']);
      const queuePolicy = parsePolicy(queuePolicyBody.policy) ?? [];
      expect(queuePolicy[0].Condition).toEqual({
        StringEquals: { 'aws:SourceAccount': d.accountId },
        ArnLike: { 'aws:SourceArn': `arn:aws:s3:::${d.names.dataBucket}` },
      });
      expect(Object.values(tf.resource.aws_cloudwatch_metric_alarm).map((a) => a.metric_name)).toContain(
        'ApproximateNumberOfMessagesVisible',
      );
      // S3 encrypts the events it sends with the stack key, for this queue only.
      const key = parsePolicy(dataKey(tf)[1].policy) ?? [];
      expect(key.find((s) => s.Sid === 'S3NotificationsUseKeyForCrawlerQueue')?.Condition).toEqual({
        StringEquals: {
          'kms:EncryptionContext:aws:sqs:arn': `arn:aws:sqs:${d.region}:${d.accountId}:${d.names.dataEventsQueue}`,
        },
      });
      expect(queuePolicyBody.policy).toContain(`arn:aws:sqs:${d.region}:${d.accountId}:${d.names.dataEventsQueue}`);
    },
  );

  it('projection: no crawler; the contract table with a template that matches the Firehose prefix', () => {
    const { tf, deployment: d } = variant('projection', 'parquet');
    expect(tf.resource.aws_glue_crawler).toBeUndefined();
    expect(tf.resource.aws_cloudwatch_event_rule).toBeUndefined();
    const table = only(tf, 'aws_glue_catalog_table');
    const parameters = table.parameters as Record<string, string>;
    expect(table.name).toBe(d.names.table);
    expect(parameters['projection.enabled']).toBe('true');
    expect(parameters['storage.location.template']).toBe(
      `s3://${d.names.dataBucket}/data/year=$\${year}/month=$\${month}/day=$\${day}/`,
    );
    // Terraform unescapes `$${` to `${`: the template, filled with a day, is exactly the prefix Firehose writes.
    const day = new Date('2026-11-24T10:00:00Z');
    const filled = parameters['storage.location.template'].replace(
      /\$\$\{(\w+)\}/g,
      (_m, k: string) => ({ year: '2026', month: '11', day: '24' })[k]!,
    );
    expect(filled).toBe(`s3://${d.names.dataBucket}/${renderPrefix(d.settings.firehose.dataPrefix, day)}`);
    expect(table.partition_keys).toEqual(['year', 'month', 'day'].map((name) => ({ name, type: 'string' })));
  });

  it(
    'every table has every contract column, in order, with its ' + 'Glue type and the format’s SerDe, in every mode',
    () => {
      for (const v of variants) {
        const { tf, deployment: d } = v;
        const format = d.settings.firehose.format;
        for (const table of catalogTables(tf, d)) {
          const sd = table.storage_descriptor as Record<string, unknown>;
          const fields = contractFields(d.settings.contract.extraColumns);
          expect((sd.columns as { name: string; type: string }[]).map((c) => [c.name, c.type])).toEqual(
            fields.map((f) => [f.name, glueType(f.type)]),
          );
          expect(table.partition_keys).toEqual(['year', 'month', 'day'].map((name) => ({ name, type: 'string' })));
          // JSON: malformed records skipped and values of the wrong type read as NULL, neither failing every query
          // over their partition (the erasure's locate included) — in crawler modes too, where the crawler only adds
          // partitions that inherit these settings.
          expect(sd.ser_de_info).toEqual({
            serialization_library: STORAGE_FORMATS[format].serializationLibrary,
            ...(format === 'json'
              ? { parameters: { 'ignore.malformed.json': 'TRUE', 'use.null.for.invalid.data': 'TRUE' } }
              : {}),
          });
        }
      }
    },
  );

  it(
    'crawler modes: the crawler keeps the events table at the data ' +
      'folder; the schema-only Parquet table is elsewhere',
    () => {
      for (const mode of ['crawler', 'crawler-events']) {
        for (const format of ['json', 'parquet'] as const) {
          const { tf, deployment: d } = variant(mode, format);
          const crawler = only(tf, 'aws_glue_crawler');
          const [target] = crawler.catalog_target as { tables: string[] }[];
          const crawledAddress = /aws_glue_catalog_table\.([^.]+)\.name/.exec(target.tables[0])![1];
          const tables = tf.resource.aws_glue_catalog_table;
          const crawled = tables[crawledAddress];
          const dataFolder = `s3://${d.names.dataBucket}/${staticFolder(d.settings.firehose.dataPrefix)}`;
          expect(crawled.name).toBe(d.names.table);
          expect((crawled.storage_descriptor as { location: string }).location).toBe(dataFolder);
          const others = Object.entries(tables).filter(
            ([address, t]) => address !== crawledAddress && t.name !== d.names.erasureLinesTable,
          );
          expect(others).toHaveLength(format === 'parquet' ? 1 : 0);
          for (const [, table] of others) {
            expect(table.name).toBe(d.names.contractTable);
            const location = (table.storage_descriptor as { location: string }).location;
            expect(location).toBe(`s3://${d.names.dataBucket}/${CONTRACT_SCHEMA_FOLDER}`);
            expect(location.startsWith(dataFolder) || dataFolder.startsWith(location)).toBe(false);
          }
        }
      }
    },
  );

  it(
    'Parquet: Firehose converts OpenX JSON to Parquet with the contract ' +
      'table, UNCOMPRESSED, ≥ 64 MiB, and may read that table only',
    () => {
      const { tf, deployment: d } = variant('crawler', 'parquet');
      const ext = only(tf, 'aws_kinesis_firehose_delivery_stream').extended_s3_configuration as Record<string, unknown>;
      expect(ext).toMatchObject({ compression_format: 'UNCOMPRESSED', buffering_size: 64 });
      expect(ext.data_format_conversion_configuration).toMatchObject({
        enabled: true,
        input_format_configuration: { deserializer: { open_x_json_ser_de: {} } },
        output_format_configuration: { serializer: { parquet_ser_de: {} } },
        schema_configuration: {
          database_name: d.names.glueDatabase,
          table_name: expect.stringContaining('aws_glue_catalog_table'),
        },
      });
      const firehosePolicy = Object.values(tf.resource.aws_iam_role_policy).find((p) =>
        String(p.role).includes('delivery'),
      );
      const glue = (parsePolicy(firehosePolicy?.policy) ?? []).find((s) => s.Sid === 'ReadContractSchemaForParquet');
      expect(glue?.Action).toEqual(['glue:GetTable', 'glue:GetTableVersion', 'glue:GetTableVersions']);
      expect(glue?.Resource).toContain(`arn:aws:glue:${d.region}:${d.accountId}:database/${d.names.glueDatabase}`);
    },
  );

  it('extra queries are saved beside the built-in ones', () => {
    const { tf } = variant('projection', 'parquet');
    expect(Object.values(tf.resource.aws_athena_named_query).map((q) => q.name)).toContain(
      'events-per-screen-yesterday',
    );
  });
});

describe('projectionTemplate', () => {
  it('turns every Hive timestamp folder of the prefix into a projected key', () => {
    expect(projectionTemplate('b', 'data/year=!{timestamp:yyyy}/month=!{timestamp:MM}/day=!{timestamp:dd}/')).toBe(
      's3://b/data/year=$${year}/month=$${month}/day=$${day}/',
    );
  });
});

describe('named queries against the event contract', () => {
  it('a query naming a column absent from the contract fails synth with the field named', () => {
    const result = configCheck({
      matrix: singleDeployment({
        extraQueries: [
          {
            name: 'by-screen',
            description: 'x',
            columns: ['screen_name'],
            sql: "SELECT 1 FROM \"{{database}}\".\"{{table}}\" WHERE year = '2026' AND month = '11' AND day = '24'",
          },
        ],
      }),
    });
    expect(result.exitCode).toBe(1);
    expect(result.errors).toContain(
      '  - prod/eu-central-1 extraQueries[0].columns[0]: ' +
        '"screen_name" — column screen_name is not in the event contract',
    );
  });

  it('a query that does not filter on year/month/day is rejected', () => {
    const result = configCheck({
      matrix: singleDeployment({
        extraQueries: [
          { name: 'all', description: 'x', columns: [], sql: 'SELECT count(*) FROM "{{database}}"."{{table}}"' },
        ],
      }),
    });
    expect(result.errors.join('\n')).toMatch(/extraQueries\[0\]\.sql: .* must filter on year\/month\/day/);
  });

  it('nested paths are checked inside structs', () => {
    const result = configCheck({
      matrix: singleDeployment({
        extraQueries: [
          {
            name: 'q',
            description: 'x',
            columns: ['session.length'],
            sql: "SELECT 1 FROM \"{{database}}\".\"{{table}}\" WHERE year='1' AND month='1' AND day='1'",
          },
        ],
      }),
    });
    expect(result.errors.join('\n')).toContain('column session.length is not in the event contract');
  });

  it('catalog mode and recrawl behaviour must agree', () => {
    const result = configCheck({ matrix: singleDeployment({ catalog: { mode: 'crawler-events' } }) });
    expect(result.errors).toContain(
      '  - prod/eu-central-1 crawler.recrawlBehavior: "CRAWL_EVERYTHING" — ' +
        'catalog.mode "crawler-events" needs crawler.recrawlBehavior CRAWL_EVENT_MODE',
    );
  });

  it('an extra column may not shadow the envelope or a partition column', () => {
    const result = configCheck({
      matrix: singleDeployment({ contract: { extraColumns: [{ name: 'year', type: 'string', description: 'x' }] } }),
    });
    expect(result.errors).toContain(
      '  - prod/eu-central-1 contract.extraColumns[0].name: "year" — ' +
        'already a column of the envelope or a partition column',
    );
  });
});

describe('sample events', () => {
  const [deployment] = resolveMatrix(
    singleDeployment({ contract: { extraColumns: [{ name: 'screen_name', type: 'string', description: 'Screen' }] } }),
  );
  const events = generateEvents(deployment, { sessions: 10, seed: 7, date: '2026-11-24' });

  it('are sessions of start, custom events and stop, valid against the stack’s JSON Schema', () => {
    expect(validateEvents(deployment, events)).toEqual([]);
    const types = new Set(events.map((e) => e.event_type));
    expect([...types]).toEqual(expect.arrayContaining(['_session.start', '_session.stop', 'screen_view']));
    expect(events.filter((e) => e.event_type === '_session.start')).toHaveLength(10);
  });

  it('are deterministic for a seed', () => {
    expect(generateEvents(deployment, { sessions: 10, seed: 7, date: '2026-11-24' })).toEqual(events);
  });

  it('an event breaking the contract is reported', () => {
    const broken = [{ ...events[0], event_timestamp: 'yesterday', unknown_field: 1 }];
    const [problem] = validateEvents(deployment, broken);
    expect(problem).toMatch(/^event 0 \(_session\.start\): /);
    expect(problem).toContain('/event_timestamp must be integer');
    expect(problem).toContain('/ must NOT have additional properties');
  });

  it('land as GZIP NDJSON under the Hive layout Firehose writes, readable back', () => {
    const out = mkdtempSync(join(tmpdir(), 'sample-'));
    const keys = writeFirehoseObjects(deployment, events, out);
    expect(keys.length).toBeGreaterThan(0);
    for (const key of keys)
      expect(key).toMatch(
        /^data\/year=2026\/month=11\/day=2[45]\/telemetry-prod-events-1-2026-11-2[45]-\d\d-00-00-\d{8}-sample\.gz$/,
      );
    const read = readdirSync(join(out, 'data/year=2026/month=11/day=24')).flatMap((f) =>
      gunzipSync(readFileSync(join(out, 'data/year=2026/month=11/day=24', f)))
        .toString('utf8')
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line)),
    );
    expect(validateEvents(deployment, read)).toEqual([]);
    expect(read.length).toBeGreaterThan(0);
  });
});
