// Loaded first in the test thread, jest's own (jest.config.js `setupFiles`): module hooks let the light runner's
// plain Node `import()` and `require()` load the project's TypeScript files as JavaScript compiled with run-ts's
// esbuild settings (scripts/run-ts.js's compiledProject, which global-setup.js calls: compiled once, kept while no
// source changes; types stripped, not checked: `npm run typecheck` does that). run-ts's bundle of one entry cannot
// serve a test thread, which imports each test file and fixture on its own and shares one loaded cdktf between them
// all; a bundle per test file would load cdktf again for each, which is what the light runner is there to avoid.
// The hooks run synchronously in the thread (`module.registerHooks`, Node ≥ 22.15:
// https://nodejs.org/api/module.html#moduleregisterhooksoptions) and only for the project's `.ts` files and their
// extensionless imports; dependencies load as Node loads them. tsx, used before, also lexed every JavaScript file
// loaded and transformed every test file anew in each run: ~1 s of a ~10 s run (2026-12-07, four alternating runs).
import { createRequire, registerHooks } from 'node:module';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const { compiledPath } = require('../scripts/run-ts.js');

const compiled = process.env.TELEMETRY_TEST_COMPILED;
if (!compiled)
  throw new Error(
    'TELEMETRY_TEST_COMPILED is not set: run the tests through jest (jest.config.js runs global-setup.js)',
  );

/** The path of a `file:` URL, without the query the light runner adds to a test file's. */
const pathOf = (url) => fileURLToPath(url.split('?')[0]);
const isTypeScript = (url) => url?.startsWith('file:') && pathOf(url).endsWith('.ts');
/** A relative import without an extension, as TypeScript writes them: `./x` is `./x.ts` or `./x/index.ts`. */
const isExtensionless = (specifier) => /^\.\.?\//.test(specifier) && !/\.[cm]?[jt]s$|\.json$/.test(specifier);

process.setSourceMapsEnabled(true);
registerHooks({
  resolve(specifier, context, nextResolve) {
    if (isTypeScript(context.parentURL) && isExtensionless(specifier))
      for (const suffix of ['.ts', '/index.ts']) {
        const url = new URL(`${specifier}${suffix}`, context.parentURL);
        if (existsSync(url)) return { url: url.href, format: 'commonjs', shortCircuit: true };
      }
    return nextResolve(specifier, context);
  },
  load(url, context, nextLoad) {
    if (!isTypeScript(url)) return nextLoad(url, context);
    const file = pathOf(url);
    // The light runner imports test files (and setup.ts) as ES modules: each is a module that requires the file, so
    // that every TypeScript file is CommonJS loaded by `require` (Node 22 fails an ES import of CommonJS source given
    // by a hook once that source requires a JSON file: ERR_INTERNAL_ASSERTION "missed cache"; Node 24 does not). A
    // file imported again (a rerun in watch mode, under a new query) runs again, as an import would.
    if (context.conditions?.includes('import'))
      return {
        format: 'module',
        source: [
          "import { createRequire } from 'node:module';",
          'const require = createRequire(import.meta.url);',
          `delete require.cache[${JSON.stringify(file)}];`,
          `require(${JSON.stringify(file)});`,
        ].join('\n'),
        shortCircuit: true,
      };
    const js = compiledPath(compiled, file);
    if (!existsSync(js)) throw new Error(`${file} was not compiled (global-setup.js): it is not a file of the project`);
    return { format: 'commonjs', source: readFileSync(js, 'utf8'), shortCircuit: true };
  },
});

// Tokens carry no creation stack in the test thread (~2 s of CPU a run): stacks/cdktf-internals.ts, the one file
// touching cdktf's internals (with its engine check), says why.
require('../stacks/cdktf-internals.ts').disableTokenCreationStacks();
