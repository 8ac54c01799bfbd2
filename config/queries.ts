/**
 * The example queries of the reference design, saved as Athena named queries in every stack (with any
 * `extraQueries` of the deployment). Each filters on the year/month/day partition columns, so Athena reads only
 * the days asked for and stays under the scan cutoff; `columns` lists the contract columns the SQL reads, so a
 * query naming a column the event contract lacks fails config validation.
 */
import type { NamedQuerySettings } from './schema';

/** Partition columns of every events table, in the Firehose prefix's order. */
export const PARTITION_COLUMNS = ['year', 'month', 'day'] as const;

export interface QueryTarget {
  database: string;
  table: string;
}

/** The SQL of a query for a database and table (`{{database}}`, `{{table}}` placeholders). */
export function renderSql(query: NamedQuerySettings, target: QueryTarget): string {
  return query.sql.replaceAll('{{database}}', target.database).replaceAll('{{table}}', target.table);
}

/** `year`, `month`, `day` of a date expression, as the zero-padded strings the Hive prefix writes. */
const partitionOf = (date: string) => ({
  year: `date_format(${date}, '%Y')`,
  month: `date_format(${date}, '%m')`,
  day: `date_format(${date}, '%d')`,
});
const yesterday = partitionOf("current_date - interval '1' day");
const today = partitionOf('current_date');

export const NAMED_QUERIES: NamedQuerySettings[] = [
  {
    name: 'daily-event-counts-last-7-days',
    description: 'Events per day over the last seven days',
    columns: [],
    sql: [
      `SELECT year, month, day, count(*) AS events`,
      `FROM "{{database}}"."{{table}}"`,
      // Lexical comparison works because the prefix writes zero-padded yyyy/MM/dd. BETWEEN includes both ends:
      // today and the six days before it are seven days.
      `WHERE concat(year, '-', month, '-', day) BETWEEN date_format(current_date - ` +
        `interval '6' day, '%Y-%m-%d') AND date_format(current_date, '%Y-%m-%d')`,
      `GROUP BY year, month, day`,
      `ORDER BY year, month, day`,
    ].join('\n'),
  },
  {
    name: 'top-event-types-yesterday',
    description: 'The 20 most frequent event types of yesterday',
    columns: ['event_type'],
    sql: [
      `SELECT event_type, count(*) AS events`,
      `FROM "{{database}}"."{{table}}"`,
      `WHERE year = ${yesterday.year} AND month = ${yesterday.month} AND day = ${yesterday.day}`,
      `GROUP BY event_type`,
      `ORDER BY events DESC`,
      `LIMIT 20`,
    ].join('\n'),
  },
  {
    name: 'session-duration-this-month',
    description: 'Sessions and their average and p90 duration (seconds) per day of the current month',
    columns: ['session.session_id', 'session.start_timestamp', 'session.stop_timestamp'],
    sql: [
      `SELECT day, count(DISTINCT session.session_id) AS sessions,`,
      // Session timestamps are epoch milliseconds (the Pinpoint-compatible event envelope).
      `  avg((session.stop_timestamp - session.start_timestamp) / 1000.0) AS avg_seconds,`,
      `  approx_percentile((session.stop_timestamp - session.start_timestamp) / 1000.0, 0.9) AS p90_seconds`,
      `FROM "{{database}}"."{{table}}"`,
      `WHERE year = ${today.year} AND month = ${today.month} AND day BETWEEN '01' AND '31'`,
      `  AND session.stop_timestamp IS NOT NULL`,
      `GROUP BY day`,
      `ORDER BY day`,
    ].join('\n'),
  },
];
