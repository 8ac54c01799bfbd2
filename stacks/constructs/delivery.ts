import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { CloudwatchLogStream } from '@cdktf/provider-aws/lib/cloudwatch-log-stream';
import { KinesisFirehoseDeliveryStream } from '@cdktf/provider-aws/lib/kinesis-firehose-delivery-stream';
import type { GlueCatalogTable } from '@cdktf/provider-aws/lib/glue-catalog-table';
import type { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';
import { Construct } from 'constructs';
import { DEFAULT_SETTINGS } from '../../config/defaults';
import { staticFolder, type ResourceNames } from '../../config/names';
import type { FirehoseSettings } from '../../config/schema';
import { arnsOf, logsEncryptLogGroup, principalIn, type AwsEnvironment, type PolicyStatement } from '../iam';
import { ServiceRole } from './identity';
import type { KeyPolicyContributions } from './storage';

export interface DeliveryProps {
  /** Account, region and partition of the stream, its role and log group. */
  readonly env: AwsEnvironment;
  /** The stream, its role, its error log group, the bucket it writes to and the database of the contract table. */
  readonly names: Pick<
    ResourceNames,
    'stack' | 'deliveryStream' | 'roles' | 'firehoseLogGroup' | 'dataBucket' | 'glueDatabase'
  >;
  /** Buffering, compression, prefixes, format and dynamic partitioning. */
  readonly firehose: FirehoseSettings;
  /**
   * Days the delivery error log is kept (a value CloudWatch Logs accepts).
   * @default DEFAULT_SETTINGS.logs.retentionDays (30)
   */
  readonly logRetentionDays?: number;
  /** Bucket Firehose writes to. */
  readonly bucket: S3Bucket;
  /** The stack key (objects, the stream's own encryption, the error log); Delivery adds CloudWatch Logs' use of it. */
  readonly encryption: KeyPolicyContributions;
  /** The event contract's table, which gives Parquet conversion its schema. Required when `format` is parquet. */
  readonly schemaTable?: GlueCatalogTable;
}

/** Log stream name Firehose writes S3 delivery errors to. */
export const DELIVERY_LOG_STREAM = 'S3Delivery';

/** Dynamic partitioning keys come from the prefix's `!{partitionKeyFromQuery:name}` expressions. */
function partitionKeyQuery(f: FirehoseSettings): string {
  const keys = [...f.dataPrefix.matchAll(/!\{partitionKeyFromQuery:([A-Za-z0-9_]+)\}/g)].map((m) => m[1]);
  return `{${keys.map((k) => `${k}: .${k}`).join(', ')}}`;
}

/** Firehose `extended_s3` delivery into the data bucket, with its role and CloudWatch error logging. */
export class Delivery extends Construct {
  readonly stream: KinesisFirehoseDeliveryStream;
  readonly logGroup: CloudwatchLogGroup;
  /** ARN of the stream, known at synth (built from config), for policies of other constructs. */
  readonly streamArn: string;

  constructor(scope: Construct, id: string, props: DeliveryProps) {
    super(scope, id);
    const { names, env } = props;
    const { region, accountId } = env;
    const arn = arnsOf(env);
    const principal = principalIn(env);
    const f = props.firehose;

    const key = props.encryption.key;
    // CloudWatch Logs encrypts this stream's error log group with the key, and nothing else of the account.
    props.encryption.addToKeyPolicy(
      logsEncryptLogGroup('CloudWatchLogsEncryptsFirehoseErrorLog', env, names.firehoseLogGroup),
    );
    this.logGroup = new CloudwatchLogGroup(this, 'errors', {
      name: names.firehoseLogGroup,
      retentionInDays: props.logRetentionDays ?? DEFAULT_SETTINGS.logs.retentionDays,
      kmsKeyId: key.arn,
    });
    new CloudwatchLogStream(this, 'errors-stream', { name: DELIVERY_LOG_STREAM, logGroupName: this.logGroup.name });

    const bucketArn = arn.bucket(names.dataBucket);
    const writableFolders = [staticFolder(f.dataPrefix), staticFolder(f.errorPrefix)];
    const parquet = f.format === 'parquet';
    if (parquet && !props.schemaTable)
      throw new Error(`${names.stack}: Parquet conversion needs the event contract's table`);
    const schemaTableName = props.schemaTable?.name;
    const readSchema: PolicyStatement[] = parquet
      ? [
          {
            Sid: 'ReadContractSchemaForParquet',
            Effect: 'Allow',
            Action: ['glue:GetTable', 'glue:GetTableVersion', 'glue:GetTableVersions'],
            Resource: [
              arn.glue('catalog'),
              arn.glue(`database/${names.glueDatabase}`),
              arn.glue(`table/${names.glueDatabase}/${schemaTableName}`),
            ],
          },
        ]
      : [];
    const role = new ServiceRole(this, 'role', {
      roleName: names.roles.firehose,
      description: `Firehose ${names.deliveryStream} writes to s3://${names.dataBucket}`,
      principal: { Service: principal('firehose') },
      // Firehose passes the account id as external id (Firehose developer guide, "Grant Firehose access to S3").
      trustConditions: { StringEquals: { 'sts:ExternalId': accountId } },
      statements: [
        // The documented Firehose → S3 actions (Firehose developer guide, "Grant Firehose access to an Amazon S3
        // destination"), objects only under the data and error folders: never athena-results/ or contract-schema/.
        {
          Sid: 'WriteDeliveredObjects',
          Effect: 'Allow',
          Action: ['s3:AbortMultipartUpload', 's3:GetObject', 's3:PutObject'],
          Resource: writableFolders.map((folder) => `${bucketArn}/${folder}*`),
        },
        {
          Sid: 'LocateBucket',
          Effect: 'Allow',
          Action: ['s3:GetBucketLocation', 's3:ListBucket', 's3:ListBucketMultipartUploads'],
          Resource: bucketArn,
        },
        {
          Sid: 'EncryptObjectsThroughS3',
          Effect: 'Allow',
          Action: ['kms:GenerateDataKey', 'kms:Decrypt'],
          Resource: key.arn,
          Condition: {
            StringEquals: { 'kms:ViaService': principal(`s3.${region}`) },
            // With S3 bucket keys the context is the bucket ARN; without, the object ARN.
            StringLike: {
              'kms:EncryptionContext:aws:s3:arn': [
                bucketArn,
                ...writableFolders.map((folder) => `${bucketArn}/${folder}*`),
              ],
            },
          },
        },
        {
          Sid: 'LogDeliveryErrors',
          Effect: 'Allow',
          Action: 'logs:PutLogEvents',
          Resource: `${arn.logGroup(names.firehoseLogGroup)}:log-stream:${DELIVERY_LOG_STREAM}`,
        },
        ...readSchema,
      ],
    });

    this.streamArn = arn.deliveryStream(names.deliveryStream);
    this.stream = new KinesisFirehoseDeliveryStream(this, 'stream', {
      name: names.deliveryStream,
      destination: 'extended_s3',
      // Firehose checks the role's access (and the schema table, with Parquet) when the stream is created.
      dependsOn: [role.policy, ...(props.schemaTable ? [props.schemaTable] : [])],
      serverSideEncryption: { enabled: true, keyType: 'CUSTOMER_MANAGED_CMK', keyArn: key.arn },
      extendedS3Configuration: {
        bucketArn: props.bucket.arn,
        roleArn: role.role.arn,
        prefix: f.dataPrefix,
        errorOutputPrefix: f.errorPrefix,
        bufferingSize: f.bufferSizeMb,
        bufferingInterval: f.bufferIntervalSeconds,
        compressionFormat: f.compression,
        kmsKeyArn: key.arn,
        cloudwatchLoggingOptions: {
          enabled: true,
          logGroupName: this.logGroup.name,
          logStreamName: DELIVERY_LOG_STREAM,
        },
        ...(parquet
          ? {
              // JSON records in, Parquet out, with the columns of the event contract's table.
              dataFormatConversionConfiguration: {
                enabled: true,
                inputFormatConfiguration: { deserializer: { openXJsonSerDe: {} } },
                outputFormatConfiguration: { serializer: { parquetSerDe: {} } },
                schemaConfiguration: {
                  databaseName: names.glueDatabase,
                  tableName: schemaTableName!,
                  roleArn: role.role.arn,
                  region,
                },
              },
            }
          : {}),
        ...(f.dynamicPartitioning
          ? {
              dynamicPartitioningConfiguration: { enabled: true },
              processingConfiguration: {
                enabled: true,
                processors: [
                  {
                    type: 'MetadataExtraction',
                    parameters: [
                      { parameterName: 'MetadataExtractionQuery', parameterValue: partitionKeyQuery(f) },
                      { parameterName: 'JsonParsingEngine', parameterValue: 'JQ-1.6' },
                    ],
                  },
                ],
              },
            }
          : {}),
      },
    });
  }
}
