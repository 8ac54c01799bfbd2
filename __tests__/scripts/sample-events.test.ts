/** Options of `npm run sample-events`: problems said plainly, before any event is generated. */
import { sampleOptionProblems } from '../../scripts/sample-events';

describe('sample-events options', () => {
  it.each([
    [{ date: '2026-13-45' }, '--date 2026-13-45: invalid date, expected a real day as YYYY-MM-DD'],
    [{ date: '2026-02-30' }, '--date 2026-02-30: invalid date, expected a real day as YYYY-MM-DD'],
    [{ date: 'tomorrow' }, '--date tomorrow: invalid date, expected a real day as YYYY-MM-DD'],
    [{ sessions: 'abc' }, '--sessions abc: a whole number from 1 to 999999'],
    [{ sessions: '0' }, '--sessions 0: a whole number from 1 to 999999'],
    [{ seed: '-1' }, '--seed -1: a whole number'],
  ])('%j is refused', (values, message) => {
    expect(sampleOptionProblems(values)).toEqual([message]);
  });

  it('accepts real values', () => {
    expect(sampleOptionProblems({ date: '2028-02-29', sessions: '20', seed: '42' })).toEqual([]);
  });
});
