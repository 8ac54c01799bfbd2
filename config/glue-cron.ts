/**
 * Glue time-based schedules: `cron(Minutes Hours Day-of-month Month Day-of-week Year)`.
 * Rules (Glue developer guide, "Time-based schedules for jobs and crawlers"): six fields; exactly one of
 * day-of-month and day-of-week is `?`; a crawler may not run more often than every 5 minutes.
 * Returns the problems found, empty when the expression is valid.
 */
export const GLUE_MIN_INTERVAL_MINUTES = 5;

const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];
const DAYS = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];

interface FieldSpec {
  name: string;
  min: number;
  max: number;
  names?: string[];
  /** Extra tokens the field accepts besides numbers, ranges, lists and steps. */
  special?: RegExp;
}

const FIELDS: FieldSpec[] = [
  { name: 'minutes', min: 0, max: 59 },
  { name: 'hours', min: 0, max: 23 },
  { name: 'day-of-month', min: 1, max: 31, special: /^(\?|L|LW|\d{1,2}W)$/ },
  { name: 'month', min: 1, max: 12, names: MONTHS },
  { name: 'day-of-week', min: 1, max: 7, names: DAYS, special: /^(\?|L|\d?L|\d#[1-5])$/ },
  { name: 'year', min: 1970, max: 2199 },
];

function toNumber(token: string, spec: FieldSpec): number | undefined {
  const named = spec.names?.indexOf(token.toUpperCase()) ?? -1;
  if (named >= 0) return named + spec.min;
  if (!/^\d+$/.test(token)) return undefined;
  const value = Number(token);
  return value >= spec.min && value <= spec.max ? value : undefined;
}

/** Values a field selects, or undefined when the field is malformed. */
function expandField(field: string, spec: FieldSpec): Set<number> | undefined {
  const values = new Set<number>();
  for (const part of field.split(',')) {
    if (spec.special?.test(part)) continue;
    const [rangePart, stepPart] = part.split('/');
    const step = stepPart === undefined ? 1 : Number(stepPart);
    if (!Number.isInteger(step) || step < 1) return undefined;
    let from: number | undefined;
    let to: number | undefined;
    if (rangePart === '*') {
      from = spec.min;
      to = spec.max;
    } else if (rangePart.includes('-')) {
      const [a, b] = rangePart.split('-');
      from = toNumber(a, spec);
      to = toNumber(b, spec);
    } else {
      from = toNumber(rangePart, spec);
      to = stepPart === undefined ? from : spec.max;
    }
    if (from === undefined || to === undefined || from > to) return undefined;
    for (let v = from; v <= to; v += step) values.add(v);
  }
  return values;
}

/** Smallest distance in minutes between two runs; wraps into the next hour when that hour also runs. */
function smallestMinuteGap(minutes: number[], wrapsIntoNextHour: boolean): number {
  const sorted = [...minutes].sort((a, b) => a - b);
  let gap = wrapsIntoNextHour ? sorted[0] + 60 - sorted[sorted.length - 1] : 60;
  for (let i = 1; i < sorted.length; i++) gap = Math.min(gap, sorted[i] - sorted[i - 1]);
  return gap;
}

export function glueCronProblems(expression: string): string[] {
  const match = /^cron\((.*)\)$/.exec(expression.trim());
  if (!match) return ['must be a Glue cron expression: cron(Minutes Hours Day-of-month Month Day-of-week Year)'];
  const fields = match[1].trim().split(/\s+/);
  if (fields.length !== FIELDS.length) {
    return [
      `Glue cron needs ${FIELDS.length} fields (Minutes Hours ` +
        `Day-of-month Month Day-of-week Year), found ${fields.length}`,
    ];
  }
  const problems: string[] = [];
  const expanded = fields.map((field, i) => {
    const values = expandField(field, FIELDS[i]);
    if (!values) problems.push(`${FIELDS[i].name} field "${field}" is not valid`);
    return values;
  });
  const [, , dayOfMonth, , dayOfWeek] = fields;
  if ((dayOfMonth === '?') === (dayOfWeek === '?')) {
    problems.push('exactly one of day-of-month and day-of-week must be "?"');
  }
  const minutes = expanded[0];
  const hours = expanded[1];
  if (minutes && hours && hours.size > 0) {
    const wraps = [...hours].some((h) => hours.has((h + 1) % 24));
    const gap = smallestMinuteGap([...minutes], wraps);
    if (gap < GLUE_MIN_INTERVAL_MINUTES) {
      problems.push(
        `runs every ${gap} minute(s); Glue allows nothing faster than every ${GLUE_MIN_INTERVAL_MINUTES} minutes`,
      );
    }
  }
  return problems;
}

/** Runs per day of a valid Glue cron expression that runs every day (minutes × hours); for cost estimates. */
export function runsPerDay(expression: string): number {
  const fields = /^cron\((.*)\)$/.exec(expression.trim())?.[1].trim().split(/\s+/) ?? [];
  const minutes = expandField(fields[0] ?? '', FIELDS[0]);
  const hours = expandField(fields[1] ?? '', FIELDS[1]);
  return (minutes?.size ?? 0) * (hours?.size ?? 0);
}
