import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// eslint-disable-next-line @typescript-eslint/no-require-imports -- scripts/run-ts.js is CommonJS without types
const { sourceKey } = require('../../scripts/run-ts.js') as { sourceKey: (root: string, entry: string) => string };

describe('run-ts bundle cache key', () => {
  const root = mkdtempSync(join(tmpdir(), 'run-ts-'));
  for (const dir of ['scripts/report', 'report', '__tests__', 'node_modules/x'])
    mkdirSync(join(root, dir), { recursive: true });
  const write = (file: string, text: string) => writeFileSync(join(root, file), text);
  write('main.ts', 'export {};');
  write('scripts/report/render.ts', 'export const a = 1;');
  const entry = join(root, 'main.ts');

  it('changes when any source file changes, including one in a code folder named like an output folder', () => {
    const before = sourceKey(root, entry);
    write('scripts/report/render.ts', 'export const a = 12;');
    expect(sourceKey(root, entry)).not.toBe(before);
  });

  it('ignores output, tests and dependencies', () => {
    const before = sourceKey(root, entry);
    write('report/index.ts', 'x');
    write('__tests__/a.test.ts', 'x');
    write('node_modules/x/index.ts', 'x');
    expect(sourceKey(root, entry)).toBe(before);
  });

  it('walks the tests folder when the entry is in it (the tests run their commands script through run-ts)', () => {
    const testEntry = join(root, '__tests__', 'script.ts');
    write('__tests__/script.ts', 'export {};');
    const before = sourceKey(root, testEntry);
    write('__tests__/helper.ts', 'export const b = 2;');
    expect(sourceKey(root, testEntry)).not.toBe(before);
  });
});
