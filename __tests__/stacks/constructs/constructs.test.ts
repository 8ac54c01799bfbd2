/**
 * Each construct built alone in a bare stack, from only the props it declares: what it creates, and what it asks of
 * the stack key and the data bucket (their owner, Storage, is replaced by a recorder or built beside it).
 */
import { KmsKey } from '@cdktf/provider-aws/lib/kms-key';
import { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';
import { catalogOf } from '../../../config/catalog-mode';
import { DEFAULT_SETTINGS } from '../../../config/defaults';
import { NAMED_QUERIES } from '../../../config/queries';
import { Catalog, crawlerLogGroup } from '../../../stacks/constructs/catalog';
import { Delivery } from '../../../stacks/constructs/delivery';
import { ServiceRole } from '../../../stacks/constructs/identity';
import { Ingestion } from '../../../stacks/constructs/ingestion';
import { Monitoring } from '../../../stacks/constructs/monitoring';
import { Query } from '../../../stacks/constructs/query';
import { parsePolicy } from '../../../terraform-json/policy';
import { all, bareStack, ENV, one, synth } from './bare';

const names = {
  stack: 'bare',
  dataBucket: 'bare-data',
  deliveryStream: 'bare-events',
  firehoseLogGroup: '/aws/kinesisfirehose/bare-events',
  glueDatabase: 'bare_db',
  table: 'events_data',
  contractTable: 'events_contract',
  crawler: 'bare-crawler',
  workgroup: 'bare-wg',
  alertTopic: 'bare-alerts',
  dataEventsQueue: 'bare-q',
  dataEventsDlq: 'bare-dlq',
  identityPool: 'bare_pool',
  roles: { firehose: 'bare-firehose', crawler: 'bare-crawler', ingestion: 'bare-ingestion', analyst: 'bare-analyst' },
};

/** The key and bucket a construct is given, with what it adds to them recorded. */
function keyAndBucket(stack: ReturnType<typeof bareStack>) {
  const key = new KmsKey(stack, 'key', { enableKeyRotation: true });
  const statements: { Sid?: string }[] = [];
  const notifications: { topic?: unknown; queue?: unknown }[] = [];
  return {
    encryption: { key, addToKeyPolicy: (s: { Sid?: string }) => void statements.push(s) },
    bucket: { addNotification: (n: { topic?: unknown; queue?: unknown }) => void notifications.push(n) },
    s3: new S3Bucket(stack, 'bucket', { bucket: names.dataBucket }),
    statements,
    notifications,
  };
}

describe('Delivery', () => {
  const stack = bareStack();
  const given = keyAndBucket(stack);
  new Delivery(stack, 'delivery', {
    env: ENV,
    names,
    firehose: DEFAULT_SETTINGS.firehose,
    bucket: given.s3,
    encryption: given.encryption,
  });
  const tf = synth(stack);

  it(
    'a stream into the bucket with its role, error log (default ' +
      'retention) and CloudWatch Logs allowed to use the key',
    () => {
      expect(one(tf, 'aws_kinesis_firehose_delivery_stream')).toMatchObject({
        name: 'bare-events',
        destination: 'extended_s3',
      });
      expect(one(tf, 'aws_cloudwatch_log_group')).toMatchObject({
        name: names.firehoseLogGroup,
        retention_in_days: DEFAULT_SETTINGS.logs.retentionDays,
      });
      expect(given.statements.map((s) => s.Sid)).toEqual(['CloudWatchLogsEncryptsFirehoseErrorLog']);
      expect(one(tf, 'aws_iam_role').name).toBe('bare-firehose');
    },
  );
});

describe(
  'Delivery with dynamic partitioning (construct only: no ' + 'valid configuration enables it, config/rules.ts)',
  () => {
    it('extracts the keys the prefix names', () => {
      const stack = bareStack();
      const given = keyAndBucket(stack);
      new Delivery(stack, 'delivery', {
        env: ENV,
        names,
        firehose: {
          ...DEFAULT_SETTINGS.firehose,
          dynamicPartitioning: true,
          bufferSizeMb: 64,
          dataPrefix:
            'data/event_type=!{partitionKeyFromQuery:event_type}/year=' +
            '!{timestamp:yyyy}/month=!{timestamp:MM}/day=!{timestamp:dd}/',
        },
        bucket: given.s3,
        encryption: given.encryption,
      });
      const ext = one(synth(stack), 'aws_kinesis_firehose_delivery_stream').extended_s3_configuration as Record<
        string,
        unknown
      >;
      expect(ext.dynamic_partitioning_configuration).toEqual({ enabled: true });
      expect(JSON.stringify(ext.processing_configuration)).toContain('{event_type: .event_type}');
    });
  },
);

describe('Catalog', () => {
  it(
    'crawler mode: a database and a crawler with its scoped role; its logs under the ' +
      'key through a security configuration, the only thing asked of the key',
    () => {
      const stack = bareStack();
      const given = keyAndBucket(stack);
      new Catalog(stack, 'catalog', {
        env: ENV,
        names,
        environmentName: 'bare',
        catalog: catalogOf(DEFAULT_SETTINGS),
        firehose: DEFAULT_SETTINGS.firehose,
        encryption: given.encryption,
        bucket: given.bucket,
      });
      const tf = synth(stack);
      expect(one(tf, 'aws_glue_crawler')).toMatchObject({
        name: 'bare-crawler',
        schedule: DEFAULT_SETTINGS.crawler.schedule,
        security_configuration: expect.stringContaining('aws_glue_security_configuration.'),
      });
      expect(one(tf, 'aws_glue_security_configuration')).toMatchObject({
        name: 'bare-crawler-logs',
        encryption_configuration: { cloudwatch_encryption: { cloudwatch_encryption_mode: 'SSE-KMS' } },
      });
      expect(all(tf, 'aws_iam_role_policy_attachment')).toEqual([]);
      const logGroup = crawlerLogGroup(names.roles.crawler, 'bare-crawler-logs');
      expect(given.statements).toEqual([
        expect.objectContaining({
          Sid: 'CloudWatchLogsEncryptsCrawlerLogs',
          Condition: {
            ArnEquals: {
              'kms:EncryptionContext:aws:logs:arn': expect.stringMatching(new RegExp(`:log-group:${logGroup}$`)),
            },
          },
        }),
      ]);
      expect(given.notifications).toEqual([]);
      // The crawler keeps the table Terraform made (a catalog target), never one of its own with its own SerDe.
      const table = one(tf, 'aws_glue_catalog_table');
      expect(table).toMatchObject({
        name: names.table,
        storage_descriptor: {
          location: `s3://${names.dataBucket}/data/`,
          ser_de_info: {
            serialization_library: 'org.openx.data.jsonserde.JsonSerDe',
            parameters: { 'ignore.malformed.json': 'TRUE', 'use.null.for.invalid.data': 'TRUE' },
          },
        },
      });
      const crawler = one(tf, 'aws_glue_crawler');
      expect(crawler.s3_target).toBeUndefined();
      expect(crawler).toMatchObject({
        catalog_target: [
          {
            database_name: expect.stringContaining('aws_glue_catalog_database.'),
            tables: [expect.stringContaining('aws_glue_catalog_table.')],
          },
        ],
        recrawl_policy: { recrawl_behavior: 'CRAWL_EVERYTHING' },
        schema_change_policy: { update_behavior: 'LOG', delete_behavior: 'LOG' },
      });
      // No delete action: the crawler only adds partitions.
      expect(JSON.stringify(all(tf, 'aws_iam_role_policy'))).not.toMatch(/glue:(Batch)?Delete/);
    },
  );

  it(
    'crawler logs left unencrypted (catalog.encryptCrawlerLogs: false): no security ' +
      'configuration, nothing asked of key or bucket, the shared log group',
    () => {
      const stack = bareStack();
      const given = keyAndBucket(stack);
      new Catalog(stack, 'catalog', {
        env: ENV,
        names,
        environmentName: 'bare',
        catalog: catalogOf({
          ...DEFAULT_SETTINGS,
          catalog: { ...DEFAULT_SETTINGS.catalog, encryptCrawlerLogs: false },
        }),
        firehose: DEFAULT_SETTINGS.firehose,
        encryption: given.encryption,
        bucket: given.bucket,
      });
      const tf = synth(stack);
      expect(all(tf, 'aws_glue_security_configuration')).toEqual([]);
      expect(one(tf, 'aws_glue_crawler').security_configuration).toBeUndefined();
      expect(JSON.stringify(all(tf, 'aws_iam_role_policy'))).toContain(':log-group:/aws-glue/crawlers');
      expect([given.statements, given.notifications]).toEqual([[], []]);
    },
  );

  it(
    'crawler-events mode: queues, the bucket notification and ' + 'S3’s use of the key, brought by the catalog itself',
    () => {
      const stack = bareStack();
      const given = keyAndBucket(stack);
      new Catalog(stack, 'catalog', {
        env: ENV,
        names,
        environmentName: 'bare',
        catalog: {
          mode: 'crawler-events',
          tablePrefix: DEFAULT_SETTINGS.catalog.tablePrefix,
          encryptCrawlerLogs: true,
          crawler: {
            recrawlBehavior: 'CRAWL_EVENT_MODE',
            schedule: 'cron(0 */6 * * ? *)',
            updateBehavior: 'LOG',
            deleteBehavior: 'LOG',
          },
        },
        firehose: DEFAULT_SETTINGS.firehose,
        encryption: given.encryption,
        bucket: given.bucket,
      });
      const tf = synth(stack);
      expect(all(tf, 'aws_sqs_queue')).toHaveLength(2);
      // Event mode on the catalog target: AWS takes the queues there (CatalogTarget.EventQueueArn).
      expect(one(tf, 'aws_glue_crawler')).toMatchObject({
        catalog_target: [
          {
            event_queue_arn: expect.stringContaining('aws_sqs_queue.'),
            dlq_event_queue_arn: expect.stringContaining('aws_sqs_queue.'),
          },
        ],
        recrawl_policy: { recrawl_behavior: 'CRAWL_EVENT_MODE' },
      });
      expect(given.statements.map((s) => s.Sid)).toEqual([
        'S3NotificationsUseKeyForCrawlerQueue',
        'CloudWatchLogsEncryptsCrawlerLogs',
      ]);
      expect(given.notifications.map((n) => n.queue)).toEqual([
        expect.objectContaining({ id: 'data-objects-to-crawler', filterPrefix: 'data/' }),
      ]);
    },
  );

  it('projection mode: the contract table with projection, no crawler', () => {
    const stack = bareStack();
    const given = keyAndBucket(stack);
    new Catalog(stack, 'catalog', {
      env: ENV,
      names,
      environmentName: 'bare',
      catalog: { mode: 'projection', tablePrefix: DEFAULT_SETTINGS.catalog.tablePrefix, projectionStartYear: 2026 },
      firehose: DEFAULT_SETTINGS.firehose,
      encryption: given.encryption,
      bucket: given.bucket,
    });
    const tf = synth(stack);
    expect(all(tf, 'aws_glue_crawler')).toEqual([]);
    expect((one(tf, 'aws_glue_catalog_table').parameters as Record<string, string>)['projection.enabled']).toBe('true');
  });
});

describe('Ingestion', () => {
  it('an identity pool whose guest role may only put records into the stream', () => {
    const stack = bareStack();
    new Ingestion(stack, 'ingestion', {
      names,
      streamArn: 'arn:aws:firehose:eu-central-1:222222222222:deliverystream/bare-events',
    });
    const tf = synth(stack);
    expect(one(tf, 'aws_cognito_identity_pool')).toMatchObject({
      identity_pool_name: 'bare_pool',
      allow_classic_flow: false,
    });
    expect(parsePolicy(one(tf, 'aws_iam_role_policy').policy)).toEqual([
      expect.objectContaining({ Action: ['firehose:PutRecord', 'firehose:PutRecordBatch'] }),
    ]);
  });
});

describe('Query', () => {
  it('a workgroup with the cutoff and the built-in queries (no extra queries by default)', () => {
    const stack = bareStack();
    const key = new KmsKey(stack, 'key', {});
    new Query(stack, 'query', {
      names,
      athena: DEFAULT_SETTINGS.athena,
      key,
      resultsLocation: 's3://bare-data/athena-results/',
      database: 'bare_db',
    });
    const tf = synth(stack);
    expect(one(tf, 'aws_athena_workgroup').name).toBe('bare-wg');
    expect(
      all(tf, 'aws_athena_named_query')
        .map((q) => q.name)
        .sort(),
    ).toEqual(NAMED_QUERIES.map((q) => q.name).sort());
  });
});

describe('Monitoring', () => {
  it(
    'the alert topic, alarms and crawler rules, its publishers’ ' +
      'key statements and the failed-records notification',
    () => {
      const stack = bareStack();
      const given = keyAndBucket(stack);
      new Monitoring(stack, 'monitoring', {
        env: ENV,
        names,
        monitoring: DEFAULT_SETTINGS.monitoring,
        errorPrefix: 'errors/x/',
        encryption: given.encryption,
        bucket: given.bucket,
      });
      const tf = synth(stack);
      expect(one(tf, 'aws_sns_topic').name).toBe('bare-alerts');
      expect(all(tf, 'aws_cloudwatch_event_rule')).toHaveLength(2);
      expect(given.statements.map((s) => s.Sid)).toEqual([
        'AlarmsUseKeyForAlertTopic',
        'EventBridgeUsesKeyForAlertTopic',
        'S3NotificationsUseKeyForAlertTopic',
      ]);
      expect(given.notifications.map((n) => n.topic as { id: string; filterPrefix: string })).toEqual([
        expect.objectContaining({ id: 'failed-records-to-alerts', filterPrefix: 'errors/x/' }),
      ]);
    },
  );
});

describe('ServiceRole', () => {
  it('refuses a trust policy without a confused-deputy condition', () => {
    expect(
      () =>
        new ServiceRole(bareStack(), 'role', {
          roleName: 'r',
          description: 'd',
          principal: { Service: 'glue.amazonaws.com' },
          trustConditions: {},
          statements: [],
        }),
    ).toThrow('r: a service role needs a confused-deputy condition in its trust policy');
  });
});
