/**
 * Bounded concurrency, for every tool that runs I/O-bound work side by side: Terraform processes (drift, the e2e,
 * `npm run validate`) and S3 keys (`npm run erase`). Two shapes of one bound: tasks that arrive over time and each
 * wait for a slot (`limiter`), and a stream pulled only as slots free (`forEachConcurrently`, for a listing too long to
 * hold; `inParallel`, a list through it with its results in order).
 */

/** Runs the tasks given to it at most `limit` at a time, in the order they were given. */
export function limiter(limit: number): <R>(task: () => Promise<R>) => Promise<R> {
  let running = 0;
  const waiting: (() => void)[] = [];
  return async (task) => {
    if (running < limit) running++;
    // A finished task hands its slot straight to the next waiting one, so `running` never exceeds `limit`.
    else await new Promise<void>((start) => waiting.push(start));
    try {
      return await task();
    } finally {
      const next = waiting.shift();
      if (next) next();
      else running--;
    }
  };
}

/**
 * Runs `task` for each item with at most `limit` at a time, started in order; results in input order. After a
 * failure starts no more (those running end) and rejects with it: a throttled API is not sent the rest. The list as a
 * stream of its indexes through forEachConcurrently, which holds that rule.
 */
export async function inParallel<T, R>(items: T[], limit: number, task: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  async function* indexes() {
    for (let i = 0; i < items.length; i++) yield i;
  }
  await forEachConcurrently(indexes(), limit, async (i) => {
    results[i] = await task(items[i]);
  });
  return results;
}

/**
 * Runs `work` for each item of a stream, `limit` at a time, taking the next item only when a slot is free; after a
 * failure takes no more items, lets those running end, and throws it.
 */
export async function forEachConcurrently<T>(
  items: AsyncIterable<T>,
  limit: number,
  work: (item: T) => Promise<void>,
): Promise<void> {
  const running = new Set<Promise<void>>();
  const failed: { error?: unknown } = {};
  for await (const item of items) {
    if ('error' in failed) break;
    const task: Promise<void> = work(item)
      .catch((error: unknown) => {
        if (!('error' in failed)) failed.error = error;
      })
      .finally(() => running.delete(task));
    running.add(task);
    if (running.size >= limit) await Promise.race(running);
  }
  await Promise.all(running);
  if ('error' in failed) throw failed.error;
}
