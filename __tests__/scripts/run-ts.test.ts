import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { scratchDir } from '../fixtures/commands';

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

// eslint-disable-next-line @typescript-eslint/no-require-imports -- scripts/run-ts.js is CommonJS without types
const runTs = require('../../scripts/run-ts.js') as {
  bundleCache: (entry: string) => { dir: string; name: string; file: string };
  compiledPath: (outDir: string, file: string) => string;
  compiledProject: (fallbackDir: string) => string;
};
const project = join(__dirname, '..', '..');

describe('run-ts bundle cache', () => {
  it("names an entry reached through a symbolic link into the project as the project's own entry", () => {
    const copy = mkdtempSync(join(tmpdir(), 'run-ts-copy-'));
    symlinkSync(join(project, 'scripts'), join(copy, 'scripts'));
    const own = runTs.bundleCache(join(project, 'scripts', 'config-check.ts'));
    expect(runTs.bundleCache(join(copy, 'scripts', 'config-check.ts'))).toEqual(own);
    expect(own.name).toBe('scripts_config_check');
  });
});

describe("the test threads' TypeScript (compiled by global-setup.js, loaded by register-typescript.mjs)", () => {
  const compiled = process.env.TELEMETRY_TEST_COMPILED!;
  /** The project's TypeScript files: every folder but dependencies and output. */
  const sources = (dir: string): string[] =>
    readdirSync(dir, { withFileTypes: true }).flatMap((item) => {
      const path = join(dir, item.name);
      if (item.isDirectory())
        return ['node_modules', '.git', 'cdktf.out', 'report', 'coverage'].includes(item.name) ? [] : sources(path);
      return item.name.endsWith('.ts') ? [path] : [];
    });

  it('every TypeScript file of the project, the tests included, is compiled', () => {
    const files = sources(project);
    expect(files).toEqual(expect.arrayContaining([__filename, join(project, 'main.ts')]));
    expect(files.filter((file) => !existsSync(runTs.compiledPath(compiled, file)))).toEqual([]);
  });

  it('is kept while no source changes: the next run loads the same folder without compiling', () => {
    const fallback = join(scratchDir(), 'not-compiled');
    expect(runTs.compiledProject(fallback)).toBe(compiled);
    expect(existsSync(fallback)).toBe(false);
  });

  it('an error points at its line in the TypeScript file, not in the compiled JavaScript', () => {
    // Comments, blank lines and types: what the compiled file does not keep, so its lines are not these.

    interface Shape {
      a: number;
    }
    const shape: Shape = { a: 1 };
    const stack = new Error(`marker ${shape.a}`).stack!;
    const line =
      readFileSync(__filename, 'utf8')
        .split('\n')
        .findIndex((l) => l.includes('new Error(`marker')) + 1;
    expect(stack).toContain(`${__filename}:${line}:`);
  });
});
