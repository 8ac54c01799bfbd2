/**
 * Builds the model of one stack from its Terraform JSON (as synthesized, or as a plan's values shaped like it:
 * plan.ts) and its deployment facts. Everything is sorted, so the same input gives the same model.
 */
import { NOT_QUERYABLE_WITHOUT_RESTORE, S3_RULES } from '../config/aws';
import { staticFolder } from '../config/names';
import { bucketControls, resourcesOfType, type TerraformJson } from '../terraform-json/stack-json';
import { asList as list } from '../terraform-json/policy';
import type { DeploymentFacts } from '../terraform-json/facts';
import type {
  Alert,
  Backend,
  Destination,
  Encryption,
  FlowEdge,
  Identity,
  Key,
  ManagedPolicy,
  Protection,
  ResourcePolicy,
  ResourcePolicyKind,
  Retention,
  Role,
  StackModel,
  Store,
  StoreRole,
  Transition,
} from './types';
import { statementsOf, valueOf, type Home } from './values';
import { accessMatrix, type AccessMatrix, type AccessOptions } from './access';

type Body = Record<string, unknown>;

const all = resourcesOfType;

/**
 * Whether `value` points at the resource `type.name`: a reference to any of its attributes (synthesized JSON), or
 * its name, id or ARN as a literal (a plan's values).
 */
export function pointsAt(tf: TerraformJson, value: unknown, type: string, name: string): boolean {
  if (value === undefined || value === null) return false;
  const text = String(value);
  if (text.includes(`\${${type}.${name}.`)) return true;
  const body = tf.resource?.[type]?.[name] ?? {};
  return ['arn', 'id', 'bucket', 'name', 'key_id'].some(
    (k) =>
      typeof body[k] === 'string' && body[k] !== '' && (text === body[k] || text.startsWith(`${String(body[k])}/`)),
  );
}

/** The resource of `type` a value points at, if any. */
function target(tf: TerraformJson, value: unknown, type: string): [string, Body] | undefined {
  return all(tf, type).find(([name]) => pointsAt(tf, value, type, name));
}

const MINIMUM_DAYS: Record<string, number> = {
  STANDARD_IA: S3_RULES.minDaysBeforeIa,
  ONEZONE_IA: S3_RULES.minDaysBeforeIa,
  GLACIER_IR: S3_RULES.glacierMinimumStorageDays,
  GLACIER: S3_RULES.glacierMinimumStorageDays,
  DEEP_ARCHIVE: S3_RULES.deepArchiveMinimumStorageDays,
};

function retentionOf(
  transitions: Transition[],
  expirationDays: number | null,
  noncurrentDays: number | null,
  smallObjectsTransition: boolean | null,
): Retention {
  const archived = transitions.find((t) =>
    (NOT_QUERYABLE_WITHOUT_RESTORE as readonly string[]).includes(t.storageClass),
  );
  const minimumChargeShortfalls = transitions.flatMap((t, i) => {
    const leaves = transitions[i + 1]?.days ?? expirationDays;
    const minimumDays = MINIMUM_DAYS[t.storageClass];
    return leaves !== null && minimumDays !== undefined && leaves - t.days < minimumDays
      ? [{ storageClass: t.storageClass, stayDays: leaves - t.days, minimumDays }]
      : [];
  });
  return {
    transitions,
    expirationDays,
    noncurrentDays,
    goneForGoodDay: expirationDays === null ? null : expirationDays + (noncurrentDays ?? 0),
    notQueryableFromDay: archived?.days ?? null,
    smallObjectsTransition: transitions.length > 0 ? smallObjectsTransition : null,
    minimumChargeShortfalls,
    buffer: null,
  };
}

const flatRetention = (expirationDays: number | null): Retention => retentionOf([], expirationDays, null, null);

/** A number of days as Terraform holds it, or null for none (absent, null or 0: never expires). */
const daysOrNever = (value: unknown): number | null =>
  value === undefined || value === null || Number(value) === 0 ? null : Number(value);

/** The lifecycle rules of a bucket: per prefix, its transitions, expiration and noncurrent expiry. */
function lifecycleOf(tf: TerraformJson, bucket: string) {
  const config = all(tf, 'aws_s3_bucket_lifecycle_configuration').find(([, c]) =>
    pointsAt(tf, c.bucket, 'aws_s3_bucket', bucket),
  )?.[1];
  const smallObjectsTransition =
    (config?.transition_default_minimum_object_size ?? 'all_storage_classes_128K') !== 'all_storage_classes_128K';
  const rules = list(config?.rule as Body[]).map((rule) => {
    const filter = list(rule.filter as Body[])[0] ?? {};
    const expiration = list(rule.expiration as Body[])[0];
    const noncurrent = list(rule.noncurrent_version_expiration as Body[])[0];
    return {
      prefix: String(filter.prefix ?? ''),
      transitions: list(rule.transition as Body[])
        .map((t) => ({ days: Number(t.days), storageClass: String(t.storage_class) }))
        .sort((a, b) => a.days - b.days),
      expirationDays: daysOrNever(expiration?.days),
      noncurrentDays: noncurrent ? Number(noncurrent.noncurrent_days) : null,
    };
  });
  return { rules, smallObjectsTransition };
}

/** Whether the stack opted out of destroy protection: only the opt-out sets force_destroy on its buckets. */
const optedOut = (tf: TerraformJson) => all(tf, 'aws_s3_bucket').some(([, b]) => b.force_destroy === true);

function protectionOf(tf: TerraformJson, resource: Body, kind: 'bucket' | 'key'): Protection {
  if ((list(resource.lifecycle as Body | Body[])[0] as Body | undefined)?.prevent_destroy === true)
    return 'prevent-destroy';
  if (!optedOut(tf)) return 'none';
  return kind === 'bucket' ? 'destroyable-bucket-before-key' : 'destroyable-key-after-buckets';
}

/** The alias of a key of this stack (by its Terraform name), if it has one. */
const aliasOf = (tf: TerraformJson, keyName: string): string | null =>
  (all(tf, 'aws_kms_alias').find(([, a]) => pointsAt(tf, a.target_key_id, 'aws_kms_key', keyName))?.[1].name as
    string | undefined) ?? null;

function encryptionOf(tf: TerraformJson, keyRef: unknown, home: Home): Encryption {
  if (keyRef === undefined || keyRef === null || keyRef === '') return { kind: 'none' };
  const key = target(tf, keyRef, 'aws_kms_key');
  return {
    kind: 'kms',
    key: key ? { kind: 'own', address: `aws_kms_key.${key[0]}`, attribute: 'arn', suffix: '' } : valueOf(keyRef, home),
    alias: key ? aliasOf(tf, key[0]) : null,
    rotation: key ? key[1].enable_key_rotation === true : null,
  };
}

function firehoseOf(tf: TerraformJson): { name?: string; stream?: Body; s3: Body } {
  const [name, stream] = all(tf, 'aws_kinesis_firehose_delivery_stream')[0] ?? [];
  return { name, stream, s3: (list(stream?.extended_s3_configuration as Body | Body[])[0] ?? {}) as Body };
}

const workgroupResults = (workgroup: Body | undefined): string =>
  String(
    (
      list(
        (list(workgroup?.configuration as Body | Body[])[0] as Body | undefined)?.result_configuration as Body | Body[],
      )[0] as Body | undefined
    )?.output_location ?? '',
  );

/** What every store reached only through its service's API shares: no public endpoint, TLS, no tables or lifecycle. */
const reachedThroughApi = (address: string, home: Home) => ({
  id: address,
  address,
  region: home.region,
  publicAccess: 'no-public-endpoint' as const,
  tlsOnly: true,
  tables: [] as string[],
  lifecycle: null,
});

/**
 * Where a bucket's objects go besides itself: enabled replication rules (the bucket's own `replication_configuration`,
 * which the AWS provider 5.x reads back from the live bucket, or an `aws_s3_bucket_replication_configuration`), its
 * access-log target, and its ACL grants — what a change made outside Terraform shows in a plan's refresh.
 */
function copiesOf(tf: TerraformJson, name: string, bucket: Body): NonNullable<Store['copies']> {
  const configs = [
    ...list(bucket.replication_configuration as Body | Body[]),
    ...all(tf, 'aws_s3_bucket_replication_configuration')
      .filter(([, c]) => pointsAt(tf, c.bucket, 'aws_s3_bucket', name))
      .map(([, c]) => c),
  ];
  const rules = configs.flatMap((c) => [...list(c.rules as Body | Body[]), ...list(c.rule as Body | Body[])]);
  const replicatesTo = rules
    .filter((r) => String(r.status ?? 'Enabled') === 'Enabled')
    .flatMap((r) => list(r.destination as Body | Body[]).map((d) => String(d.bucket)));
  const logging =
    (list(bucket.logging as Body | Body[])[0] as Body | undefined) ??
    all(tf, 'aws_s3_bucket_logging').find(([, l]) => pointsAt(tf, l.bucket, 'aws_s3_bucket', name))?.[1];
  const logTarget = logging
    ? String(target(tf, logging.target_bucket, 'aws_s3_bucket')?.[1].bucket ?? logging.target_bucket)
    : null;
  const aclGrants = list(bucket.grant as Body | Body[]).flatMap((g) =>
    list(g.permissions as string[]).map((p) => `${String(g.type)} ${String(g.uri || g.id || '')} ${p}`),
  );
  return {
    replicatesTo: [...new Set(replicatesTo)].sort(),
    accessLogsTo: logTarget ? `${logTarget}/${String(logging?.target_prefix ?? '')}` : null,
    aclGrants: aclGrants.sort(),
  };
}

function stores(tf: TerraformJson, home: Home): Store[] {
  const result: Store[] = [];
  const { name: streamName, stream, s3 } = firehoseOf(tf);
  // Every workgroup's results location (the analysts', the erasure's): each is query results, not just the first's.
  const results = new Set(
    all(tf, 'aws_athena_workgroup')
      .map(([, w]) => workgroupResults(w))
      .filter((l) => l !== ''),
  );
  const roleOfPrefix = new Map<string, StoreRole>();
  if (s3.prefix) roleOfPrefix.set(staticFolder(String(s3.prefix)), 'event-data');
  if (s3.error_output_prefix) roleOfPrefix.set(staticFolder(String(s3.error_output_prefix)), 'failed-records');

  for (const [name, bucket] of all(tf, 'aws_s3_bucket')) {
    const bucketName = String(bucket.bucket);
    const controls = bucketControls(tf, name);
    const { rules, smallObjectsTransition } = lifecycleOf(tf, name);
    const lifecycleAddress =
      all(tf, 'aws_s3_bucket_lifecycle_configuration')
        .map(([n, c]) =>
          pointsAt(tf, c.bucket, 'aws_s3_bucket', name) ? `aws_s3_bucket_lifecycle_configuration.${n}` : undefined,
        )
        .find(Boolean) ?? null;
    const versioned = all(tf, 'aws_s3_bucket_versioning').some(([, v]) =>
      pointsAt(tf, v.bucket, 'aws_s3_bucket', name),
    );
    const accessLogTarget = all(tf, 'aws_s3_bucket_logging').some(([, l]) =>
      pointsAt(tf, l.target_bucket, 'aws_s3_bucket', name),
    );
    const bucketWideNoncurrent = versioned
      ? (rules.find((r) => r.prefix === '' && r.noncurrentDays !== null)?.noncurrentDays ?? null)
      : null;
    const base = {
      kind: 's3' as const,
      address: `aws_s3_bucket.${name}`,
      region: home.region,
      encryption: controls.kmsKey ? encryptionOf(tf, controls.kmsKey, home) : ({ kind: 'none' } as const),
      publicAccess: controls.publicAccessBlocked ? ('blocked' as const) : ('not-blocked' as const),
      tlsOnly: controls.tlsOnly,
      protection: protectionOf(tf, bucket, 'bucket'),
      tables: [],
      lifecycle: lifecycleAddress,
      copies: copiesOf(tf, name, bucket),
    };
    const prefixed = rules.filter((r) => r.prefix !== '');
    if (prefixed.length === 0) {
      const rule = rules[0];
      result.push({
        ...base,
        id: base.address,
        role: accessLogTarget ? 'access-logs' : versioned && !stream ? 'state' : 'objects',
        name: `${bucketName}/`,
        retention: retentionOf(
          [],
          rule?.expirationDays ?? null,
          versioned ? (rule?.noncurrentDays ?? null) : null,
          null,
        ),
      });
      continue;
    }
    for (const rule of prefixed) {
      const location = `s3://${bucketName}/${rule.prefix}`;
      result.push({
        ...base,
        id: `${base.address}/${rule.prefix}`,
        role: results.has(location) ? 'query-results' : (roleOfPrefix.get(rule.prefix) ?? 'objects'),
        name: `${bucketName}/${rule.prefix}`,
        retention: retentionOf(rule.transitions, rule.expirationDays, bucketWideNoncurrent, smallObjectsTransition),
      });
    }
  }
  if (stream) {
    const sse = (list(stream.server_side_encryption as Body | Body[])[0] ?? {}) as Body;
    result.push({
      ...reachedThroughApi(`aws_kinesis_firehose_delivery_stream.${streamName}`, home),
      role: 'buffer',
      kind: 'firehose',
      name: String(stream.name),
      encryption: sse.enabled ? encryptionOf(tf, sse.key_arn, home) : { kind: 'none' },
      protection: 'in-flight',
      retention: {
        ...flatRetention(null),
        buffer: { seconds: Number(s3.buffering_interval), mib: Number(s3.buffering_size) },
      },
    });
  }
  for (const [name, group] of all(tf, 'aws_cloudwatch_log_group')) {
    result.push({
      ...reachedThroughApi(`aws_cloudwatch_log_group.${name}`, home),
      role: 'logs',
      kind: 'cloudwatch-logs',
      name: String(group.name),
      encryption: group.kms_key_id ? encryptionOf(tf, group.kms_key_id, home) : { kind: 'service-default' },
      protection: 'expires-by-retention',
      retention: flatRetention(daysOrNever(group.retention_in_days)),
    });
  }
  for (const [name, db] of all(tf, 'aws_glue_catalog_database')) {
    result.push({
      ...reachedThroughApi(`aws_glue_catalog_database.${name}`, home),
      role: 'catalog',
      kind: 'glue-catalog',
      name: String(db.name),
      encryption: { kind: 'account-setting' },
      protection: 'derived-data',
      retention: flatRetention(null),
      tables: all(tf, 'aws_glue_catalog_table')
        .map(([, t]) => String(t.name))
        .sort(),
    });
  }
  for (const [name, queue] of all(tf, 'aws_sqs_queue')) {
    result.push({
      ...reachedThroughApi(`aws_sqs_queue.${name}`, home),
      role: 'queue',
      kind: 'sqs',
      name: String(queue.name),
      encryption: queue.kms_master_key_id
        ? encryptionOf(tf, queue.kms_master_key_id, home)
        : queue.sqs_managed_sse_enabled
          ? { kind: 'service-default' }
          : { kind: 'none' },
      protection: 'transient',
      retention: flatRetention(Math.round(Number(queue.message_retention_seconds ?? 345600) / 86400)),
    });
  }
  const order: StoreRole[] = [
    'event-data',
    'failed-records',
    'query-results',
    'state',
    'access-logs',
    'objects',
    'buffer',
    'logs',
    'catalog',
    'queue',
  ];
  return result.sort((a, b) => order.indexOf(a.role) - order.indexOf(b.role) || a.name.localeCompare(b.name));
}

function keys(tf: TerraformJson): Key[] {
  return all(tf, 'aws_kms_key').map(([name, key]) => ({
    address: `aws_kms_key.${name}`,
    alias: aliasOf(tf, name),
    rotation: key.enable_key_rotation === true,
    protection: protectionOf(tf, key, 'key'),
  }));
}

function roles(tf: TerraformJson, home: Home): Role[] {
  return all(tf, 'aws_iam_role')
    .map(([name, role]) => {
      const attached = (type: string) => all(tf, type).filter(([, p]) => pointsAt(tf, p.role, 'aws_iam_role', name));
      // A policy of this stack attached to the role grants what its statements say; any other is named by its ARN.
      const attachments = attached('aws_iam_role_policy_attachment').map(([, p]) => ({
        arn: p.policy_arn,
        own: target(tf, p.policy_arn, 'aws_iam_policy'),
      }));
      return {
        address: `aws_iam_role.${name}`,
        name: String(role.name),
        trust: statementsOf(role.assume_role_policy, home),
        permissions: [
          ...attached('aws_iam_role_policy').flatMap(([, p]) => statementsOf(p.policy, home)),
          ...list(role.inline_policy as Body[]).flatMap((p) => statementsOf(p.policy, home)),
          ...attachments.flatMap((a) => (a.own ? statementsOf(a.own[1].policy, home) : [])),
        ],
        managedPolicies: [
          ...attachments.filter((a) => !a.own).map((a) => String(a.arn)),
          ...list(role.managed_policy_arns as string[]).map(String),
        ].sort(),
      };
    })
    .sort((a, b) => a.name.localeCompare(b.name));
}

function managedPolicies(tf: TerraformJson, home: Home): ManagedPolicy[] {
  return all(tf, 'aws_iam_policy').map(([name, policy]) => ({
    address: `aws_iam_policy.${name}`,
    name: String(policy.name),
    statements: statementsOf(policy.policy, home),
    attachedTo: all(tf, 'aws_iam_role_policy_attachment')
      .filter(([, a]) => pointsAt(tf, a.policy_arn, 'aws_iam_policy', name))
      .flatMap(([, a]) =>
        all(tf, 'aws_iam_role')
          .filter(([r]) => pointsAt(tf, a.role, 'aws_iam_role', r))
          .map(([r]) => `aws_iam_role.${r}`),
      )
      .sort(),
  }));
}

const POLICY_RESOURCES: [string, ResourcePolicyKind, string][] = [
  ['aws_s3_bucket_policy', 'bucket-policy', 'bucket'],
  ['aws_kms_key', 'key-policy', ''],
  ['aws_sns_topic_policy', 'topic-policy', 'arn'],
  ['aws_sqs_queue_policy', 'queue-policy', 'queue_url'],
];

function resourcePolicies(tf: TerraformJson, home: Home): ResourcePolicy[] {
  return POLICY_RESOURCES.flatMap(([type, kind, field]) =>
    all(tf, type)
      .filter(([, body]) => body.policy !== undefined)
      .map(([name, body]) => ({
        address: `${type}.${name}`,
        kind,
        governs: field
          ? valueOf(body[field], home)
          : { kind: 'own' as const, address: `${type}.${name}`, attribute: 'arn', suffix: '' },
        statements: statementsOf(body.policy, home),
      })),
  );
}

/** `oncall@example.com` → `o…@example.com`: enough to review where alerts go, without publishing the address. */
export function maskEmail(address: string): string {
  const [local, domain] = address.split('@');
  return domain ? `${local.slice(0, 1)}…@${domain}` : '…';
}

function alerts(tf: TerraformJson): Alert[] {
  return [
    ...all(tf, 'aws_cloudwatch_metric_alarm').map(([name, a]): Alert => ({
      kind: 'metric-alarm',
      address: `aws_cloudwatch_metric_alarm.${name}`,
      name: String(a.alarm_name),
      watches: String(a.metric_name ?? ''),
      condition: {
        statistic: String(a.statistic ?? ''),
        comparison: String(a.comparison_operator ?? ''),
        threshold: Number(a.threshold),
        periodSeconds: Number(a.period),
      },
    })),
    ...all(tf, 'aws_cloudwatch_event_rule').map(([name, r]): Alert => ({
      kind: 'event-rule',
      address: `aws_cloudwatch_event_rule.${name}`,
      name: String(r.name),
      watches: list((JSON.parse(String(r.event_pattern ?? '{}')) as { 'detail-type'?: string[] })['detail-type']).join(
        ', ',
      ),
    })),
    ...all(tf, 'aws_s3_bucket_notification').flatMap(([name, n]) =>
      list(n.topic as Body[]).map((t): Alert => ({
        kind: 's3-notification',
        address: `aws_s3_bucket_notification.${name}`,
        name: String(t.id ?? ''),
        watches: String(t.filter_prefix ?? ''),
      })),
    ),
  ].sort((a, b) => a.kind.localeCompare(b.kind) || a.name.localeCompare(b.name));
}

function destinations(tf: TerraformJson): Destination[] {
  return [
    ...all(tf, 'aws_sns_topic').map(([name, t]): Destination => ({
      kind: 'sns-topic',
      address: `aws_sns_topic.${name}`,
      name: String(t.name),
    })),
    ...all(tf, 'aws_sns_topic_subscription').map(([name, s]): Destination => ({
      kind: 'subscription',
      address: `aws_sns_topic_subscription.${name}`,
      protocol: String(s.protocol),
      // Reports get pasted into pull requests: the domain is enough to review where alerts go.
      endpoint: s.protocol === 'email' ? maskEmail(String(s.endpoint)) : String(s.endpoint),
    })),
  ].sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
}

function flow(tf: TerraformJson, region: string): FlowEdge[] {
  const edges: FlowEdge[] = [];
  const { stream, s3 } = firehoseOf(tf);
  if (!stream) {
    // A stack without a pipeline (the state bootstrap): Terraform runs write state into its bucket.
    const logBuckets = new Set(
      all(tf, 'aws_s3_bucket_logging').map(([, l]) => target(tf, l.target_bucket, 'aws_s3_bucket')?.[0]),
    );
    for (const [name, b] of all(tf, 'aws_s3_bucket')) {
      if (!logBuckets.has(name))
        edges.push({
          from: { kind: 'terraform' },
          to: { kind: 's3', bucket: String(b.bucket), prefix: '' },
          region,
          via: { kind: 'state-files' },
        });
    }
    return [...edges, ...accessLogEdges(tf, region)];
  }
  const firehose = { kind: 'firehose' as const, name: String(stream.name) };
  const pool = all(tf, 'aws_cognito_identity_pool')[0]?.[1];
  if (pool) {
    edges.push({
      from: { kind: 'app' },
      to: { kind: 'identity-pool', name: String(pool.identity_pool_name) },
      region,
      via: { kind: 'guest-credentials' },
    });
    edges.push({ from: { kind: 'app' }, to: firehose, region, via: { kind: 'put-record-batch' } });
  }
  // The data bucket is the one Firehose writes to (a state bucket prefix is configurable, so never guess by name).
  const bucket = String(target(tf, s3.bucket_arn, 'aws_s3_bucket')?.[1].bucket ?? '');
  const data = { kind: 's3' as const, bucket, prefix: staticFolder(String(s3.prefix ?? '')) };
  edges.push({
    from: firehose,
    to: data,
    region,
    via: {
      kind: 'delivery',
      compression: String(s3.compression_format),
      parquet: list(s3.data_format_conversion_configuration as Body | Body[]).length > 0,
    },
  });
  const database = String(all(tf, 'aws_glue_catalog_database')[0]?.[1].name ?? '');
  const catalog = { kind: 'glue-catalog' as const, database };
  const crawler = all(tf, 'aws_glue_crawler')[0]?.[1];
  if (crawler) {
    edges.push({
      from: data,
      to: catalog,
      region,
      via: {
        kind: 'crawler',
        name: String(crawler.name),
        recrawl: String((list(crawler.recrawl_policy as Body | Body[])[0] as Body | undefined)?.recrawl_behavior ?? ''),
        database,
      },
    });
  }
  // Every projected table over the data: the events table in projection mode, the erasure's raw-line table
  // (JSON events).
  const projected = all(tf, 'aws_glue_catalog_table').filter(
    ([, t]) => (t.parameters as Body | undefined)?.['projection.enabled'] === 'true',
  );
  for (const [, table] of projected)
    edges.push({
      from: data,
      to: catalog,
      region,
      via: { kind: 'projection', table: String(table.name), database },
    });
  for (const [, workgroup] of all(tf, 'aws_athena_workgroup')) {
    const athena = { kind: 'athena' as const, workgroup: String(workgroup.name) };
    const [resultsBucket, ...rest] = workgroupResults(workgroup)
      .replace(/^s3:\/\//, '')
      .split('/');
    edges.push({ from: catalog, to: athena, region, via: { kind: 'sql' } });
    edges.push({
      from: athena,
      to: { kind: 's3', bucket: resultsBucket, prefix: rest.join('/') },
      region,
      via: { kind: 'query-results' },
    });
  }
  return [...edges, ...accessLogEdges(tf, region)];
}

/** S3 server access logs: each logged bucket into its log bucket. */
function accessLogEdges(tf: TerraformJson, region: string): FlowEdge[] {
  return all(tf, 'aws_s3_bucket_logging').map(([, logging]) => {
    const from = String(target(tf, logging.bucket, 'aws_s3_bucket')?.[1].bucket ?? logging.bucket);
    const to = String(target(tf, logging.target_bucket, 'aws_s3_bucket')?.[1].bucket ?? logging.target_bucket);
    return {
      from: { kind: 's3', bucket: from, prefix: '' },
      to: { kind: 's3', bucket: to, prefix: String(logging.target_prefix ?? '') },
      region,
      via: { kind: 'access-logs' },
    };
  });
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
  aws_cloudwatch_dashboard: 'dashboard_name',
  aws_kms_alias: 'name',
  aws_iam_policy: 'name',
};

/** Terraform address → AWS name; a key is named by its alias, a bucket's or role's settings by their owner. */
function awsNames(tf: TerraformJson): Record<string, string> {
  const names: Record<string, string> = {};
  for (const [type, byName] of Object.entries(tf.resource ?? {})) {
    for (const [name, body] of Object.entries(byName)) {
      const attribute = NAME_ATTRIBUTE[type];
      if (attribute && typeof body[attribute] === 'string') names[`${type}.${name}`] = String(body[attribute]);
      else if (type === 'aws_kms_key')
        names[`${type}.${name}`] = String(
          all(tf, 'aws_kms_alias').find(([, a]) => pointsAt(tf, a.target_key_id, 'aws_kms_key', name))?.[1].name ??
            'KMS key',
        );
    }
  }
  // Settings of a bucket, role or topic (policy, lifecycle, …) are named after what they belong to.
  for (const [type, byName] of Object.entries(tf.resource ?? {})) {
    for (const [name, body] of Object.entries(byName)) {
      if (names[`${type}.${name}`]) continue;
      for (const [ownerType, field] of [
        ['aws_s3_bucket', 'bucket'],
        ['aws_iam_role', 'role'],
        ['aws_sns_topic', 'arn'],
        ['aws_sqs_queue', 'queue_url'],
      ] as const) {
        const owner = target(tf, body[field], ownerType);
        if (owner)
          names[`${type}.${name}`] =
            `${type.replace(/^aws_/, '').replace(/_/g, ' ')} of ${names[`${ownerType}.${owner[0]}`]}`;
      }
    }
  }
  return names;
}

function backendOf(tf: TerraformJson, stack: string): Backend {
  const s3 = tf.terraform?.backend?.s3;
  if (s3)
    return {
      type: 's3',
      bucket: String(s3.bucket),
      key: String(s3.key),
      region: String(s3.region),
      kmsKey: s3.kms_key_id ? String(s3.kms_key_id) : null,
      lockfile: s3.use_lockfile === true,
    };
  const cloud = tf.terraform?.cloud as Body | undefined;
  if (cloud) {
    const workspaces = (cloud.workspaces ?? {}) as Body;
    return {
      type: 'cloud',
      hostname: String(cloud.hostname ?? 'app.terraform.io'),
      organization: String(cloud.organization),
      workspace: String(workspaces.name ?? ''),
      project: workspaces.project ? String(workspaces.project) : null,
    };
  }
  const local = tf.terraform?.backend?.local;
  // The path is relative to cdktf.out/stacks/<stack>/; the model keeps it from the project root.
  const path = String(local?.path ?? 'terraform.tfstate');
  return {
    type: 'local',
    path: path.startsWith('../../../') ? path.slice('../../../'.length) : `cdktf.out/stacks/${stack}/${path}`,
  };
}

/** The model of one stack; `access` options add the deploy roles and organization policies to its access matrix. */
export function buildStackModel(tf: TerraformJson, facts: DeploymentFacts, access: AccessOptions = {}): StackModel {
  const home: Home = { account: facts.account, region: facts.region };
  const identity: Identity = {
    stack: facts.stack,
    role: facts.role,
    environments: facts.environments,
    region: facts.region,
    account: facts.account,
    jurisdiction: facts.jurisdiction,
    classification: facts.classification,
    profile: facts.profile,
    residencyExceptions: [...facts.allowedRegions].sort(),
    ...(facts.jurisdictionRegions !== undefined ? { jurisdictionRegions: facts.jurisdictionRegions } : {}),
    ...(facts.regionExceptions ? { regionExceptions: facts.regionExceptions } : {}),
    ...(facts.movedFrom ? { movedFrom: facts.movedFrom } : {}),
    backend: backendOf(tf, facts.stack),
  };
  const roleList = roles(tf, home);
  const policies = resourcePolicies(tf, home);
  // Without roles, a key policy that names the account's root principal lets the account's IAM policies reach it.
  const accountIamAccess =
    roleList.length === 0 &&
    policies.some(
      (p) =>
        p.kind === 'key-policy' &&
        p.statements.some(
          (s) =>
            s.effect === 'Allow' &&
            s.principals.some(
              (pr) =>
                pr.kind === 'aws' && pr.value.kind === 'literal' && /:<account>:root$|^<account>$/.test(pr.value.text),
            ),
        ),
    );
  const storeList = stores(tf, home);
  const model: Omit<StackModel, 'access'> = {
    identity,
    stores: storeList,
    keys: keys(tf),
    roles: roleList,
    policies: managedPolicies(tf, home),
    accountIamAccess,
    resourcePolicies: policies,
    alerts: alerts(tf),
    destinations: destinations(tf),
    flow: flow(tf, facts.region),
    queries: all(tf, 'aws_athena_named_query').map(([name, q]) => ({
      address: `aws_athena_named_query.${name}`,
      name: String(q.name),
      workgroup: String(q.workgroup),
      database: String(q.database),
    })),
    dashboards: all(tf, 'aws_cloudwatch_dashboard').map(([name, d]) => ({
      address: `aws_cloudwatch_dashboard.${name}`,
      name: String(d.dashboard_name),
    })),
    names: awsNames(tf),
    configured: facts.configured,
    acceptances: facts.acceptances ?? [],
  };
  // The access matrix is evaluated when first read, once (it is data like the rest, and JSON.stringify writes it):
  // evaluating it costs 0.1–1 s per pipeline stack, and most models built in tests and tools never read it.
  let matrix: AccessMatrix | undefined;
  return Object.defineProperty(model, 'access', {
    enumerable: true,
    get: () => (matrix ??= accessMatrix(tf, facts, storeList, access)),
  }) as StackModel;
}
