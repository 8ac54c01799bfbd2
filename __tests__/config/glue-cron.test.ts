import { glueCronProblems } from '../../config/glue-cron';

describe('Glue cron schedules', () => {
  it.each([
    'cron(0 */6 * * ? *)',
    'cron(15 12 * * ? *)',
    'cron(0/5 * * * ? *)',
    'cron(0 8 ? * MON-FRI *)',
    'cron(0,30 * * * ? *)',
    'cron(0 0 1 * ? 2027)',
    'cron(0 10 ? * 6L *)',
  ])('accepts %s', (expression) => {
    expect(glueCronProblems(expression)).toEqual([]);
  });

  it.each([
    ['rate(6 hours)', /must be a Glue cron expression/],
    ['cron(0 */6 * * ?)', /needs 6 fields/],
    ['cron(0 */6 * * * *)', /exactly one of day-of-month and day-of-week/],
    ['cron(0 */6 ? * ? *)', /exactly one of day-of-month and day-of-week/],
    ['cron(* * * * ? *)', /every 1 minute/],
    ['cron(0-10 3 * * ? *)', /every 1 minute/],
    ['cron(0,58 * * * ? *)', /every 2 minute/],
    ['cron(61 * * * ? *)', /minutes field "61" is not valid/],
    ['cron(0 24 * * ? *)', /hours field "24" is not valid/],
    ['cron(0 0 * FOO ? *)', /month field "FOO" is not valid/],
  ])('rejects %s', (expression, problem) => {
    expect(glueCronProblems(expression).join('; ')).toMatch(problem);
  });

  it('does not wrap minute gaps into an hour that does not run', () => {
    expect(glueCronProblems('cron(0,58 3 * * ? *)')).toEqual([]);
  });
});
