// Loaded first in each test thread (jest.config.js `setupFiles`): tsx's hooks let the light runner's plain Node
// `import()` and `require()` load the TypeScript sources directly, stripped of types, not type-checked
// (`npm run typecheck` does that once).
import { register as registerCommonJs } from 'tsx/cjs/api';
import { register as registerModules } from 'tsx/esm/api';

registerCommonJs();
registerModules();
