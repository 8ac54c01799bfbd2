/**
 * Turns one synthesized stack (`cdktf.out/stacks/<stack>/cdk.tf.json`) — what will really be deployed — into
 * the facts a compliance reviewer asks for: identity, data stores, retention, access, data flow, findings
 * and cost. Everything is sorted so the output is stable for diffs.
 */
import { posix } from 'node:path';
import { NOT_QUERYABLE_WITHOUT_RESTORE, S3_RULES } from '../../config/aws';
import { staticFolder } from '../../config/names';
import { asList as list, bucketControls, parsePolicy, type Finding, type TerraformJson } from '../../stacks/policy-checks';
import { runRules, sortFindings } from '../../stacks/rules/engine';
import { SYNTH_GATE } from '../../stacks/rules/packs';
import { REPORT_ONLY } from './rules/pack';
import type { CapacitySettings } from '../../config/schema';
import { capacityCheck, type CapacityCheck } from './capacity';
import { estimateCost, type CostEstimate } from './cost';

export interface Transition {
  days: number;
  storageClass: string;
}

export interface Retention {
  transitions: Transition[];
  /** Days until deletion; null when kept until someone deletes it. */
  expirationDays: number | null;
  /**
   * Day from which objects sit in a storage class Athena does not read without a restore (Glacier Flexible
   * Retrieval, Deep Archive) and leave query results; null when they stay queryable until deleted.
   */
  notQueryableFromDay: number | null;
  /** Human-readable notes: minimum storage charges, transitions S3 skips, queryability, noncurrent versions. */
  notes: string[];
}

export interface DataStore {
  name: string;
  kind: string;
  holds: string;
  region: string;
  encryption: string;
  keyRotation: boolean | null;
  publicAccess: string;
  tlsOnly: boolean | null;
  /** What stops a `terraform destroy` from deleting it. */
  protection: string;
  retention: Retention;
}

export interface AccessEntry {
  role: string;
  assumedBy: string;
  conditions: string[];
  grants: { actions: string[]; resources: string[]; conditions: string[] }[];
  managedPolicies: string[];
}

export interface FlowEdge {
  from: string;
  to: string;
  region: string;
  via: string;
}

export interface StackReport {
  stack: string;
  identity: {
    environment: string;
    region: string;
    account: string;
    jurisdiction: string;
    classification: string;
    retentionProfile: string;
    backend: { type: string; location: string; region: string };
    /** Regions other than its own the deployment may reference (config `allowedRegions`). */
    residencyExceptions: string[];
  };
  /** Terraform address → the resource's AWS name (bucket, key alias, role, topic…), for plain names in the page. */
  names: Record<string, string>;
  /** What alerts on-call, and where the alerts go (email addresses masked: reports get pasted into pull requests). */
  alerts: { alarms: string[]; destinations: string[] };
  stores: DataStore[];
  access: AccessEntry[];
  resourcePolicies: { resource: string; statements: string[] }[];
  /** Each bucket and KMS key, by its AWS name, and what stops `terraform destroy` from deleting it. */
  protection: { resource: string; status: string }[];
  flow: FlowEdge[];
  /** The configured peak against the region's Firehose quotas (pipeline stacks of the configured matrix). */
  capacity: CapacityCheck | null;
  findings: Finding[];
  cost: CostEstimate | null;
}

type Body = Record<string, unknown>;

/** `${aws_kms_key.storage_key_1.arn}` → `aws_kms_key.storage_key_1`; literals stay as they are. */
export function displayRef(value: unknown): string {
  const text = String(value);
  return text.replace(/\$\{([a-z0-9_]+\.[A-Za-z0-9_-]+)\.[a-z_]+\}/g, '$1');
}

function one(tf: TerraformJson, type: string): [string, Body][] {
  return Object.entries(tf.resource?.[type] ?? {}).sort(([a], [b]) => a.localeCompare(b));
}

/** The stack's Firehose stream and its S3 delivery settings (both empty in a stack without a pipeline). */
function firehoseOf(tf: TerraformJson): { stream?: Body; s3: Body } {
  const stream = one(tf, 'aws_kinesis_firehose_delivery_stream')[0]?.[1];
  return { stream, s3: (stream?.extended_s3_configuration ?? {}) as Body };
}

/** Where an Athena workgroup writes query results (`''` without a workgroup). */
function resultsLocationOf(workgroup: Body | undefined): string {
  return String(((workgroup?.configuration as Body)?.result_configuration as Body)?.output_location ?? '');
}

/** The key a reference points at, with its alias and rotation, e.g. `alias/x (aws_kms_key.k)`. */
function keyInfo(tf: TerraformJson, ref: unknown): { label: string; rotation: boolean | null } {
  if (ref === undefined || ref === null || ref === '') return { label: 'none', rotation: null };
  const address = /\$\{aws_kms_key\.([A-Za-z0-9_-]+)\.(arn|id|key_id)\}/.exec(String(ref))?.[1];
  if (!address) return { label: `SSE-KMS ${displayRef(ref)} (not managed by this stack)`, rotation: null };
  const key = tf.resource?.aws_kms_key?.[address] ?? {};
  const alias = one(tf, 'aws_kms_alias').find(([, a]) => String(a.target_key_id).includes(`aws_kms_key.${address}.`))?.[1].name;
  return { label: `SSE-KMS ${alias ?? 'key'} (aws_kms_key.${address})`, rotation: key.enable_key_rotation === true };
}

const MINIMUM_DAYS: Record<string, number> = {
  STANDARD_IA: S3_RULES.minDaysBeforeIa,
  ONEZONE_IA: S3_RULES.minDaysBeforeIa,
  GLACIER_IR: S3_RULES.glacierMinimumStorageDays,
  GLACIER: S3_RULES.glacierMinimumStorageDays,
  DEEP_ARCHIVE: S3_RULES.deepArchiveMinimumStorageDays,
};

/** The first transition into a class Athena skips unless restored (see NOT_QUERYABLE_WITHOUT_RESTORE). */
function archivedFrom(transitions: Transition[]): Transition | undefined {
  return transitions.find((t) => (NOT_QUERYABLE_WITHOUT_RESTORE as readonly string[]).includes(t.storageClass));
}

/** Minimum-storage-charge consequences of a timeline, S3's small-object rule, queryability and undo window. */
function retentionNotes(transitions: Transition[], expirationDays: number | null, smallObjectsSkipped: boolean, noncurrentDays: number | null): string[] {
  const notes: string[] = [];
  const archived = archivedFrom(transitions);
  if (archived) {
    notes.push(
      `not queryable from day ${archived.days} (${archived.storageClass}) until deleted: Athena skips archived objects; restore them first ` +
        '(S3 RestoreObject, Bulk retrieval within 48 h for Deep Archive, billed per GB retrieved plus the temporary copy) and query the restored copies',
    );
  }
  if (noncurrentDays !== null) {
    notes.push(`deleted or overwritten objects stay restorable ${noncurrentDays} days as noncurrent versions${expirationDays !== null ? `; gone for good by day ${expirationDays + noncurrentDays}` : ''}`);
  }
  transitions.forEach((t, i) => {
    const leaves = transitions[i + 1]?.days ?? expirationDays;
    const minimum = MINIMUM_DAYS[t.storageClass];
    if (leaves === null || minimum === undefined) return;
    const stay = leaves - t.days;
    notes.push(
      stay < minimum
        ? `${t.storageClass}: objects stay ${stay} days but are billed for at least ${minimum}`
        : `${t.storageClass}: objects stay ${stay} days (minimum charge ${minimum} days is met)`,
    );
  });
  if (transitions.length > 0 && smallObjectsSkipped) {
    notes.push('objects under 128 KB do not transition (S3 default since Sep 2024) and stay in STANDARD until deleted');
  }
  return notes;
}

function lifecycleOf(tf: TerraformJson, bucketName: string, bucketValue: string) {
  const config = one(tf, 'aws_s3_bucket_lifecycle_configuration').find(([, c]) => c.bucket === bucketValue || String(c.bucket).includes(`aws_s3_bucket.${bucketName}.`))?.[1];
  const smallObjectsSkipped = (config?.transition_default_minimum_object_size ?? 'all_storage_classes_128K') === 'all_storage_classes_128K';
  const rules = list(config?.rule as Body[]).map((rule) => {
    const filter = list(rule.filter as Body[])[0] ?? {};
    const transitions = list(rule.transition as Body[])
      .map((t) => ({ days: Number(t.days), storageClass: String(t.storage_class) }))
      .sort((a, b) => a.days - b.days);
    const expiration = list(rule.expiration as Body[])[0];
    const noncurrent = list(rule.noncurrent_version_expiration as Body[])[0];
    return {
      id: String(rule.id),
      prefix: String(filter.prefix ?? ''),
      transitions,
      expirationDays: expiration?.days === undefined ? null : Number(expiration.days),
      noncurrentDays: noncurrent ? Number(noncurrent.noncurrent_days) : null,
    };
  });
  return { rules, smallObjectsSkipped };
}

/** `oncall@example.com` → `o…@example.com`: enough to review where alerts go, without publishing the address. */
export function maskEmail(address: string): string {
  const [local, domain] = address.split('@');
  return domain ? `${local.slice(0, 1)}…@${domain}` : '…';
}

/** Alarms and EventBridge rules of the stack, and the destinations of its alert topics. */
function alertsOf(tf: TerraformJson): StackReport['alerts'] {
  const alarms = [
    ...one(tf, 'aws_cloudwatch_metric_alarm').map(([, a]) => `alarm ${a.alarm_name}`),
    ...one(tf, 'aws_cloudwatch_event_rule').map(([, r]) => `rule ${r.name}`),
    ...one(tf, 'aws_s3_bucket_notification').flatMap(([, n]) => list(n.topic as Body[]).map((t) => `S3 notification ${t.id ?? ''}`.trim())),
  ].sort();
  const topics = one(tf, 'aws_sns_topic').map(([, t]) => `SNS topic ${t.name}`);
  const destinations = [
    ...topics,
    ...one(tf, 'aws_sns_topic_subscription').map(([, s]) => `${s.protocol} ${s.protocol === 'email' ? maskEmail(String(s.endpoint)) : String(s.endpoint)}`),
  ].sort();
  return { alarms, destinations };
}

/** What stops a destroy from deleting a bucket or key: `prevent_destroy`, or the opt-out with its ordering. */
function protectionOf(resource: Body, optedOut: boolean): string {
  if ((resource.lifecycle as Body | undefined)?.prevent_destroy === true) return 'prevent_destroy';
  if (!optedOut) return 'none';
  return resource.force_destroy === true ? 'destroyable (protection.allowDestroy): emptied and deleted before its key' : 'destroyable (protection.allowDestroy): deleted after its buckets';
}

/** Whether the stack opted out of destroy protection: only the opt-out sets force_destroy on its buckets. */
const optedOutOfProtection = (tf: TerraformJson) => one(tf, 'aws_s3_bucket').some(([, b]) => b.force_destroy === true);

function stores(tf: TerraformJson, region: string): DataStore[] {
  const result: DataStore[] = [];
  const { stream, s3 } = firehoseOf(tf);
  const resultsLocation = resultsLocationOf(one(tf, 'aws_athena_workgroup')[0]?.[1]);
  const what: Record<string, string> = {};
  if (s3.prefix) what[staticFolder(String(s3.prefix))] = 'app events delivered by Firehose';
  if (s3.error_output_prefix) what[staticFolder(String(s3.error_output_prefix))] = 'records Firehose failed to deliver (raw event data)';

  for (const [name, bucket] of one(tf, 'aws_s3_bucket')) {
    const bucketName = String(bucket.bucket);
    const controls = bucketControls(tf, name);
    const key = keyInfo(tf, controls.kmsKey);
    const { rules, smallObjectsSkipped } = lifecycleOf(tf, name, bucketName);
    const versioned = one(tf, 'aws_s3_bucket_versioning').some(([, v]) => String(v.bucket).includes(`aws_s3_bucket.${name}.`));
    const bucketWideNoncurrent = rules.find((r) => r.prefix === '' && r.noncurrentDays !== null)?.noncurrentDays ?? null;
    const base = {
      kind: 'S3',
      region,
      encryption: controls.kmsKey ? key.label : 'none',
      keyRotation: key.rotation,
      publicAccess: controls.publicAccessBlocked ? 'blocked (all four settings)' : 'NOT fully blocked',
      tlsOnly: controls.tlsOnly,
      protection: protectionOf(bucket, optedOutOfProtection(tf)),
    };
    const prefixed = rules.filter((r) => r.prefix !== '');
    if (prefixed.length === 0) {
      const rule = rules[0];
      result.push({
        ...base,
        name: `s3://${bucketName}/`,
        holds: versioned ? 'Terraform state (versioned)' : 'objects',
        retention: {
          transitions: [],
          expirationDays: null,
          notQueryableFromDay: null,
          notes: rule?.noncurrentDays ? [`current objects kept until replaced; superseded versions deleted after ${rule.noncurrentDays} days`] : ['kept until deleted'],
        },
      });
      continue;
    }
    for (const rule of prefixed) {
      const location = `s3://${bucketName}/${rule.prefix}`;
      result.push({
        ...base,
        name: location,
        holds: location === resultsLocation ? 'Athena query results (derived data)' : (what[rule.prefix] ?? `objects under ${rule.prefix}`),
        retention: {
          transitions: rule.transitions,
          expirationDays: rule.expirationDays,
          notQueryableFromDay: archivedFrom(rule.transitions)?.days ?? null,
          notes: retentionNotes(rule.transitions, rule.expirationDays, smallObjectsSkipped, versioned ? bucketWideNoncurrent : null),
        },
      });
    }
  }
  if (stream) {
    const sse = (stream.server_side_encryption ?? {}) as Body;
    const key = keyInfo(tf, sse.key_arn);
    result.push({
      name: `firehose:${stream.name}`,
      kind: 'Firehose buffer',
      holds: 'events in flight (until the buffer flushes)',
      region,
      encryption: sse.enabled ? key.label : 'none',
      keyRotation: key.rotation,
      publicAccess: 'no public endpoint; IAM only',
      tlsOnly: true,
      protection: 'n/a (holds no data at rest)',
      retention: { transitions: [], expirationDays: null, notQueryableFromDay: null, notes: [`at most ${s3.buffering_interval} s or ${s3.buffering_size} MiB in the buffer; up to 24 h while S3 is unreachable`] },
    });
  }
  for (const [, group] of one(tf, 'aws_cloudwatch_log_group')) {
    const key = keyInfo(tf, group.kms_key_id);
    result.push({
      name: `logs:${group.name}`,
      kind: 'CloudWatch Logs',
      holds: 'Firehose delivery error messages (may quote record content)',
      region,
      encryption: group.kms_key_id ? key.label : 'CloudWatch Logs default encryption',
      keyRotation: key.rotation,
      publicAccess: 'IAM only',
      tlsOnly: true,
      protection: 'none: expires by its retention',
      retention: { transitions: [], expirationDays: group.retention_in_days === undefined ? null : Number(group.retention_in_days), notQueryableFromDay: null, notes: [] },
    });
  }
  for (const [, db] of one(tf, 'aws_glue_catalog_database')) {
    const tables = one(tf, 'aws_glue_catalog_table').map(([, t]) => String(t.name));
    result.push({
      name: `glue:${db.name}`,
      kind: 'Glue Data Catalog',
      holds: `table schemas and partition values (derived metadata)${tables.length ? `; tables ${tables.join(', ')}` : '; tables created by the crawler'}`,
      region,
      encryption: 'Data Catalog encryption settings of the account (not managed here)',
      keyRotation: null,
      publicAccess: 'IAM only',
      tlsOnly: true,
      protection: 'none: derived metadata, rebuilt by the crawler or the contract',
      retention: { transitions: [], expirationDays: null, notQueryableFromDay: null, notes: ['kept until the database is deleted'] },
    });
  }
  for (const [, queue] of one(tf, 'aws_sqs_queue')) {
    const key = keyInfo(tf, queue.kms_master_key_id);
    const days = Math.round(Number(queue.message_retention_seconds ?? 345600) / 86400);
    result.push({
      name: `sqs:${queue.name}`,
      kind: 'SQS',
      holds: 'S3 object-created events (object keys, no event content)',
      region,
      encryption: key.label,
      keyRotation: key.rotation,
      publicAccess: 'IAM and queue policy (this bucket only)',
      tlsOnly: true,
      protection: 'none: transient events',
      retention: { transitions: [], expirationDays: days, notQueryableFromDay: null, notes: [] },
    });
  }
  return result.sort((a, b) => a.kind.localeCompare(b.kind) || a.name.localeCompare(b.name));
}

function conditionLines(condition: unknown): string[] {
  return Object.entries((condition ?? {}) as Record<string, Record<string, unknown>>)
    .flatMap(([operator, entries]) => Object.entries(entries).map(([key, value]) => `${operator} ${key} = ${list(value as string | string[]).map(displayRef).join(' | ')}`))
    .sort();
}

/** The attribute that holds each resource type's AWS name. */
const NAME_ATTRIBUTE: Record<string, string> = {
  aws_s3_bucket: 'bucket',
  aws_iam_role: 'name',
  aws_sns_topic: 'name',
  aws_sqs_queue: 'name',
  aws_cloudwatch_log_group: 'name',
  aws_glue_crawler: 'name',
  aws_glue_catalog_database: 'name',
  aws_glue_catalog_table: 'name',
  aws_athena_workgroup: 'name',
  aws_athena_named_query: 'name',
  aws_kinesis_firehose_delivery_stream: 'name',
  aws_cognito_identity_pool: 'identity_pool_name',
  aws_cloudwatch_metric_alarm: 'alarm_name',
  aws_cloudwatch_event_rule: 'name',
  aws_kms_alias: 'name',
};

/** Terraform address → AWS name; a key is named by its alias, a bucket's settings by the bucket. */
export function awsNames(tf: TerraformJson): Record<string, string> {
  const names: Record<string, string> = {};
  for (const [type, byName] of Object.entries(tf.resource ?? {})) {
    for (const [name, body] of Object.entries(byName)) {
      const attribute = NAME_ATTRIBUTE[type];
      if (attribute && typeof body[attribute] === 'string') names[`${type}.${name}`] = `${body[attribute]}`;
      else if (type === 'aws_kms_key') {
        const alias = one(tf, 'aws_kms_alias').find(([, a]) => String(a.target_key_id).includes(`aws_kms_key.${name}.`))?.[1].name;
        names[`${type}.${name}`] = alias ? `key ${alias}` : 'KMS key';
      } else if (type.startsWith('aws_s3_bucket_') || type === 'aws_iam_role_policy' || type === 'aws_sns_topic_policy') {
        const owner = /\$\{(aws_[a-z0-9_]+\.[A-Za-z0-9_-]+)\./.exec(String(body.bucket ?? body.role ?? body.arn ?? ''))?.[1];
        if (owner) names[`${type}.${name}`] = `${type.replace(/^aws_/, '').replace(/_/g, ' ')} of ${owner}`;
      }
    }
  }
  // Second pass: "… of <address>" becomes "… of <its name>".
  for (const [address, name] of Object.entries(names)) names[address] = name.replace(/aws_[a-z0-9_]+\.[A-Za-z0-9_-]+/, (a) => names[a] ?? a);
  return names;
}

function access(tf: TerraformJson): AccessEntry[] {
  const roles = accessOfRoles(tf);
  if (roles.length > 0) return roles;
  // A stack without roles (the state bootstrap): its bucket and key are reached through the account's IAM.
  const account = String(((tf.provider?.aws ?? [])[0]?.allowed_account_ids as string[] | undefined)?.[0] ?? 'the account');
  const delegates = one(tf, 'aws_kms_key').some(([, k]) => (parsePolicy(k.policy) ?? []).some((s) => s.Sid === 'AccountAdministersKeyThroughIam'));
  if (!delegates) return [];
  return [
    {
      role: `IAM principals of account ${account}`,
      assumedBy: 'any user or role of the account whose IAM policy allows it (the key policy delegates to IAM; no other account is named)',
      conditions: one(tf, 'aws_s3_bucket_policy').length ? ['bucket policy: requests without TLS are denied'] : [],
      grants: [],
      managedPolicies: [],
    },
  ];
}

function accessOfRoles(tf: TerraformJson): AccessEntry[] {
  return one(tf, 'aws_iam_role')
    .map(([name, role]) => {
      const trust = (parsePolicy(role.assume_role_policy) ?? []).filter((s) => s.Effect === 'Allow');
      const ref = `aws_iam_role.${name}.`;
      const inline = one(tf, 'aws_iam_role_policy').filter(([, p]) => String(p.role).includes(ref));
      const managed = one(tf, 'aws_iam_role_policy_attachment').filter(([, p]) => String(p.role).includes(ref)).map(([, p]) => String(p.policy_arn));
      return {
        role: String(role.name),
        assumedBy: trust.map((s) => Object.entries((s.Principal ?? {}) as Record<string, unknown>).map(([k, v]) => `${k}: ${list(v as string | string[]).join(', ')}`).join('; ')).join(' / '),
        conditions: trust.flatMap((s) => conditionLines(s.Condition)),
        grants: inline.flatMap(([, p]) =>
          (parsePolicy(p.policy) ?? []).map((s) => ({
            actions: list(s.Action).map(String),
            resources: list(s.Resource).map(displayRef),
            conditions: conditionLines(s.Condition),
          })),
        ),
        managedPolicies: managed.sort(),
      };
    })
    .sort((a, b) => a.role.localeCompare(b.role));
}

function resourcePolicies(tf: TerraformJson): { resource: string; statements: string[] }[] {
  const fields: [string, string][] = [
    ['aws_s3_bucket_policy', 'bucket'],
    ['aws_kms_key', 'description'],
    ['aws_sns_topic_policy', 'arn'],
    ['aws_sqs_queue_policy', 'queue_url'],
  ];
  return fields.flatMap(([type, label]) =>
    one(tf, type).map(([, body]) => ({
      resource: `${type.replace(/^aws_/, '')}: ${displayRef(body[label])}`,
      statements: (parsePolicy(body.policy) ?? []).map((s) => {
        const principal = s.Principal === '*' ? 'anyone' : Object.values((s.Principal ?? {}) as Record<string, unknown>).flatMap((v) => list(v as string | string[])).join(', ');
        const conditions = conditionLines(s.Condition);
        return `${s.Effect} ${principal}: ${list(s.Action).join(', ')}${conditions.length ? ` when ${conditions.join(' and ')}` : ''}`;
      }),
    })),
  );
}

function flow(tf: TerraformJson, region: string): FlowEdge[] {
  const edges: FlowEdge[] = [];
  const { stream, s3 } = firehoseOf(tf);
  // The data bucket is the one Firehose writes to (a state bucket prefix is configurable, so never guess by name).
  const bucketAddress = /\$\{aws_s3_bucket\.([A-Za-z0-9_-]+)\.arn\}/.exec(String(s3.bucket_arn ?? ''))?.[1];
  const bucket = bucketAddress ? tf.resource?.aws_s3_bucket?.[bucketAddress]?.bucket : undefined;
  const firehose = `Firehose ${stream?.name ?? ''}`.trim();
  if (one(tf, 'aws_cognito_identity_pool').length > 0) {
    edges.push({ from: 'iOS app', to: 'Cognito identity pool', region, via: 'guest credentials (HTTPS)' });
    edges.push({ from: 'iOS app', to: firehose, region, via: 'PutRecordBatch (HTTPS)' });
  }
  if (!stream) {
    // A stack without a pipeline (the state bootstrap): Terraform runs write state into its bucket.
    for (const [, b] of one(tf, 'aws_s3_bucket')) edges.push({ from: 'Terraform runs', to: `S3 ${b.bucket}`, region, via: 'state files (TLS, SSE-KMS)' });
    return edges;
  }
  const dataFolder = staticFolder(String(s3.prefix ?? ''));
  edges.push({ from: firehose, to: `S3 ${bucket}/${dataFolder}`, region, via: `${s3.compression_format}${s3.data_format_conversion_configuration ? ', Parquet' : ''}, SSE-KMS` });
  const crawler = one(tf, 'aws_glue_crawler')[0]?.[1];
  const tables = one(tf, 'aws_glue_catalog_table').map(([, t]) => t);
  const projected = tables.find((t) => (t.parameters as Body | undefined)?.['projection.enabled'] === 'true');
  const database = one(tf, 'aws_glue_catalog_database')[0]?.[1].name;
  if (crawler) edges.push({ from: `S3 ${bucket}/${dataFolder}`, to: 'Glue catalog', region, via: `crawler ${crawler.name} (${(crawler.recrawl_policy as Body)?.recrawl_behavior}) into ${database}` });
  if (projected) edges.push({ from: `S3 ${bucket}/${dataFolder}`, to: 'Glue catalog', region, via: `table ${database}.${projected.name}, partition projection (no crawler)` });
  const workgroup = one(tf, 'aws_athena_workgroup')[0]?.[1];
  if (workgroup) {
    const results = resultsLocationOf(workgroup);
    edges.push({ from: 'Glue catalog', to: `Athena ${workgroup.name}`, region, via: 'SQL (workgroup enforced)' });
    edges.push({ from: `Athena ${workgroup.name}`, to: `S3 ${results.replace(/^s3:\/\//, '')}`, region, via: 'query results, SSE-KMS' });
  }
  return edges;
}

/**
 * What the configured matrix says of a stack that its Terraform cannot: how long events are meant to be kept (the
 * JSON must not keep them longer) and the traffic it is sized for.
 */
export interface ConfiguredRetention {
  profile: string;
  expirationDays: number;
  capacity?: CapacitySettings;
}

/**
 * The report of one synthesized stack. `configured` is the stack's retention in the configured matrix, when the
 * stack is part of it: Terraform JSON keeping events longer (an edited or stale cdktf.out) is a warning.
 */
export function analyzeStack(stack: string, tf: TerraformJson, configured?: ConfiguredRetention): StackReport {
  const provider = (tf.provider?.aws ?? [])[0] ?? {};
  const tags = (list(provider.default_tags as Body[])[0]?.tags ?? {}) as Record<string, string>;
  const region = String(provider.region);
  const s3Backend = tf.terraform?.backend?.s3;
  const localBackend = tf.terraform?.backend?.local;
  const cloud = tf.terraform?.cloud as Body | undefined;
  const backend = s3Backend
    ? { type: s3Backend.kms_key_id ? `S3, SSE-KMS ${String(s3Backend.kms_key_id).replace(/^.*:(alias\/)/, '$1')}` : 'S3', location: `s3://${s3Backend.bucket}/${s3Backend.key}`, region: String(s3Backend.region) }
    : cloud
      ? { type: 'Terraform Cloud', location: `${cloud.organization}/${(cloud.workspaces as Body)?.name}`, region: `${cloud.hostname} (outside AWS)` }
      : // The path is relative to cdktf.out/stacks/<stack>/; show it from the project root.
        { type: 'local', location: posix.normalize(posix.join('cdktf.out/stacks', stack, String(localBackend?.path ?? 'terraform.tfstate'))), region: 'the machine that applies' };
  const identity = {
    environment: tags.Environment ?? 'n/a',
    region,
    account: list(provider.allowed_account_ids as string[])[0] ?? 'any',
    jurisdiction: tags.DataResidency ?? 'n/a',
    classification: tags.DataClassification ?? 'n/a',
    retentionProfile: tags.RetentionProfile ?? 'n/a',
    backend,
    residencyExceptions: [] as string[],
  };
  const storesList = stores(tf, region);
  // Regions the deployment may reference besides its own travel with the stack as a tag.
  const allowedRegions = (tags.ResidencyExceptions ?? '').split(' ').filter(Boolean);
  identity.residencyExceptions = allowedRegions;
  const streamName = Object.values(tf.resource?.aws_kinesis_firehose_delivery_stream ?? {})[0]?.name;
  const capacity = configured?.capacity && streamName ? capacityCheck(region, configured.capacity) : null;
  // One engine, two packs: the synth gate's rules (what failed or warned at synth) and the report's own.
  const input = { tf, context: { region, allowedRegions }, identity, stores: storesList, capacity, ...(streamName ? { stream: String(streamName) } : {}), ...(configured ? { configured } : {}) };
  const findings = sortFindings([...runRules(SYNTH_GATE, input), ...runRules(REPORT_ONLY, input)]);
  return {
    stack,
    identity,
    stores: storesList,
    access: access(tf),
    resourcePolicies: resourcePolicies(tf),
    alerts: alertsOf(tf),
    names: awsNames(tf),
    protection: [
      ...one(tf, 'aws_s3_bucket').map(([, b]) => ({ resource: `bucket ${b.bucket}`, status: protectionOf(b, optedOutOfProtection(tf)) })),
      ...one(tf, 'aws_kms_key').map(([name, k]) => ({ resource: `key ${keyInfo(tf, `\${aws_kms_key.${name}.arn}`).label.replace(/^SSE-KMS /, '')}`, status: protectionOf(k, optedOutOfProtection(tf)) })),
    ],
    flow: flow(tf, region),
    capacity,
    findings,
    cost: estimateCost(tf),
  };
}

