import type { PolicyRule } from '../../../stacks/rules/rule';
import { eventStore, reportFixture, type ReportRuleInput } from './input';

const eventData = (input: ReportRuleInput) => input.stores.filter((s) => s.holds.startsWith('app events') || s.holds.startsWith('records Firehose'));

export const keptBeyondConfig: PolicyRule<ReportRuleInput> = {
  id: 'retention-beyond-config',
  check: 'retention',
  level: 'warning',
  appliesTo: 'event and failed-record stores of the configured matrix',
  explanation: 'The synthesized JSON keeps events longer than the configuration promises (an edited or stale cdktf.out).',
  evaluate: (input) =>
    input.configured
      ? eventData(input)
          .filter((s) => s.retention.expirationDays !== null && s.retention.expirationDays > input.configured!.expirationDays)
          .map((s) => ({ resource: s.name, message: `kept ${s.retention.expirationDays} days, beyond the ${input.configured!.expirationDays} its configuration (profile ${input.configured!.profile}) says` }))
      : [],
  fixtures: {
    failing: reportFixture({ stores: [eventStore(730)], configured: { profile: 'standard', expirationDays: 90 } }),
    passing: reportFixture({ stores: [eventStore(90)], configured: { profile: 'standard', expirationDays: 90 } }),
  },
};

export const neverExpires: PolicyRule<ReportRuleInput> = {
  id: 'retention-never-expires',
  check: 'retention',
  level: 'warning',
  appliesTo: 'event and failed-record stores of the configured matrix',
  explanation: 'Event data without an expiration is kept forever: no retention promise holds.',
  evaluate: (input) => (input.configured ? eventData(input).filter((s) => s.retention.expirationDays === null).map((s) => ({ resource: s.name, message: 'event data never expires' })) : []),
  fixtures: {
    failing: reportFixture({ stores: [eventStore(null)], configured: { profile: 'standard', expirationDays: 90 } }),
    passing: reportFixture({ stores: [eventStore(90)], configured: { profile: 'standard', expirationDays: 90 } }),
  },
};

export const smallObjectsStay: PolicyRule<ReportRuleInput> = {
  id: 'retention-small-objects',
  check: 'retention',
  level: 'info',
  appliesTo: 'S3 stores with transitions',
  explanation: 'Since Sep 2024, objects under 128 KB do not transition by default (S3 API, TransitionDefaultMinimumObjectSize).',
  evaluate: ({ stores }) =>
    stores.filter((s) => s.retention.notes.some((n) => n.includes('under 128 KB'))).map((s) => ({ resource: s.name, message: 'objects under 128 KB stay in STANDARD (S3 default); low-volume Firehose objects may never transition' })),
  fixtures: {
    failing: reportFixture({ stores: [eventStore(90, [{ days: 30, storageClass: 'STANDARD_IA' }], ['objects under 128 KB do not transition'])] }),
    passing: reportFixture({ stores: [eventStore(90, [{ days: 30, storageClass: 'STANDARD_IA' }])] }),
  },
};

export const archivedNotQueryable: PolicyRule<ReportRuleInput> = {
  id: 'retention-archived-not-queryable',
  check: 'retention',
  level: 'info',
  appliesTo: 'the events store',
  explanation: 'Athena skips objects in Glacier Flexible Retrieval and Deep Archive unless restored (Athena user guide, querying restored Glacier objects).',
  evaluate: ({ stores }) =>
    stores
      .filter((s) => s.holds.startsWith('app events') && s.retention.notQueryableFromDay !== null && s.retention.expirationDays !== null)
      .map((s) => {
        const { notQueryableFromDay: from, expirationDays: until } = s.retention;
        return { resource: s.name, message: `days ${from}–${until} of retention (${until! - from!} days) are archived and leave Athena query results until restored` };
      }),
  fixtures: {
    failing: reportFixture({ stores: [eventStore(365, [{ days: 180, storageClass: 'DEEP_ARCHIVE' }])] }),
    passing: reportFixture({ stores: [eventStore(365, [{ days: 90, storageClass: 'GLACIER_IR' }])] }),
  },
};
