// Loaded first in the test thread, jest's own (jest.config.js `setupFiles`): tsx's hooks let the light runner's
// plain Node `import()` and `require()` load the TypeScript sources directly, stripped of types, not type-checked
// (`npm run typecheck` does that once).
// The one place TypeScript is loaded otherwise than by scripts/run-ts.js, the runner of every command (and of the
// processes the tests start, global-setup.js): run-ts bundles one entry into one module, which cannot serve a test
// thread that imports each test file and fixture on its own, and shares one loaded cdktf between them all; a bundle
// per test file would load cdktf again for each, which is what the light runner is there to avoid.
import { register as registerCommonJs } from 'tsx/cjs/api';
import { register as registerModules } from 'tsx/esm/api';

registerCommonJs();
registerModules();

// tsx turns on Node's source maps, so a failure points at the TypeScript line. cdktf, though, records a full stack
// trace for every token it creates (`creationStack` of each attribute reference and Lazy, via
// cdktf/lib/tokens/private/stack-trace.js), shown only when a token fails to resolve; formatting each of those, and
// mapping it through the source maps, was ~0.8 s of CPU per run. Those captures are plain objects, not Errors: they
// get no frames, so tokens carry no creation stack in tests — as cdktf's own Testing.app() already leaves out the
// construct stack traces (`stackTraces: false`). Every Error keeps its mapped stack.
const mappedStackTrace = Error.prepareStackTrace;
Error.prepareStackTrace = (error, frames) => (error instanceof Error ? mappedStackTrace(error, frames) : '');
