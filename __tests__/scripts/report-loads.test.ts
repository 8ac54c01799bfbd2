/**
 * The report, the review and drift load no erasure code: the erasure (scripts/erase/) loads @duckdb/node-api, a
 * native library they have no use for. eslint.config.mjs forbids scripts/report/ to import scripts/erase/; this
 * checks the whole import graph of the three commands, whatever route it would take: the graph esbuild follows to
 * bundle each command as scripts/run-ts.js runs it (the project's files bundled, packages left to Node). Static: a
 * package's own imports are not followed, nor a require of a computed path (on these paths only model/iam-evaluator.ts
 * has some, into @cloud-copilot/iam-simulate); @duckdb/node-api is loaded by scripts/erase/parquet.ts alone.
 */
import { buildSync } from 'esbuild';
import { join } from 'node:path';

const root = join(__dirname, '..', '..');
const ENTRIES = [
  'scripts/report/index.ts',
  'scripts/report/words/index.ts',
  'scripts/review/index.ts',
  'scripts/drift.ts',
];

/** The project's files and the packages a bundle of `entries` holds, as run-ts.js bundles a command. */
function loadedBy(entries: string[]): { files: string[]; packages: string[] } {
  const { metafile } = buildSync({
    entryPoints: entries.map((e) => join(root, e)),
    absWorkingDir: root,
    bundle: true,
    packages: 'external',
    platform: 'node',
    format: 'cjs',
    write: false,
    outdir: 'out',
    metafile: true,
    logLevel: 'silent',
  });
  const inputs = Object.values(metafile.inputs);
  return {
    files: Object.keys(metafile.inputs),
    packages: [...new Set(inputs.flatMap((i) => i.imports.filter((x) => x.external).map((x) => x.path)))],
  };
}

describe('what the report, review and drift load', () => {
  it('neither @duckdb/node-api nor any module of scripts/erase/', () => {
    const { files, packages } = loadedBy(ENTRIES);
    expect(files.filter((f) => f.startsWith('scripts/report/words/'))).not.toEqual([]);
    expect(files.filter((f) => f.startsWith('scripts/erase/'))).toEqual([]);
    expect(packages.filter((p) => p.startsWith('@duckdb/'))).toEqual([]);
  });

  it('the check sees the erasure when something loads it', () => {
    const { files, packages } = loadedBy(['scripts/erase/engine.ts']);
    expect(files.some((f) => f.startsWith('scripts/erase/'))).toBe(true);
    expect(packages.some((p) => p.startsWith('@duckdb/'))).toBe(true);
  });
});
