#!/usr/bin/env node
/**
 * `npm run synth`: the same cdktf.out/ as `npx cdktf synth`, without cdktf-cli's start-up. Like the CLI, it
 * passes cdktf.json's `context` to the app, writes to cdktf.out/ (or $CDKTF_OUTDIR) replacing what was there
 * (a failed synth leaves no stacks there for a deploy to pick up), and prints the stacks' warnings. Deploys still
 * go through cdktf-cli (`npx cdktf deploy`), which synthesizes again itself.
 */
'use strict';
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const USAGE = `usage: npm run synth
  Synthesizes every stack of the configured matrix into cdktf.out/ (or $CDKTF_OUTDIR), like \`npx cdktf synth\`.
  $SYNTH_HCL_OUTPUT=true writes HCL instead of JSON.
  --help  this text`;
// The project's command-line convention (scripts/cli.ts), in plain JavaScript: it runs before anything is bundled.
try {
  if (
    require('node:util').parseArgs({ args: process.argv.slice(2), options: { help: { type: 'boolean', short: 'h' } } })
      .values.help
  ) {
    console.log(USAGE);
    process.exit(0);
  }
} catch (error) {
  console.error(`${error.message}\n${USAGE}`);
  process.exit(2);
}
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
    for (const a of stack.annotations ?? [])
      if (a.level !== '@cdktf/info')
        console.error(`${a.level === '@cdktf/error' ? 'Error' : 'Warning'} [${name}] ${a.message}`);
  }
  console.log(
    `Generated Terraform for ${Object.keys(stacks).length} stacks in ${path.relative(process.cwd(), outdir) || '.'}/stacks: ${Object.keys(stacks).join(', ')}`,
  );
} else if (!process.exitCode) {
  // The app reported no problem, yet wrote nothing: say so instead of succeeding silently.
  console.error(`synth: the app wrote no ${path.relative(process.cwd(), manifestPath)}`);
  process.exitCode = 1;
}
