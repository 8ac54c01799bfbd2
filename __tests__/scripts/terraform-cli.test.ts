/** How e2e and drift bound their Terraform processes: never more than the limit at a time, none left waiting. */
import { inParallel, limiter } from '../../scripts/terraform-cli';

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
});
