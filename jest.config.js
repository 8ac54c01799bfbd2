/**
 * Jest with jest-light-runner: cdktf, the provider classes and the stacks are loaded once per worker thread and every
 * test file runs in plain Node, instead of jest's default of a fresh module registry per file (which loaded cdktf ~25
 * times per run: 16.7–18.4 s against 8.6–9.2 s when it was measured). The cost is isolation between the files of a
 * thread: a test that changes shared state (environment, working directory, spies) restores it.
 * Two threads (`maxWorkers: 2`): while loading dominated (2026-12-01, ~4 s runs) a second thread, which loads
 * everything again, gained ~0.2 s; since the suite is mostly evaluation (access matrices, deploy-role escalations) it
 * gains more — 2026-12-06, three runs of each alternately on a 2-core machine another job was loading: 22.0–34.9 s
 * (median 26.2 s) against 30.7–31.6 s (median 31.0 s), peak RSS of the largest process 0.71–0.76 GB against
 * 0.49–0.55 GB (`npm run bench` prints the whole tree's). On more cores jest would still use two.
 * jest-light-runner 0.8 (it declares Node >= 22, as package.json's engines do).
 * TypeScript is compiled once per run by global-setup.js (esbuild, types stripped, not checked: `npm run typecheck`
 * checks) and loaded through Node's module hooks (register-typescript.mjs).
 * @type {import('jest').Config}
 */
module.exports = {
  runner: 'jest-light-runner',
  // Nothing for jest to transform: the hooks load the compiled TypeScript, and the config's own JS files (global
  // set-up and teardown, snapshot resolver) run as they are. The default would load babel for nothing.
  transform: {},
  maxWorkers: 2,
  roots: ['<rootDir>/__tests__'],
  testMatch: ['**/*.test.ts'],
  moduleFileExtensions: ['ts', 'js', 'json'],
  // The commands the tests run as users do (`npm run synth` of the configured matrix among them, which the invariant
  // and snapshot tests read) run once per test run, before the tests.
  globalSetup: '<rootDir>/__tests__/global-setup.js',
  globalTeardown: '<rootDir>/__tests__/global-teardown.js',
  setupFiles: ['<rootDir>/__tests__/register-typescript.mjs'],
  setupFilesAfterEnv: ['<rootDir>/__tests__/setup.ts'],
  snapshotFormat: { escapeString: false, printBasicPrototype: false },
  // `npm test` runs `jest --ci`: snapshots are never written implicitly, locally or in CI; a changed, new or
  // removed stack fails the run until `npm test -- -u` is run and the diff reviewed
  // (__tests__/synth-snapshots.test.ts). (jest's `ci` config key cannot do this: the CLI's own default for
  // --ci overrides it.)
  snapshotResolver: '<rootDir>/__tests__/snapshot-resolver.js',
  // jest's summary alone (no line per passing file), with every failure in it: a failed run fits a screen.
  // `npm test -- --reporters=default` gives the per-file lines back.
  reporters: [['summary', { summaryThreshold: 0 }]],
};
