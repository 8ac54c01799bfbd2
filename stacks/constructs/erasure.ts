import type { IamPolicy } from '@cdktf/provider-aws/lib/iam-policy';
import type { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { Construct } from 'constructs';
import { ERASURE_REQUESTS_FOLDER, type ResourceNames } from '../../config/names';
import { arnsOf, type AwsEnvironment, type PolicyStatement } from '../iam';
import { keyThroughS3AndAthena, peopleAccess } from './people-access';

export interface ErasureProps {
  readonly env: AwsEnvironment;
  /** The stack (policy and role name), the data bucket, and the workgroup, database and table of the locating query. */
  readonly names: Pick<ResourceNames, 'stack' | 'dataBucket' | 'erasure' | 'workgroup' | 'glueDatabase'>;
  /** Static folders of the events, the failed records and the query results (`data/`, `errors/`, `athena-results/`). */
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
 * journals and receipts; run its one locating query in the workgroup (reading the catalog and the events, writing its
 * result); use the stack's key only through S3 and Athena. Nothing else: no catalog changes, no other bucket.
 */
export function erasureStatements(p: Pick<ErasureProps, 'env' | 'names' | 'folders' | 'keyArn'>): PolicyStatement[] {
  const arn = arnsOf(p.env);
  const bucket = arn.bucket(p.names.dataBucket);
  const { data, errors, results } = p.folders;
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
    // Locating with Athena (--locate athena): one query in the workgroup, reading the catalog and, as the caller, the
    // events; its results written to the results folder (Athena user guide, "Access to Amazon S3" for queries).
    { Sid: 'LocateWithOneQuery', Effect: 'Allow', Action: ['athena:GetWorkGroup', 'athena:StartQueryExecution', 'athena:GetQueryExecution', 'athena:GetQueryResults'], Resource: `arn:${p.env.partition}:athena:${p.env.region}:${p.env.accountId}:workgroup/${p.names.workgroup}` },
    { Sid: 'ReadTheCatalogForIt', Effect: 'Allow', Action: ['glue:GetDatabase', 'glue:GetTable', 'glue:GetPartitions'], Resource: [arn.glue('catalog'), arn.glue(`database/${p.names.glueDatabase}`), arn.glue(`table/${p.names.glueDatabase}/*`)] },
    { Sid: 'LetTheQueryReadEvents', Effect: 'Allow', Action: 's3:GetObject', Resource: `${bucket}/${data}*` },
    { Sid: 'LetTheQueryListEvents', Effect: 'Allow', Action: 's3:ListBucket', Resource: bucket, Condition: { StringLike: { 's3:prefix': `${data}*` } } },
    { Sid: 'LetTheQueryWriteItsResults', Effect: 'Allow', Action: ['s3:GetObject', 's3:PutObject', 's3:AbortMultipartUpload'], Resource: `${bucket}/${results}*` },
    // Athena looks up the results bucket's region as the caller: AmazonAthenaFullAccess grants s3:GetBucketLocation on
    // results buckets beside Get/Put/AbortMultipartUpload (Athena user guide, "AWS managed policy:
    // AmazonAthenaFullAccess"), as the analysts' policy does (analysts.ts, LocateTheBucket).
    { Sid: 'LetTheQueryLocateTheBucket', Effect: 'Allow', Action: 's3:GetBucketLocation', Resource: bucket },
    keyThroughS3AndAthena(p.keyArn, p.env.region),
  ];
}

/** The erasure policy of a stack, and a role with it when principals are configured (docs/operating.md, erasure). */
export class Erasure extends Construct {
  readonly policy: IamPolicy;
  readonly role?: IamRole;

  constructor(scope: Construct, id: string, props: ErasureProps) {
    super(scope, id);
    ({ policy: this.policy, role: this.role } = peopleAccess(this, {
      name: props.names.erasure,
      description: `Erasure requests on ${props.names.stack}: rewrite events and failed records, delete their old versions and query results naming the ids`,
      statements: erasureStatements(props),
      principals: props.principals ?? [],
      trustSid: 'ConfiguredOperatorsAssume',
    }));
  }
}
