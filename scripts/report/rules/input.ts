/** What the report rules read besides the JSON: the stack's model and its capacity check. */
import type { Retention, StackModel, Store } from '../../../model/types';
import type { RuleInput } from '../../../stacks/rules/rule';
import type { CapacityCheck } from '../capacity';

export interface ReportRuleInput extends RuleInput {
  model: StackModel;
  capacity: CapacityCheck | null;
  stream?: string;
}

/** An empty pipeline model in eu-central-1, account 123456789012, with the parts a rule reads given. */
export function reportFixture(
  parts: Partial<Omit<ReportRuleInput, 'model'>> & { model?: Partial<StackModel> },
): ReportRuleInput {
  const model: StackModel = {
    identity: {
      stack: 'telemetry-prod-eu-central-1',
      role: 'pipeline',
      environments: ['prod'],
      region: 'eu-central-1',
      account: '123456789012',
      jurisdiction: 'EU',
      classification: 'confidential',
      profile: 'standard',
      residencyExceptions: [],
      backend: { type: 's3', bucket: 'state', key: 'k', region: 'eu-central-1', kmsKey: null, lockfile: true },
    },
    stores: [],
    keys: [],
    roles: [],
    policies: [],
    accountIamAccess: false,
    resourcePolicies: [],
    alerts: [],
    destinations: [],
    flow: [],
    queries: [],
    dashboards: [],
    names: {},
    configured: null,
    acceptances: [],
    access: { principals: [], targets: [], cells: [], unseen: [] },
    ...parts.model,
  };
  return { tf: {}, context: { region: 'eu-central-1', allowedRegions: [] }, capacity: null, ...parts, model };
}

/** The event-data store for fixtures: `data/`, kept `expirationDays`, with these transitions. */
export function eventStore(
  expirationDays: number | null,
  transitions: Retention['transitions'] = [],
  smallObjectsTransition = false,
): Store {
  const archived = transitions.find((t) => t.storageClass === 'DEEP_ARCHIVE' || t.storageClass === 'GLACIER');
  return {
    id: 'aws_s3_bucket.b/data/',
    role: 'event-data',
    kind: 's3',
    name: 'b/data/',
    address: 'aws_s3_bucket.b',
    region: 'eu-central-1',
    encryption: {
      kind: 'kms',
      key: { kind: 'own', address: 'aws_kms_key.k', attribute: 'arn', suffix: '' },
      alias: 'alias/k',
      rotation: true,
    },
    publicAccess: 'blocked',
    tlsOnly: true,
    protection: 'prevent-destroy',
    retention: {
      transitions,
      expirationDays,
      noncurrentDays: 7,
      goneForGoodDay: expirationDays === null ? null : expirationDays + 7,
      notQueryableFromDay: archived?.days ?? null,
      smallObjectsTransition: transitions.length > 0 ? smallObjectsTransition : null,
      minimumChargeShortfalls: [],
      buffer: null,
    },
    tables: [],
    lifecycle: 'aws_s3_bucket_lifecycle_configuration.l',
  };
}

/** A CloudWatch Logs store for fixtures: kept `days` (log groups have no transitions and no noncurrent versions). */
export function logStore(days: number): Store {
  const store = eventStore(days);
  return {
    ...store,
    role: 'logs',
    kind: 'cloudwatch-logs',
    retention: {
      ...store.retention,
      transitions: [],
      noncurrentDays: null,
      goneForGoodDay: days,
      smallObjectsTransition: null,
    },
  };
}

/** The model's configured promise, for fixtures. */
export const configuredFor = (expirationDays: number): StackModel['configured'] => ({
  expirationDays,
  capacity: { eventsPerMonth: 100_000_000, peakFactor: 10, eventBytes: 3072, eventsPerRecord: 1 },
});
