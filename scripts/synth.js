#!/usr/bin/env node
/**
 * `npm run synth`: the same cdktf.out/ as `npx cdktf synth`, without cdktf-cli's start-up. Like the CLI, it
 * passes cdktf.json's `context` to the app, writes to cdktf.out/ (or $CDKTF_OUTDIR) replacing what was there,
 * and prints the stacks' warnings (e.g. the Pinpoint end-of-support notice). Deploys still go through
 * cdktf-cli (`npx cdktf deploy`), which synthesizes again itself.
 */
'use strict';
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const cdktfJson = JSON.parse(fs.readFileSync(path.join(root, 'cdktf.json'), 'utf8'));
const outdir = (process.env.CDKTF_OUTDIR ??= path.join(root, 'cdktf.out'));
process.env.CDKTF_CONTEXT_JSON ??= JSON.stringify(cdktfJson.context ?? {});
fs.rmSync(path.join(outdir, 'stacks'), { recursive: true, force: true });
fs.rmSync(path.join(outdir, 'manifest.json'), { force: true });
process.argv.splice(2, 0, path.join(root, 'main.ts'));
require('./run-ts.js').run();

// The app synthesizes synchronously; a manifest exists only when it succeeded.
const manifestPath = path.join(outdir, 'manifest.json');
if (fs.existsSync(manifestPath)) {
  const { stacks } = JSON.parse(fs.readFileSync(manifestPath, 'utf8'));
  for (const [name, stack] of Object.entries(stacks)) {
    for (const a of stack.annotations ?? []) if (a.level !== '@cdktf/info') console.error(`${a.level === '@cdktf/error' ? 'Error' : 'Warning'} [${name}] ${a.message}`);
  }
  console.log(`Generated Terraform for ${Object.keys(stacks).length} stacks in ${path.relative(process.cwd(), outdir) || '.'}/stacks: ${Object.keys(stacks).join(', ')}`);
} else if (!process.exitCode) {
  // The app reported no problem, yet wrote nothing: say so instead of succeeding silently.
  console.error(`synth: the app wrote no ${path.relative(process.cwd(), manifestPath)}`);
  process.exitCode = 1;
}
