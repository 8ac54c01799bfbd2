import { AthenaWorkgroup } from '@cdktf/provider-aws/lib/athena-workgroup';
import type { IamPolicy } from '@cdktf/provider-aws/lib/iam-policy';
import type { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { Construct } from 'constructs';
import { ERASURE_LOCATE_RESULTS_FOLDER, ERASURE_REQUESTS_FOLDER, type ResourceNames } from '../../config/names';
import type { AthenaSettings } from '../../config/schema';
import { DEFAULT_SETTINGS } from '../../config/defaults';
import { arnsOf, type AwsEnvironment, type PolicyStatement } from '../iam';
import { keyThroughS3AndAthena, peopleAccess } from './people-access';

export interface ErasureProps {
  readonly env: AwsEnvironment;
  /** The stack (policy and role name), the data bucket, the erasure's own workgroup, and the database of the locating query. */
  readonly names: Pick<ResourceNames, 'stack' | 'dataBucket' | 'erasure' | 'erasureWorkgroup' | 'glueDatabase'>;
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
   * IAM principals allowed to assume the erasure role.
   * @default none: the policy only
   */
  readonly principals?: string[];
}

/**
 * Exactly what `npm run erase` calls (scripts/erase/s3-store.ts, athena-locate.ts): list the versions of its folders;
 * read, rewrite, restore and delete versions of events and failed records; read and delete query results; keep its
 * journals and receipts; run its one locating query in its own workgroup (reading the catalog and the events, writing its
 * result to its own folder); use the stack's key only through S3 and Athena. Nothing else: no catalog changes, no other
 * bucket, no other workgroup — and no analyst policy names this workgroup, so its query history (the query's SQL and
 * execution parameters, kept by Athena 45 days) and results are the erasure's alone.
 */
export function erasureStatements(p: Pick<ErasureProps, 'env' | 'names' | 'folders' | 'keyArn'>): PolicyStatement[] {
  const arn = arnsOf(p.env);
  const bucket = arn.bucket(p.names.dataBucket);
  const { data, errors, results } = p.folders;
  const locateResults = ERASURE_LOCATE_RESULTS_FOLDER;
  return [
    { Sid: 'ListVersionsOfItsFolders', Effect: 'Allow', Action: 's3:ListBucketVersions', Resource: bucket, Condition: { StringLike: { 's3:prefix': [data, errors, results].map((f) => `${f}*`) } } },
    // Without it, reading a journal not yet written is a 403 instead of a 404 (S3 API reference, GetObject permissions).
    { Sid: 'SeeWhetherAJournalExists', Effect: 'Allow', Action: 's3:ListBucket', Resource: bucket, Condition: { StringLike: { 's3:prefix': `${ERASURE_REQUESTS_FOLDER}*` } } },
    // Every read and delete names a version: HeadObject and GetObject of a version need GetObjectVersion.
    // A rewrite is tagged with the days its data has left (config/rewrite-retention.ts): tags given with PutObject need
    // s3:PutObjectTagging too (S3 API reference, PutObject, x-amz-tagging).
    { Sid: 'RewriteEventsAndFailedRecords', Effect: 'Allow', Action: ['s3:GetObjectVersion', 's3:PutObject', 's3:PutObjectTagging', 's3:DeleteObjectVersion', 's3:RestoreObject'], Resource: [`${bucket}/${data}*`, `${bucket}/${errors}*`] },
    { Sid: 'DeleteQueryResultsNamingTheIds', Effect: 'Allow', Action: ['s3:GetObjectVersion', 's3:DeleteObjectVersion'], Resource: `${bucket}/${results}*` },
    { Sid: 'KeepJournalsAndReceipts', Effect: 'Allow', Action: ['s3:GetObject', 's3:PutObject'], Resource: `${bucket}/${ERASURE_REQUESTS_FOLDER}*` },
    // Locating with Athena (--locate athena): one query in the erasure's own workgroup, reading the catalog and, as the
    // caller, the events; its results written to its own folder (Athena user guide, "Access to Amazon S3" for queries).
    { Sid: 'LocateWithOneQuery', Effect: 'Allow', Action: ['athena:GetWorkGroup', 'athena:StartQueryExecution', 'athena:GetQueryExecution', 'athena:GetQueryResults'], Resource: `arn:${p.env.partition}:athena:${p.env.region}:${p.env.accountId}:workgroup/${p.names.erasureWorkgroup}` },
    { Sid: 'ReadTheCatalogForIt', Effect: 'Allow', Action: ['glue:GetDatabase', 'glue:GetTable', 'glue:GetPartitions'], Resource: [arn.glue('catalog'), arn.glue(`database/${p.names.glueDatabase}`), arn.glue(`table/${p.names.glueDatabase}/*`)] },
    { Sid: 'LetTheQueryReadEvents', Effect: 'Allow', Action: 's3:GetObject', Resource: `${bucket}/${data}*` },
    { Sid: 'LetTheQueryListEvents', Effect: 'Allow', Action: 's3:ListBucket', Resource: bucket, Condition: { StringLike: { 's3:prefix': `${data}*` } } },
    { Sid: 'LetTheQueryWriteItsResults', Effect: 'Allow', Action: ['s3:GetObject', 's3:PutObject', 's3:AbortMultipartUpload'], Resource: `${bucket}/${locateResults}*` },
    // Athena looks up the results bucket's region as the caller: AmazonAthenaFullAccess grants s3:GetBucketLocation on
    // results buckets beside Get/Put/AbortMultipartUpload (Athena user guide, "AWS managed policy:
    // AmazonAthenaFullAccess"), as the analysts' policy does (analysts.ts, LocateTheBucket).
    { Sid: 'LetTheQueryLocateTheBucket', Effect: 'Allow', Action: 's3:GetBucketLocation', Resource: bucket },
    keyThroughS3AndAthena(p.keyArn, p.env.region),
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

  constructor(scope: Construct, id: string, props: ErasureProps) {
    super(scope, id);
    this.workgroup = new AthenaWorkgroup(this, 'workgroup', {
      name: props.names.erasureWorkgroup,
      description: `The locating query of npm run erase on ${props.names.stack} alone; results in s3://${props.names.dataBucket}/${ERASURE_LOCATE_RESULTS_FOLDER}`,
      state: 'ENABLED',
      configuration: {
        enforceWorkgroupConfiguration: true,
        publishCloudwatchMetricsEnabled: true,
        bytesScannedCutoffPerQuery: (props.athena ?? DEFAULT_SETTINGS.athena).bytesScannedCutoffPerQuery,
        resultConfiguration: {
          outputLocation: `s3://${props.names.dataBucket}/${ERASURE_LOCATE_RESULTS_FOLDER}`,
          encryptionConfiguration: { encryptionOption: 'SSE_KMS', kmsKeyArn: props.keyArn },
        },
      },
    });
    ({ policy: this.policy, role: this.role } = peopleAccess(this, {
      name: props.names.erasure,
      description: `Erasure requests on ${props.names.stack}: rewrite events and failed records, delete their old versions and query results naming the ids`,
      statements: erasureStatements(props),
      principals: props.principals ?? [],
      trustSid: 'ConfiguredOperatorsAssume',
    }));
  }
}
