import { AthenaWorkgroup } from '@cdktf/provider-aws/lib/athena-workgroup';
import { GlueCatalogTable } from '@cdktf/provider-aws/lib/glue-catalog-table';
import type { IamPolicy } from '@cdktf/provider-aws/lib/iam-policy';
import { KmsAlias } from '@cdktf/provider-aws/lib/kms-alias';
import { KmsKey } from '@cdktf/provider-aws/lib/kms-key';
import { Lazy } from 'cdktf';
import type { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { Construct } from 'constructs';
import {
  ERASURE_LINES_COLUMN,
  ERASURE_LOCATE_RESULTS_FOLDER,
  ERASURE_REQUESTS_FOLDER,
  staticFolder,
  type ResourceNames,
} from '../../config/names';
import type { AthenaSettings } from '../../config/schema';
import { DEFAULT_SETTINGS } from '../../config/defaults';
import { ATHENA_ENGINE_VERSION } from '../../config/aws';
import { arnsOf, policyDocument, type AwsEnvironment, type PolicyStatement } from '../iam';
import { KEY_ADMIN_ACTIONS, keyProtection } from './private-bucket';
import { MONTH_DAY_PROJECTION, projectionTemplate } from './catalog';
import { partitionKeys, DAILY_LAYOUT } from '../../config/rules';
import { PARTITION_COLUMNS } from '../../config/queries';
import { keyThroughS3AndAthena, peopleAccess } from './people-access';

export interface ErasureProps {
  readonly env: AwsEnvironment;
  /**
   * The stack (policy and role name), the data bucket, the erasure's own workgroup, and the database of the
   * locating query.
   */
  readonly names: Pick<
    ResourceNames,
    | 'stack'
    | 'dataBucket'
    | 'erasure'
    | 'erasureWorkgroup'
    | 'erasureReceiptKeyAlias'
    | 'glueDatabase'
    | 'erasureLinesTable'
  >;
  /**
   * The scan cutoff of the erasure's workgroup: the stack's, so the locating query scans no more than an analyst's may.
   * @default DEFAULT_SETTINGS.athena.bytesScannedCutoffPerQuery
   */
  readonly athena?: Pick<AthenaSettings, 'bytesScannedCutoffPerQuery'>;
  /**
   * Static folders of the events, the failed records and the analysts' query results (`data/`, `errors/`,
   * `athena-results/`); the locating query's own results go to ERASURE_LOCATE_RESULTS_FOLDER.
   */
  readonly folders: { data: string; errors: string; results: string };
  /** The stack's key. */
  readonly keyArn: string;
  /**
   * The events as Firehose writes them, for the erasure's raw-line table (`json` only: Parquet objects are located
   * through the events table, scripts/erase/athena-locate.ts): the database (the catalog's, a reference so the table
   * follows it), the data prefix, its format, and the days events are kept (the projected years).
   * @default no raw-line table
   */
  readonly lines?: { database: string; dataPrefix: string; format: 'json' | 'parquet'; expirationDays: number };
  /**
   * IAM principals allowed to assume the erasure role.
   * @default none: the policy only
   */
  readonly principals?: string[];
  /**
   * IAM principals that administer the receipts' HMAC key without using it (the stack key's `keys.administrators`).
   * @default none: the account administers it through IAM, without using it
   */
  readonly keyAdministrators?: readonly string[];
  /**
   * Whether a destroy may delete the receipts' key (`protection.allowDestroy`).
   * @default false: prevent_destroy
   */
  readonly allowDestroy?: boolean;
}

/**
 * The regular expression of the erasure's raw-line table: the whole line, one group (Athena user guide, "Regex SerDe":
 * a row that does not match has every column NULL, https://docs.aws.amazon.com/athena/latest/ug/regex-serde.html). The
 * SerDe compiles it as a Java regular expression, whose `.` does not match line terminators (`\r`, U+0085, U+2028,
 * U+2029) unless DOTALL (`(?s)`, java.util.regex.Pattern): without it a line holding one of them, valid inside a JSON
 * string, would be NULL. The locating query marks a NULL line anyway (athena-locate.ts).
 */
export const LINES_REGEX = '(?s)^(.*)$';

/**
 * The table parameters of the erasure's raw-line table. Partition projection over the daily layout when the data
 * prefix is exactly it (Athena user guide, "Partition projection", supported types: an `integer` month and day, and
 * a `date` year relative to NOW,
 * https://docs.aws.amazon.com/athena/latest/ug/partition-projection-supported-types.html), so it covers every day
 * folder whatever the catalog mode and whether a crawler has seen it; the years reach back past the events' retention.
 * Any other layout (other partition keys) is not projected: the table is then unpartitioned, and whatever Athena does
 * not read of the folder is read whole by the run (coverage, athena-locate.ts).
 */
export function linesTableLayout(
  bucket: string,
  dataPrefix: string,
  expirationDays: number,
): { parameters: Record<string, string>; partitioned: boolean } {
  const keys = partitionKeys(dataPrefix);
  const projected =
    dataPrefix.endsWith(DAILY_LAYOUT) &&
    keys.length === PARTITION_COLUMNS.length &&
    PARTITION_COLUMNS.every((c) => keys.includes(c));
  if (!projected) return { parameters: { classification: 'text' }, partitioned: false };
  // Lifecycle expiry runs some time after an object is due: one year more than the retention spans.
  const years = Math.ceil(expirationDays / 365) + 1;
  return {
    partitioned: true,
    parameters: {
      classification: 'text',
      'projection.enabled': 'true',
      'projection.year.type': 'date',
      'projection.year.format': 'yyyy',
      'projection.year.range': `NOW-${years}YEARS,NOW`,
      'projection.year.interval': '1',
      'projection.year.interval.unit': 'YEARS',
      ...MONTH_DAY_PROJECTION,
      'storage.location.template': projectionTemplate(bucket, dataPrefix),
    },
  };
}

/**
 * What `npm run erase` asks of the receipts' key: a MAC of each id, and checking one (scripts/erase/receipt-mac.ts).
 */
export const RECEIPT_MAC_ACTIONS = ['kms:GenerateMac', 'kms:VerifyMac'];

/**
 * The receipts' key policy. Its administrators (the account through IAM, or `keys.administrators`) manage it with the
 * key administrator actions, which hold no MAC operation (and no CreateGrant: they cannot grant themselves its use).
 * Only the erasure computes and verifies MACs: its role by ARN, or — without a role, the policy attached where the
 * operators sign in — whoever the account's IAM lets (the erasure policy grants it; an administrator with kms:* on
 * the account could too, and the report says so). An administrator can still rewrite this policy (PutKeyPolicy),
 * which CloudTrail records. KMS developer guide, "Default key policy" and "HMAC keys in AWS KMS".
 */
export function receiptKeyPolicy(
  rootArn: string,
  administrators: readonly string[],
  erasureRoleArn: string | undefined,
): PolicyStatement[] {
  return [
    {
      Sid: 'AdministratorsManageWithoutUsingIt',
      Effect: 'Allow',
      Principal: { AWS: administrators.length ? [...administrators] : rootArn },
      Action: KEY_ADMIN_ACTIONS,
      Resource: '*',
    },
    // What Terraform's refresh reads of the key, for the plan role through IAM when administrators are named.
    ...(administrators.length
      ? [
          {
            Sid: 'AccountReadsTheKeyConfigurationThroughIam',
            Effect: 'Allow' as const,
            Principal: { AWS: rootArn },
            Action: ['kms:DescribeKey', 'kms:GetKeyPolicy', 'kms:GetKeyRotationStatus', 'kms:ListResourceTags'],
            Resource: '*',
          },
        ]
      : []),
    {
      Sid: erasureRoleArn ? 'OnlyTheErasureRoleMacs' : 'OnlyHoldersOfTheErasurePolicyMac',
      Effect: 'Allow',
      Principal: { AWS: erasureRoleArn ?? rootArn },
      Action: RECEIPT_MAC_ACTIONS,
      Resource: '*',
    },
  ];
}

/**
 * Exactly what `npm run erase` calls (scripts/erase/s3-store.ts, athena-locate.ts): list the versions of its folders;
 * read, rewrite, restore and delete versions of events and failed records; read and delete query results; keep its
 * journals and receipts; run its one locating query in its own workgroup (reading the catalog and the events, writing
 * its result to its own folder); use the stack's key only through S3 and Athena. Nothing else: no catalog changes, no
 * other bucket, no other workgroup — and no analyst policy names this workgroup, so its query history (the query's SQL
 * and execution parameters, kept by Athena 45 days) and results are the erasure's alone.
 */
export function erasureStatements(
  p: Pick<ErasureProps, 'env' | 'names' | 'folders' | 'keyArn'> & { receiptKeyArn?: string },
): PolicyStatement[] {
  const arn = arnsOf(p.env);
  const bucket = arn.bucket(p.names.dataBucket);
  const { data, errors, results } = p.folders;
  const locateResults = ERASURE_LOCATE_RESULTS_FOLDER;
  return [
    {
      Sid: 'ListVersionsOfItsFolders',
      Effect: 'Allow',
      Action: 's3:ListBucketVersions',
      Resource: bucket,
      Condition: { StringLike: { 's3:prefix': [data, errors, results].map((f) => `${f}*`) } },
    },
    // Without it, reading a journal not yet written is a 403 instead of a 404 (S3 API reference,
    // GetObject permissions).
    {
      Sid: 'SeeWhetherAJournalExists',
      Effect: 'Allow',
      Action: 's3:ListBucket',
      Resource: bucket,
      Condition: { StringLike: { 's3:prefix': `${ERASURE_REQUESTS_FOLDER}*` } },
    },
    // Every read and delete names a version: HeadObject and GetObject of a version need GetObjectVersion.
    // A rewrite is tagged with the days its data has left (config/rewrite-retention.ts): tags given with PutObject need
    // s3:PutObjectTagging too (S3 API reference, PutObject, x-amz-tagging).
    {
      Sid: 'RewriteEventsAndFailedRecords',
      Effect: 'Allow',
      Action: [
        's3:GetObjectVersion',
        's3:PutObject',
        's3:PutObjectTagging',
        's3:DeleteObjectVersion',
        's3:RestoreObject',
      ],
      Resource: [`${bucket}/${data}*`, `${bucket}/${errors}*`],
    },
    {
      Sid: 'DeleteQueryResultsNamingTheIds',
      Effect: 'Allow',
      Action: ['s3:GetObjectVersion', 's3:DeleteObjectVersion'],
      Resource: `${bucket}/${results}*`,
    },
    {
      Sid: 'KeepJournalsAndReceipts',
      Effect: 'Allow',
      Action: ['s3:GetObject', 's3:PutObject'],
      Resource: `${bucket}/${ERASURE_REQUESTS_FOLDER}*`,
    },
    // Locating with Athena (--locate athena): one query in the erasure's own workgroup, reading the catalog and, as the
    // caller, the events; its results written to its own folder (Athena user guide, "Access to Amazon S3" for queries).
    {
      Sid: 'LocateWithOneQuery',
      Effect: 'Allow',
      Action: [
        'athena:GetWorkGroup',
        'athena:StartQueryExecution',
        'athena:GetQueryExecution',
        'athena:GetQueryResults',
      ],
      Resource:
        `arn:${p.env.partition}:athena:${p.env.region}:` + `${p.env.accountId}:workgroup/${p.names.erasureWorkgroup}`,
    },
    {
      Sid: 'ReadTheCatalogForIt',
      Effect: 'Allow',
      Action: ['glue:GetDatabase', 'glue:GetTable', 'glue:GetPartitions'],
      Resource: [
        arn.glue('catalog'),
        arn.glue(`database/${p.names.glueDatabase}`),
        arn.glue(`table/${p.names.glueDatabase}/*`),
      ],
    },
    { Sid: 'LetTheQueryReadEvents', Effect: 'Allow', Action: 's3:GetObject', Resource: `${bucket}/${data}*` },
    {
      Sid: 'LetTheQueryListEvents',
      Effect: 'Allow',
      Action: 's3:ListBucket',
      Resource: bucket,
      Condition: { StringLike: { 's3:prefix': `${data}*` } },
    },
    {
      Sid: 'LetTheQueryWriteItsResults',
      Effect: 'Allow',
      Action: ['s3:GetObject', 's3:PutObject', 's3:AbortMultipartUpload'],
      Resource: `${bucket}/${locateResults}*`,
    },
    // Athena looks up the results bucket's region as the caller: AmazonAthenaFullAccess grants s3:GetBucketLocation on
    // results buckets beside Get/Put/AbortMultipartUpload (Athena user guide, "AWS managed policy:
    // AmazonAthenaFullAccess"), as the analysts' policy does (analysts.ts, LocateTheBucket).
    { Sid: 'LetTheQueryLocateTheBucket', Effect: 'Allow', Action: 's3:GetBucketLocation', Resource: bucket },
    keyThroughS3AndAthena(p.keyArn, p.env.region),
    // Receipts hold HMACs of the ids under the stack's receipt key (scripts/erase/receipt-mac.ts).
    ...(p.receiptKeyArn
      ? [{ Sid: 'KeyTheReceipts', Effect: 'Allow' as const, Action: RECEIPT_MAC_ACTIONS, Resource: p.receiptKeyArn }]
      : []),
  ];
}

/**
 * The erasure policy of a stack, and a role with it when principals are configured (docs/operating.md, erasure); the
 * erasure's own Athena workgroup, its settings enforced (a query cannot send its results elsewhere or unencrypted:
 * Athena user guide, "Override client-side settings"), results under ERASURE_LOCATE_RESULTS_FOLDER with SSE-KMS.
 */
export class Erasure extends Construct {
  readonly policy: IamPolicy;
  readonly role?: IamRole;
  readonly workgroup: AthenaWorkgroup;
  /** The raw-line table the locating query reads (JSON events only). */
  readonly linesTable?: GlueCatalogTable;
  /** The HMAC key of the receipts (`alias/<project>-<env>-erasure-receipts`). */
  readonly receiptKey: KmsKey;

  constructor(scope: Construct, id: string, props: ErasureProps) {
    super(scope, id);
    // An HMAC_256 key (GENERATE_VERIFY_MAC): its key material never leaves KMS, so a MAC of an id can be made or
    // checked only through KMS, by whom its key policy allows (KMS developer guide, "HMAC keys in AWS KMS"). Automatic
    // rotation is not supported for HMAC keys (KMS API reference, EnableKeyRotation: "You cannot enable automatic
    // rotation of asymmetric KMS keys, HMAC KMS keys, …"): enable_key_rotation stays false; KMS.4 is AWS-exempt for it.
    const arn = arnsOf(props.env);
    this.receiptKey = new KmsKey(this, 'receipt-key', {
      description: `${props.names.stack}: HMAC key of erasure receipts (only the erasure computes or verifies MACs)`,
      customerMasterKeySpec: 'HMAC_256',
      keyUsage: 'GENERATE_VERIFY_MAC',
      enableKeyRotation: false,
      deletionWindowInDays: 30,
      ...keyProtection(props.allowDestroy ?? false),
      // Lazy: the erasure role is made below (peopleAccess), after the key its statements name.
      policy: Lazy.stringValue({
        produce: () => policyDocument(receiptKeyPolicy(arn.root(), props.keyAdministrators ?? [], this.role?.arn)),
      }),
    });
    new KmsAlias(this, 'receipt-key-alias', {
      name: props.names.erasureReceiptKeyAlias,
      targetKeyId: this.receiptKey.keyId,
    });
    this.workgroup = new AthenaWorkgroup(this, 'workgroup', {
      name: props.names.erasureWorkgroup,
      description:
        `The locating query of npm run erase on ${props.names.stack} alone; results ` +
        `in s3://${props.names.dataBucket}/${ERASURE_LOCATE_RESULTS_FOLDER}`,
      state: 'ENABLED',
      configuration: {
        enforceWorkgroupConfiguration: true,
        publishCloudwatchMetricsEnabled: true,
        bytesScannedCutoffPerQuery: (props.athena ?? DEFAULT_SETTINGS.athena).bytesScannedCutoffPerQuery,
        // Pinned: the locating query's SQL is Trino's (config/aws.ts, ATHENA_ENGINE_VERSION), never AUTO's pick.
        engineVersion: { selectedEngineVersion: ATHENA_ENGINE_VERSION },
        resultConfiguration: {
          outputLocation: `s3://${props.names.dataBucket}/${ERASURE_LOCATE_RESULTS_FOLDER}`,
          encryptionConfiguration: { encryptionOption: 'SSE_KMS', kmsKeyArn: props.keyArn },
        },
      },
    });
    // One string column per raw line of the events folder: locating reads the bytes, not a JSON SerDe's idea of them
    // (the OpenX SerDe keeps the last of duplicate keys, ignores text after a line's first object and may give a
    // malformed line no row; Athena user guide, "OpenX JSON SerDe"). Only the erasure queries it; the analysts' policy
    // may see it in the catalog, as it may read the same objects in S3.
    if (props.lines?.format === 'json') {
      const dataFolder = staticFolder(props.lines.dataPrefix);
      const layout = linesTableLayout(props.names.dataBucket, props.lines.dataPrefix, props.lines.expirationDays);
      this.linesTable = new GlueCatalogTable(this, 'lines-table', {
        name: props.names.erasureLinesTable,
        databaseName: props.lines.database,
        description:
          `npm run erase's locating query on ${props.names.stack}: every ` +
          `raw line of the events, as written (not for analysis)`,
        tableType: 'EXTERNAL_TABLE',
        parameters: layout.parameters,
        partitionKeys: layout.partitioned ? PARTITION_COLUMNS.map((name) => ({ name, type: 'string' })) : [],
        storageDescriptor: {
          location: `s3://${props.names.dataBucket}/${dataFolder}`,
          inputFormat: 'org.apache.hadoop.mapred.TextInputFormat',
          outputFormat: 'org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat',
          serDeInfo: {
            serializationLibrary: 'org.apache.hadoop.hive.serde2.RegexSerDe',
            parameters: { 'input.regex': LINES_REGEX },
          },
          columns: [
            { name: ERASURE_LINES_COLUMN, type: 'string', comment: 'One line of an events object, as written' },
          ],
        },
      });
    }
    ({ policy: this.policy, role: this.role } = peopleAccess(this, {
      name: props.names.erasure,
      description:
        `Erasure requests on ${props.names.stack}: rewrite events and failed ` +
        `records, delete their old versions and query results naming the ids`,
      statements: erasureStatements({ ...props, receiptKeyArn: this.receiptKey.arn }),
      principals: props.principals ?? [],
      trustSid: 'ConfiguredOperatorsAssume',
    }));
  }
}
