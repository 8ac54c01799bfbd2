import type { PolicyRule } from '../../../stacks/rules/rule';
import { configuredFor, eventStore, reportFixture, type ReportRuleInput } from './input';

/** The stores holding app event data: delivered events and the records Firehose failed to deliver. */
const eventData = (input: ReportRuleInput) =>
  input.model.stores.filter((s) => s.role === 'event-data' || s.role === 'failed-records');

export const keptBeyondConfig: PolicyRule<ReportRuleInput> = {
  id: 'retention-beyond-config',
  check: 'retention',
  level: 'warning',
  appliesTo: 'event and failed-record stores of the configured matrix',
  explanation:
    'The synthesized JSON keeps events longer than the configuration promises (an edited or stale cdktf.out).',
  evaluate: (input) => {
    const configured = input.model.configured;
    if (!configured) return [];
    return eventData(input)
      .filter((s) => s.retention.expirationDays !== null && s.retention.expirationDays > configured.expirationDays)
      .map((s) => ({
        resource: s.name,
        message:
          `kept ${s.retention.expirationDays} days, beyond the ${configured.expirationDays} its configuration ` +
          `(profile ${input.model.identity.profile}) says`,
      }));
  },
  fixtures: {
    failing: reportFixture({ model: { stores: [eventStore(730)], configured: configuredFor(90) } }),
    passing: reportFixture({ model: { stores: [eventStore(90)], configured: configuredFor(90) } }),
  },
};

export const neverExpires: PolicyRule<ReportRuleInput> = {
  id: 'retention-never-expires',
  check: 'retention',
  level: 'warning',
  appliesTo: 'event and failed-record stores of the configured matrix',
  explanation: 'Event data without an expiration is kept forever: no retention promise holds.',
  evaluate: (input) =>
    input.model.configured
      ? eventData(input)
          .filter((s) => s.retention.expirationDays === null)
          .map((s) => ({ resource: s.name, message: 'event data never expires' }))
      : [],
  fixtures: {
    failing: reportFixture({ model: { stores: [eventStore(null)], configured: configuredFor(90) } }),
    passing: reportFixture({ model: { stores: [eventStore(90)], configured: configuredFor(90) } }),
  },
};

export const smallObjectsStay: PolicyRule<ReportRuleInput> = {
  id: 'retention-small-objects',
  check: 'retention',
  level: 'info',
  appliesTo: 'S3 stores with transitions',
  explanation:
    'Since Sep 2024, objects under 128 KB do not transition by default (S3 API, TransitionDefaultMinimumObjectSize).',
  evaluate: ({ model }) =>
    model.stores
      .filter((s) => s.retention.smallObjectsTransition === false)
      .map((s) => ({
        resource: s.name,
        message: 'objects under 128 KB stay in STANDARD (S3 default); low-volume Firehose objects may never transition',
      })),
  fixtures: {
    failing: reportFixture({ model: { stores: [eventStore(90, [{ days: 30, storageClass: 'STANDARD_IA' }], false)] } }),
    passing: reportFixture({ model: { stores: [eventStore(90, [{ days: 30, storageClass: 'STANDARD_IA' }], true)] } }),
  },
};

export const archivedNotQueryable: PolicyRule<ReportRuleInput> = {
  id: 'retention-archived-not-queryable',
  check: 'retention',
  level: 'info',
  appliesTo: 'the events store',
  explanation:
    'Athena skips objects in Glacier Flexible Retrieval and Deep Archive unless ' +
    'restored (Athena user guide, querying restored Glacier objects).',
  evaluate: ({ model }) =>
    model.stores
      .filter(
        (s) =>
          s.role === 'event-data' && s.retention.notQueryableFromDay !== null && s.retention.expirationDays !== null,
      )
      .map((s) => {
        const { notQueryableFromDay: from, expirationDays: until } = s.retention;
        return {
          resource: s.name,
          message:
            `days ${from}–${until} of retention (${until! - from!} days) are ` +
            `archived and leave Athena query results until restored`,
        };
      }),
  fixtures: {
    failing: reportFixture({ model: { stores: [eventStore(365, [{ days: 180, storageClass: 'DEEP_ARCHIVE' }])] } }),
    passing: reportFixture({ model: { stores: [eventStore(365, [{ days: 90, storageClass: 'GLACIER_IR' }])] } }),
  },
};
