/** What the report rules read besides the JSON: the report's own analysis of the stack. */
import type { RuleInput } from '../../../stacks/rules/rule';
import type { DataStore, StackReport } from '../analyze';
import type { CapacityCheck } from '../capacity';

export interface ReportRuleInput extends RuleInput {
  identity: StackReport['identity'];
  stores: DataStore[];
  capacity: CapacityCheck | null;
  stream?: string;
}

/** A report-rule fixture: an empty stack analysed, with the parts a rule reads given. */
export function reportFixture(parts: Partial<ReportRuleInput>): ReportRuleInput {
  return {
    tf: {},
    context: { region: 'eu-central-1', allowedRegions: [] },
    identity: { environment: 'prod', region: 'eu-central-1', account: '123456789012', jurisdiction: 'EU', classification: 'confidential', retentionProfile: 'standard', backend: { type: 'S3', location: 's3://x', region: 'eu-central-1' }, residencyExceptions: [] },
    stores: [],
    capacity: null,
    ...parts,
  };
}

/** A data store for fixtures: events under `data/`, kept `expirationDays`, with these transitions. */
export function eventStore(expirationDays: number | null, transitions: { days: number; storageClass: string }[] = [], notes: string[] = []): DataStore {
  const archived = transitions.find((t) => t.storageClass === 'DEEP_ARCHIVE' || t.storageClass === 'GLACIER');
  return {
    name: 's3://b/data/',
    kind: 'S3',
    holds: 'app events delivered by Firehose',
    region: 'eu-central-1',
    encryption: 'SSE-KMS',
    keyRotation: true,
    publicAccess: 'blocked (all four settings)',
    tlsOnly: true,
    protection: 'prevent_destroy',
    retention: { transitions, expirationDays, notQueryableFromDay: archived?.days ?? null, notes },
  };
}
