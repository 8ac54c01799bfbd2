/**
 * Locating the objects that hold the ids with one Athena query in the stack's workgroup, instead of reading every
 * object: `SELECT DISTINCT "$path"` of the matching rows of the events table (Athena user guide, "Getting the file
 * locations for source data in Amazon S3": the `$path` pseudo-column). The ids are execution parameters, each a quoted
 * SQL string (Athena user guide, "Use parameterized queries"). Its scan is estimated before it runs from the size of the
 * objects Athena can read, priced with the region's sourced Athena price, and checked against the workgroup's scan
 * cutoff, which would cancel it. Athena reads only current objects in classes it can read: archived ones and older
 * versions are still read by the run itself (engine.ts).
 */
import { GetQueryExecutionCommand, GetQueryResultsCommand, GetWorkGroupCommand, StartQueryExecutionCommand, type AthenaClient } from '@aws-sdk/client-athena';
import type { ObjectVersion } from './engine';
import { ARCHIVED_CLASSES } from './engine';
import { matchField, type MatchField } from './records';

export interface LocateTarget {
  workgroup: string;
  database: string;
  table: string;
  bucket: string;
  /** The events folder, `data/`. */
  folder: string;
  /** Athena's price per TB scanned in the region, when sourced. */
  pricePerTb?: number;
}

const quoteIdentifier = (name: string) => `"${name.replace(/"/g, '""')}"`;
const quoteString = (value: string) => `'${value.replace(/'/g, "''")}'`;

/**
 * The query and its parameters: every id once per field, in order. A field whose ids match in any case (the contract's
 * id fields) is compared lower-cased with the ids lower-cased, as the run matches it (records.ts); a bigint field with
 * the id's digits cast. The query only finds candidates: the run decides, record by record.
 */
export function locateQuery(t: Pick<LocateTarget, 'database' | 'table'>, ids: string[], fields: (string | MatchField)[]): { sql: string; parameters: string[] } {
  const placeholders = ids.map(() => '?').join(', ');
  const typed = fields.map((f) => (typeof f === 'string' ? matchField(f) : f));
  const where = typed
    .map((f) => {
      const column = f.path.split('.').map(quoteIdentifier).join('.');
      const value = f.type === 'bigint' ? `CAST(${column} AS varchar)` : f.caseInsensitive ? `lower(${column})` : column;
      return `${value} IN (${placeholders})`;
    })
    .join(' OR ');
  return { sql: `SELECT DISTINCT "$path" FROM ${quoteIdentifier(t.database)}.${quoteIdentifier(t.table)} WHERE ${where}`, parameters: typed.flatMap((f) => ids.map((id) => quoteString(f.caseInsensitive ? id.toLowerCase() : id))) };
}

/** Bytes Athena would read: the current, readable objects of the events folder. */
export async function scannableBytes(versions: AsyncIterable<ObjectVersion> | ObjectVersion[]): Promise<number> {
  let bytes = 0;
  for await (const v of versions) if (v.latest && !v.deleteMarker && !ARCHIVED_CLASSES.has(v.storageClass)) bytes += v.size;
  return bytes;
}

export class LocateError extends Error {}

/** Runs the query; returns the keys of the events folder that hold the ids. `say` gets the estimate before it runs. */
export async function locateWithAthena(athena: AthenaClient, t: LocateTarget, ids: string[], fields: (string | MatchField)[], bytes: number, say: (line: string) => void, pollMs = 1000): Promise<Set<string>> {
  const gb = bytes / 2 ** 30;
  const cost = t.pricePerTb === undefined ? 'its price is not sourced for this region' : `about $${((bytes / 2 ** 40) * t.pricePerTb).toFixed(2)}`;
  say(`locating with Athena in ${t.workgroup}: scans up to ${gb.toFixed(2)} GB (${cost})`);
  const cutoff = (await athena.send(new GetWorkGroupCommand({ WorkGroup: t.workgroup }))).WorkGroup?.Configuration?.BytesScannedCutoffPerQuery;
  if (cutoff !== undefined && bytes > cutoff) {
    throw new LocateError(`the workgroup cancels queries past ${(cutoff / 2 ** 30).toFixed(2)} GB, and the events are ${gb.toFixed(2)} GB: raise athena.bytesScannedCutoffPerQuery for the erasure, or use --locate scan`);
  }
  const { sql, parameters } = locateQuery(t, ids, fields);
  const { QueryExecutionId } = await athena.send(new StartQueryExecutionCommand({ QueryString: sql, ExecutionParameters: parameters, WorkGroup: t.workgroup, QueryExecutionContext: { Database: t.database } }));
  for (;;) {
    const execution = (await athena.send(new GetQueryExecutionCommand({ QueryExecutionId }))).QueryExecution;
    const state = execution?.Status?.State;
    if (state === 'SUCCEEDED') break;
    if (state === 'FAILED' || state === 'CANCELLED') throw new LocateError(`the locating query ${state.toLowerCase()}: ${execution?.Status?.StateChangeReason ?? 'no reason given'} (--locate scan reads the objects instead)`);
    await new Promise((r) => setTimeout(r, pollMs));
  }
  const keys = new Set<string>();
  const prefix = `s3://${t.bucket}/`;
  let NextToken: string | undefined;
  let header = true;
  do {
    const page = await athena.send(new GetQueryResultsCommand({ QueryExecutionId, NextToken }));
    for (const row of page.ResultSet?.Rows ?? []) {
      if (header) {
        header = false;
        continue;
      }
      const path = row.Data?.[0]?.VarCharValue ?? '';
      if (path.startsWith(prefix)) keys.add(path.slice(prefix.length));
    }
    NextToken = page.NextToken;
  } while (NextToken);
  return keys;
}
