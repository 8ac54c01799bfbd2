/**
 * Jest with SWC as the transformer: TypeScript is stripped, not type-checked, per file (type-checking runs
 * once, separately: `npm run typecheck`).
 * @type {import('jest').Config}
 */
module.exports = {
  testEnvironment: 'node',
  // Both cores: each test file loads cdktf and the provider classes it uses once, in its own worker.
  maxWorkers: 2,
  // A worker that grew past this after a test file is replaced, keeping the suite's peak memory well under 1 GB.
  workerIdleMemoryLimit: '200MB',
  roots: ['<rootDir>/__tests__'],
  testMatch: ['**/*.test.ts'],
  transform: {
    '^.+\\.ts$': ['@swc/jest', { jsc: { parser: { syntax: 'typescript' }, target: 'es2022' }, module: { type: 'commonjs' } }],
  },
  moduleFileExtensions: ['ts', 'js', 'json'],
  // The configured matrix is synthesized once, as `npm run synth` does it; invariant and snapshot tests read it.
  globalSetup: '<rootDir>/__tests__/global-setup.js',
  globalTeardown: '<rootDir>/__tests__/global-teardown.js',
  setupFilesAfterEnv: ['<rootDir>/__tests__/setup.ts'],
  snapshotFormat: { escapeString: false, printBasicPrototype: false },
  // `npm test` runs `jest --ci`: snapshots are never written implicitly, locally or in CI; a changed, new or
  // removed stack fails the run until `npx jest -u` is run and the diff reviewed (__tests__/synth-snapshots.test.ts).
  // (jest's `ci` config key cannot do this: the CLI's own default for --ci overrides it.)
  snapshotResolver: '<rootDir>/__tests__/snapshot-resolver.js',
  reporters: ['default', '<rootDir>/__tests__/snapshot-reporter.js'],
};
