// Loaded first in the test thread, jest's own (jest.config.js `setupFiles`): tsx's hooks let the light runner's
// plain Node `import()` and `require()` load the TypeScript sources directly, stripped of types, not type-checked
// (`npm run typecheck` does that once).
// The one place TypeScript is loaded otherwise than by scripts/run-ts.js, the runner of every command (and of the
// processes the tests start, global-setup.js): run-ts bundles one entry into one module, which cannot serve a test
// thread that imports each test file and fixture on its own, and shares one loaded cdktf between them all; a bundle
// per test file would load cdktf again for each, which is what the light runner is there to avoid.
import { register as registerCommonJs } from 'tsx/cjs/api';
import { register as registerModules } from 'tsx/esm/api';
import { createRequire } from 'node:module';

registerCommonJs();
registerModules();

// cdktf records a full stack trace for every token it creates (`creationStack` of each attribute reference and Lazy,
// cdktf/lib/tokens/private/stack-trace.js), shown only when a token fails to resolve. Capturing it at an unlimited
// depth inside the test runner's deep stacks, and formatting it through tsx's source maps, was ~2 s of CPU per run
// (profiles of 2026-12-06 and -07): here tokens carry no creation stack, as cdktf's own Testing.app() already leaves
// out the construct stack traces (`stackTraces: false`). Every Error keeps its mapped stack. CDK Terrain has a
// switch for this ("the (expensive) Error.captureStackTrace call": CDKTN_DISABLE_CREATION_STACK, cdktn 0.24
// lib/tokens/private/stack-trace.js); CDKTF 0.21 has none, and its modules call the function through its module's
// exports, so the export is replaced.
process.env.CDKTN_DISABLE_CREATION_STACK = '1';
createRequire(import.meta.url)('cdktf/lib/tokens/private/stack-trace.js').captureStackTrace = () => [];
