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

// Tokens carry no creation stack in the test thread (~2 s of CPU a run): stacks/cdktf-internals.ts, the one file
// touching cdktf's internals (with its engine check), says why. Loaded through tsx's hooks, registered above.
createRequire(import.meta.url)('../stacks/cdktf-internals.ts').disableTokenCreationStacks();
