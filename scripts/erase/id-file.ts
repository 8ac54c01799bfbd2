/**
 * The ids of an erasure request, read from its file and checked before anything is read or changed: a wrong id
 * matches nothing (a silent miss) or, worse, another subject. One id per line; blank lines are skipped. Refused, by
 * line number (never echoing the id): a word that stands for no value (`null`, `undefined`, …), a quoted id, several
 * ids on one line, control characters, and — when every field matched has a shape (the contract's id fields) — an id
 * of none of their shapes.
 */
import { columnType, ID_FIELDS, type Field } from '../../config/event-contract';
import { matchField, type MatchField } from './records';

/** Words a spreadsheet or a script writes for "no value": never an id. */
const NO_VALUE = new Set(['null', 'undefined', 'nil', 'none', 'nan', 'n/a', '-', '""', "''"]);

/** What an erasure request's ids cannot be read from: a `--field` that names no id column, or the file's lines. */
export class IdFileError extends Error {
  constructor(
    readonly source: 'field' | 'file',
    message: string,
  ) {
    super(message);
  }
}

/**
 * The fields to match, from `--field` paths (contract columns of type string or bigint), or the contract's id fields.
 */
export function matchFields(paths: string[] | undefined, contract: Field[]): MatchField[] {
  if (!paths || paths.length === 0) return ID_FIELDS.map((f) => matchField(f.path));
  return paths.map((path) => {
    const type = columnType(contract, path);
    if (type !== 'string' && type !== 'bigint')
      throw new IdFileError(
        'field',
        `--field ${path}: ` +
          `${type === undefined ? 'no such column in the event contract' : 'not a string or bigint column'} ` +
          `(id fields: ${ID_FIELDS.map((f) => f.path).join(', ')})`,
      );
    return matchField(path, type);
  });
}

/** What is wrong with one id for these fields, or undefined. */
export function idProblem(id: string, fields: MatchField[]): string | undefined {
  if (NO_VALUE.has(id.toLowerCase())) return 'a word for "no value", not an id';
  if (/^["'`]|["'`]$/.test(id)) return 'quoted: give the id bare';
  if (/[,;\t ]/.test(id)) return 'several ids or spaces on one line: one id per line';
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(id)) return 'control characters';
  if (id.length > 256) return 'longer than 256 characters';
  const shapes = fields.map((f) => ID_FIELDS.find((s) => s.path === f.path));
  if (shapes.every((s) => s !== undefined) && !shapes.some((s) => s!.shape.test(id))) {
    // A region, a colon and something else: a Cognito identity id is REGION:GUID (Cognito Identity API reference,
    // GetId: IdentityId, pattern `[\w-]+:[0-9a-f-]+`; the part after the colon is a GUID), so say which part is wrong.
    if (shapes.some((s) => s!.path === 'client.cognito_id') && /^[a-z]{2}(-[a-z]+)+-\d:/i.test(id))
      return 'a Cognito identity id is REGION:GUID, and the part after the colon is not a GUID (8-4-4-4-12 hex digits)';
    return `not ${shapes.map((s) => s!.shapeText).join(' nor ')} (another field: --field)`;
  }
  const bigint = fields.filter((f) => f.type === 'bigint');
  if (bigint.length === fields.length && !/^-?\d{1,16}$/.test(id))
    return `not an integer (${bigint.map((f) => f.path).join(', ')} hold integers)`;
  return undefined;
}

/**
 * An id as the request keeps it: lower-cased when every field matched ignores case (the contract's id fields, UUIDs
 * underneath: records.ts, the case rule), so `ABC…` and `abc…` are one id — counted once, one MAC in the receipt, one
 * digest prefix in the locating query. With a field that matches exactly, the id stays as given.
 */
export const canonicalId = (id: string, fields: MatchField[]): string =>
  fields.length > 0 && fields.every((f) => f.caseInsensitive) ? id.toLowerCase() : id;

/** The ids of a file's text, each once (in its canonical form); throws what is wrong, line by line, without the ids. */
export function parseIdFile(text: string, fields: MatchField[]): string[] {
  const ids: string[] = [];
  const problems: string[] = [];
  text.split(/\r?\n/).forEach((raw, n) => {
    const id = raw.trim();
    if (id === '') return;
    const problem = idProblem(id, fields);
    if (problem) problems.push(`line ${n + 1}: ${problem}`);
    else ids.push(canonicalId(id, fields));
  });
  if (problems.length > 0)
    throw new IdFileError(
      'file',
      `${problems.length} line(s) refused, nothing erased:\n  ${problems.slice(0, 20).join('\n  ')}` +
        `${problems.length > 20 ? `\n  … and ${problems.length - 20} more` : ''}`,
    );
  if (ids.length === 0) throw new IdFileError('file', 'no ids in the file');
  return [...new Set(ids)];
}

/** Line numbers (from 1) of the file's ids, by canonical id: to name an id that matched nothing without printing it. */
export function lineNumbers(text: string, fields: MatchField[]): Map<string, number> {
  const out = new Map<string, number>();
  text.split(/\r?\n/).forEach((raw, n) => {
    const id = canonicalId(raw.trim(), fields);
    if (id && !out.has(id)) out.set(id, n + 1);
  });
  return out;
}
