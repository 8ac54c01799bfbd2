/**
 * Unknown fields are configuration errors at every level of the matrix, with the nearest known field suggested: a
 * misspelt `jurisdicton: 'IN'` must not silently become the default jurisdiction. The type checker catches it in
 * config/matrix.ts too, but config:check, synth and the tests do not run it, and an override file is JSON.
 */
import type { z } from 'zod';

/** Levenshtein distance (insertions, deletions, substitutions), case-insensitive. */
function distance(a: string, b: string): number {
  const [x, y] = [a.toLowerCase(), b.toLowerCase()];
  let previous = Array.from({ length: y.length + 1 }, (_, j) => j);
  for (let i = 1; i <= x.length; i++) {
    const row = [i];
    for (let j = 1; j <= y.length; j++)
      row.push(Math.min(previous[j] + 1, row[j - 1] + 1, previous[j - 1] + (x[i - 1] === y[j - 1] ? 0 : 1)));
    previous = row;
  }
  return previous[y.length];
}

/** The known name closest to `name`, when close enough to be a slip (at most a third of its letters, ≥ 2). */
export function nearest(name: string, known: readonly string[]): string | undefined {
  const limit = Math.max(2, Math.floor(name.length / 3));
  const [best] = known
    .map((k) => [k, distance(name, k)] as const)
    .filter(([, d]) => d <= limit)
    .sort((p, q) => p[1] - q[1] || p[0].localeCompare(q[0]));
  return best?.[0];
}

/** "unknown field; did you mean `jurisdiction`?", or the known fields when none is close. */
export function unknownFieldMessage(name: string, known: readonly string[]): string {
  const suggestion = nearest(name, known);
  return suggestion
    ? `unknown field; did you mean ${suggestion}?`
    : `unknown field; known: ${[...known].sort().join(', ')}`;
}

type AnySchema = z.core.$ZodType;
const defOf = (schema: AnySchema) =>
  (schema as unknown as { _zod: { def: Record<string, unknown> & { type: string } } })._zod.def;

/** The object schemas a value at `path` of `schema` may be (every option of a union), wrappers removed. */
function objectsAt(schema: AnySchema, path: readonly (string | number)[]): AnySchema[] {
  const def = defOf(schema);
  switch (def.type) {
    case 'optional':
    case 'nullable':
    case 'default':
    case 'readonly':
    case 'nonoptional':
    case 'catch':
      return objectsAt(def.innerType as AnySchema, path);
    case 'pipe':
      return objectsAt(def.in as AnySchema, path);
    case 'union':
      return (def.options as AnySchema[]).flatMap((o) => objectsAt(o, path));
    case 'array':
      return path.length === 0 ? [] : objectsAt(def.element as AnySchema, path.slice(1));
    case 'record':
      return path.length === 0 ? [] : objectsAt(def.valueType as AnySchema, path.slice(1));
    case 'object': {
      if (path.length === 0) return [schema];
      const child = (def.shape as Record<string, AnySchema>)[String(path[0])];
      return child ? objectsAt(child, path.slice(1)) : [];
    }
    default:
      return [];
  }
}

/** The fields an object at `path` of `schema` takes (of every option, for a union). */
export function knownFieldsAt(schema: AnySchema, path: readonly (string | number)[]): string[] {
  return [...new Set(objectsAt(schema, path).flatMap((o) => Object.keys(defOf(o).shape as Record<string, unknown>)))];
}

/** The top-level fields of a matrix (config/matrix.ts `MatrixConfig`). */
export const MATRIX_FIELDS = ['project', 'defaults', 'profiles', 'backend', 'deployments', 'jurisdictions'] as const;
