import type { PolicyRule } from '../../../stacks/rules/rule';
import { capacityCheck, capacityFindings } from '../capacity';
import { reportFixture, type ReportRuleInput } from './input';

/** The capacity check's findings: over quota at the configured peak (warning), what packing would save (info). */
export const streamCapacity: PolicyRule<ReportRuleInput> = {
  id: 'capacity-firehose-quota',
  check: 'capacity',
  level: 'warning',
  appliesTo: 'the Firehose stream, at the configured traffic',
  explanation:
    "Firehose throttles a stream above its region's default quotas (Firehose " +
    'developer guide, quota) and bills records in 5 KB steps (Firehose pricing).',
  evaluate: ({ capacity, stream }) =>
    capacity && stream
      ? capacityFindings(`firehose:${stream}`, capacity).map(({ resource, message, severity }) => ({
          resource,
          message,
          severity,
        }))
      : [],
  fixtures: {
    failing: reportFixture({
      stream: 's',
      capacity: capacityCheck('eu-central-1', {
        eventsPerMonth: 1_000_000_000,
        peakFactor: 10,
        eventBytes: 3072,
        eventsPerRecord: 5,
      }),
    }),
    passing: reportFixture({
      stream: 's',
      capacity: capacityCheck('us-east-1', {
        eventsPerMonth: 1_000_000,
        peakFactor: 10,
        eventBytes: 3072,
        eventsPerRecord: 5,
      }),
    }),
  },
};
