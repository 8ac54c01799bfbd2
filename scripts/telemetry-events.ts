/**
 * Events generated from the event contract — app sessions with start/stop events and custom events in between,
 * deterministic for a seed and a day — validated against the stack's JSON Schema, and written as Firehose writes
 * them (GZIP'd newline-delimited JSON under the stack's Hive layout and object naming). `npm run sample-events`
 * writes them for tests and a local Athena/DuckDB session; the e2e run and the bench send and read them.
 */
import Ajv2020, { type ValidateFunction } from 'ajv/dist/2020';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { ResolvedDeployment } from '../config';
import { stackEventSchema } from '../config/event-contract';

export type TelemetryEvent = Record<string, unknown>;

/** Small deterministic PRNG (mulberry32): the same seed gives the same fixture on every machine. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const MODELS = ['iPhone15,2', 'iPhone15,4', 'iPhone16,1', 'iPhone16,2', 'iPhone17,1', 'iPad14,3'];
const OS_VERSIONS = ['18.6', '26.0', '26.1'];
const LOCALES = [
  { code: 'en_US', country: 'US', language: 'en' },
  { code: 'de_DE', country: 'DE', language: 'de' },
  { code: 'fr_FR', country: 'FR', language: 'fr' },
];
const SCREENS = ['home', 'search', 'detail', 'settings', 'checkout'];

export interface SampleOptions {
  /** Number of app sessions. Default: 20. */
  sessions?: number;
  /** PRNG seed. Default: 42. */
  seed?: number;
  /** UTC day the sessions happen on, YYYY-MM-DD. Default: 2026-11-24. */
  date?: string;
}

/** Sessions of one day: `_session.start`, screen views, taps and purchases, then `_session.stop`. */
export function generateEvents(deployment: ResolvedDeployment, options: SampleOptions = {}): TelemetryEvent[] {
  const rand = random(options.seed ?? 42);
  const pick = <T>(items: T[]): T => items[Math.floor(rand() * items.length)];
  const hex = (n: number) => Array.from({ length: n }, () => Math.floor(rand() * 16).toString(16)).join('');
  const uuid = () => `${hex(8)}-${hex(4)}-4${hex(3)}-${pick(['8', '9', 'a', 'b'])}${hex(3)}-${hex(12)}`;
  const dayStart = Date.parse(`${options.date ?? '2026-11-24'}T00:00:00Z`);
  const extra = deployment.settings.contract.extraColumns;
  const events: TelemetryEvent[] = [];

  for (let s = 0; s < (options.sessions ?? 20); s++) {
    const clientId = uuid();
    const sessionId = uuid();
    const start = dayStart + Math.floor(rand() * 22 * 3600_000);
    const base = {
      event_version: '3.1',
      application: {
        app_id: deployment.names.identityPool,
        package_name: 'com.example.telemetry',
        version_name: '4.2.0',
        version_code: String(400 + Math.floor(rand() * 20)),
        title: 'Example',
      },
      client: { client_id: clientId },
      device: {
        model: pick(MODELS),
        make: 'apple',
        platform: { name: 'iOS', version: pick(OS_VERSIONS) },
        locale: pick(LOCALES),
      },
    };
    let clock = start;
    const event = (type: string, extraFields: Record<string, unknown> = {}) => {
      const appSpecific = Object.fromEntries(
        extra.map((c) => [
          c.name,
          c.type === 'string' ? pick(SCREENS) : c.type === 'boolean' ? rand() < 0.5 : Math.round(rand() * 100),
        ]),
      );
      events.push({
        ...base,
        event_type: type,
        event_timestamp: clock,
        arrival_timestamp: clock + 500 + Math.floor(rand() * 4000),
        session: { session_id: sessionId, start_timestamp: start },
        attributes: {},
        metrics: {},
        ...appSpecific,
        ...extraFields,
      });
    };
    event('_session.start');
    const steps = 2 + Math.floor(rand() * 8);
    for (let i = 0; i < steps; i++) {
      clock += 2_000 + Math.floor(rand() * 90_000);
      const roll = rand();
      if (roll < 0.6) event('screen_view', { attributes: { screen: pick(SCREENS) } });
      else if (roll < 0.9)
        event('button_tap', { attributes: { screen: pick(SCREENS), button: pick(['buy', 'share', 'like', 'close']) } });
      else
        event('purchase', {
          attributes: { currency: 'EUR', sku: `sku-${hex(4)}` },
          metrics: { price: Math.round(rand() * 9900) / 100, quantity: 1 + Math.floor(rand() * 3) },
        });
    }
    clock += 1_000 + Math.floor(rand() * 30_000);
    event('_session.stop', {
      session: { session_id: sessionId, start_timestamp: start, stop_timestamp: clock, duration: clock - start },
    });
  }
  return events.sort((a, b) => (a.arrival_timestamp as number) - (b.arrival_timestamp as number));
}

/** Compiled validators by schema text: compiling is most of a validation's cost (~25–80 ms, more than the events). */
const validators = new Map<string, ValidateFunction>();

/** Validates events against the stack's JSON Schema; returns one line per invalid event. */
export function validateEvents(deployment: ResolvedDeployment, events: TelemetryEvent[]): string[] {
  const schema = stackEventSchema(deployment.names.stack, deployment.settings.contract.extraColumns);
  const key = JSON.stringify(schema);
  const validate = validators.get(key) ?? new Ajv2020({ allErrors: true, strict: true }).compile(schema);
  validators.set(key, validate);
  return events.flatMap((e, i) =>
    validate(e)
      ? []
      : [
          `event ${i} (${String((e as TelemetryEvent).event_type)}): ` +
            `${validate.errors?.map((err) => `${err.instancePath || '/'} ${err.message}`).join('; ')}`,
        ],
  );
}

/** The S3 key prefix Firehose writes for an arrival time: the data prefix with its timestamps rendered (UTC). */
export function renderPrefix(prefix: string, at: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  const parts: Record<string, string> = {
    yyyy: String(at.getUTCFullYear()),
    MM: pad(at.getUTCMonth() + 1),
    dd: pad(at.getUTCDate()),
    HH: pad(at.getUTCHours()),
  };
  return prefix.replace(/!\{timestamp:([^}]+)\}/g, (_m, format: string) =>
    format.replace(/yyyy|MM|dd|HH/g, (token) => parts[token]),
  );
}

/**
 * Writes events as Firehose would: one GZIP object of newline-delimited JSON per hour of arrival, named
 * `<stream>-1-YYYY-MM-DD-HH-MM-SS-<id>.gz`. Returns the keys written, relative to `outDir`.
 */
export function writeFirehoseObjects(
  deployment: ResolvedDeployment,
  events: TelemetryEvent[],
  outDir: string,
): string[] {
  const byHour = new Map<string, TelemetryEvent[]>();
  for (const e of events) {
    const hour = new Date(e.arrival_timestamp as number).toISOString().slice(0, 13);
    byHour.set(hour, [...(byHour.get(hour) ?? []), e]);
  }
  const keys: string[] = [];
  let n = 0;
  for (const [hour, batch] of [...byHour.entries()].sort(([a], [b]) => a.localeCompare(b))) {
    const at = new Date(`${hour}:00:00Z`);
    const folder = renderPrefix(deployment.settings.firehose.dataPrefix, at);
    const stamp = at.toISOString().slice(0, 19).replace(/[T:]/g, '-');
    const key = `${folder}${deployment.names.deliveryStream}-1-${stamp}-${String(++n).padStart(8, '0')}-sample.gz`;
    mkdirSync(join(outDir, folder), { recursive: true });
    writeFileSync(join(outDir, key), gzipSync(batch.map((e) => `${JSON.stringify(e)}\n`).join('')));
    keys.push(key);
  }
  return keys;
}
