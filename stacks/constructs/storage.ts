import { KmsAlias } from '@cdktf/provider-aws/lib/kms-alias';
import { KmsKey } from '@cdktf/provider-aws/lib/kms-key';
import {
  S3BucketNotification,
  type S3BucketNotificationQueue,
  type S3BucketNotificationTopic,
} from '@cdktf/provider-aws/lib/s3-bucket-notification';
import { retentionSteps, RETENTION_LEFT_TAG } from '../../config/rewrite-retention';
import {
  S3BucketLifecycleConfiguration,
  type S3BucketLifecycleConfigurationRule,
} from '@cdktf/provider-aws/lib/s3-bucket-lifecycle-configuration';
import { S3BucketVersioningA } from '@cdktf/provider-aws/lib/s3-bucket-versioning';
import { dependable, Lazy, type ITerraformDependable } from 'cdktf';
import { Construct } from 'constructs';
import type { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';
import { DEFAULT_SETTINGS } from '../../config/defaults';
import {
  ERASURE_LOCATE_RESULTS_DAYS,
  ERASURE_LOCATE_RESULTS_FOLDER,
  ERASURE_REQUESTS_FOLDER,
  staticFolder,
  type ResourceNames,
} from '../../config/names';
import type { AthenaSettings, FirehoseSettings, LifecycleSettings, ProtectionSettings } from '../../config/schema';
import { arnsOf, policyDocument, type AwsEnvironment, type PolicyStatement } from '../iam';
import { AccessLogs } from './access-logs';
import { accountKeyStatements, keyProtection, privateBucket } from './private-bucket';

export interface StorageProps {
  /** Account, region and partition of the key and bucket. */
  readonly env: AwsEnvironment;
  /** The stack (for the key's description), the data bucket and the key's alias. */
  readonly names: Pick<ResourceNames, 'stack' | 'dataBucket' | 'accessLogBucket' | 'kmsAlias'>;
  /** The retention timeline of events and failed records. */
  readonly lifecycle: LifecycleSettings;
  /** Where Firehose writes events and failed records: the static folders of these prefixes get the lifecycle. */
  readonly folders: Pick<FirehoseSettings, 'dataPrefix' | 'errorPrefix'>;
  /** Where Athena writes results, and how long they are kept. */
  readonly athena: Pick<AthenaSettings, 'resultsPrefix' | 'resultsExpirationDays'>;
  /**
   * Destroy protection and the undo window of versioning.
   * @default DEFAULT_SETTINGS.protection: prevent_destroy on bucket and key, noncurrent versions kept 7 days
   */
  readonly protection?: ProtectionSettings;
  /**
   * S3 server access logging of the data bucket into its own log bucket, kept `retentionDays`.
   * @default none: no access logs
   */
  readonly accessLogs?: { readonly retentionDays: number };
  /**
   * Days erasure requests' records, journals and receipts are kept (`erasure-requests/`, from each object's
   * last write).
   * @default DEFAULT_SETTINGS.erasure.receiptRetentionDays
   */
  readonly erasureReceiptDays?: number;
  /**
   * IAM principals that administer the key without using it.
   * @default none: the account administers and uses the key through IAM
   */
  readonly keyAdministrators?: readonly string[];
}

/** What a consumer of the stack key needs: the key, and a way to let its own service use it. */
export interface KeyPolicyContributions {
  readonly key: KmsKey;
  /** Adds a statement to the key policy (rendered once, at synth). In a key policy, `Resource: "*"` means this key. */
  addToKeyPolicy(statement: PolicyStatement): void;
}

/** One destination of the bucket's event notifications, and the resource policy S3 checks before accepting it. */
export interface BucketNotificationDestination {
  readonly topic?: S3BucketNotificationTopic;
  readonly queue?: S3BucketNotificationQueue;
  /** The destination's policy that lets this bucket publish; the notification is set after it. */
  readonly after: ITerraformDependable;
}

/** What a consumer of the bucket's events needs. */
export interface BucketNotifications {
  addNotification(destination: BucketNotificationDestination): void;
}

/** Lifecycle transitions and expiration of one prefix, from the deployment's retention profile. */
function retentionRule(id: string, prefix: string, l: LifecycleSettings): S3BucketLifecycleConfigurationRule {
  const transitions = [
    { days: l.standardIaDays, storageClass: 'STANDARD_IA' },
    { days: l.glacierInstantRetrievalDays, storageClass: 'GLACIER_IR' },
    { days: l.deepArchiveDays, storageClass: 'DEEP_ARCHIVE' },
  ].filter((t): t is { days: number; storageClass: string } => t.days !== null);
  return {
    id,
    status: 'Enabled',
    filter: [{ prefix }],
    transition: transitions,
    expiration: [{ days: l.expirationDays }],
  };
}

/**
 * Rules expiring objects an erasure rewrote by the days of retention they had left (config/rewrite-retention.ts): one
 * per step, filtered by the tag only `npm run erase` writes (on events and failed records alone), so one rule serves
 * both folders — and a filter of one tag, not `and`, which the emulator's read-back never settled on for the provider.
 */
function rewrittenRetentionRules(l: LifecycleSettings): S3BucketLifecycleConfigurationRule[] {
  return retentionSteps(l.expirationDays).map((days) => ({
    id: `rewritten-${days}d-left`,
    status: 'Enabled',
    filter: [{ tag: [{ key: RETENTION_LEFT_TAG, value: String(days) }] }],
    expiration: [{ days }],
  }));
}

/**
 * The stack's KMS key and its data bucket: events, failed records and Athena results, all in the stack's
 * region under the one key, private, TLS-only, versioned, with the profile's lifecycle; bucket and key carry
 * `prevent_destroy` unless `protection.allowDestroy`.
 */
export class Storage extends Construct implements KeyPolicyContributions, BucketNotifications {
  readonly key: KmsKey;
  private readonly keyStatements: PolicyStatement[];
  private notification?: S3BucketNotification;
  private readonly notificationTopics: S3BucketNotificationTopic[] = [];
  private readonly notificationQueues: S3BucketNotificationQueue[] = [];
  readonly bucket: S3Bucket;
  /** `s3://<bucket>/<resultsPrefix>` — where Athena writes query results. */
  readonly athenaResultsLocation: string;

  constructor(scope: Construct, id: string, props: StorageProps) {
    super(scope, id);
    const { names, lifecycle, athena } = props;
    const protection = props.protection ?? DEFAULT_SETTINGS.protection;
    const arn = arnsOf(props.env);

    this.keyStatements = accountKeyStatements(arn.root(), props.keyAdministrators);
    this.key = new KmsKey(this, 'key', {
      description: `${names.stack}: telemetry data, Firehose, logs and Athena results`,
      enableKeyRotation: true,
      deletionWindowInDays: 30,
      ...keyProtection(protection.allowDestroy),
      // Each service that encrypts with the key brings its own statement (addToKeyPolicy); rendered at synth.
      policy: Lazy.stringValue({ produce: () => policyDocument(this.keyStatements) }),
    });
    new KmsAlias(this, 'key-alias', { name: names.kmsAlias, targetKeyId: this.key.keyId });

    this.bucket = privateBucket(this, 'data', {
      bucketName: names.dataBucket,
      bucketArn: arn.bucket(names.dataBucket),
      key: this.key,
      allowDestroy: protection.allowDestroy,
    });
    const bucketId = this.bucket.id;
    // An overwrite or delete by any principal with access can be undone for noncurrentVersionExpirationDays (S3
    // user guide, security best practices: "enable versioning"). Firehose and Athena only ever write new keys, so
    // noncurrent versions appear only when something deletes, overwrites or expires an object.
    const versioning = new S3BucketVersioningA(this, 'versioning', {
      bucket: bucketId,
      versioningConfiguration: { status: 'Enabled' },
    });

    new S3BucketLifecycleConfiguration(this, 'lifecycle', {
      bucket: bucketId,
      // The provider's docs: a configuration with noncurrent-version rules should follow the versioning resource.
      dependsOn: [versioning],
      transitionDefaultMinimumObjectSize: lifecycle.transitionSmallObjects
        ? 'varies_by_storage_class'
        : 'all_storage_classes_128K',
      rule: [
        retentionRule('events', staticFolder(props.folders.dataPrefix), lifecycle),
        // Failed records are event data too: same retention as the events.
        retentionRule('failed-records', staticFolder(props.folders.errorPrefix), lifecycle),
        // An object rewritten by an erasure keeps its data's expiry, not the rewrite's (config/rewrite-retention.ts).
        ...rewrittenRetentionRules(lifecycle),
        {
          id: 'athena-results',
          status: 'Enabled',
          filter: [{ prefix: athena.resultsPrefix }],
          expiration: [{ days: athena.resultsExpirationDays }],
        },
        // The erasure workgroup's results (stacks/constructs/erasure.ts): read by the run that wrote them, then gone.
        {
          id: 'erasure-locate-results',
          status: 'Enabled',
          filter: [{ prefix: ERASURE_LOCATE_RESULTS_FOLDER }],
          expiration: [{ days: ERASURE_LOCATE_RESULTS_DAYS }],
        },
        {
          id: 'erasure-receipts',
          status: 'Enabled',
          filter: [{ prefix: ERASURE_REQUESTS_FOLDER }],
          expiration: [{ days: props.erasureReceiptDays ?? DEFAULT_SETTINGS.erasure.receiptRetentionDays }],
        },
        {
          id: 'abort-incomplete-multipart-uploads',
          status: 'Enabled',
          filter: [{}],
          abortIncompleteMultipartUpload: [{ daysAfterInitiation: lifecycle.abortIncompleteMultipartUploadDays }],
        },
        {
          // Expiring a current version leaves a noncurrent one (restorable) and a delete marker: the version goes
          // after noncurrentVersionExpirationDays, then the marker, which S3 removes once it is the last version.
          // (A rule cannot hold both expiration days and expired_object_delete_marker: S3 API, LifecycleExpiration.)
          id: 'expire-noncurrent-versions',
          status: 'Enabled',
          filter: [{}],
          noncurrentVersionExpiration: [{ noncurrentDays: protection.noncurrentVersionExpirationDays }],
          expiration: [{ expiredObjectDeleteMarker: true }],
        },
      ],
    });
    this.athenaResultsLocation = `s3://${names.dataBucket}/${athena.resultsPrefix}`;
    if (props.accessLogs) {
      new AccessLogs(this, 'access-logs', {
        env: props.env,
        source: this.bucket,
        sourceName: names.dataBucket,
        logBucketName: names.accessLogBucket,
        encryption: this,
        retentionDays: props.accessLogs.retentionDays,
        allowDestroy: protection.allowDestroy,
      });
    }
  }

  addToKeyPolicy(statement: PolicyStatement): void {
    this.keyStatements.push(statement);
  }

  /**
   * Adds a destination to the bucket's event notifications. S3 keeps one notification configuration per bucket, so
   * every consumer (alerts on failed records, the crawler's event queue, …) contributes to this single resource,
   * created on first use and updated with each contribution; it is set after each destination's policy, which
   * S3 checks.
   */
  addNotification(destination: BucketNotificationDestination): void {
    if (destination.topic) this.notificationTopics.push(destination.topic);
    if (destination.queue) this.notificationQueues.push(destination.queue);
    // Concrete block lists, re-put on each contribution: a Lazy block list renders wrongly in `cdktf synth --hcl`.
    this.notification ??= new S3BucketNotification(this, 'notifications', { bucket: this.bucket.id });
    if (destination.topic) this.notification.putTopic([...this.notificationTopics]);
    if (destination.queue) this.notification.putQueue([...this.notificationQueues]);
    this.notification.dependsOn = [...(this.notification.dependsOn ?? []), dependable(destination.after)];
  }
}
