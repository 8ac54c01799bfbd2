/**
 * Invariant: the event contract of every configured stack takes a real Amazon Pinpoint app event — the example of
 * the Pinpoint developer guide ("App event data stream from Amazon Pinpoint"), field for field — so years of
 * Pinpoint exports copied under data/ are queryable by the same table and queries.
 */
import { contractFields, glueType, hasColumn } from '../../config/event-contract';
import { validateEvents } from '../../scripts/telemetry-events';
import { CONFIGURED, describeEach } from '../fixtures/configured';

/** AWS's documented example app event, as Pinpoint's event stream delivered it. */
const PINPOINT_APP_EVENT = {
  event_type: '_session.stop',
  event_timestamp: 1487973802507,
  arrival_timestamp: 1487973803515,
  event_version: '3.0',
  application: {
    app_id: 'a1b2c3d4e5f6g7h8i9j0k1l2m3n4o5p6',
    cognito_identity_pool_id: 'us-east-1:a1b2c3d4-e5f6-g7h8-i9j0-k1l2m3n4o5p6',
    package_name: 'main.page',
    sdk: { name: 'aws-sdk-mobile-analytics-js', version: '0.9.1:2.4.8' },
    title: 'title',
    version_name: '1.0',
    version_code: '1',
  },
  client: {
    client_id: 'm3n4o5p6-a1b2-c3d4-e5f6-g7h8i9j0k1l2',
    cognito_id: 'us-east-1:i9j0k1l2-m3n4-o5p6-a1b2-c3d4e5f6g7h8',
  },
  device: {
    locale: { code: 'en_US', country: 'US', language: 'en' },
    make: 'generic web browser',
    model: 'Unknown',
    platform: { name: 'android', version: '10.10' },
  },
  session: {
    session_id: 'f549dea9-1090-945d-c3d1-e4967example',
    start_timestamp: 1487973202531,
    stop_timestamp: 1487973802507,
  },
  attributes: {},
  metrics: {},
};

/** Dotted paths of every leaf and map of a record: `application.sdk.name`, `attributes`. */
function paths(value: Record<string, unknown>, prefix = ''): string[] {
  return Object.entries(value).flatMap(([key, v]) => {
    const path = `${prefix}${key}`;
    const isStruct =
      v !== null &&
      typeof v === 'object' &&
      !Array.isArray(v) &&
      Object.keys(v).length > 0 &&
      key !== 'attributes' &&
      key !== 'metrics';
    return isStruct ? paths(v as Record<string, unknown>, `${path}.`) : [path];
  });
}

describeEach(
  'deployments',
  CONFIGURED,
  (d) => `${d.names.stack} event contract`,
  (d) => {
    it('accepts AWS’s example Pinpoint app event (its JSON Schema validates it)', () => {
      expect(validateEvents(d, [PINPOINT_APP_EVENT])).toEqual([]);
    });

    it('has a column for every field of it, so no catalog mode or Parquet conversion drops one', () => {
      const fields = contractFields(d.settings.contract.extraColumns);
      expect(paths(PINPOINT_APP_EVENT).filter((p) => !hasColumn(fields, p))).toEqual([]);
      // The contract's columns are what the projection table and Parquet's schema table declare.
      expect(glueType(fields.find((f) => f.name === 'application')!.type)).toContain(
        'sdk:struct<name:string,version:string>',
      );
    });
  },
);
