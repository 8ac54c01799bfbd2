/**
 * Where a synth's time goes, in one process: module loading, config, then the steps of the app's own synth
 * (stacks/synth.ts synthesizeChecked, the path `npm run synth` and cdktf's app take: construct tree, JSON writing
 * into its staging folder, policy checks, publishing), into a scratch folder. Run by `npm run bench` through
 * scripts/run-ts.js (like the app); prints one JSON line.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const t0 = performance.now();
/* eslint-disable @typescript-eslint/no-require-imports */
const synth = require('../../stacks/synth') as typeof import('../../stacks/synth');
const config = require('../../config') as typeof import('../../config');
const t1 = performance.now();
const deployments = config.loadConfiguredDeployments();
const t2 = performance.now();
const scratch = mkdtempSync(join(tmpdir(), 'bench-phases-'));
const phases: Record<string, number> = {};
try {
  const { stacks } = synth.synthesizeChecked(deployments, {
    outdir: join(scratch, 'cdktf.out'),
    onPhase: (phase, ms) => (phases[phase] = ms),
  });
  console.log(
    JSON.stringify({
      stacks: stacks.length,
      'module loading': t1 - t0,
      'config (resolve + validate)': t2 - t1,
      ...phases,
    }),
  );
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
