/**
 * What one stack deploys, in a reviewer's terms and as data: the model every tool reads (the report's renderers and
 * rules, the change review, the e2e run). Values are enums and typed records, never sentences; only the renderers
 * (scripts/report/render.ts, scripts/report/changes-section.ts, scripts/review/render.ts) turn them into prose. Built
 * once per stack from its Terraform JSON and the deployment facts written beside it at synth (build.ts,
 * terraform-json/facts.ts), or from a plan (terraform-json/plan.ts).
 */
import type { ControlAcceptance } from '../config/schema';
import type { DeploymentFacts } from '../terraform-json/facts';
import type { AccessMatrix } from './access';

/**
 * A stack's identity across changes: its role, environments and region — not its account or name, so replacing an
 * account id is a move of the same stack, not a removal and an addition.
 */
export const stackKey = (facts: Pick<DeploymentFacts, 'role' | 'environments' | 'region'>): string =>
  `${facts.role}:${[...facts.environments].sort().join('+')}:${facts.region}`;

export type Backend =
  | { type: 's3'; bucket: string; key: string; region: string; kmsKey: string | null; lockfile: boolean }
  | { type: 'cloud'; hostname: string; organization: string; workspace: string; project: string | null }
  | { type: 'local'; path: string };

/** Who a stack is: its deployment facts, the regions it may reference besides its own, and where its state lives. */
export interface Identity extends Pick<
  DeploymentFacts,
  | 'stack'
  | 'role'
  | 'environments'
  | 'region'
  | 'account'
  | 'jurisdiction'
  | 'classification'
  | 'profile'
  | 'jurisdictionRegions'
  | 'regionExceptions'
  | 'movedFrom'
> {
  residencyExceptions: string[];
  backend: Backend;
}

/**
 * A value as a policy or setting holds it. `own`: an attribute of a resource of this stack (its Terraform address);
 * `suffix` is what follows the reference (`/data/*` of a bucket's ARN); `literal`: anything else, with the stack's
 * own account id and region replaced by `<account>` and `<region>`, so that a move to another account or region
 * compares equal.
 */
export type Value =
  { kind: 'own'; address: string; attribute: string; suffix: string } | { kind: 'literal'; text: string };

export type StoreRole =
  | 'event-data'
  | 'failed-records'
  | 'query-results'
  | 'state'
  | 'access-logs'
  | 'objects'
  | 'buffer'
  | 'logs'
  | 'catalog'
  | 'queue';
export type StoreKind = 's3' | 'firehose' | 'cloudwatch-logs' | 'glue-catalog' | 'sqs';

export type Encryption =
  | { kind: 'kms'; key: Value; alias: string | null; rotation: boolean | null }
  | { kind: 'service-default' }
  /** Set for the whole account and region (Glue Data Catalog), not by this stack. */
  | { kind: 'account-setting' }
  | { kind: 'none' };

/** Who can reach the store from outside IAM: an S3 public access block, or a service without public endpoint. */
export type PublicAccess = 'blocked' | 'not-blocked' | 'no-public-endpoint';

/** What stops `terraform destroy` from deleting a store, key or bucket. */
export type Protection =
  | 'prevent-destroy'
  /** `protection.allowDestroy`: a bucket emptied (every version) and deleted before its key. */
  | 'destroyable-bucket-before-key'
  /** `protection.allowDestroy`: a key deleted after the buckets it encrypts. */
  | 'destroyable-key-after-buckets'
  | 'none'
  | 'expires-by-retention'
  | 'derived-data'
  | 'transient'
  | 'in-flight';

export interface Transition {
  days: number;
  storageClass: string;
}

export interface Retention {
  transitions: Transition[];
  /** Days until current objects are deleted; null when kept until someone deletes them. */
  expirationDays: number | null;
  /** Days a deleted or overwritten object stays restorable as a noncurrent version (versioned buckets). */
  noncurrentDays: number | null;
  /** The day by which every copy is gone: expiration plus the noncurrent window; null when never. */
  goneForGoodDay: number | null;
  /** The day from which objects sit in a class Athena does not read without a restore; null when never. */
  notQueryableFromDay: number | null;
  /** Whether objects under 128 KB transition too; null when the store has no transitions. */
  smallObjectsTransition: boolean | null;
  /** Classes objects leave before their minimum storage charge is met (still billed for the minimum). */
  minimumChargeShortfalls: { storageClass: string; stayDays: number; minimumDays: number }[];
  /** A stream's buffer: the most it holds before writing. */
  buffer: { seconds: number; mib: number } | null;
}

export interface Store {
  /** Stable within the stack across changes: the resource's address, and the prefix for an S3 folder. */
  id: string;
  role: StoreRole;
  kind: StoreKind;
  /** Its AWS name: `bucket/prefix/`, stream, log group, database or queue name. */
  name: string;
  address: string;
  region: string;
  encryption: Encryption;
  publicAccess: PublicAccess;
  tlsOnly: boolean | null;
  protection: Protection;
  retention: Retention;
  /** Catalog tables this stack defines (Glue): the events table in every catalog mode, and the Parquet schema table. */
  tables: string[];
  /** The lifecycle configuration that sets its retention (S3), by address. */
  lifecycle: string | null;
  /**
   * Where S3 copies its objects (an S3 bucket's replication rules that are enabled: each destination bucket's ARN),
   * where its access logs go (bucket and prefix), and the grants of its ACL (`<type> <grantee> <permission>`). What a
   * plan's refresh reads back from the live bucket (the provider's `aws_s3_bucket` attributes) or a separate
   * replication resource sets; absent for other stores.
   */
  copies?: { replicatesTo: string[]; accessLogsTo: string | null; aclGrants: string[] };
}

/** A saved Athena query of the stack. */
export interface NamedQuery {
  address: string;
  name: string;
  workgroup: string;
  database: string;
}

export interface Key {
  address: string;
  alias: string | null;
  rotation: boolean;
  protection: Protection;
}

export type Principal =
  | { kind: 'service'; service: string }
  | { kind: 'federated'; provider: string }
  | { kind: 'aws'; value: Value }
  | { kind: 'any' };

export interface Condition {
  operator: string;
  key: string;
  values: Value[];
}

export interface Statement {
  effect: 'Allow' | 'Deny';
  principals: Principal[];
  /** `NotPrincipal`: everyone but these (absent when the statement names its principals). */
  notPrincipals?: Principal[];
  actions: string[];
  /** `NotAction`: every action but these. */
  notActions?: string[];
  /** `NotResource`: every resource but these. */
  notResources?: Value[];
  /** Empty for a trust policy's statements and key policies' `*` (the key itself). */
  resources: Value[];
  conditions: Condition[];
}

export interface Role {
  address: string;
  name: string;
  /** Who may assume it, and under which conditions. */
  trust: Statement[];
  /** What it may do (inline policies). */
  permissions: Statement[];
  managedPolicies: string[];
}

/** A customer managed policy of the stack, and the roles of the stack it is attached to. */
export interface ManagedPolicy {
  address: string;
  name: string;
  statements: Statement[];
  /** Roles of this stack that have it; empty: it is for principals outside the stack (SSO, federation). */
  attachedTo: string[];
}

export type ResourcePolicyKind = 'bucket-policy' | 'key-policy' | 'topic-policy' | 'queue-policy';

export interface ResourcePolicy {
  address: string;
  kind: ResourcePolicyKind;
  /** The bucket, key, topic or queue it governs. */
  governs: Value;
  statements: Statement[];
}

export type AlertKind = 'metric-alarm' | 'event-rule' | 's3-notification';

export interface Alert {
  kind: AlertKind;
  address: string;
  name: string;
  /** The metric of an alarm, the detail type of a rule, the prefix of a notification. */
  watches: string;
  /** A metric alarm's condition as configured: `<statistic> <comparison> <threshold>` over `periodSeconds`. */
  condition?: { statistic: string; comparison: string; threshold: number; periodSeconds: number };
}

export type Destination =
  | { kind: 'sns-topic'; address: string; name: string }
  | { kind: 'subscription'; address: string; protocol: string; endpoint: string };

export type FlowNode =
  | { kind: 'app' }
  | { kind: 'identity-pool'; name: string }
  | { kind: 'firehose'; name: string }
  | { kind: 's3'; bucket: string; prefix: string }
  | { kind: 'glue-catalog'; database: string }
  | { kind: 'athena'; workgroup: string }
  | { kind: 'terraform' };

export type FlowVia =
  | { kind: 'guest-credentials' }
  | { kind: 'put-record-batch' }
  | { kind: 'delivery'; compression: string; parquet: boolean }
  | { kind: 'crawler'; name: string; recrawl: string; database: string }
  | { kind: 'projection'; table: string; database: string }
  | { kind: 'sql' }
  | { kind: 'query-results' }
  | { kind: 'access-logs' }
  | { kind: 'state-files' };

export interface FlowEdge {
  from: FlowNode;
  to: FlowNode;
  region: string;
  via: FlowVia;
}

/** What the stack deploys. */
export interface StackModel {
  identity: Identity;
  stores: Store[];
  keys: Key[];
  roles: Role[];
  /** The stack's customer managed policies (their statements also count in each role that has them). */
  policies: ManagedPolicy[];
  /** For a stack without roles whose key delegates to IAM (a state stack): the account's own IAM principals. */
  accountIamAccess: boolean;
  resourcePolicies: ResourcePolicy[];
  alerts: Alert[];
  destinations: Destination[];
  flow: FlowEdge[];
  queries: NamedQuery[];
  dashboards: { address: string; name: string }[];
  /** Terraform address → the resource's AWS name, for every resource that has one (keys by alias). */
  names: Record<string, string>;
  /** What the configuration promised (from the deployment facts), when the stack was synthesized from one. */
  configured: DeploymentFacts['configured'];
  acceptances: ControlAcceptance[];
  /** Who can do what to the stack's data and policies, decided by evaluating every policy that applies (access.ts). */
  access: AccessMatrix;
}
