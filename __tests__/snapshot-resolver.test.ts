/**
 * The snapshot resolver (__tests__/snapshot-resolver.js): its paths round-trip, and the consistency path is a
 * real test.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';

// eslint-disable-next-line @typescript-eslint/no-require-imports -- the resolver is the CommonJS file jest loads
const resolver = require('./snapshot-resolver.js') as {
  resolveSnapshotPath(testPath: string): string;
  resolveTestPath(snapshotPath: string): string;
  testPathForConsistencyCheck: string;
};

describe('snapshot resolver', () => {
  it('names, for its consistency check, a test file that exists and that jest runs', () => {
    expect(existsSync(resolver.testPathForConsistencyCheck)).toBe(true);
    expect(resolver.testPathForConsistencyCheck).toMatch(/\.test\.ts$/);
  });

  it('keeps snapshots beside each test and resolves them back to it', () => {
    const test = join(__dirname, 'stacks', 'rules.test.ts');
    const snapshot = resolver.resolveSnapshotPath(test);
    expect(snapshot).toBe(join(__dirname, 'stacks', '__snapshots__', 'rules.test.ts.snap'));
    expect(resolver.resolveTestPath(snapshot)).toBe(test);
  });
});
