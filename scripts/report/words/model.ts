/** The model's records in words: stores, flow, protection, policies' statements, encryption, retention, identity. */
import type {
  Condition,
  Encryption,
  FlowNode,
  FlowVia,
  Identity,
  Principal,
  Protection,
  PublicAccess,
  Retention,
  StackModel,
  Statement,
  Store,
  StoreKind,
  StoreRole,
  Value,
} from '../../../model/types';
import { ACCOUNT_TOKEN, REGION_TOKEN } from '../../../model/values';
import { ERASURE_REQUESTS_FOLDER } from '../../../config/names';
import { FIREHOSE_DIRECT_PUT_RETENTION_HOURS } from '../../../config/aws';

export const STORE_ROLE: Record<StoreRole, string> = {
  'event-data': 'app events delivered by Firehose',
  'failed-records': 'records Firehose failed to deliver (raw event data)',
  'query-results': 'Athena query results (derived data)',
  state: 'Terraform state (versioned)',
  'access-logs': 'S3 server access logs (requesters, operations, object keys; no event content)',
  objects: 'objects',
  buffer: 'events in flight, until the buffer flushes',
  logs: 'Firehose delivery errors and crawler runs (may quote record content, object keys and schemas)',
  catalog: 'table schemas and partition values (derived metadata)',
  queue: 'S3 object-created events (object keys, no event content)',
};

/**
 * Where Firehose's and Glue crawlers' log groups are (config/names.ts firehoseLogGroup; stacks/constructs/catalog.ts).
 */
export const FIREHOSE_LOG_GROUPS = '/aws/kinesisfirehose/';
/**
 * stacks/constructs/catalog.ts CRAWLER_LOG_GROUP, the prefix of every crawler's group (not imported: it loads the
 * provider; a test holds them equal).
 */
export const CRAWLER_LOG_GROUPS = '/aws-glue/crawlers';

/**
 * What a store holds, by its role, and for a log group by who writes it (its name: Firehose's, or a Glue crawler's),
 * for the erasure's receipts folder what a receipt holds.
 */
export function storeHolds(s: Pick<Store, 'role' | 'name'>): string {
  if (s.role === 'logs') {
    if (s.name.startsWith(FIREHOSE_LOG_GROUPS))
      return "Firehose's delivery errors (an error code and message per failed delivery; may quote record content)";
    if (s.name.startsWith(CRAWLER_LOG_GROUPS)) return "the Glue crawler's runs (may quote object keys and schemas)";
    return 'log events (their writer is not one this report knows)';
  }
  if (s.role === 'objects' && s.name.endsWith(`/${ERASURE_REQUESTS_FOLDER}`))
    return 'erasure receipts (MACs of the ids by the stack’s KMS HMAC key, counts and object keys; never the ids)';
  return STORE_ROLE[s.role];
}

export const STORE_KIND: Record<StoreKind, string> = {
  s3: 'S3',
  firehose: 'Firehose buffer',
  'cloudwatch-logs': 'CloudWatch Logs',
  'glue-catalog': 'Glue Data Catalog',
  sqs: 'SQS',
};

export const PUBLIC_ACCESS: Record<PublicAccess, string> = {
  blocked: 'blocked (all four settings)',
  'not-blocked': 'NOT fully blocked',
  'no-public-endpoint': 'no resource policy; IAM principals whose policies allow it',
};

/** The data flow's table (the Markdown form of the page's diagram): what each column holds. */
export const FLOW_HEADERS = ['From', 'To', 'Region', 'Via'] as const;
/** Said instead of a data flow where nothing flows (a trust stack: roles only). */
export const NO_FLOW = 'No data flows through this stack.';

export const PROTECTION: Record<Protection, string> = {
  'prevent-destroy': 'prevent_destroy',
  'destroyable-bucket-before-key': 'destroyable (protection.allowDestroy): emptied and deleted before its key',
  'destroyable-key-after-buckets': 'destroyable (protection.allowDestroy): deleted after its buckets',
  none: 'none',
  'expires-by-retention': 'none: expires by its retention',
  'derived-data': 'none: derived metadata, rebuilt by the crawler or the contract',
  transient: 'none: transient events',
  'in-flight':
    `none: events wait in the buffer until it flushes (up ` +
    `to ${FIREHOSE_DIRECT_PUT_RETENTION_HOURS} h while S3 is unreachable, then dropped), then go to S3`,
};

/** How the words refer to the stack's resources and where it lives. */
export interface Context {
  names: Record<string, string>;
  account: string;
  region: string;
}

export const contextOf = (model: StackModel): Context => ({
  names: model.names,
  account: model.identity.account,
  region: model.identity.region,
});

/** A resource of the stack by its AWS name (its address when it has none). */
export const nameOf = (address: string, ctx: Context): string => ctx.names[address] ?? address;

/** Literal text with the stack's account and region put back. */
const absolute = (text: string, ctx: Context) =>
  text.split(ACCOUNT_TOKEN).join(ctx.account).split(REGION_TOKEN).join(ctx.region);

/** Inline references inside a literal (`${aws_x.y.arn}`) read as the resource's name. */
const inlineRefs = (text: string, ctx: Context) =>
  text.replace(
    /\$\{([a-z0-9_]+\.[A-Za-z0-9_-]+)\.([a-z_]+)\}/g,
    (_m, address: string, attribute: string) => `${attribute} of ${nameOf(address, ctx)}`,
  );

export function value(v: Value, ctx: Context): string {
  if (v.kind === 'literal') return inlineRefs(absolute(v.text, ctx), ctx);
  const name = nameOf(v.address, ctx);
  const what = v.attribute === 'arn' ? (v.suffix ? name : `ARN of ${name}`) : `${v.attribute} of ${name}`;
  return `${what}${absolute(v.suffix, ctx)}`;
}

export function principal(p: Principal, ctx: Context): string {
  if (p.kind === 'service') return `service ${absolute(p.service, ctx)}`;
  if (p.kind === 'federated') return `federated ${absolute(p.provider, ctx)}`;
  if (p.kind === 'any') return 'anyone';
  return value(p.value, ctx);
}

export const condition = (c: Condition, ctx: Context): string =>
  `${c.operator} ${c.key} = ${c.values.map((v) => value(v, ctx)).join(' | ')}`;

export function statement(s: Statement, ctx: Context, withPrincipals = true): string {
  const who = withPrincipals && s.principals.length ? `${s.principals.map((p) => principal(p, ctx)).join(', ')}: ` : '';
  const everyoneBut =
    withPrincipals && s.notPrincipals
      ? `everyone except ${s.notPrincipals.map((p) => principal(p, ctx)).join(', ')}: `
      : '';
  const what = s.notActions ? `${EVERY_ACTION_EXCEPT}${s.notActions.join(', ')}` : s.actions.join(', ');
  const on = s.notResources
    ? ` on ${EVERY_RESOURCE_EXCEPT}${s.notResources.map((r) => value(r, ctx)).join(', ')}`
    : s.resources.length
      ? ` on ${s.resources.map((r) => value(r, ctx)).join(', ')}`
      : '';
  const when = s.conditions.length ? ` when ${s.conditions.map((c) => condition(c, ctx)).join(' and ')}` : '';
  return `${s.effect} ${who}${everyoneBut}${what}${on}${when}`;
}

export function encryption(e: Encryption, ctx: Context): string {
  switch (e.kind) {
    case 'kms':
      return `SSE-KMS ${e.alias ?? value(e.key, ctx)}`;
    case 'service-default':
      return 'the service’s default encryption';
    case 'account-setting':
      return 'Data Catalog encryption settings of the account (not managed here)';
    case 'none':
      return 'none';
  }
}

export const rotation = (e: Encryption): boolean | null => (e.kind === 'kms' ? e.rotation : null);

/** A store's timeline, from arrival to the day every copy is gone. */
export function timelineOf(kind: StoreKind, r: Retention): string {
  if (kind !== 's3')
    return r.expirationDays !== null
      ? `deleted after ${r.expirationDays} days`
      : r.buffer
        ? `at most ${r.buffer.seconds} s or ${r.buffer.mib} MiB`
        : 'kept until deleted';
  if (r.transitions.length === 0 && r.expirationDays === null)
    return r.noncurrentDays !== null
      ? `current objects kept until replaced; superseded versions deleted after ${r.noncurrentDays} days`
      : 'kept until deleted';
  const steps = ['STANDARD at day 0', ...r.transitions.map((t) => `${t.storageClass} at day ${t.days}`)];
  if (r.expirationDays !== null) steps.push(`deleted at day ${r.expirationDays}`);
  if (r.goneForGoodDay !== null && r.goneForGoodDay !== r.expirationDays)
    steps.push(`every version gone by day ${r.goneForGoodDay}`);
  return steps.join(' → ');
}

export const timeline = (s: Store): string => timelineOf(s.kind, s.retention);

/** What a reviewer should know about the timeline: queryability, undo window, minimum charges, small objects. */
export function retentionNotes(s: Store): string[] {
  const r = s.retention;
  const notes: string[] = [];
  if (r.notQueryableFromDay !== null) {
    const archived = r.transitions.find((t) => t.days === r.notQueryableFromDay);
    notes.push(
      `not queryable from day ${r.notQueryableFromDay} (${archived?.storageClass}) ` +
        `until deleted: Athena skips archived objects; restore them first ` +
        '(S3 RestoreObject, Bulk retrieval within 48 h for Deep Archive, billed per ' +
        'GB retrieved plus the temporary copy) and query the restored copies',
    );
  }
  if (r.noncurrentDays !== null && s.role !== 'state')
    notes.push(`deleted or overwritten objects stay restorable ${r.noncurrentDays} days as noncurrent versions`);
  r.transitions.forEach((t, i) => {
    const shortfall = r.minimumChargeShortfalls.find((m) => m.storageClass === t.storageClass);
    const leaves = r.transitions[i + 1]?.days ?? r.expirationDays;
    if (shortfall)
      notes.push(
        `${t.storageClass}: objects stay ${shortfall.stayDays} days ` +
          `but are billed for at least ${shortfall.minimumDays}`,
      );
    else if (leaves !== null) notes.push(`${t.storageClass}: objects stay ${leaves - t.days} days`);
  });
  if (r.smallObjectsTransition === false)
    notes.push('objects under 128 KB do not transition (S3 default since Sep 2024) and stay in STANDARD until deleted');
  if (r.buffer)
    notes.push(
      `held up to ${FIREHOSE_DIRECT_PUT_RETENTION_HOURS} h while S3 is unreachable ` +
        `(Firehose retains undeliverable Direct PUT records that long, then drops them)`,
    );
  return notes;
}

export function node(n: FlowNode): string {
  switch (n.kind) {
    case 'app':
      return 'iOS app';
    case 'identity-pool':
      return `Cognito identity pool ${n.name}`;
    case 'firehose':
      return `Firehose ${n.name}`;
    case 's3':
      return `S3 ${n.bucket}/${n.prefix}`;
    case 'glue-catalog':
      return `Glue catalog ${n.database}`;
    case 'athena':
      return `Athena ${n.workgroup}`;
    case 'terraform':
      return 'Terraform runs';
  }
}

export function via(v: FlowVia): string {
  switch (v.kind) {
    case 'guest-credentials':
      return 'guest credentials (HTTPS)';
    case 'put-record-batch':
      return 'PutRecordBatch (HTTPS)';
    case 'delivery':
      return `${v.compression}${v.parquet ? ', Parquet' : ''}, SSE-KMS`;
    case 'crawler':
      return `crawler ${v.name} (${v.recrawl}) into ${v.database}`;
    case 'projection':
      return `table ${v.database}.${v.table}, partition projection (no crawler)`;
    case 'sql':
      return 'SQL (workgroup enforced)';
    case 'query-results':
      return 'query results, SSE-KMS';
    case 'access-logs':
      return 'server access logs, SSE-KMS';
    case 'state-files':
      return 'state files (TLS, SSE-KMS)';
  }
}

export function backend(id: Identity): { type: string; location: string; region: string } {
  const b = id.backend;
  if (b.type === 's3')
    return {
      type: b.kmsKey ? `S3, SSE-KMS ${b.kmsKey.replace(/^.*:(alias\/)/, '$1')}` : 'S3',
      location: `s3://${b.bucket}/${b.key}`,
      region: b.region,
    };
  if (b.type === 'cloud')
    return {
      type: 'Terraform Cloud',
      location: `${b.organization}/${b.workspace}`,
      region: `${b.hostname} (outside AWS)`,
    };
  return { type: 'local', location: b.path, region: 'the machine that applies' };
}

/** `prod`, or `dev, prod` for a state stack serving several environments. */
export const environments = (id: Identity): string => (id.environments.length ? id.environments.join(', ') : 'n/a');

/** A statement's `NotAction` / `NotResource`, before the list of what it leaves out. */
export const EVERY_ACTION_EXCEPT = 'every action except ';
export const EVERY_RESOURCE_EXCEPT = 'every resource except ';
