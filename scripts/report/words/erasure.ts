/** The erasure section in words: the copies of a person's events, how and when each goes, what a request costs. */
import type { StoreRole } from '../../../model/types';
import { ERASURE_REQUESTS_FOLDER, LOCATE_DIGEST_PREFIX_HEX } from '../../../config/names';
import { FIREHOSE_DIRECT_PUT_RETENTION_HOURS } from '../../../config/aws';
import type { ErasureCopy, ErasureCost, ErasureHow, ErasureNotPriced, ErasureOutside, ErasurePlan } from '../erasure';
import { FIREHOSE_LOG_GROUPS } from './model';
import { accessPrincipal } from './access';
import { usdOrNotPriced, volume } from './cost';

/** A copy of a person's events, by the role of the store that holds it (the erasure section). */
export const COPY_OF: Partial<Record<StoreRole, string>> = {
  'event-data': 'events',
  'failed-records': 'failed records (the original record, base64)',
  buffer: "Firehose's buffer",
  'query-results': 'query results',
};

/** How `npm run erase` removes a copy, by how the erasure plan says it goes (erasure.ts `ErasureHow`). */
export const ERASURE_HOW: Record<ErasureHow, string> = {
  rewritten: 'rewritten without the ids’ records, every older version deleted; an object of only those records deleted',
  'restored-then-rewritten':
    'rewritten without the ids’ records, every older version deleted; an object of ' +
    'only those records deleted; objects already in an archive class restored ' +
    'first (started by one run, finished by a run after the restore)',
  'delivered-then-rewritten':
    `still buffered events land within the buffer interval (held up ` +
    `to ${FIREHOSE_DIRECT_PUT_RETENTION_HOURS} h while S3 is unreachable, then dropped); a run after ` +
    `they land erases them`,
  'deleted-when-naming-an-id': 'a query result naming an id is deleted with its versions',
};
/** A count of a unit (`1 hour`, `3 days`), and hours as the erasure section says them (`the run`, `15 minutes`). */
const unitWords = (n: number, unit: string) => `${n} ${unit}${n === 1 ? '' : 's'}`;
export const hoursWords = (h: number) =>
  h === 0 ? 'the run' : h < 1 ? unitWords(Math.round(h * 60), 'minute') : unitWords(h, 'hour');

/** What the locating query's parameters reveal: prefixes of the ids' digests (scripts/erase/athena-locate.ts). */
const LOCATE_PREFIX_WORDS =
  `${LOCATE_DIGEST_PREFIX_HEX}-hex-character prefixes of the SHA-256 digests of the lower-cased ids (of ` +
  `a Cognito identity id, its GUID), never the ids nor their full digests — whoever hashes the events ` +
  `table's client ids is narrowed to about 1 ` +
  `in ${(16 ** LOCATE_DIGEST_PREFIX_HEX).toLocaleString('en-US')} of them, not to one device while the ` +
  `table holds many more client ids than that`;
const daysWords = (days: number | null) => (days === null ? 'never expires' : unitWords(days, 'day'));

/** A copy the command does not edit, and how it goes (erasure.ts `ErasureOutside`). */
function outsideCopy(o: ErasureOutside): string {
  switch (o.what) {
    case 'log':
      return (
        `the log \`${o.store}\` (${daysWords(o.days)}; ` +
        (o.store.startsWith(FIREHOSE_LOG_GROUPS)
          ? "Firehose's error messages may quote record content"
          : 'may quote object keys and schemas') +
        ` — to remove it sooner, delete its log streams)`
      );
    case 'receipts':
      return (
        `the requests' receipts \`${o.store}\` (${daysWords(o.days)}, ` +
        `\`erasure.receiptRetentionDays\`; MACs of the ids by the stack's KMS HMAC key, counts ` +
        `and object keys, never the ids: without that key a guessed id cannot be tested against them)`
      );
    case 'cloudtrail':
      return (
        `the account's CloudTrail trail, if the account has one (kept as long as the trail ` +
        `keeps its events, outside these stacks): KMS records each GenerateMac and VerifyMac ` +
        `with its key and algorithm, never the id; Athena's StartQueryExecution may record ` +
        `the locating query's SQL and parameters — ${LOCATE_PREFIX_WORDS}`
      );
    case 'locate-results':
      return (
        `the locating query's results \`${o.store}\` (${daysWords(o.days)}; object keys and whether each ` +
        `holds an id, never the ids; readable by the erasure policy alone among the stack's policies)`
      );
    case 'query-history': {
      const readers = o.readers.length
        ? `readable, by the access matrix, by ${o.readers.map(accessPrincipal).join('; ')}`
        : "readable by no principal of the stack's access matrix";
      const history = `Athena query history of workgroup ${o.workgroup}`;
      return o.locating
        ? `the ${history} (${daysWords(o.days)}, Athena's own; the locating ` +
            `query's SQL and parameters hold ${LOCATE_PREFIX_WORDS}; ${readers})`
        : `the ${history} (${daysWords(o.days)}, Athena's own; an analyst's SQL naming ` +
            `an id keeps the id there — the command deletes such a query's results, not ` +
            `its history, which Athena has no call to delete; ${readers})`;
    }
  }
}

/**
 * When every copy the command erases is gone: S3 reachable (the buffer interval, or a restore), while S3 is
 * unreachable (Firehose's retention of undeliverable records), and whether a second run is needed — from the plan.
 */
function erasureGone(x: ErasurePlan): string {
  if (x.hours === 0) return `Every copy above is gone by the run that serves the request${ERASURE_EXCEPT}.`;
  const last = x.copies.find((c) => c.hours === x.hours)!;
  const why =
    last.how === 'delivered-then-rewritten' && x.bufferSeconds !== null
      ? "Firehose's buffer interval"
      : last.how === 'restored-then-rewritten'
        ? 'the bulk restore of archived objects'
        : null;
  const unreachable =
    x.hoursWhileS3Unreachable !== null && x.hoursWhileS3Unreachable > x.hours
      ? `, and up to ${hoursWords(x.hoursWhileS3Unreachable)} while S3 is unreachable ` +
        `(Firehose holds the records it cannot deliver that long, then drops them)`
      : '';
  const run = x.secondRun
    ? ' — and only after a second run: the first exits 3 and says what is pending; run it again after that'
    : '';
  return (
    `Every copy above is gone within ${hoursWords(x.hours)} of the request${why ? ` (${why})` : ''} while S3 accepts ` +
    `deliveries${unreachable}${run}${ERASURE_EXCEPT}.`
  );
}

/**
 * What the command leaves for an operator's decision (scripts/erase: records.ts, engine.ts `Pending`): never erased
 * on a guess, never reported done while there.
 */
const ERASURE_EXCEPT =
  " — except what waits for an operator's decision, which stays until decided: lines that hold an id's " +
  'characters but are not a JSON record whose id fields hold it (kept and pending until `--unparsed keep` ' +
  'or `--unparsed remove`), and objects the command cannot decode (a broken GZIP stream, another codec), ' +
  'kept untouched with their older versions and pending until an operator handles them';

/** Which way `npm run erase` finds the objects, and what is not yet shown of the other. */
const ERASURE_LOCATE =
  'By default it reads every object itself (`--locate scan`); locating them with one ' +
  'Athena query (`--locate athena`) is opt-in and has not yet run on a real Athena ' +
  '(docs/operating.md, known limitations, says what to check before relying on it).';

/** Who serves a request on a stack, and how: the erasure section's first paragraph. */
export function erasureServed(stack: string, x: ErasurePlan): string {
  const who = x.policy
    ? `the stack's erasure policy \`${x.policy}\`` +
      (x.role
        ? ` (role \`${x.role}\`, assumable by the principals in \`erasure.principals\`)`
        : ' (attach it where the operators sign in, or set `erasure.principals` for a role)')
    : 'credentials allowed what `npm run erase` calls (this synth has no erasure policy)';
  return (
    `Served by \`npm run erase -- --stack ${stack} --ids <file> --request <ticket>\` with ${who}: ` +
    `every version of every object it finds holding the ids is rewritten or deleted, except lines and ` +
    `objects it cannot decide on, which it names and leaves pending (exit 3) for an operator's ` +
    `decision (below), and a receipt with MACs of the ids by the stack's KMS HMAC key (never the ids) ` +
    `is kept in the bucket under \`${ERASURE_REQUESTS_FOLDER}\`. ${ERASURE_LOCATE}`
  );
}

/** The erasure section's copies table: what each column holds. */
export const ERASURE_COPY_HEADERS = ['Copy', 'Where', 'How it goes', 'Gone within'] as const;

/** A copy's row, as ERASURE_COPY_HEADERS lists the columns. */
export const erasureCopyRow = (c: ErasureCopy): string[] => [
  COPY_OF[c.role] ?? c.role,
  `\`${c.store}\``,
  ERASURE_HOW[c.how],
  hoursWords(c.hours),
];

/** When every copy is gone, then the copies the command does not edit. */
export const erasureOutside = (x: ErasurePlan): string =>
  `${erasureGone(x)} The command does not edit these, which go by their ` +
  `own retention: ${x.outside.map(outsideCopy).join('; ')}.`;

/** The erasure section's cost table: what each column holds. */
export const ERASURE_COST_HEADERS = [
  'Events / month',
  'Window Athena reads',
  'Archived in the window',
  'Locating with Athena',
  'Objects in the window',
  'Rewriting them all: S3 requests',
  'Rewriting them all: core-hours',
] as const;

/**
 * Locating with Athena past the workgroup's scan cutoff: refused before it starts, and what running it anyway bills.
 */
const erasureLocateRefused = (c: ErasureCost): string =>
  `over the scan cutoff: \`npm run erase\` refuses it before it starts ($0; run anyway, the cutoff cancels ` +
  `it and it is billed for the bytes scanned until then` +
  (c.cancelledLocate === null
    ? ''
    : `, $${c.cancelledLocate.toFixed(c.cancelledLocate < 0.01 ? 4 : 2)} at the cutoff`) +
  `); \`--locate scan\` instead`;

/** A volume's row of the cost table, as ERASURE_COST_HEADERS lists the columns. */
export const erasureCostRow = (c: ErasureCost): string[] => [
  volume(c.events),
  `${c.queryableGb} GB`,
  `${c.archivedGb} GB`,
  c.locateOverCutoff ? erasureLocateRefused(c) : usdOrNotPriced(c.athenaLocate),
  c.objects.toLocaleString('en-US'),
  usdOrNotPriced(c.rewriteRequests),
  `${c.rewriteCoreHours}`,
];

/** A part of a request's cost left unpriced (erasure.ts `ErasureNotPriced`). */
export const ERASURE_NOT_PRICED: Record<ErasureNotPriced, string> = {
  's3-requests': 'the S3 requests of reading and rewriting the objects',
  'archive-retrieval': 'restoring the archived part (bulk retrieval per GB)',
  'infrequent-access':
    "Standard-IA's retrieval fee per GB and its higher request prices, for the objects in Standard-IA",
  compute: 'the machines the rewrite runs on (core-hours × the price of a core-hour where it runs)',
};

/** What a request's cost counts, and what it does not price. */
export const erasureNotPriced = (x: ErasurePlan): string =>
  `Locating with Athena (\`--locate athena\`, opt-in) is the query that finds the objects (for JSON events ` +
  `it reads the erasure's own raw-line table, so no JSON parser decides what it finds, and every object it ` +
  `marks is read and decided by the run; \`npm run erase\` prints its scan and price before it runs, and ` +
  `refuses a scan past the workgroup's cutoff; \`--locate scan\`, the default, reads every object instead: a ` +
  `GET each, as counted in the rewrite's S3 requests). Rewriting every object is the most a batch of ` +
  `requests can touch: its S3 requests, and its core-hours at the rate \`npm run bench\` measured, which ` +
  `\`--shard i/n\` spreads over n machines (docs/operating.md, "Past one machine"). Not priced (no sourced ` +
  `price in the region's file): ${x.notPriced.map((n) => ERASURE_NOT_PRICED[n]).join('; ')}.`;
