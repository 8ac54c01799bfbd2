/**
 * Does the stream take the peak? Per stack, the configured peak (and the three volume tiers at the same peak factor
 * and event size) against the region's default Firehose quotas, with the headroom and, when short, the fix by name.
 * And what packing events into records would save on ingestion, which Firehose bills per record in 5 KB steps.
 */
import { firehoseQuota, PUT_RECORD_BATCH_MAX_RECORDS } from '../../config/aws';
import type { CapacitySettings } from '../../config/schema';
import type { Finding } from '../../stacks/rules/rule';
import { ASSUMPTIONS, price, VOLUMES } from './prices';
import { capacityExceeded, packingSaves } from './words/sections';

export interface CapacityLine {
  /** The configured traffic (capacity settings), or one of the report's volume tiers (prices.ts VOLUMES). */
  traffic: 'configured' | 'tier';
  eventsPerMonth: number;
  peakEventsPerSecond: number;
  mibPerSecond: number;
  recordsPerSecond: number;
  /** Best case: full PutRecordBatch calls (500 records or 4 MiB); apps flushing smaller batches send more. */
  requestsPerSecond: number;
  /** The lowest of quota ÷ need over the three quotas: below 1, the stream throttles at the peak. */
  headroom: number;
}

/** A fix of a configured peak over a quota, by the quota it exceeds: throughput (MiB/s), records/s, requests/s. */
export type CapacityFix =
  { kind: 'throughput' } | { kind: 'pack'; eventsPerRecord: number } | { kind: 'fuller-batches' };

export interface CapacityCheck {
  region: string;
  quota: ReturnType<typeof firehoseQuota>;
  settings: CapacitySettings;
  configured: CapacityLine;
  tiers: CapacityLine[];
  /** The fixes, one per quota the configured peak exceeds (words' capacityFix says them); empty when it fits. */
  fixes: CapacityFix[];
  /** Ingestion per month with one event per record vs records packed to the 5 KB billing step, per tier. */
  batching: { eventsPerMonth: number; unpacked: number; packed: number; eventsPerPackedRecord: number }[] | null;
}

const SECONDS_PER_MONTH = ASSUMPTIONS.daysPerMonth * 86_400;
const MIB = 1024 * 1024;

function line(
  traffic: CapacityLine['traffic'],
  eventsPerMonth: number,
  c: CapacitySettings,
  quota: CapacityCheck['quota'],
): CapacityLine {
  const peakEventsPerSecond = (eventsPerMonth / SECONDS_PER_MONTH) * c.peakFactor;
  const mibPerSecond = (peakEventsPerSecond * c.eventBytes) / MIB;
  const recordsPerSecond = peakEventsPerSecond / c.eventsPerRecord;
  const recordsPerRequest = Math.max(
    1,
    Math.min(PUT_RECORD_BATCH_MAX_RECORDS, Math.floor((4 * MIB) / (c.eventBytes * c.eventsPerRecord))),
  );
  const requestsPerSecond = recordsPerSecond / recordsPerRequest;
  const headroom = Math.min(
    quota.mibPerSecond / mibPerSecond,
    quota.recordsPerSecond / recordsPerSecond,
    quota.requestsPerSecond / requestsPerSecond,
  );
  const r = (n: number, d = 2) => Math.round(n * 10 ** d) / 10 ** d;
  return {
    traffic,
    eventsPerMonth,
    peakEventsPerSecond: r(peakEventsPerSecond, 1),
    mibPerSecond: r(mibPerSecond),
    recordsPerSecond: r(recordsPerSecond, 1),
    requestsPerSecond: r(requestsPerSecond, 2),
    headroom: r(headroom),
  };
}

export function capacityCheck(region: string, settings: CapacitySettings): CapacityCheck {
  const quota = firehoseQuota(region);
  const configured = line('configured', settings.eventsPerMonth, settings, quota);
  const tiers = VOLUMES.map((v) => line('tier', v, settings, quota));
  const fixes: CapacityFix[] = [];
  if (configured.mibPerSecond > quota.mibPerSecond) fixes.push({ kind: 'throughput' });
  if (configured.recordsPerSecond > quota.recordsPerSecond)
    fixes.push({
      kind: 'pack',
      eventsPerRecord: Math.ceil(configured.recordsPerSecond / quota.recordsPerSecond) * settings.eventsPerRecord,
    });
  if (configured.requestsPerSecond > quota.requestsPerSecond) fixes.push({ kind: 'fuller-batches' });
  // What packing would save, in dollars: only where Firehose's price is sourced for the region.
  const firehosePerGb = price(region, 'firehose.ingestion')?.value;
  // Billed KB of one record of `events` events: rounded up to the 5 KB step.
  const billedKb = (events: number) =>
    Math.ceil((events * settings.eventBytes) / 1024 / ASSUMPTIONS.firehoseBillingIncrementKb) *
    ASSUMPTIONS.firehoseBillingIncrementKb;
  // The smallest number of events per record (up to 50) that wastes least of the last 5 KB step.
  const waste = (n: number) => billedKb(n) / n;
  const eventsPerPackedRecord = Array.from({ length: 50 }, (_, i) => i + 1).reduce(
    (best, n) => (waste(n) < waste(best) - 1e-9 ? n : best),
    1,
  );
  const monthly = (eventsPerMonth: number, perRecord: number) =>
    Math.round((((eventsPerMonth / perRecord) * billedKb(perRecord)) / (1024 * 1024)) * firehosePerGb! * 100) / 100;
  const batching =
    firehosePerGb !== undefined
      ? VOLUMES.map((eventsPerMonth) => ({
          eventsPerMonth,
          unpacked: monthly(eventsPerMonth, 1),
          packed: monthly(eventsPerMonth, eventsPerPackedRecord),
          eventsPerPackedRecord,
        }))
      : null;
  return { region, quota, settings, configured, tiers, fixes, batching };
}

/** A warning when the configured peak exceeds a quota (with the fix); info on what packing events would save. */
export function capacityFindings(stream: string, c: CapacityCheck): Finding[] {
  const findings: Finding[] = [];
  if (c.configured.headroom < 1) {
    findings.push({
      severity: 'warning',
      check: 'capacity',
      resource: stream,
      message: capacityExceeded(c),
    });
  }
  if (c.batching && c.settings.eventsPerRecord === 1) {
    const percent = Math.round((1 - c.batching[2].packed / c.batching[2].unpacked) * 100);
    if (percent > 0)
      findings.push({
        severity: 'info',
        check: 'capacity',
        resource: stream,
        message: packingSaves(c.batching, percent),
      });
  }
  return findings;
}
