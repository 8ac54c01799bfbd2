/**
 * Every resource name derived from the deployment, defined once. IAM is global per account, so role names
 * carry the region; regional resources carry only project and environment.
 */
import type { BackendSettings, PipelineSettings } from './schema';

export interface ResourceNames {
  /** Stack id and Terraform Cloud workspace suffix: `telemetry-prod-eu-central-1`. */
  stack: string;
  /** Data bucket: globally unique by construction (account and region in the name). */
  dataBucket: string;
  /** Where S3 delivers the data bucket's server access logs (with `logs.bucketAccessLogs`). */
  accessLogBucket: string;
  /** Firehose delivery stream. */
  deliveryStream: string;
  /** KMS alias of the stack's key. */
  kmsAlias: string;
  /** CloudWatch log group for Firehose delivery errors. */
  firehoseLogGroup: string;
  /** Glue database (Athena-safe: lowercase, digits, underscores). */
  glueDatabase: string;
  /**
   * The events table at the data folder, kept by Terraform in every catalog mode (the crawler only adds partitions).
   */
  table: string;
  /** Table holding the event contract's schema for Firehose Parquet conversion (crawler modes). */
  contractTable: string;
  /** Glue crawler. */
  crawler: string;
  /** Athena workgroup. */
  workgroup: string;
  /**
   * The erasure's own Athena workgroup (`npm run erase`'s locating query): its query history and results are reachable
   * only by the erasure policy, not by the analysts of `workgroup`.
   */
  erasureWorkgroup: string;
  /**
   * The erasure's own table over the events folder, one string column per raw line (JSON events only): what the
   * locating query reads, so that locating depends on no JSON parser agreeing with the erasure's
   * (scripts/erase/athena-locate.ts).
   */
  erasureLinesTable: string;
  /**
   * KMS alias of the HMAC key that keys erasure receipts (`npm run erase`): only the erasure may compute or verify a
   * MAC with it, so a holder of a receipt cannot test a guessed id against it.
   */
  erasureReceiptKeyAlias: string;
  /** SNS topic for the stack's alerts. */
  alertTopic: string;
  /** SQS queue of S3 object events the crawler consumes (catalog mode `crawler-events`). */
  dataEventsQueue: string;
  /** Dead-letter queue of `dataEventsQueue`. */
  dataEventsDlq: string;
  /** Cognito identity pool (letters, digits, underscores, spaces). */
  identityPool: string;
  /** IAM role names, one per service role. */
  roles: { firehose: string; crawler: string; ingestion: string; analyst: string };
  /** The erasure policy, and role when principals are configured (`npm run erase`). */
  erasure: string;
  /** Roles an HCP Terraform run of the stack assumes, per run phase (cloud backends; made by the trust stack). */
  deployRoles: { plan: string; apply: string };
}

/**
 * Folder of the data bucket that the schema-only contract table of the crawler modes points at, and that nothing
 * writes to. Firehose reads only that table's columns; pointed at the crawled data folder, it would be an existing
 * table at the crawler's location, which the crawler could take over instead of creating the table queries read.
 */
export const CONTRACT_SCHEMA_FOLDER = 'contract-schema/';

/** The part of a Firehose prefix before its first expression, cut back to the last folder: `data/`. */
export function staticFolder(prefix: string): string {
  const beforeExpression = prefix.split('!{')[0];
  return beforeExpression.slice(0, beforeExpression.lastIndexOf('/') + 1);
}

/** Name of the innermost static folder of a prefix (`data/` → `data`). */
export function folderName(prefix: string): string {
  const parts = staticFolder(prefix).split('/').filter(Boolean);
  return parts[parts.length - 1] ?? '';
}

export function stackName(project: string, environment: string, region: string): string {
  return `${project}-${environment}-${region}`;
}

export function resourceNames(
  project: string,
  environment: string,
  region: string,
  accountId: string,
  settings: PipelineSettings,
): ResourceNames {
  const base = `${project}-${environment}`;
  const stack = stackName(project, environment, region);
  return {
    stack,
    dataBucket: `${base}-${accountId}-${region}`,
    accessLogBucket: accessLogBucketOf(`${base}-${accountId}-${region}`),
    deliveryStream: `${base}-events`,
    kmsAlias: `alias/${base}-telemetry`,
    firehoseLogGroup: `/aws/kinesisfirehose/${base}-events`,
    glueDatabase: `${project}_${environment}`.replace(/-/g, '_'),
    table: `${settings.catalog.tablePrefix}${folderName(settings.firehose.dataPrefix)}`,
    contractTable: `${settings.catalog.tablePrefix}contract`,
    crawler: `${base}-events`,
    workgroup: `${base}-events`,
    erasureWorkgroup: `${base}-erasure`,
    erasureLinesTable: `${settings.catalog.tablePrefix}${folderName(settings.firehose.dataPrefix)}_erasure_lines`,
    erasureReceiptKeyAlias: `alias/${base}-erasure-receipts`,
    alertTopic: `${base}-alerts`,
    dataEventsQueue: `${base}-events-data-events`,
    dataEventsDlq: `${base}-events-data-events-dlq`,
    identityPool: `${project}_${environment}_events`.replace(/-/g, '_'),
    roles: {
      firehose: `${stack}-firehose`,
      crawler: `${stack}-crawler`,
      ingestion: `${stack}-ingestion`,
      analyst: `${stack}-analyst`,
    },
    erasure: erasurePolicyOf(stack),
    deployRoles: { plan: `${stack}-deploy-plan`, apply: `${stack}-deploy-apply` },
  };
}

/** The erasure policy (and role) of a stack: what the report looks for to say who may run `npm run erase`. */
export const erasurePolicyOf = (stack: string): string => `${stack}-erasure`;

/**
 * The permissions boundary every role of a pipeline stack carries (stacks/deploy-permissions.ts permissionsBoundary):
 * a managed policy made by the stack's trust or bootstrap stack, which the pipeline's apply role cannot change.
 */
export const permissionsBoundaryOf = (stack: string): string => `${stack}-boundary`;
/** Whether a managed policy's name is a stack's permissions boundary (which caps roles and grants nobody anything). */
export const isPermissionsBoundaryName = (name: string): boolean => name.endsWith(permissionsBoundaryOf(''));

/** Folder of the data bucket holding each erasure request's journal and receipt (`npm run erase`). */
export const ERASURE_REQUESTS_FOLDER = 'erasure-requests/';

/**
 * Folder of the data bucket where the erasure's workgroup writes its locating query's results (folders, counts and
 * keys of objects; never ids), apart from the analysts' results folder.
 */
export const ERASURE_LOCATE_RESULTS_FOLDER = 'erasure-locate-results/';

/**
 * The one column of the erasure's raw-line table (stacks/constructs/erasure.ts): a line of an events object,
 * as written.
 */
export const ERASURE_LINES_COLUMN = 'line';

/**
 * How many hex characters of each id's SHA-256 digest the erasure's locating query sends
 * (scripts/erase/athena-locate.ts; the report's erasure section says it): 4, so 16^4 = 65,536 possible prefixes. The
 * parameters stay in the erasure workgroup's query history for 45 days and may be in CloudTrail's StartQueryExecution
 * events; a reader of either who can query the events table could hash every client id and name the erased device
 * from a full digest (SHA-256 without salt or key). A prefix only narrows the reader to the client ids sharing it,
 * about 1 in 65,536 of them (k-anonymity: with N client ids, about N / 65,536 devices per prefix; a table with fewer
 * client ids than that gives the device little or no company). The trade-off: the query also marks every object
 * holding a device that shares a prefix, and the run reads those too, leaving them intact (it matches ids exactly
 * after JSON decoding, records.ts): per id, about 1 in 65,536 of the other devices adds its objects to the reads,
 * never to the deletions. Shorter prefixes hide better and read more; longer ones read less and hide worse.
 */
export const LOCATE_DIGEST_PREFIX_HEX = 4;

/** Days the locating query's results are kept: a run reads them within minutes of the query (its lifecycle expiry). */
export const ERASURE_LOCATE_RESULTS_DAYS = 1;

/** Stack that holds one account's trust in the HCP Terraform hosts its deployments use, and their deploy roles. */
export function trustStackName(project: string, accountId: string): string {
  return `${project}-trust-${accountId}`;
}

/**
 * Stack that creates the HCP Terraform project and workspaces of one organization on one host. The host is part of
 * the name (`app`, `app-eu`, or a Terraform Enterprise host's name): organizations are named per host, so one name can
 * exist on two hosts.
 */
export function workspacesStackName(project: string, organization: string, hostname: string): string {
  const host = hostname
    .toLowerCase()
    .replace(/\.terraform\.io$/, '')
    .replace(/[^a-z0-9]+/g, '-');
  return `${project}-workspaces-${host}-${organization}`;
}

/** Stack that creates the S3 state bucket of one account × region. */
export function bootstrapStackName(project: string, accountId: string, region: string): string {
  return `${project}-bootstrap-${accountId}-${region}`;
}

/** Where S3 delivers a bucket's server access logs (the data bucket's, a state bucket's). */
export const accessLogBucketOf = (bucket: string): string => `${bucket}-access-logs`;

/** Alias of the KMS key that encrypts state in the bootstrap bucket of one account × region. */
export function stateKeyAlias(project: string): string {
  return `alias/${project}-tfstate`;
}

type S3BackendSettings = Extract<BackendSettings, { type: 's3' }>;
type CloudBackendSettings = Extract<BackendSettings, { type: 'cloud' }>;
export interface S3StateLocation {
  bucket: string;
  key: string;
}
export interface CloudStateLocation {
  workspace: string;
}

/** S3 state bucket and key, or Terraform Cloud workspace, for a stack (typed by the backend's variant). */
export function backendLocation(
  backend: S3BackendSettings,
  environment: string,
  region: string,
  accountId: string,
): S3StateLocation;
export function backendLocation(
  backend: CloudBackendSettings,
  environment: string,
  region: string,
  accountId: string,
): CloudStateLocation;
export function backendLocation(
  backend: BackendSettings,
  environment: string,
  region: string,
  accountId: string,
): S3StateLocation | CloudStateLocation;
export function backendLocation(
  backend: BackendSettings,
  environment: string,
  region: string,
  accountId: string,
): S3StateLocation | CloudStateLocation {
  return backend.type === 's3'
    ? {
        bucket: `${backend.bucketPrefix}-${accountId}-${region}`,
        key: `${backend.keyPrefix}/${environment}/${region}/terraform.tfstate`,
      }
    : { workspace: `${backend.workspacePrefix}-${environment}-${region}` };
}
