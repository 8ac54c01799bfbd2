/**
 * The report, the review and drift load no erasure code: the erasure (scripts/erase/) loads @duckdb/node-api, a
 * native library they have no use for. eslint.config.mjs forbids scripts/report/ to import scripts/erase/; this
 * checks the whole import graph of the three commands, whatever route it would take, in a Node process of its own
 * (the test threads share one module cache, which the erasure's tests fill).
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

const root = join(__dirname, '..', '..');
const ENTRIES = ['scripts/report/index', 'scripts/report/words', 'scripts/review/index', 'scripts/drift'];

/** The modules a fresh Node process holds after loading `entries` (TypeScript stripped by tsx, as in the tests). */
function loadedBy(entries: string[]): string[] {
  const script = `require('tsx/cjs/api').register();
for (const e of ${JSON.stringify(entries)}) require(require('node:path').join(process.cwd(), e));
process.stdout.write(JSON.stringify(Object.keys(require.cache)));`;
  return JSON.parse(execFileSync(process.execPath, ['-e', script], { cwd: root, encoding: 'utf8' })) as string[];
}

describe('what the report, review and drift load', () => {
  it('neither @duckdb/node-api nor any module of scripts/erase/', () => {
    const loaded = loadedBy(ENTRIES);
    expect(loaded.filter((m) => m.includes(join('scripts', 'report', 'words')))).not.toEqual([]);
    expect(loaded.filter((m) => m.includes('@duckdb') || m.includes(join('scripts', 'erase')))).toEqual([]);
  });

  it('the check sees the erasure when something loads it', () => {
    const loaded = loadedBy(['scripts/erase/engine']);
    expect(loaded.some((m) => m.includes(join('scripts', 'erase')))).toBe(true);
    expect(loaded.some((m) => m.includes('@duckdb'))).toBe(true);
  });
});
