/**
 * The erasure's hot path (scripts/erase/records.ts) on one GZIP NDJSON object of sample-events' generator (4,000
 * sessions of one day, no event repeated): MB per second on one core, of compressed input and of the JSON inside, for
 * an object holding the erased device (read, filtered, compressed again) and for one that does not (read and searched
 * only); how long compressing the rewrite takes at GZIP levels 1 and 6; and the same events as a Snappy Parquet object
 * of the contract's schema, rewritten through DuckDB. Run by `npm run bench`; one JSON line.
 */
import { gzipSync } from 'node:zlib';
import { loadConfiguredDeployments } from '../../config';
import { contractFields } from '../../config/event-contract';
import { contractParquet } from '../erase/parquet';
import { filterNdjson, filterObject, idMatcher, REWRITE_GZIP_LEVEL } from '../erase/records';
import { generateEvents } from '../telemetry-events';

const [deployment] = loadConfiguredDeployments();
const events = generateEvents(deployment, { sessions: 4000, seed: 7 });
const raw = Buffer.from(`${events.map((e) => JSON.stringify(e)).join('\n')}\n`);
const object = gzipSync(raw);
const device = (events[0].client as { client_id: string }).client_id;
const median = (run: () => void) => {
  const times: number[] = [];
  for (let i = 0; i < 5; i++) {
    const start = performance.now();
    run();
    times.push(performance.now() - start);
  }
  return times.sort((a, b) => a - b)[2] / 1000;
};
const rates = (seconds: number) => ({
  compressedMbPerSecond: Number((object.length / 2 ** 20 / seconds).toFixed(1)),
  jsonMbPerSecond: Number((raw.length / 2 ** 20 / seconds).toFixed(1)),
});

async function medianAsync(run: () => Promise<unknown>): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < 5; i++) {
    const start = performance.now();
    await run();
    times.push(performance.now() - start);
  }
  return times.sort((a, b) => a - b)[2] / 1000;
}

(async () => {
  // The same events as Parquet with the contract's schema (Snappy), rewritten through DuckDB.
  const parquet = await contractParquet(events, contractFields(deployment.settings.contract.extraColumns));
  const parquetSeconds = await medianAsync(() => filterObject(parquet, idMatcher([device])));
  console.log(
    JSON.stringify({
      events: events.length,
      compressedMb: Number((object.length / 2 ** 20).toFixed(2)),
      jsonMb: Number((raw.length / 2 ** 20).toFixed(1)),
      gzipLevel: REWRITE_GZIP_LEVEL,
      holdsTheDevice: rates(median(() => filterNdjson(object, idMatcher([device])))),
      doesNot: rates(median(() => filterNdjson(object, idMatcher(['not-a-device-of-this-object'])))),
      gzipSeconds: {
        level1: Number(median(() => gzipSync(raw, { level: 1 })).toFixed(3)),
        level6: Number(median(() => gzipSync(raw, { level: 6 })).toFixed(3)),
      },
      parquet: {
        mb: Number((parquet.length / 2 ** 20).toFixed(2)),
        mbPerSecond: Number((parquet.length / 2 ** 20 / parquetSeconds).toFixed(1)),
        jsonMbPerSecond: Number((raw.length / 2 ** 20 / parquetSeconds).toFixed(1)),
      },
    }),
  );
})();
