import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { GlueCatalogDatabase } from '@cdktf/provider-aws/lib/glue-catalog-database';
import { GlueCatalogTable } from '@cdktf/provider-aws/lib/glue-catalog-table';
import { GlueCrawler } from '@cdktf/provider-aws/lib/glue-crawler';
import { GlueSecurityConfiguration } from '@cdktf/provider-aws/lib/glue-security-configuration';
import { SqsQueue } from '@cdktf/provider-aws/lib/sqs-queue';
import { SqsQueuePolicy } from '@cdktf/provider-aws/lib/sqs-queue-policy';
import { Construct } from 'constructs';
import { contractFields, glueType } from '../../config/event-contract';
import { DEFAULT_SETTINGS } from '../../config/defaults';
import { CONTRACT_SCHEMA_FOLDER, staticFolder, type ResourceNames } from '../../config/names';
import { PARTITION_COLUMNS } from '../../config/queries';
import { assertNever } from '../../config/assert-never';
import { recrawlBehavior } from '../../config/rules';
import type { CatalogOf, CatalogSettings, ContractColumn, FirehoseSettings } from '../../config/schema';
import {
  arnsOf,
  denyInsecureTransport,
  jsonDocument,
  logsEncryptLogGroup,
  policyDocument,
  principalIn,
  type AwsEnvironment,
  type PolicyStatement,
} from '../iam';
import { ServiceRole } from './identity';
import type { BucketNotifications, KeyPolicyContributions } from './storage';

export interface CatalogProps {
  /** Account, region and partition of the catalog, crawler, role and queues. */
  readonly env: AwsEnvironment;
  /** The database, tables, crawler, its role and queues, and the bucket catalogued. */
  readonly names: Pick<
    ResourceNames,
    | 'glueDatabase'
    | 'table'
    | 'contractTable'
    | 'crawler'
    | 'roles'
    | 'dataEventsQueue'
    | 'dataEventsDlq'
    | 'dataBucket'
  >;
  /** The environment's name, for the database's description. */
  readonly environmentName: string;
  /**
   * How partitions become queryable and the table prefix, with the mode's own settings (crawler, first projected year).
   */
  readonly catalog: CatalogSettings;
  /** Where events land (the static folder is catalogued) and their format. */
  readonly firehose: Pick<FirehoseSettings, 'dataPrefix' | 'format'>;
  /**
   * App-specific columns of the event contract, in the contract's table.
   * @default none: the envelope only
   */
  readonly extraColumns?: ContractColumn[];
  /**
   * Days the crawler's own log group keeps its logs (with `catalog.encryptCrawlerLogs`).
   * @default DEFAULT_SETTINGS.logs.retentionDays
   */
  readonly logRetentionDays?: number;
  /** The stack key: the data objects' and the event queues'; in event mode, Catalog lets S3 use it for the queue. */
  readonly encryption: KeyPolicyContributions;
  /** The data bucket, whose object events feed the crawler in `crawler-events` mode. */
  readonly bucket: BucketNotifications;
}

/**
 * Crawler output configuration (Glue guide, "Setting crawler configuration options"): partitions inherit the
 * table's schema, and compatible schemas across folders are combined into one table. Unknown keys fail at apply.
 * With UpdateBehavior LOG, it is what AWS documents to keep a crawler from changing an existing table at all
 * (https://docs.aws.amazon.com/glue/latest/dg/crawler-schema-changes-prevent.html): new partitions copy the
 * Terraform-managed table's storage descriptor, its SerDe parameters (`JSON_SERDE_PARAMETERS`) included.
 * `CombineCompatibleSchemas` is also what a catalog-target crawler always uses (Glue guide, "Crawler source type").
 */
export const CRAWLER_CONFIGURATION = {
  Version: 1.0,
  CrawlerOutput: { Partitions: { AddOrUpdateBehavior: 'InheritFromTable' } },
  Grouping: { TableGroupingPolicy: 'CombineCompatibleSchemas' },
};

/**
 * The crawler's schema-change policy: always LOG/LOG. It crawls the events table Terraform keeps (a catalog target),
 * and AWS's rules for that leave nothing else: deleted objects are only logged for catalog-table sources
 * (`SchemaChangePolicy.DeleteBehavior=LOG`; Glue developer guide, "Crawler source type", as published in
 * awsdocs/aws-glue-developer-guide doc_source/define-crawler.md; the provider's
 * aws_glue_crawler docs: a catalog target "doesn't support DEPRECATE_IN_DATABASE"), and UPDATE_IN_DATABASE would
 * rewrite the table from what the crawler infers, removing "any metadata that is not set by the crawler" (Glue guide,
 * "Setting crawler configuration options") — the SerDe's parameters with it. The configuration check refuses
 * anything else in crawler modes, and "new folders only" crawls too (config/rules.ts).
 */
export function schemaChangePolicy(): { updateBehavior: string; deleteBehavior: string } {
  return { updateBehavior: 'LOG', deleteBehavior: 'LOG' };
}

/**
 * Log group every Glue crawler of an account and region writes to, one stream per crawler (Glue guide, crawler logs).
 */
export const CRAWLER_LOG_GROUP = '/aws-glue/crawlers';

/**
 * The log group a crawler writes to: the account's shared one, or with a security configuration that encrypts its
 * logs, its own `/aws-glue/crawlers-role/<role name>-<security configuration name>` (Glue developer guide, encrypting
 * data written by AWS Glue: crawlers with CloudWatch encryption log there).
 */
/** The crawler's security configuration, named after it. */
export const crawlerSecurityConfiguration = (crawler: string) => `${crawler}-logs`;

export const crawlerLogGroup = (roleName: string, securityConfiguration?: string) =>
  securityConfiguration ? `/aws-glue/crawlers-role/${roleName}-${securityConfiguration}` : CRAWLER_LOG_GROUP;

/**
 * What a crawler of the events table needs of the Data Catalog and CloudWatch Logs: on this stack's catalog, database
 * and the events table alone (partition actions are authorized on the table: Glue guide, "Specifying AWS Glue
 * resource ARNs", https://docs.aws.amazon.com/glue/latest/dg/glue-specifying-resource-arns.html), and the crawler's
 * own log stream. Not `events_contract`, the schema Firehose's Parquet conversion reads. No glue:CreateTable: a
 * catalog-target crawler creates no table ("no new catalog tables are created": Glue guide, "Crawler source type").
 * No deletes: the schema-change policy is LOG/LOG. AWS lists no per-action set for a catalog-target crawler (the
 * "Crawler prerequisites" page offers AWSGlueServiceRole, glue:* on *): these are the catalog's read, table update
 * and partition actions such a crawl calls. With encrypted logs, the role also associates the stack key with its
 * log group.
 */
export function crawlerCatalogStatements(
  env: AwsEnvironment,
  names: Pick<ResourceNames, 'glueDatabase' | 'crawler' | 'table'>,
  logGroup = CRAWLER_LOG_GROUP,
): PolicyStatement[] {
  const arn = arnsOf(env);
  return [
    {
      Sid: 'CatalogEventsTable',
      Effect: 'Allow',
      Action: [
        'glue:GetDatabase',
        'glue:GetTable',
        'glue:GetTables',
        'glue:UpdateTable',
        'glue:GetPartition',
        'glue:GetPartitions',
        'glue:BatchGetPartition',
        'glue:CreatePartition',
        'glue:BatchCreatePartition',
        'glue:UpdatePartition',
        'glue:BatchUpdatePartition',
      ],
      Resource: [
        arn.glue('catalog'),
        arn.glue(`database/${names.glueDatabase}`),
        arn.glue(`table/${names.glueDatabase}/${names.table}`),
      ],
    },
    {
      Sid: 'CrawlerLogGroup',
      Effect: 'Allow',
      // logs:AssociateKmsKey: Glue encrypts a security configuration's log group with its key through the role.
      Action: logGroup === CRAWLER_LOG_GROUP ? 'logs:CreateLogGroup' : ['logs:CreateLogGroup', 'logs:AssociateKmsKey'],
      Resource: arn.logGroup(logGroup),
    },
    {
      Sid: 'CrawlerOwnLogStream',
      Effect: 'Allow',
      Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
      Resource: `${arn.logGroup(logGroup)}:log-stream:${names.crawler}`,
    },
  ];
}

/** Hive storage formats of the two output formats Firehose writes. */
export const STORAGE_FORMATS = {
  json: {
    inputFormat: 'org.apache.hadoop.mapred.TextInputFormat',
    outputFormat: 'org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat',
    serializationLibrary: 'org.openx.data.jsonserde.JsonSerDe',
  },
  parquet: {
    inputFormat: 'org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat',
    outputFormat: 'org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat',
    serializationLibrary: 'org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe',
  },
} as const;

/**
 * SerDe parameters of the JSON events tables, in every catalog mode: nothing a guest sends fails a query (see the
 * table's storage descriptor below for AWS's words and caveat).
 */
export const JSON_SERDE_PARAMETERS = {
  'ignore.malformed.json': 'TRUE',
  'use.null.for.invalid.data': 'TRUE',
} as const;

/** Years partition projection enumerates beyond `projectionStartYear`. */
export const PROJECTION_YEARS = 50;

/**
 * The month and day partitions of the daily layout, as Athena partition projection reads them (zero-padded integers):
 * the same in the events table and the erasure's raw-line table, whose years differ (an integer range from the
 * configured start; a date range back from now).
 */
export const MONTH_DAY_PROJECTION = {
  'projection.month.type': 'integer',
  'projection.month.range': '1,12',
  'projection.month.digits': '2',
  'projection.day.type': 'integer',
  'projection.day.range': '1,31',
  'projection.day.digits': '2',
} as const;

/**
 * Athena partition projection over the Firehose prefix: each `!{timestamp:…}` becomes `${key}`, so the
 * template and the prefix cannot drift apart. `$${` keeps Terraform from reading `${year}` as its own.
 */
export function projectionTemplate(bucket: string, dataPrefix: string): string {
  return (
    `s3://${bucket}/` +
    `${dataPrefix.replace(/([A-Za-z0-9_]+)=!\{[^}]+\}/g, (_m, key: string) => `${key}=$\${${key}}`)}`
  );
}

/**
 * The Glue database and how its events table is kept: a scheduled crawler (`crawler`), a crawler fed by S3
 * events through SQS (`crawler-events`), or the event contract's own table with partition projection
 * (`projection`). With Parquet output, the contract's table also gives Firehose its schema.
 */
export class Catalog extends Construct {
  readonly database: GlueCatalogDatabase;
  readonly crawler?: GlueCrawler;
  /** The contract's table: the query table in projection mode, the Parquet schema table otherwise. */
  readonly contractTable?: GlueCatalogTable;
  /**
   * The table analysts and the erasure query, from the event contract, in every mode: in projection mode the
   * contract's table itself; in crawler modes a table at the data folder whose partitions the crawler adds.
   */
  readonly eventsTable: GlueCatalogTable;

  constructor(scope: Construct, id: string, props: CatalogProps) {
    super(scope, id);
    const { names, env } = props;

    this.database = new GlueCatalogDatabase(this, 'database', {
      name: names.glueDatabase,
      description: `iOS app telemetry of ${props.environmentName} in ${env.region}`,
    });
    const { catalog } = props;
    const parquet = props.firehose.format === 'parquet';
    // In the crawler modes Terraform keeps the table, not the crawler: its SerDe settings are the contract's and stay
    // so (a crawler that created the table would write its own SerDe, without `ignore.malformed.json` and
    // `use.null.for.invalid.data`, and one guest's bad line would then fail every query over its partition). The
    // crawler only adds partitions to it.
    switch (catalog.mode) {
      case 'crawler':
        if (parquet) this.contractTable = this.tableResource(props, 'contract');
        this.eventsTable = this.tableResource(props, 'events');
        this.crawler = this.crawlerResource(props, catalog, this.eventsTable);
        break;
      case 'crawler-events':
        if (parquet) this.contractTable = this.tableResource(props, 'contract');
        this.eventsTable = this.tableResource(props, 'events');
        this.crawler = this.crawlerResource(props, catalog, this.eventsTable, this.eventQueues(props));
        break;
      case 'projection':
        this.contractTable = this.tableResource(props, 'contract', catalog);
        this.eventsTable = this.contractTable;
        break;
      default:
        assertNever(catalog, 'catalog mode');
    }
  }

  /**
   * A table of the event contract: `contract` is the projection table in projection mode and the schema-only Parquet
   * table in crawler modes; `events` is the crawler modes' query table at the data folder.
   */
  private tableResource(
    props: CatalogProps,
    kind: 'contract' | 'events',
    projected?: CatalogOf<'projection'>,
  ): GlueCatalogTable {
    const { names, firehose } = props;
    const projection = kind === 'contract' && projected !== undefined;
    const queried = projection || kind === 'events';
    const format = STORAGE_FORMATS[firehose.format];
    const location = `s3://${names.dataBucket}/${queried ? staticFolder(firehose.dataPrefix) : CONTRACT_SCHEMA_FOLDER}`;
    return new GlueCatalogTable(this, kind === 'events' ? 'events-table' : 'contract-table', {
      name: queried ? names.table : names.contractTable,
      databaseName: this.database.name,
      description: projection
        ? 'Events, from the event contract, with partition projection'
        : queried
          ? 'Events, from the event contract; the crawler adds partitions and changes nothing else'
          : 'Event contract schema for Firehose Parquet conversion (not queried)',
      tableType: 'EXTERNAL_TABLE',
      parameters: {
        classification: firehose.format,
        ...(projected
          ? {
              'projection.enabled': 'true',
              'projection.year.type': 'integer',
              'projection.year.range':
                `${projected.projectionStartYear},` + `${projected.projectionStartYear + PROJECTION_YEARS}`,
              ...MONTH_DAY_PROJECTION,
              'storage.location.template': projectionTemplate(names.dataBucket, firehose.dataPrefix),
            }
          : {}),
      },
      partitionKeys: PARTITION_COLUMNS.map((name) => ({ name, type: 'string' })),
      storageDescriptor: {
        location,
        inputFormat: format.inputFormat,
        outputFormat: format.outputFormat,
        // A bad record (any guest can send one) would fail every query over its partition, the erasure's locating
        // query included. The OpenX JSON SerDe has one property per kind (Athena user guide, "OpenX JSON SerDe",
        // optional properties, https://docs.aws.amazon.com/athena/latest/ug/openx-json-serde.html):
        // `ignore.malformed.json` skips a line that is not JSON; `use.null.for.invalid.data` reads a value that does
        // not deserialize into its column's type as NULL (`"client":"x"` for the struct, `{}` for a bigint), so
        // "queries don't fail for invalid data" — AWS's caveat: results may be wrong or unexpected and data
        // problems go unnoticed (analysts.md says how to find such rows). The erasure reads objects it cannot
        // trust itself (scripts/erase/athena-locate.ts).
        serDeInfo: {
          serializationLibrary: format.serializationLibrary,
          ...(format === STORAGE_FORMATS.json ? { parameters: JSON_SERDE_PARAMETERS } : {}),
        },
        columns: contractFields(props.extraColumns ?? []).map((f) => ({
          name: f.name,
          type: glueType(f.type),
          comment: f.description,
        })),
      },
    });
  }

  /**
   * S3 event queue (and its dead-letter queue), encrypted with the stack key, writable only by this bucket; the
   * bucket's notification and S3's use of the key are added here, by the consumer.
   */
  private eventQueues({ env, names, firehose, encryption, bucket }: CatalogProps) {
    const { accountId } = env;
    const arn = arnsOf(env);
    const principal = principalIn(env);
    const key = encryption.key;
    encryption.addToKeyPolicy({
      Sid: 'S3NotificationsUseKeyForCrawlerQueue',
      Effect: 'Allow',
      Principal: { Service: principal('s3') },
      Action: ['kms:GenerateDataKey*', 'kms:Decrypt'],
      Resource: '*',
      Condition: { StringEquals: { 'kms:EncryptionContext:aws:sqs:arn': arn.sqsQueue(names.dataEventsQueue) } },
    });
    const dlq = new SqsQueue(this, 'data-events-dlq', {
      name: names.dataEventsDlq,
      kmsMasterKeyId: key.arn,
      messageRetentionSeconds: 1209600,
    });
    // Only SQS redrives into it; the policy refuses plain-HTTP requests like every queue's here.
    new SqsQueuePolicy(this, 'data-events-dlq-policy', {
      queueUrl: dlq.url,
      policy: policyDocument([denyInsecureTransport('sqs:*', arn.sqsQueue(names.dataEventsDlq))]),
    });
    const queue = new SqsQueue(this, 'data-events', {
      name: names.dataEventsQueue,
      kmsMasterKeyId: key.arn,
      // Glue reads events on its schedule; keep them well beyond a missed run or two.
      messageRetentionSeconds: 1209600,
      redrivePolicy: jsonDocument({ deadLetterTargetArn: dlq.arn, maxReceiveCount: 5 }),
    });
    const queueArn = arn.sqsQueue(names.dataEventsQueue);
    const queuePolicy = new SqsQueuePolicy(this, 'data-events-policy', {
      queueUrl: queue.url,
      policy: policyDocument([
        {
          Sid: 'DataBucketSendsObjectEvents',
          Effect: 'Allow',
          Principal: { Service: principal('s3') },
          Action: 'sqs:SendMessage',
          Resource: queueArn,
          Condition: {
            StringEquals: { 'aws:SourceAccount': accountId },
            ArnLike: { 'aws:SourceArn': arn.bucket(names.dataBucket) },
          },
        },
        denyInsecureTransport('sqs:*', queueArn),
      ]),
    });
    bucket.addNotification({
      queue: {
        id: 'data-objects-to-crawler',
        queueArn: queue.arn,
        events: ['s3:ObjectCreated:*', 's3:ObjectRemoved:*'],
        filterPrefix: staticFolder(firehose.dataPrefix),
      },
      after: queuePolicy,
    });
    return { queue, dlq };
  }

  private crawlerResource(
    props: CatalogProps,
    catalog: CatalogOf<'crawler' | 'crawler-events'>,
    table: GlueCatalogTable,
    queues?: { queue: SqsQueue; dlq: SqsQueue },
  ): GlueCrawler {
    const { env, names } = props;
    const { region, accountId } = env;
    const key = props.encryption.key;
    const arn = arnsOf(env);
    const principal = principalIn(env);
    const c = catalog.crawler;
    const dataFolder = staticFolder(props.firehose.dataPrefix);
    const bucketArn = arn.bucket(names.dataBucket);
    const queueStatements: PolicyStatement[] = queues
      ? [
          {
            Sid: 'ConsumeDataEvents',
            Effect: 'Allow',
            // The SQS permissions Glue's event-mode crawls need (Glue guide, "Accelerating crawls using S3 event
            // notifications").
            Action: [
              'sqs:DeleteMessage',
              'sqs:GetQueueUrl',
              'sqs:ListDeadLetterSourceQueues',
              'sqs:ReceiveMessage',
              'sqs:GetQueueAttributes',
              'sqs:ListQueueTags',
              'sqs:SetQueueAttributes',
              'sqs:PurgeQueue',
            ],
            Resource: [queues.queue.arn, queues.dlq.arn],
          },
          {
            Sid: 'DecryptDataEvents',
            Effect: 'Allow',
            Action: 'kms:Decrypt',
            Resource: key.arn,
            Condition: { StringEquals: { 'kms:ViaService': principal(`sqs.${region}`) } },
          },
        ]
      : [];
    // The crawler's logs may quote object keys and schemas: a security configuration encrypts them with the stack key.
    const security = catalog.encryptCrawlerLogs
      ? new GlueSecurityConfiguration(this, 'security-configuration', {
          name: crawlerSecurityConfiguration(names.crawler),
          encryptionConfiguration: {
            cloudwatchEncryption: { cloudwatchEncryptionMode: 'SSE-KMS', kmsKeyArn: key.arn },
            jobBookmarksEncryption: { jobBookmarksEncryptionMode: 'DISABLED' },
            s3Encryption: { s3EncryptionMode: 'SSE-KMS', kmsKeyArn: key.arn },
          },
        })
      : undefined;
    const logGroup = crawlerLogGroup(
      names.roles.crawler,
      security ? crawlerSecurityConfiguration(names.crawler) : undefined,
    );
    if (security) {
      // CloudWatch Logs encrypts the crawler's own log group with the key, and nothing else of the account.
      props.encryption.addToKeyPolicy(logsEncryptLogGroup('CloudWatchLogsEncryptsCrawlerLogs', env, logGroup));
    }
    // Created here rather than by Glue on the first run: with the stack's retention and key, and destroyed with it.
    const crawlerLogs = security
      ? new CloudwatchLogGroup(this, 'crawler-logs', {
          name: logGroup,
          retentionInDays: props.logRetentionDays ?? DEFAULT_SETTINGS.logs.retentionDays,
          kmsKeyId: key.arn,
        })
      : undefined;
    const role = new ServiceRole(this, 'role', {
      roleName: names.roles.crawler,
      description: `Glue crawler ${names.crawler} reads s3://${names.dataBucket}/${dataFolder}`,
      principal: { Service: principal('glue') },
      // IfExists: suppressed in stacks/rules/suppressions.ts, with the reason — Glue does not document sending the key.
      trustConditions: { StringEqualsIfExists: { 'aws:SourceAccount': accountId } },
      // A scoped-down equivalent of AWSGlueServiceRole, which the Glue guide ("Crawler prerequisites") allows in its
      // place: that managed policy grants glue:* on *, read/write on every bucket's aws-glue-* keys and EC2 actions.
      statements: [
        ...crawlerCatalogStatements(env, names, logGroup),
        { Sid: 'ReadEventObjects', Effect: 'Allow', Action: 's3:GetObject', Resource: `${bucketArn}/${dataFolder}*` },
        { Sid: 'LocateDataBucket', Effect: 'Allow', Action: 's3:GetBucketLocation', Resource: bucketArn },
        {
          Sid: 'ListEventFolder',
          Effect: 'Allow',
          Action: 's3:ListBucket',
          Resource: bucketArn,
          Condition: { StringLike: { 's3:prefix': [`${dataFolder}*`, dataFolder] } },
        },
        {
          Sid: 'DecryptEventObjectsThroughS3',
          Effect: 'Allow',
          Action: 'kms:Decrypt',
          Resource: key.arn,
          Condition: { StringEquals: { 'kms:ViaService': principal(`s3.${region}`) } },
        },
        ...queueStatements,
      ],
    });

    // A catalog target: the crawler crawls the folder the events table names and only keeps that table current
    // ("no new catalog tables are created ... existing tables are updated as needed, including adding new
    // partitions": Glue developer guide, "Crawler source type" / "Updating manually created Data Catalog tables using
    // crawlers", https://docs.aws.amazon.com/glue/latest/dg/tables-described.html#update-manual-tables). Catalog
    // targets can't be mixed with other target types; event mode takes the queues on the catalog target, its table
    // in the one bucket S3 notifies about (Glue guide, "Accelerating crawls using Amazon S3 event notifications").
    // No connection_name: the table is S3-backed and read over the public endpoints like the bucket's other readers.
    return new GlueCrawler(this, 'crawler', {
      name: names.crawler,
      databaseName: this.database.name,
      role: role.role.arn,
      dependsOn: crawlerLogs ? [role.policy, crawlerLogs] : [role.policy],
      schedule: c.schedule,
      catalogTarget: [
        {
          databaseName: this.database.name,
          tables: [table.name],
          ...(queues ? { eventQueueArn: queues.queue.arn, dlqEventQueueArn: queues.dlq.arn } : {}),
        },
      ],
      recrawlPolicy: { recrawlBehavior: recrawlBehavior(c) },
      schemaChangePolicy: schemaChangePolicy(),
      configuration: jsonDocument(CRAWLER_CONFIGURATION),
      ...(security ? { securityConfiguration: security.name } : {}),
    });
  }
}
