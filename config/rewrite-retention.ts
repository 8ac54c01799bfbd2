/**
 * Retention kept through an erasure. A rewritten object is a new object: S3 counts a lifecycle rule's days from its
 * creation, so without more the other devices' records it holds would be kept `expirationDays` from the rewrite, past
 * their retention. So a rewrite carries the date its data was first written (object metadata) and a tag naming the
 * days it has left, rounded down to a step below; for each step the bucket has a lifecycle rule expiring objects so
 * tagged that many days after their creation. When two expiration rules apply, S3 honours the shorter (S3 user guide,
 * "How Amazon S3 handles conflicts in lifecycle configurations"), so the tagged rule wins over the folder's own.
 * Rounding down means a rewritten object may go up to one step early (at most 6 days in its first year), never late.
 * A bucket holds at most 1,000 lifecycle rules (S3 API reference, LifecycleConfiguration), which the steps respect.
 */

/** The tag a rewritten object carries: days of retention it had left when it was rewritten, rounded down to a step. */
export const RETENTION_LEFT_TAG = 'erasure-retention-days-left';
/** The metadata a rewritten object carries: when its data was first written (ISO 8601), carried through rewrites. */
export const FIRST_WRITTEN_METADATA = 'erasure-first-written';

/** Steps at most (one lifecycle rule each): they and the bucket's own rules stay within S3's 1,000 rules. */
export const MAX_RETENTION_STEPS = 400;

/**
 * Days-left steps below `expirationDays`: every day to 31, every 7th to 365, then every 30th — or wider, so that
 * there are at most `MAX_RETENTION_STEPS` (a retention of a century steps by 113 days past the first year).
 */
export function retentionSteps(expirationDays: number): number[] {
  const steps: number[] = [];
  let d = 1;
  for (; d < Math.min(expirationDays, 365); d += d < 31 ? 1 : 7) steps.push(d);
  const wide = Math.max(30, Math.ceil((expirationDays - d) / (MAX_RETENTION_STEPS - steps.length)));
  for (; d < expirationDays; d += wide) steps.push(d);
  return steps;
}

const DAY_MS = 86_400_000;

/**
 * The step to tag an object rewritten `now` whose data was first written `firstWritten`: the largest step not past
 * the days it has left; null when it has less than one day left (the run deletes it instead: its data is due).
 */
export function retentionStep(expirationDays: number, firstWritten: Date, now: Date): number | null {
  const left = expirationDays - Math.ceil((now.getTime() - firstWritten.getTime()) / DAY_MS);
  const fitting = retentionSteps(expirationDays).filter((s) => s <= left);
  return fitting.length > 0 ? fitting[fitting.length - 1] : null;
}
