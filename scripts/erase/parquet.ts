/**
 * Parquet objects (Firehose's record format conversion) rewritten without the erased records, through DuckDB: it reads
 * the object's own schema — structs and maps included — and writes the kept rows back with it and with the object's
 * compression codec, in their order. Chosen by measurement (docs/contributing.md, erasure): on the bench's object,
 * DuckDB rewrote it in 110–170 ms where hyparquet alone took 0.9–1.5 s to read it, and hyparquet-writer needs every
 * nested column's schema spelled out.
 */
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Field, FieldType } from '../../config/event-contract';
import type { Filtered, IdMatcher } from './records';

let connection: Promise<DuckDBConnection> | undefined;
/** One in-memory DuckDB per process, opened on the first Parquet object. */
// One thread: an erasure spreads over objects (and processes), and the bench's figure is per core.
const duckdb = () => (connection ??= DuckDBInstance.create(':memory:', { threads: '1' }).then((db) => db.connect()));

const quote = (name: string) => `"${name.replace(/"/g, '""')}"`;

/**
 * The id a row holds (its index in `ids`, from 0), by the same rule as NDJSON (records.ts): a string field's value
 * equal to an id, case ignored in the contract's id fields; a bigint field's value equal to an id's digits. A field
 * missing from the object, or null, matches nothing. -1 when none.
 */
function matchIndex(matcher: IdMatcher, columns: Set<string>): string {
  const folded = `[${matcher.ids.map((_, i) => `$${i + 1}`).join(', ')}]`;
  const present = matcher.fields.filter((f) => columns.has(f.path.split('.')[0]));
  const tests = present.map((f) => {
    const column = f.path.split('.').map(quote).join('.');
    const value = f.type === 'bigint' ? `CAST(${column} AS VARCHAR)` : f.caseInsensitive ? `lower(${column})` : column;
    const list = f.caseInsensitive ? `list_transform(${folded}, x -> lower(x))` : folded;
    return `coalesce(list_position(${list}, ${value}), 0)`;
  });
  // list_position is 1-based and 0 when absent (DuckDB list functions); the first field that holds an id wins.
  return tests.length === 0 ? '-1' : `(CASE ${tests.map((t) => `WHEN ${t} > 0 THEN ${t} - 1`).join(' ')} ELSE -1 END)`;
}

export async function filterParquet(body: Buffer, matcher: IdMatcher): Promise<Filtered> {
  const c = await duckdb();
  const dir = mkdtempSync(join(tmpdir(), 'erase-parquet-'));
  const none = { unparsed: 0, unparsedRemoved: 0 };
  try {
    const input = join(dir, 'in.parquet');
    const output = join(dir, 'out.parquet');
    writeFileSync(input, body);
    const file = `'${input.replace(/'/g, "''")}'`;
    const source = `read_parquet(${file})`;
    const columns = new Set(
      (await c.runAndReadAll(`DESCRIBE SELECT * FROM ${source}`)).getRows().map((r) => String(r[0])),
    );
    const index = matchIndex(matcher, columns);
    const rows = (
      await c.runAndReadAll(`SELECT ${index} AS i, count(*) FROM ${source} GROUP BY i`, matcher.ids)
    ).getRows() as [number, bigint][];
    const perId = matcher.ids.map(() => 0);
    let [removed, total] = [0, 0];
    for (const [i, n] of rows) {
      total += Number(n);
      if (Number(i) < 0) continue;
      perId[Number(i)] += Number(n);
      removed += Number(n);
    }
    if (removed === 0) return { body, removed: 0, perId, ...none };
    if (removed === total) return { body: null, removed, perId, ...none };
    const [[codec]] = (
      await c.runAndReadAll(`SELECT compression FROM parquet_metadata(${file}) LIMIT 1`)
    ).getRows() as [string][];
    await c.run(
      `COPY (SELECT * FROM ${source} WHERE ${index} < 0) TO '${output.replace(/'/g, "''")}' (FORMAT ` +
        `parquet, COMPRESSION ${codec === 'UNCOMPRESSED' ? 'uncompressed' : String(codec).toLowerCase()})`,
      matcher.ids,
    );
    return { body: readFileSync(output), removed, perId, ...none };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The DuckDB type of a contract field: Glue's `struct<…>` and `map<string,…>` as STRUCT and MAP. */
export function duckdbType(type: FieldType): string {
  if (typeof type === 'string')
    return { string: 'VARCHAR', bigint: 'BIGINT', double: 'DOUBLE', boolean: 'BOOLEAN' }[type];
  if ('map' in type) return `MAP(VARCHAR, ${duckdbType(type.map)})`;
  return `STRUCT(${type.struct.map((f) => `${quote(f.name)} ${duckdbType(f.type)}`).join(', ')})`;
}

/**
 * Events as a Parquet object with the contract's schema, as Firehose's record format conversion writes them (Snappy):
 * the fixture of the Parquet erasure (tests, bench).
 */
export async function contractParquet(events: Record<string, unknown>[], fields: Field[]): Promise<Buffer> {
  const c = await duckdb();
  const dir = mkdtempSync(join(tmpdir(), 'contract-parquet-'));
  try {
    writeFileSync(join(dir, 'events.json'), events.map((e) => JSON.stringify(e)).join('\n'));
    const columns = `{${fields.map((f) => `'${f.name}': '${duckdbType(f.type).replace(/'/g, "''")}'`).join(', ')}}`;
    await c.run(
      `COPY (SELECT * FROM read_json('${join(dir, 'events.json')}', format = 'newline_delimited', columns ` +
        `= ${columns})) TO '${join(dir, 'events.parquet')}' (FORMAT parquet, COMPRESSION snappy)`,
    );
    return readFileSync(join(dir, 'events.parquet'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The schema and compression of a Parquet object, as DuckDB reads them (what a rewrite must keep). */
export async function parquetShape(body: Buffer): Promise<{ columns: string[]; compression: string[]; rows: number }> {
  const c = await duckdb();
  const dir = mkdtempSync(join(tmpdir(), 'parquet-shape-'));
  try {
    const file = join(dir, 'x.parquet');
    writeFileSync(file, body);
    const columns = (await c.runAndReadAll(`DESCRIBE SELECT * FROM read_parquet('${file}')`))
      .getRows()
      .map((r) => `${String(r[0])} ${String(r[1])}`);
    const compression = [
      ...new Set(
        (await c.runAndReadAll(`SELECT compression FROM parquet_metadata('${file}')`))
          .getRows()
          .map((r) => String(r[0])),
      ),
    ];
    const [[rows]] = (await c.runAndReadAll(`SELECT count(*) FROM read_parquet('${file}')`)).getRows() as [bigint][];
    return { columns, compression, rows: Number(rows) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
