/**
 * Where a synth's time goes, in one process: module loading, config, construct tree, policy checks and
 * JSON writing. Run by `npm run bench` through scripts/run-ts.js (like the app); prints one JSON line.
 */
const t0 = performance.now();
/* eslint-disable @typescript-eslint/no-require-imports */
const { App } = require('cdktf') as typeof import('cdktf');
const matrix = require('../../stacks/matrix') as typeof import('../../stacks/matrix');
const config = require('../../config') as typeof import('../../config');
const t1 = performance.now();
const deployments = config.loadConfiguredDeployments();
const t2 = performance.now();
const app = new App({ skipValidation: true });
const stacks = matrix.buildMatrix(app, deployments).all;
const t3 = performance.now();
app.synth();
const t4 = performance.now();
matrix.validateStacks(stacks);
const t5 = performance.now();
console.log(
  JSON.stringify({
    stacks: stacks.length,
    'module loading': t1 - t0,
    'config (resolve + validate)': t2 - t1,
    'construct tree': t3 - t2,
    'JSON writing (app.synth)': t4 - t3,
    'policy checks (incl. toTerraform)': t5 - t4,
  }),
);
