/**
 * Jest with jest-light-runner, in one thread (`maxWorkers: 1`): cdktf, the provider classes and the stacks are
 * loaded once and every test file runs in plain Node, instead of jest's default of a fresh module registry per file
 * (which loaded cdktf ~25 times per run: 16.7–18.4 s against 8.6–9.2 s when it was measured). The cost is isolation
 * between files: a test that changes shared state (environment, working directory, spies) restores it. A second
 * thread, which loads everything again, gained ~0.2 s of ~4 s (docs/contributing.md, "Tests").
 * jest-light-runner stays at 0.7.x: 0.8 declares Node >= 22, and the project supports Node 20.
 * TypeScript is stripped, not type-checked, by tsx's hooks (register-typescript.mjs; `npm run typecheck` checks).
 * @type {import('jest').Config}
 */
module.exports = {
  runner: 'jest-light-runner',
  // Nothing for jest to transform: tsx strips the TypeScript, and the config's own JS files (global set-up and
  // teardown, snapshot resolver) run as they are. The default would load babel for nothing.
  transform: {},
  maxWorkers: 1,
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
  // removed stack fails the run until `npm test -- -u` is run and the diff reviewed (__tests__/synth-snapshots.test.ts).
  // (jest's `ci` config key cannot do this: the CLI's own default for --ci overrides it.)
  snapshotResolver: '<rootDir>/__tests__/snapshot-resolver.js',
  // jest's summary alone (no line per passing file), with every failure in it: a failed run fits a screen.
  // `npm test -- --reporters=default` gives the per-file lines back.
  reporters: [['summary', { summaryThreshold: 0 }]],
};
