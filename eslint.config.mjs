// ESLint (flat config): `npm run lint`, counted in CI (.ci/run). typescript-eslint's recommended rules without type
// information (fast: tsc already type-checks, `npm run typecheck`), import cycles forbidden (import-x/no-cycle), and
// eslint-config-prettier last, so no rule here argues with the formatter (`npm run format`), then max-len at 120.
import { readFileSync } from 'node:fs';
import js from '@eslint/js';
import prettier from 'eslint-config-prettier';
import { createNodeResolver, importX } from 'eslint-plugin-import-x';
import tseslint from 'typescript-eslint';

/** Node's globals the project's JavaScript files use (the TypeScript files get theirs from @types/node). */
const node = Object.fromEntries(
  [
    'require',
    'module',
    'exports',
    '__dirname',
    '__filename',
    'process',
    'console',
    'Buffer',
    'URL',
    'setTimeout',
    'clearTimeout',
    'setInterval',
    'clearInterval',
    'structuredClone',
  ].map((name) => [name, 'readonly']),
);

/** The layers' zones (see the rule below). */
const LAYER_ZONES = [
  {
    target: './config',
    from: ['./terraform-json', './stacks', './model', './scripts', './main.ts'],
    message: 'config/ is the bottom layer',
  },
  {
    target: './terraform-json',
    from: ['./stacks', './model', './scripts', './main.ts'],
    message: 'terraform-json/ is below stacks/ and model/: it imports only config/',
  },
  {
    target: './stacks',
    from: './model',
    message: 'stacks/ and model/ do not import each other: what both need belongs in terraform-json/',
  },
  {
    target: './model',
    from: './stacks',
    message: 'stacks/ and model/ do not import each other: what both need belongs in terraform-json/',
  },
  {
    target: ['./terraform-json', './stacks', './model'],
    from: './scripts',
    message: 'commands (scripts/) are glue over the library modules, not imported by them',
  },
  {
    target: './scripts/report',
    from: './scripts/review',
    message: 'scripts/report/ is below scripts/review/: what both need belongs in scripts/report/changes.ts',
  },
  {
    // The erasure's modules load @duckdb/node-api (parquet.ts), a native library the report, review and drift have no
    // use for; what both need (ARCHIVED_CLASSES, LOCATE_DIGEST_PREFIX_HEX) lives in config/.
    target: './scripts/report',
    from: './scripts/erase',
    message: 'the report (and review, drift, which load its words) does not load the erasure: share through config/',
  },
  {
    target: ['./config', './terraform-json', './stacks', './model', './scripts', './main.ts'],
    from: './__tests__',
  },
];

/** The commands' entry files: what package.json's scripts run through scripts/run-ts.js. */
const COMMAND_FILES = Object.values(
  JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8')).scripts,
)
  .flatMap((script) => /^node scripts\/run-ts\.js (\S+)$/.exec(script)?.[1] ?? [])
  .map((file) => `./${file}`);

/**
 * A command's entry file is glue, imported by no other file of scripts/: what two commands share is a library module
 * (scripts/cli.ts, account-check.ts, stack-drift.ts, …). Two files are let off below: the docs generator, which reads
 * each command's spec from its file, and the e2e's erasure, which runs `npm run erase`'s main as an operator does.
 */
const COMMANDS_ZONE = {
  target: './scripts',
  from: COMMAND_FILES,
  message: "a command's entry file is imported by no other command: move what they share into a library module",
};

export default tseslint.config(
  {
    ignores: [
      'node_modules/',
      'cdktf.out/',
      'report/',
      'coverage/',
      'sample-data/',
      'app-config/',
      'bootstrap-state/',
      'docs/',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    plugins: { 'import-x': importX },
    settings: {
      // import-x follows (and parses, for no-cycle) only files of these extensions; .ts with
      // typescript-eslint's parser.
      'import-x/extensions': ['.ts', '.js', '.mjs'],
      'import-x/parsers': { '@typescript-eslint/parser': ['.ts'] },
      // Imports are relative and extensionless (`../config` is config/index.ts): Node's resolution with .ts added.
      'import-x/resolver-next': [createNodeResolver({ extensions: ['.ts', '.js', '.mjs', '.json'] })],
    },
    rules: {
      // A cycle makes module order matter (a value imported before it is defined) and layers point back.
      'import-x/no-cycle': ['error', { ignoreExternal: true }],
      // Layers point down only: config/ <- terraform-json/ <- stacks/, model/ <- scripts/ (and main.ts). config/ (the
      // typed configuration) imports no other folder; terraform-json/ (the Terraform JSON's types and walkers, policy
      // documents, the synth output and its facts, plans) imports only config/; stacks/ and model/ stand side by side
      // and never import each other (what both need belongs in terraform-json/); none of them imports the commands
      // (scripts/); nothing shipped imports the tests. Inside scripts/, the change review builds on the report: review/
      // imports report/ (the review's data types are report/changes.ts), never the other way; the report does not
      // import the erasure (scripts/erase/).
      'import-x/no-restricted-paths': ['error', { zones: [...LAYER_ZONES, COMMANDS_ZONE] }],
      // Unused code is a defect, but `_`-named parameters and rest siblings say "deliberately ignored".
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none', ignoreRestSiblings: true },
      ],
    },
  },
  {
    // The docs generator reads each command's spec (`<NAME>_COMMAND`) where the command declares it; the e2e's erasure
    // runs the erase command's main on purpose (scripts/e2e/erasure.ts says why). The layers still hold for both.
    files: ['scripts/docs/commands.ts', 'scripts/e2e/erasure.ts'],
    rules: { 'import-x/no-restricted-paths': ['error', { zones: LAYER_ZONES }] },
  },
  {
    files: ['**/*.js'],
    languageOptions: { sourceType: 'commonjs', globals: node },
    // CommonJS files: require() is how they load modules.
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  { files: ['**/*.mjs'], languageOptions: { sourceType: 'module', globals: node } },
  prettier,
  // After eslint-config-prettier, which turns max-len off: Prettier wraps code at its printWidth (120, .prettierrc) but
  // never a string or a comment, so a line a reviewer can read side by side is this rule's. Strings, templates and
  // comments count (a long string is cut into a concatenation, a comment rewrapped); only a line with a URL is spared.
  { rules: { 'max-len': ['error', { code: 120, ignoreUrls: true }] } },
);
