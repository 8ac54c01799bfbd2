/**
 * The model in words: the one place that turns its enums and records into what a reviewer reads. The report's and
 * the review's renderers use these; no tool reads them back.
 */
import { isFirstParty, PRICE_ITEMS, pricesFor, type PriceItem, type PriceSourceClass } from '../../config/prices';
import { CONTROLS_SCOPE, isSecurityHubControl } from '../../config/controls';
import type {
  AlertKind,
  Condition,
  Destination,
  Encryption,
  FlowNode,
  FlowVia,
  Identity,
  Principal,
  Protection,
  PublicAccess,
  ResourcePolicy,
  ResourcePolicyKind,
  Retention,
  StackModel,
  Statement,
  Store,
  StoreKind,
  StoreRole,
  Value,
} from '../../model/types';
import type { AccessLevel, AccessPrincipal, AccessRequest, AccessTarget } from '../../model/access';
import { ACCOUNT_TOKEN, REGION_TOKEN } from '../../model/values';
import { ERASURE_REQUESTS_FOLDER } from '../../config/names';
import { ATHENA_CANCELLED_BILLING_SOURCE, FIREHOSE_DIRECT_PUT_RETENTION_HOURS } from '../../config/aws';
import { LOCATE_DIGEST_PREFIX_HEX } from '../erase/athena-locate';
import type { StorePolicy, StoreReach } from './reach';
import type { StackReport } from './analyze';
import type { CapacityCheck, CapacityLine } from './capacity';
import type { ControlResult } from './controls';
import type { ErasureCost, ErasureHow, ErasureNotPriced, ErasureOutside, ErasurePlan } from './erasure';
import {
  COMPONENTS,
  type CatalogModeHow,
  type CostComponent,
  type CostDifference,
  type CostEstimate,
  type Omission,
  type OmissionReason,
  type StandingCost,
  type UnpricedComponent,
} from './cost';

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

/** Where Firehose's and Glue crawlers' log groups are (config/names.ts firehoseLogGroup; stacks/constructs/catalog.ts). */
export const FIREHOSE_LOG_GROUPS = '/aws/kinesisfirehose/';
/** stacks/constructs/catalog.ts CRAWLER_LOG_GROUP, the prefix of every crawler's group (not imported: it loads the provider; a test holds them equal). */
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

/** A store's resource policy, for its reachability sentence. */
export const STORE_POLICY: Record<StorePolicy, string> = {
  'own-evaluated': 'its resource policy and the identity policies, evaluated',
  'none-in-stack': 'no resource policy in this stack; the identity policies, evaluated',
  'catalog-policy-outside-stack':
    "no Data Catalog resource policy in this stack (the account's, if one is set outside it, is not seen); the identity policies, evaluated",
};

/**
 * Who can reach a store, in a sentence: the bucket's public access block and the outsiders the access matrix found;
 * for a stream, catalog or queue the matrix's answers (outsiders, the identity pool's guests, the account's
 * principals); for a store the matrix does not ask about, that it was not evaluated. From `storeReach` (reach.ts).
 */
export function reachability(r: StoreReach): string {
  if (r.kind === 'bucket') {
    const outside = r.outsiders.length
      ? `; outside the account: ${r.outsiders.join(', ')}`
      : '; no principal outside the account (evaluated)';
    return `public access ${PUBLIC_ACCESS[r.publicAccessBlocked ? 'blocked' : 'not-blocked']}; the principals its bucket and key policies and the account's IAM allow${outside}`;
  }
  if (r.kind === 'not-evaluated')
    return `not in the access evaluation (it asks of the buckets, key, topic, queue, stream and catalog): whoever the account's IAM policies allow; ${r.policy === 'none-in-stack' ? 'no resource policy in this stack' : STORE_POLICY[r.policy]}`;
  const outside = r.outsiders.length
    ? `outside the account: ${r.outsiders.map(accessPrincipal).join(', ')}`
    : 'no principal of another account';
  const guests = r.guests.map(
    (g) =>
      `anyone with the app's identity pool id, as a Cognito guest through role ${g.role} (${g.actions.join(', ')})`,
  );
  const inside = r.inside.length
    ? `in the account: ${r.inside.map(accessPrincipal).join('; ')}`
    : 'no principal of the account';
  return [STORE_POLICY[r.policy], outside, ...guests, inside].join('; ');
}

/** The data flow's table (the Markdown form of the page's diagram): what each column holds. */
export const FLOW_HEADERS = ['From', 'To', 'Region', 'Via'] as const;
/** Said instead of a data flow where nothing flows (a trust stack: roles only). */
export const NO_FLOW = 'No data flows through this stack.';

/** A copy of a person's events, by the role of the store that holds it (the erasure section). */
export const COPY_OF: Partial<Record<StoreRole, string>> = {
  'event-data': 'events',
  'failed-records': 'failed records (the original record, base64)',
  buffer: "Firehose's buffer",
  'query-results': 'query results',
};

export const PROTECTION: Record<Protection, string> = {
  'prevent-destroy': 'prevent_destroy',
  'destroyable-bucket-before-key': 'destroyable (protection.allowDestroy): emptied and deleted before its key',
  'destroyable-key-after-buckets': 'destroyable (protection.allowDestroy): deleted after its buckets',
  none: 'none',
  'expires-by-retention': 'none: expires by its retention',
  'derived-data': 'none: derived metadata, rebuilt by the crawler or the contract',
  transient: 'none: transient events',
  'in-flight': `none: events wait in the buffer until it flushes (up to ${FIREHOSE_DIRECT_PUT_RETENTION_HOURS} h while S3 is unreachable, then dropped), then go to S3`,
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
      `not queryable from day ${r.notQueryableFromDay} (${archived?.storageClass}) until deleted: Athena skips archived objects; restore them first ` +
        '(S3 RestoreObject, Bulk retrieval within 48 h for Deep Archive, billed per GB retrieved plus the temporary copy) and query the restored copies',
    );
  }
  if (r.noncurrentDays !== null && s.role !== 'state')
    notes.push(`deleted or overwritten objects stay restorable ${r.noncurrentDays} days as noncurrent versions`);
  r.transitions.forEach((t, i) => {
    const shortfall = r.minimumChargeShortfalls.find((m) => m.storageClass === t.storageClass);
    const leaves = r.transitions[i + 1]?.days ?? r.expirationDays;
    if (shortfall)
      notes.push(
        `${t.storageClass}: objects stay ${shortfall.stayDays} days but are billed for at least ${shortfall.minimumDays}`,
      );
    else if (leaves !== null) notes.push(`${t.storageClass}: objects stay ${leaves - t.days} days`);
  });
  if (r.smallObjectsTransition === false)
    notes.push('objects under 128 KB do not transition (S3 default since Sep 2024) and stay in STANDARD until deleted');
  if (r.buffer)
    notes.push(
      `held up to ${FIREHOSE_DIRECT_PUT_RETENTION_HOURS} h while S3 is unreachable (Firehose retains undeliverable Direct PUT records that long, then drops them)`,
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

/** The access matrix's terms (model/access.ts) in a reviewer's words. */
export const ACCESS_REQUEST: Record<AccessRequest, string> = {
  read: 'read',
  write: 'write',
  delete: 'delete (or expire)',
  list: 'list',
  decrypt: 'decrypt with',
  administer: 'administer (its policies, trust or grants; redirect or delete it):',
  'change-policy': 'change the policy, ACL or public access block of',
  'put-records': 'put records into',
  'read-catalog': 'read the tables of',
  'change-catalog': 'change or delete the tables of',
  'read-history': "read the query history (each query's SQL, execution parameters and results) of",
  mac: 'compute or verify MACs (test a guessed id against the receipts) with',
  assume: 'assume',
  'act-outside': 'act outside the stack',
};

export const ACCESS_LEVEL: Record<AccessLevel, string> = {
  allowed: 'allowed',
  conditional: 'allowed under conditions',
  denied: 'denied',
};

/** CloudWatch's comparison operators, as a reader writes them. */
export const COMPARISON: Record<string, string> = {
  GreaterThanThreshold: '>',
  GreaterThanOrEqualToThreshold: '≥',
  LessThanThreshold: '<',
  LessThanOrEqualToThreshold: '≤',
};

/**
 * What a metric counts, where AWS says it: ThrottledRecords is "the number of records that were throttled because data
 * ingestion exceeded one of the Firehose stream limits" (Firehose developer guide, "Monitor with CloudWatch metrics",
 * https://docs.aws.amazon.com/firehose/latest/dev/monitoring-with-cloudwatch-metrics.html).
 */
export const METRIC_MEANS: Record<string, string> = {
  ThrottledRecords:
    "records Firehose refused because ingestion exceeded one of the stream's quotas (the capacity section's), so it fires at the quota, not at a flood of records below it",
};

/** Who a principal of the matrix is; account ids spelled out for anyone outside the stack's account. */
export function accessPrincipal(p: AccessPrincipal): string {
  switch (p.kind) {
    case 'stack-role':
      return `role ${p.name}`;
    case 'guest':
      return `app users (Cognito guests, role ${p.name})`;
    case 'policy-holder':
      return `whoever holds policy ${p.name}`;
    case 'deploy-plan':
    case 'deploy-apply':
      return p.name;
    case 'account-principal':
      return `any other principal of account ${p.account} its IAM policies allow`;
    case 'named-external':
      return `${p.name} (account ${p.account})`;
    case 'other-account':
      return 'a principal of any other account';
    case 'anyone':
      return 'anyone, unauthenticated';
    case 'web-identity':
      return `web identities of ${p.name}`;
    case 'service-for-another-account':
      return `${p.name} acting for another account (account ${p.account})`;
  }
}

export const accessTarget = (t: AccessTarget): string =>
  t.kind === 'store' && t.storeRole
    ? `${STORE_ROLE[t.storeRole]} (${t.name})`
    : `${t.kind === 'outside' ? '' : `${t.kind} `}${t.name}`;

/** What a request asks, of its target: "read app events … (bucket/data/)", "act outside the stack". */
export const accessWhat = (request: AccessRequest, target: AccessTarget): string =>
  request === 'act-outside' ? ACCESS_REQUEST[request] : `${ACCESS_REQUEST[request]} ${accessTarget(target)}`;

/** Its actions, and for a conditional answer the keys that must match: " (s3:GetObject) when aws:SourceIp match". */
export const accessHow = (level: AccessLevel, actions: string[], conditionKeys: string[]): string =>
  `${actions.length ? ` (${actions.join(', ')})` : ''}${level === 'conditional' && conditionKeys.length ? ` when ${conditionKeys.join(', ')} match` : ''}`;

/** One cell: "read app events delivered by Firehose (…/data/): allowed (s3:GetObject)". */
export const accessCell = (
  request: AccessRequest,
  target: AccessTarget,
  level: AccessLevel,
  actions: string[],
  conditionKeys: string[],
): string => `${accessWhat(request, target)}: ${ACCESS_LEVEL[level]}${accessHow(level, actions, conditionKeys)}`;

/** Why a component is left out of a cost total. */
export const OMISSION_REASON: Record<OmissionReason, string> = {
  'no-price-in-region': "no sourced price in the region's price file",
  'no-sourced-price': 'no sourced price in this project',
  'usage-not-modelled': 'usage the estimate does not model',
  'request-count-not-modelled':
    "the estimate does not count the requests, and the region's file records the key's monthly price, not the request price",
};

/** A billable component by its name, priced (cost.ts COMPONENTS) or never priced (UNPRICED_COMPONENTS). */
export const COST_COMPONENT: Record<CostComponent | UnpricedComponent, string> = {
  firehose: 'Firehose',
  s3: 'S3',
  's3-requests': 'S3 requests',
  glue: 'Glue',
  athena: 'Athena',
  'kms-key': 'KMS key',
  alarms: 'Alarms',
  's3-other-storage': 'S3 storage besides event data (failed records, query results, logs, state files, old versions)',
  's3-other-requests': 'S3 requests besides Firehose deliveries (Terraform state, access logs, erasure runs)',
  'glue-catalog': 'Glue Data Catalog storage and requests',
  'kms-requests': 'KMS requests',
  'log-ingestion': 'Log ingestion',
  'log-storage': 'Log storage',
  'athena-other-scans': "Athena scans besides the analysts' day queries (the erasure workgroup's locating queries)",
  'data-transfer-out': 'Data transfer out of the region (downloads of objects and query results)',
  dashboard: 'Dashboard',
  's3-lifecycle-transitions': 'S3 lifecycle transitions',
  's3-reads-by-athena': 'S3 reads by Athena and the crawler',
  'sns-notifications': 'SNS notifications',
  'sqs-requests': 'SQS requests',
  'eventbridge-events': 'EventBridge events',
};

/** A priced component's column in the cost table: its name, S3's storage said to be the steady state's. */
export const costColumn = (c: CostComponent): string => (c === 's3' ? 'S3 (steady state)' : COST_COMPONENT[c]);

/** `KMS requests (no sourced price in this project)`. */
export const omission = (o: Omission): string => `${COST_COMPONENT[o.component]} (${OMISSION_REASON[o.reason]})`;

/** Dollars as the report writes them: `$1,234.50`. */
export const usd = (n: number): string =>
  `$${n.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;

/**
 * A month's total and what it leaves out: `$12.40 + Firehose not priced`, then the components never priced, by name
 * (`full`) or by count (`+ 7 more not priced, listed in the cost section`).
 */
export function totalWords(
  l: { total: number; notPriced: CostComponent[]; omitted?: Omission[] },
  full = false,
): string {
  const others = (l.omitted ?? [])
    .map((o) => o.component)
    .filter((c) => !(l.notPriced as (CostComponent | UnpricedComponent)[]).includes(c));
  const named = (full ? [...l.notPriced, ...others] : l.notPriced).map((c) => COST_COMPONENT[c]);
  const rest = full || others.length === 0 ? '' : ` + ${others.length} more not priced (the cost section lists them)`;
  return `${usd(l.total)}${named.length ? ` + ${named.join(', ')} not priced` : ''}${rest}`;
}

/** How close a price source is to AWS's own data (config/prices.ts). */
export const PRICE_SOURCE_CLASS: Record<PriceSourceClass, string> = {
  'price-list-api': 'AWS Price List API',
  'offer-file': "AWS's offer file or pricing feed",
  'secondary-copy': "secondary: a third party's copy of AWS's offer file or pricing feed",
  'pricing-page': "AWS's pricing page",
  secondary: 'secondary: a restatement',
};

/** A count of events as the report writes it: `100 M`, `1 B`. */
export const volume = (n: number): string => (n >= 1e9 ? `${n / 1e9} B` : `${n / 1e6} M`);

/** Why the estimate differs from the reference design's, in a sentence. */
export function costDifference(d: CostDifference): string {
  switch (d.kind) {
    case 'firehose-increment':
      return `Firehose bills each ${d.eventKb} KB event as ${d.billedKb} KB (${d.incrementKb} KB increments); the reference design priced the raw ${d.eventKb} KB.`;
    case 'storage-steady-state':
      return `Storage is the steady state of the lifecycle: each month's data stays ${d.months.map((m) => `${m.months.toFixed(1)} months in ${m.storageClass}`).join(', ')}, then is deleted at day ${d.expirationDays}; the reference design priced one month in STANDARD.`;
    case 'projection-no-crawler':
      return `Partition projection: no crawler runs (the reference design's crawler every 6 hours: $${d.referenceCrawlerPerMonth.toFixed(2)} a month).`;
    case 'crawler-not-priced':
      return `The crawler runs ${d.runsPerMonth} times a month; Glue's DPU-hour is not priced for ${d.region}.`;
    case 'crawler-priced':
      return `The crawler runs ${d.runsPerMonth} times a month, each billed by Glue's rule at ${d.dpus} DPUs × ${d.billedMinutes} minutes (the per-crawl minimum) × $${d.dpuHour}/DPU-hour = $${d.perRun.toFixed(4)}, $${(d.runsPerMonth * d.perRun).toFixed(2)} a month; the reference design's table says $${d.referenceCrawlerPerMonth.toFixed(2)}.`;
    case 'parquet':
      return `Parquet: Firehose adds its format conversion per GB; queries reading a few columns scan ~${d.scanFraction * 100} % of the bytes.`;
    case 'athena-scans': {
      if (d.cutoffBytes === null)
        return `Athena assumes analysts scan the last 30 days ${d.scansPerMonth} times a month, a day's partition per query.`;
      const gib = (d.cutoffBytes / 2 ** 30).toFixed(2);
      const cancelled = d.cancelledAt.length
        ? `${d.cancelledAt.map((c) => `at ${volume(c.events)} events a day's partition is ${c.dayScanGb} GB`).join('; ')}: every such query is cancelled and answers nothing, yet is billed for what it scanned before the cutoff (${ATHENA_CANCELLED_BILLING_SOURCE}), so Athena is priced there at the cutoff's ${gib} GiB a query (raise the cutoff, or query less than a day)`
        : "every volume's day fits the cutoff";
      return `Athena assumes analysts scan the last 30 days ${d.scansPerMonth} times a month, a day's partition per query, each within the workgroup's ${gib} GiB cutoff (athena.bytesScannedCutoffPerQuery): a query past it is cancelled; ${cancelled}.`;
    }
    case 's3-requests':
      return `S3 requests are Firehose's deliveries: one PUT per buffer flush (${d.bufferSeconds} s or ${d.bufferMib} MiB, whichever first).`;
    case 'monthly-items':
      return `${d.kmsKeys} KMS key${d.kmsKeys === 1 ? '' : 's'} and ${d.alarms} alarm${d.alarms === 1 ? '' : 's'} at their monthly prices (the free tier is not counted).`;
    case 'own-region-prices':
      return `Prices are ${d.region}'s own (config/prices/${d.region}.json); the reference design's column keeps its us-east-1 figures.`;
  }
}

/** How a catalog mode's monthly cost comes about, in words. */
export function catalogModeHow(h: CatalogModeHow): string {
  switch (h.kind) {
    case 'crawls':
      return `${h.runs} crawls × $${h.perRun.toFixed(4)}`;
    case 'same-runs-billed-minimum':
      return `the same runs: event mode shortens a crawl, but each is billed at least ${h.minimumMinutes} minutes`;
    case 'no-crawler':
      return 'no crawler: partitions are computed by Athena at query time';
  }
}

const dollars = (n: number) => `$${n.toFixed(2)}`;

/** A stack without a pipeline's total, as the overview shows it: `$1.00 + 3 more not priced`. */
export const standingTotal = (c: StandingCost): string =>
  `${c.perMonth === null ? 'not priced' : dollars(c.perMonth)}${c.omitted.length ? ` + ${c.omitted.length} more not priced (the cost section lists them)` : ''}`;

/** Its cost in a sentence: what is priced, at which price and source, or that nothing it creates is billed of itself. */
export function standingCost(c: StandingCost, sources: string[]): string {
  const keys = `${c.kmsKeys} KMS key${c.kmsKeys === 1 ? '' : 's'}`;
  const priced =
    c.kmsKeys === 0
      ? '$0.00 a month of its own: it creates no KMS key, and nothing else it creates has a monthly price'
      : c.perMonth === null
        ? `${keys}: not priced (no sourced price in ${c.region}'s price file)`
        : `${dollars(c.perMonth)} a month: ${keys} at ${c.region}'s price (config/prices/${c.region}.json, source ${sources.join(', ')}; the free tier is not counted)`;
  return `This stack runs no pipeline; ${priced}.`;
}

/** How `npm run erase` removes a copy, by how the erasure plan says it goes (erasure.ts `ErasureHow`). */
export const ERASURE_HOW: Record<ErasureHow, string> = {
  rewritten: 'rewritten without the ids’ records, every older version deleted; an object of only those records deleted',
  'restored-then-rewritten':
    'rewritten without the ids’ records, every older version deleted; an object of only those records deleted; objects already in an archive class restored first (started by one run, finished by a run after the restore)',
  'delivered-then-rewritten': `still buffered events land within the buffer interval (held up to ${FIREHOSE_DIRECT_PUT_RETENTION_HOURS} h while S3 is unreachable, then dropped); a run after they land erases them`,
  'deleted-when-naming-an-id': 'a query result naming an id is deleted with its versions',
};
/** A count of a unit (`1 hour`, `3 days`), and hours as the erasure section says them (`the run`, `15 minutes`). */
const unitWords = (n: number, unit: string) => `${n} ${unit}${n === 1 ? '' : 's'}`;
export const hoursWords = (h: number) =>
  h === 0 ? 'the run' : h < 1 ? unitWords(Math.round(h * 60), 'minute') : unitWords(h, 'hour');

/** What the locating query's parameters reveal: prefixes of the ids' digests (scripts/erase/athena-locate.ts). */
const LOCATE_PREFIX_WORDS = `${LOCATE_DIGEST_PREFIX_HEX}-hex-character prefixes of the SHA-256 digests of the lower-cased ids (of a Cognito identity id, its GUID), never the ids nor their full digests — whoever hashes the events table's client ids is narrowed to about 1 in ${(16 ** LOCATE_DIGEST_PREFIX_HEX).toLocaleString('en-US')} of them, not to one device while the table holds many more client ids than that`;
const daysWords = (days: number | null) => (days === null ? 'never expires' : unitWords(days, 'day'));

/** A copy the command does not edit, and how it goes (erasure.ts `ErasureOutside`). */
function outsideCopy(o: ErasureOutside): string {
  if (o.what === 'log')
    return `the log \`${o.store}\` (${daysWords(o.days)}; ${o.store.startsWith(FIREHOSE_LOG_GROUPS) ? "Firehose's error messages may quote record content" : 'may quote object keys and schemas'} — to remove it sooner, delete its log streams)`;
  if (o.what === 'receipts')
    return `the requests' receipts \`${o.store}\` (${daysWords(o.days)}, \`erasure.receiptRetentionDays\`; MACs of the ids by the stack's KMS HMAC key, counts and object keys, never the ids: without that key a guessed id cannot be tested against them)`;
  if (o.what === 'cloudtrail')
    return `${o.store}, if the account has one (kept as long as the trail keeps its events, outside these stacks): KMS records each GenerateMac and VerifyMac with its key and algorithm, never the id; Athena's StartQueryExecution may record the locating query's SQL and parameters — ${LOCATE_PREFIX_WORDS}`;
  if (o.what === 'locate-results')
    return `the locating query's results \`${o.store}\` (${daysWords(o.days)}; object keys and whether each holds an id, never the ids; readable by the erasure policy alone among the stack's policies)`;
  const readers = o.history?.readers.length
    ? `readable, by the access matrix, by ${o.history.readers.map(accessPrincipal).join('; ')}`
    : "readable by no principal of the stack's access matrix";
  if (o.history && !o.history.locating)
    return `the ${o.store} (${daysWords(o.days)}, Athena's own; an analyst's SQL naming an id keeps the id there — the command deletes such a query's results, not its history, which Athena has no call to delete; ${readers})`;
  return `the ${o.store} (${daysWords(o.days)}, Athena's own; the locating query's SQL and parameters hold ${LOCATE_PREFIX_WORDS}; ${readers})`;
}

/**
 * When every copy the command erases is gone: S3 reachable (the buffer interval, or a restore), while S3 is
 * unreachable (Firehose's retention of undeliverable records), and whether a second run is needed — from the plan.
 */
export function erasureGone(x: ErasurePlan): string {
  if (x.hours === 0) return `Every copy above is gone by the run that serves the request${ERASURE_EXCEPT}.`;
  const last = x.copies.find((c) => c.hours === x.hours)!;
  const why =
    last.how === 'delivered-then-rewritten' && x.bufferSeconds !== null
      ? "Firehose's buffer interval"
      : last.how === 'restored-then-rewritten'
        ? 'the bulk restore of archived objects'
        : null;
  const unreachable =
    x.hoursWhileS3Unreachable !== null && x.hoursWhileS3Unreachable > x.hours
      ? `, and up to ${hoursWords(x.hoursWhileS3Unreachable)} while S3 is unreachable (Firehose holds the records it cannot deliver that long, then drops them)`
      : '';
  const run = x.secondRun
    ? ' — and only after a second run: the first exits 3 and says what is pending; run it again after that'
    : '';
  return `Every copy above is gone within ${hoursWords(x.hours)} of the request${why ? ` (${why})` : ''} while S3 accepts deliveries${unreachable}${run}${ERASURE_EXCEPT}.`;
}

/**
 * What the command leaves for an operator's decision (scripts/erase: records.ts, engine.ts `Pending`): never erased
 * on a guess, never reported done while there.
 */
const ERASURE_EXCEPT =
  " — except what waits for an operator's decision, which stays until decided: lines that hold an id's characters but are not a JSON record whose id fields hold it (kept and pending until `--unparsed keep` or `--unparsed remove`), and objects the command cannot decode (a broken GZIP stream, another codec), kept untouched with their older versions and pending until an operator handles them";

/** Which way `npm run erase` finds the objects, and what is not yet shown of the other. */
const ERASURE_LOCATE =
  'By default it reads every object itself (`--locate scan`); locating them with one Athena query (`--locate athena`) is opt-in and has not yet run on a real Athena (docs/operating.md, known limitations, says what to check before relying on it).';

/** Who serves a request on a stack, and how: the erasure section's first paragraph. */
export function erasureServed(stack: string, x: ErasurePlan): string {
  const who = x.policy
    ? `the stack's erasure policy \`${x.policy}\`${x.role ? ` (role \`${x.role}\`, assumable by the principals in \`erasure.principals\`)` : ' (attach it where the operators sign in, or set `erasure.principals` for a role)'}`
    : 'credentials allowed what `npm run erase` calls (this synth has no erasure policy)';
  return `Served by \`npm run erase -- --stack ${stack} --ids <file> --request <ticket>\` with ${who}: every version of every object it finds holding the ids is rewritten or deleted, except lines and objects it cannot decide on, which it names and leaves pending (exit 3) for an operator's decision (below), and a receipt with MACs of the ids by the stack's KMS HMAC key (never the ids) is kept in the bucket under \`${ERASURE_REQUESTS_FOLDER}\`. ${ERASURE_LOCATE}`;
}

/** The erasure section's copies table: what each column holds. */
export const ERASURE_COPY_HEADERS = ['Copy', 'Where', 'How it goes', 'Gone within'] as const;

/** When every copy is gone, then the copies the command does not edit. */
export const erasureOutside = (x: ErasurePlan): string =>
  `${erasureGone(x)} The command does not edit these, which go by their own retention: ${x.outside.map(outsideCopy).join('; ')}.`;

/** The erasure section's cost table: what each column holds. */
export const ERASURE_COST_HEADERS = [
  'Events / month',
  'Window Athena reads',
  'Archived in the window',
  'Locating with Athena',
  'Objects in the window',
  'Rewriting them all: S3 requests',
  'Rewriting them all: core-hours',
] as const;

/** Locating with Athena past the workgroup's scan cutoff: refused before it starts, and what running it anyway bills. */
export const erasureLocateRefused = (c: ErasureCost): string =>
  `over the scan cutoff: \`npm run erase\` refuses it before it starts ($0; run anyway, the cutoff cancels it and it is billed for the bytes scanned until then${c.cancelledLocate === null ? '' : `, $${c.cancelledLocate.toFixed(c.cancelledLocate < 0.01 ? 4 : 2)} at the cutoff`}); \`--locate scan\` instead`;

/** A part of a request's cost left unpriced (erasure.ts `ErasureNotPriced`). */
export const ERASURE_NOT_PRICED: Record<ErasureNotPriced, string> = {
  's3-requests': 'the S3 requests of reading and rewriting the objects',
  'archive-retrieval': 'restoring the archived part (bulk retrieval per GB)',
  'infrequent-access':
    "Standard-IA's retrieval fee per GB and its higher request prices, for the objects in Standard-IA",
  compute: 'the machines the rewrite runs on (core-hours × the price of a core-hour where it runs)',
};

/** What a request's cost counts, and what it does not price. */
export const erasureNotPriced = (x: ErasurePlan): string =>
  `Locating with Athena (\`--locate athena\`, opt-in) is the query that finds the objects (for JSON events it reads the erasure's own raw-line table, so no JSON parser decides what it finds, and every object it marks is read and decided by the run; \`npm run erase\` prints its scan and price before it runs, and refuses a scan past the workgroup's cutoff; \`--locate scan\`, the default, reads every object instead: a GET each, as counted in the rewrite's S3 requests). Rewriting every object is the most a batch of requests can touch: its S3 requests, and its core-hours at the rate \`npm run bench\` measured, which \`--shard i/n\` spreads over n machines (docs/operating.md, "Past one machine"). Not priced (no sourced price in the region's file): ${x.notPriced.map((n) => ERASURE_NOT_PRICED[n]).join('; ')}.`;

// The stack's report, section by section (render.ts lays these out, in this order).

/** `yes`, `NO` (said loud: a setting that is off), `n/a` where the setting does not apply. */
export const yesNo = (v: boolean | null): string => (v === null ? 'n/a' : v ? 'yes' : 'NO');

/** The report's first paragraph: what it is read from. */
export const REPORT_SOURCE = 'Generated from the synthesized Terraform (`cdktf.out/`), i.e. what will be deployed.';

/** The identity table's rows: each setting and its value. */
export function identityRows(id: Identity): [string, string][] {
  const b = backend(id);
  return [
    ['Environment', environments(id)],
    ['Region', id.region],
    ['Account', id.account],
    ['Jurisdiction', id.jurisdiction ?? 'n/a'],
    ['Classification', id.classification ?? 'n/a'],
    ['Retention profile', id.profile ?? 'n/a'],
    ['State backend', `${b.type}: \`${b.location}\` (${b.region})`],
    ['Residency exceptions', id.residencyExceptions.join(', ') || 'none'],
  ];
}

/** A bucket or key in the destroy-protection table. */
export const protectedBucket = (address: string, ctx: Context): string => `bucket ${nameOf(address, ctx)}`;
export const protectedKey = (k: { alias?: string | null; address: string }, ctx: Context): string =>
  `key ${k.alias ?? nameOf(k.address, ctx)}`;

// Alerts.

export const ALERT_KIND: Record<AlertKind, string> = {
  'metric-alarm': 'alarm',
  'event-rule': 'rule',
  's3-notification': 'S3 notification',
};
export const alert = (a: { kind: AlertKind; name: string }): string => `${ALERT_KIND[a.kind]} ${a.name}`;
export const destination = (d: Destination): string =>
  d.kind === 'sns-topic' ? `SNS topic ${d.name}` : `${d.protocol} ${d.endpoint}`;
export const ALERTS_MASKED = 'Email addresses are masked.';

// Who can read or write it.

/**
 * What the access evaluation asks of every principal (model/access.ts's requests, grouped by what they are asked of;
 * not ACCESS_REQUEST's words, which phrase one request of one target).
 */
export const EVALUATED_ACCESS =
  'Every principal below was asked every request of the stack (read, write, delete, list the stores; decrypt with and administer the keys; compute MACs with an HMAC key; change the bucket, key, topic and queue policies; subscribe and publish; put records and redirect the stream; read and change the catalog; read the query history of each Athena workgroup; assume its roles and change their policies; act outside the stack), decided by evaluating the policies that apply as AWS does (docs/compliance.md, "How access is decided"). What is not listed was denied.';
/** A principal of the matrix with no request allowed. */
export const NOTHING_ALLOWED = 'nothing asked of it is allowed';

/** A statement's `NotAction` / `NotResource`, before the list of what it leaves out. */
export const EVERY_ACTION_EXCEPT = 'every action except ';
export const EVERY_RESOURCE_EXCEPT = 'every resource except ';

/** A state stack's key delegating to the account's IAM: who that is, and what its bucket policy denies. */
export const accountIamPrincipals = (account: string): string => `IAM principals of account ${account}`;
export const ACCOUNT_IAM_ASSUMED_BY =
  'any user or role of the account whose IAM policy allows it (the key policy delegates to IAM; no other account is named)';
export const BUCKET_POLICY_DENIES_PLAIN_HTTP = 'bucket policy: requests without TLS are denied';
/** A managed policy of the stack attached to nothing in it. */
export const attachablePolicy = (name: string): string => `policy ${name}`;
export const ATTACHABLE_ASSUMED_BY =
  'whoever it is attached to outside this stack (an SSO permission set, a federated role); nobody until then';
export const awsManagedPolicy = (arn: string): string => `AWS managed policy ${arn}`;
/** The Actions-column prefix of an AWS managed policy's row, and what its Resources column says. */
export const AWS_MANAGED_POLICY = 'AWS managed policy ';
export const SEE_AWS = '(see AWS)';
export const NO_ROLES = 'None: no role, and no key that delegates to the account.';
export const ASSUMED_BY = 'Assumed by ';
export const ONLY_WHEN = ', only when ';
export const ACCOUNT_IAM_GRANTS = "Grants: whatever the account's IAM policies give them; nothing in this stack.";

export const RESOURCE_POLICY_KIND: Record<ResourcePolicyKind, string> = {
  'bucket-policy': 'bucket policy',
  'key-policy': 'key policy',
  'topic-policy': 'topic policy',
  'queue-policy': 'queue policy',
};
/** `bucket policy of <bucket>`. */
export const resourcePolicy = (p: ResourcePolicy, ctx: Context): string =>
  `${RESOURCE_POLICY_KIND[p.kind]} of ${p.governs.kind === 'own' ? nameOf(p.governs.address, ctx) : value(p.governs, ctx)}`;

// Capacity.

/** The default quotas of the region and what the lines assume. */
export const capacityQuotas = (c: CapacityCheck): string =>
  `Default Firehose quotas in ${c.region}: ${c.quota.mibPerSecond} MiB/s, ${c.quota.recordsPerSecond} records/s, ${c.quota.requestsPerSecond} requests/s (${c.quota.source}). Peak ${c.settings.peakFactor}× the monthly average, ${c.settings.eventBytes}-byte events, ${c.settings.eventsPerRecord} per record; requests/s assume full PutRecordBatch calls.`;
/** A line's headroom: `3.2×`, or `0.5×: throttles` below 1 (the stream throttles at the peak). */
export const headroom = (l: CapacityLine): string => (l.headroom < 1 ? `${l.headroom}×: throttles` : `${l.headroom}×`);
/** The fixes by name when the configured peak does not fit (capacity.ts). */
export const capacityFixes = (c: CapacityCheck): string =>
  c.fixes.length
    ? `Fix at the configured peak: ${c.fixes.join('; ')}.`
    : 'The configured peak fits the default quotas.';

// Controls.

export { CONTROLS_SCOPE };

/**
 * The controls' counts by status, Security Hub's controls apart from this project's own checks (catalogue entries in
 * no Security Hub standard: config/controls.ts isSecurityHubControl), so that a count is never read as Security
 * Hub's: `Security Hub: 12 pass, 1 accepted, 1 fail, 2 not checked`.
 */
export function controlSummary(r: Pick<StackReport, 'controls'>): string {
  const counts = (list: StackReport['controls']) =>
    ['pass', 'accepted', 'fail', 'not checked']
      .map((s) => `${list.filter((c) => c.status === s).length} ${s}`)
      .join(', ');
  const hub = r.controls.filter(isSecurityHubControl);
  const own = r.controls.filter((c) => !isSecurityHubControl(c));
  return `Security Hub: ${counts(hub)}${own.length ? `; this project’s checks: ${counts(own)}` : ''}`;
}

/** Where acceptances are configured, for the reader. */
export const ACCEPTANCES_SETTING =
  'controls.acceptances (config/defaults.ts; a profile or a deployment may override it)';

/** The counts, and where acceptances are configured. */
export const controlCounts = (r: Pick<StackReport, 'controls'>): string =>
  `${controlSummary(r)}. Accepted controls are configured in ${ACCEPTANCES_SETTING}.`;

/**
 * What of a compensating control an acceptance counts on the stack's facts do not back: an alarm counts only when its
 * topic reaches someone; a control it cites as checked (S3.8, S3.2, …) only when that control does not fail here.
 */
export function unbackedCompensation(
  text: string,
  model: StackModel,
  controls: readonly { id: string; status: ControlResult['status']; failing?: string[] }[] = [],
): string | null {
  const subscribed = model.destinations.some((d) => d.kind === 'subscription');
  const reasons: string[] = [];
  if (/\balarm\b/i.test(text) && !subscribed)
    reasons.push('no one is notified: the alert topic has no subscriber here (monitoring.alarmEmails)');
  const cited = controls.filter(
    (c) => c.status === 'fail' && new RegExp(`(^|[^A-Za-z0-9.])${c.id.replace(/\./g, '\\.')}(?![0-9])`).test(text),
  );
  const on = (c: { failing?: string[] }) =>
    c.failing?.length ? ` on ${c.failing.map((a) => model.names[a] ?? a).join(', ')}` : '';
  for (const c of cited) reasons.push(`${c.id} fails here${on(c)}`);
  return reasons.length ? reasons.join('; ') : null;
}

/**
 * When each metric alarm a compensation names (by its metric) fires, from the alarm's configured condition, with what
 * the metric counts where a source says it (METRIC_MEANS): `alarm x fires when ThrottledRecords Sum > 0 over 300 s: …`.
 */
export function alarmConditions(text: string, model: StackModel): string | null {
  const named = model.alerts.filter(
    (a) => a.kind === 'metric-alarm' && a.condition && a.watches && new RegExp(`\\b${a.watches}\\b`).test(text),
  );
  if (named.length === 0) return null;
  return named
    .map((a) => {
      const c = a.condition!;
      const op = COMPARISON[c.comparison] ?? c.comparison;
      const means = METRIC_MEANS[a.watches];
      return `alarm ${a.name} fires when ${a.watches} ${c.statistic} ${op} ${c.threshold} over ${c.periodSeconds} s${means ? `: ${means}` : ''}`;
    })
    .join('; ');
}

/** Why a control has its status: the acceptance, AWS's exemption, what fails and what would close it, or why no rule checks it. */
export function controlWhy(
  c: ControlResult,
  ctx: Context,
  model: StackModel,
  all: readonly ControlResult[] = [],
): string {
  const names = (addresses: string[]) => addresses.map((a) => nameOf(a, ctx)).join(', ');
  const exempted = c.exempted ? `${names(c.exempted.resources)} exempted: ${c.exempted.reason}` : '';
  if (c.status === 'accepted' && c.acceptance) {
    const compensations = c.acceptance.compensatingControls.map((text) => {
      const unbacked = unbackedCompensation(text, model, all);
      const fires = alarmConditions(text, model);
      return `${text}${fires ? ` (${fires})` : ''}${unbacked ? ` (but ${unbacked})` : ''}`;
    });
    return `accepted for ${c.acceptance.scope}: ${c.acceptance.reason}; compensated by ${compensations.join('; ')}${exempted ? `; ${exempted}` : ''}`;
  }
  // The policies a control reads on the resource AWS evaluates (S3.6, SNS.4, SQS.3), and the resources without one.
  const governed = new Set(
    model.resourcePolicies
      .filter((p) => c.evidence?.includes(p.address) && p.governs.kind === 'own')
      .map((p) => (p.governs as { address: string }).address),
  );
  const without = c.resources.filter((r) => !governed.has(r));
  const evidence = c.evidenceTypes?.length
    ? `; evidence: ${c.evidence.length ? names(c.evidence) : 'no policy'}${c.evidence.length && without.length ? `; ${names(without)} without a policy, which grants no one anything` : ''}`
    : '';
  if (c.status === 'accepted') return `${exempted} (rule ${c.rules.join(', ')})`;
  if (c.status === 'fail')
    return `fails on ${names(c.failing)}${c.closedBy ? `; closed by ${c.closedBy}` : ''}${exempted ? `; ${exempted}` : ''} (rule ${c.rules.join(', ')})${evidence}`;
  if (c.status === 'not checked')
    return `not checked${c.notCheckable ? `: ${c.notCheckable}` : ': no rule checks it here'}${c.closedBy ? `; ${c.closedBy}` : ''}`;
  return `rule ${c.rules.join(', ')}${evidence}`;
}

// Findings.

/** `0 error, 2 warning, 5 info.` */
export const findingCounts = (c: Record<string, number>): string =>
  `${c.error} error, ${c.warning} warning, ${c.info} info.`;

// The overview.

/** The day event data is deleted, and the day its last copy is gone: what the overview shows per stack. */
export function eventDataDays(model: StackModel): string {
  const events = model.stores.find((s) => s.role === 'event-data');
  if (!events || events.retention.expirationDays === null) return '—';
  const { expirationDays, goneForGoodDay } = events.retention;
  return goneForGoodDay !== null && goneForGoodDay !== expirationDays
    ? `day ${expirationDays} (every version by day ${goneForGoodDay})`
    : `day ${expirationDays}`;
}

/** The overview's cost column: the total at 100 M events a month, a standing stack's total, or `—`. */
export function overviewCost(r: Pick<StackReport, 'cost' | 'standingCost'>): string {
  if (r.cost?.lines.length) return totalWords(r.cost.lines[1]);
  if (r.cost) return 'not priced';
  return r.standingCost ? standingTotal(r.standingCost) : '—';
}

// The cost estimate.

/** A price, or that it has none: `$1.20`, `not priced`. */
export const usdOrNotPriced = (n: number | null): string => (n === null ? 'not priced' : usd(n));

/** What the estimate assumes of the pipeline's output. */
export const costSettings = (cost: CostEstimate): string =>
  `Output format: ${cost.format}; crawler runs per month: ${cost.crawlerRunsPerMonth}.`;

/** Each component some total leaves out, once, with its reason and the volumes it is left out at. */
export function omissionLines(cost: CostEstimate): string[] {
  const seen = new Map<string, number[]>();
  for (const l of cost.lines)
    for (const o of l.omitted) seen.set(omission(o), [...(seen.get(omission(o)) ?? []), l.events]);
  return [...seen].map(([w, at]) =>
    at.length === cost.lines.length ? w : `${w}, at ${at.map(volume).join(', ')} events a month`,
  );
}

/** A price whose relied-on source is dated before this is marked old in the report (a fixed date: the same input gives the same report). */
export const OLD_SOURCE_BEFORE = '2024-01-01';

/** Every price an estimate uses, with its sources and date; what is not priced; and the sources. */
export function priceLines(cost: CostEstimate): string[] {
  const file = pricesFor(cost.region);
  if (!cost.priced || !file)
    return [
      `Not priced: there is no price file for ${cost.region} (config/prices/${cost.region}.json), and never another region's prices in its place.`,
    ];
  const used = [...new Set(COMPONENTS.flatMap((c) => cost.uses[c]))] as PriceItem[];
  const lines = used.flatMap((item) => {
    const p = file.prices[item];
    if (!p) return [];
    // A price no first-party AWS source backs (restatements, third parties' copies), or one that relies on an old copy,
    // says so, whether or not its note does.
    const secondaryOnly =
      !p.sources.some((id) => isFirstParty(file.sources[id].class)) && !/^secondary sources? only/i.test(p.note ?? '');
    const reliedOn = file.sources[p.sources[0]];
    const old =
      reliedOn.date !== undefined && reliedOn.date < OLD_SOURCE_BEFORE
        ? `; OLD: relies on a source of ${reliedOn.date}`
        : '';
    return [
      `${PRICE_ITEMS[item].what}: $${p.value} ${p.unit.replace(/^USD /, '')} (source ${p.sources.join(', ')}; ${p.date ?? 'undated'}${secondaryOnly ? '; secondary sources only: no first-party AWS source' : ''}${old}${p.note ? `; ${p.note}` : ''})`,
    ];
  });
  if (cost.missing.length) {
    lines.push(
      `Not priced for ${cost.region}: ${cost.missing.map((m) => PRICE_ITEMS[m].what).join('; ')} — no sourced price, so the totals leave those components out rather than borrow another region's price.`,
    );
  }
  const sources = [...new Set(used.flatMap((item) => file.prices[item]?.sources ?? []))];
  lines.push(
    `Sources (config/prices/${cost.region}.json): ${sources.map((id) => `${id} [${PRICE_SOURCE_CLASS[file.sources[id].class]}]: ${file.sources[id].what} — ${file.sources[id].location}${file.sources[id].date ? ` (${file.sources[id].date})` : ''}`).join('; ')}.`,
  );
  return lines;
}
