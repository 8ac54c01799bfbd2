/**
 * The stack report's other sections in words (render.ts lays them out, in this order): identity, destroy protection,
 * alerts, who can read or write it, resource policies, capacity, findings, and the overview's row.
 */
import type {
  AlertKind,
  Destination,
  Identity,
  ResourcePolicy,
  ResourcePolicyKind,
  StackModel,
} from '../../../model/types';
import type { StackReport } from '../analyze';
import type { CapacityCheck, CapacityFix, CapacityLine } from '../capacity';
import { backend, environments, nameOf, value, type Context } from './model';
import { standingTotal, totalWords } from './cost';

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

const ALERT_KIND: Record<AlertKind, string> = {
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
  'Every principal below was asked every request of the stack (read, write, delete, list the stores; ' +
  'decrypt with and administer the keys; compute MACs with an HMAC key; change the bucket, key, topic ' +
  'and queue policies; subscribe and publish; put records and redirect the stream; read and change ' +
  'the catalog; read the query history of each Athena workgroup; assume its roles and change their ' +
  'policies; act outside the stack), decided by evaluating the policies that apply as AWS does ' +
  '(docs/compliance.md, "How access is decided"). What is not listed was denied.';
/** A principal of the matrix with no request allowed. */
export const NOTHING_ALLOWED = 'nothing asked of it is allowed';

/** A state stack's key delegating to the account's IAM: who that is, and what its bucket policy denies. */
export const accountIamPrincipals = (account: string): string => `IAM principals of account ${account}`;
export const ACCOUNT_IAM_ASSUMED_BY =
  'any user or role of the account whose IAM policy allows it (the ' +
  'key policy delegates to IAM; no other account is named)';
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

const RESOURCE_POLICY_KIND: Record<ResourcePolicyKind, string> = {
  'bucket-policy': 'bucket policy',
  'key-policy': 'key policy',
  'topic-policy': 'topic policy',
  'queue-policy': 'queue policy',
};
/** `bucket policy of <bucket>`. */
export const resourcePolicy = (p: ResourcePolicy, ctx: Context): string =>
  `${RESOURCE_POLICY_KIND[p.kind]} ` +
  `of ${p.governs.kind === 'own' ? nameOf(p.governs.address, ctx) : value(p.governs, ctx)}`;

// Capacity.

/** The default quotas of the region and what the lines assume. */
export const capacityQuotas = (c: CapacityCheck): string =>
  `Default Firehose quotas in ${c.region}: ${c.quota.mibPerSecond} ` +
  `MiB/s, ${c.quota.recordsPerSecond} records/s, ${c.quota.requestsPerSecond} requests/s ` +
  `(${c.quota.source}). Peak ${c.settings.peakFactor}× the monthly ` +
  `average, ${c.settings.eventBytes}-byte events, ${c.settings.eventsPerRecord} per record; ` +
  `requests/s assume full PutRecordBatch calls.`;
/** A line of the capacity table by its traffic: `configured`, or a tier's volume (`100 M events/month`). */
export const capacityTraffic = (l: CapacityLine): string =>
  l.traffic === 'configured' ? 'configured' : `${l.eventsPerMonth / 1e6} M events/month`;
/** A line's headroom: `3.2×`, or `0.5×: throttles` below 1 (the stream throttles at the peak). */
export const headroom = (l: CapacityLine): string => (l.headroom < 1 ? `${l.headroom}×: throttles` : `${l.headroom}×`);
/** A fix by name, for the quota the configured peak exceeds (capacity.ts `CapacityFix`). */
export function capacityFix(f: CapacityFix): string {
  switch (f.kind) {
    case 'throughput':
      return (
        'request a throughput increase for the stream (Firehose limits form or Service ' +
        'Quotas; the three quotas scale together), or spread apps over more streams'
      );
    case 'pack':
      return (
        `pack ${f.eventsPerRecord} or more events per record ` +
        `(capacity.eventsPerRecord), or request a quota increase`
      );
    case 'fuller-batches':
      return 'send fuller PutRecordBatch calls (up to 500 records / 4 MiB), or request a quota increase';
  }
}
/** The capacity finding (a warning) when the configured peak exceeds the region's default quota, with the fixes. */
export const capacityExceeded = (c: CapacityCheck): string =>
  `at the configured peak (${c.configured.peakEventsPerSecond} events/s: ${c.configured.mibPerSecond} ` +
  `MiB/s, ${c.configured.recordsPerSecond} records/s, ${c.configured.requestsPerSecond} requests/s) the ` +
  `stream exceeds its default ${c.region} quota (${c.quota.mibPerSecond} MiB/s, ${c.quota.recordsPerSecond} ` +
  `records/s, ${c.quota.requestsPerSecond} requests/s) and throttles; ` +
  `fix: ${c.fixes.map(capacityFix).join('; ')}`;
/**
 * The capacity finding (info) on what packing events per record would save: `percent` at the top tier, each
 * tier's cost.
 */
export const packingSaves = (batching: NonNullable<CapacityCheck['batching']>, percent: number): string =>
  `packing ~${batching[0].eventsPerPackedRecord} events per record would cut ` +
  `Firehose ingestion by ${percent} % ` +
  `(${batching.map((b) => `${b.eventsPerMonth / 1e6} M: $${b.unpacked} → $${b.packed}`).join(', ')} a month)`;
/** The fixes when the configured peak does not fit, or that it fits. */
export const capacityFixes = (c: CapacityCheck): string =>
  c.fixes.length
    ? `Fix at the configured peak: ${c.fixes.map(capacityFix).join('; ')}.`
    : 'The configured peak fits the default quotas.';

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
