/**
 * The one bound on concurrent work (scripts/concurrency.ts) that drift, the e2e, validate and erase use: never more
 * than the limit at a time, none left waiting, a failure stopping a stream.
 */
import { forEachConcurrently, inParallel, limiter } from '../../scripts/concurrency';

const tick = () => new Promise((r) => setTimeout(r, 1));

/** A task that records how many tasks run at once while it runs. */
function counting() {
  const state = { running: 0, peak: 0, started: [] as number[] };
  const task = (id: number) => async () => {
    state.started.push(id);
    state.running++;
    state.peak = Math.max(state.peak, state.running);
    await tick();
    state.running--;
    return id;
  };
  return { state, task };
}

describe('limiter', () => {
  it('runs at most `limit` tasks at a time, in the order given, and every one of them', async () => {
    const slot = limiter(2);
    const { state, task } = counting();
    // Some tasks arrive while others run, as the e2e's chains ask for slots at different times.
    const first = [1, 2, 3].map((id) => slot(task(id)));
    await tick();
    const later = [4, 5, 6].map((id) => slot(task(id)));
    expect(await Promise.all([...first, ...later])).toEqual([1, 2, 3, 4, 5, 6]);
    expect(state.peak).toBe(2);
    expect(state.started).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('frees the slot of a task that fails', async () => {
    const slot = limiter(1);
    await expect(slot(async () => Promise.reject(new Error('apply failed')))).rejects.toThrow('apply failed');
    expect(await slot(async () => 'next')).toBe('next');
  });
});

describe('inParallel', () => {
  it('returns results in input order with at most `limit` running', async () => {
    const { state, task } = counting();
    expect(await inParallel([3, 1, 2, 5, 4], 3, (id) => task(id)())).toEqual([3, 1, 2, 5, 4]);
    expect(state.peak).toBe(3);
  });

  it('after a failure starts no more tasks, lets those running end, and rejects with the first failure', async () => {
    const started: number[] = [];
    let ended = 0;
    const run = inParallel(
      Array.from({ length: 100 }, (_, i) => i),
      3,
      async (i) => {
        started.push(i);
        await tick();
        ended++;
        if (i === 4) throw new Error('ThrottlingException');
        return i;
      },
    );
    await expect(run).rejects.toThrow('ThrottlingException');
    // 0–4 started before 4 failed, with at most 5 and 6 beside it; every one of them had ended by the rejection.
    expect(started.length).toBeLessThanOrEqual(7);
    expect(ended).toBe(started.length);
    for (let i = 0; i < 5; i++) await tick();
    expect(started.length).toBe(ended);
  });
});

describe('forEachConcurrently', () => {
  /** A stream that records how many items were taken from it. */
  function stream(count: number) {
    const taken: number[] = [];
    async function* items() {
      for (let id = 1; id <= count; id++) {
        taken.push(id);
        yield id;
      }
    }
    return { taken, items: items() };
  }

  it('runs every item with at most `limit` at a time, taking an item only when a slot is free', async () => {
    const { state, task } = counting();
    const { taken, items } = stream(7);
    const done: number[] = [];
    await forEachConcurrently(items, 3, async (id) => {
      // Never more items taken than finished plus the slots.
      expect(taken.length).toBeLessThanOrEqual(done.length + 3);
      done.push(await task(id)());
    });
    expect(done.sort()).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(state.peak).toBe(3);
  });

  it('after a failure takes no more items, lets the running ones end, and throws the failure', async () => {
    const { taken, items } = stream(20);
    const ended: number[] = [];
    await expect(
      forEachConcurrently(items, 2, async (id) => {
        await tick();
        if (id === 3) throw new Error('put failed');
        ended.push(id);
      }),
    ).rejects.toThrow('put failed');
    expect(taken.length).toBeLessThan(20);
    expect(ended).toEqual(expect.arrayContaining([1, 2]));
  });
});
