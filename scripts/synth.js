#!/usr/bin/env node
/**
 * `npm run synth`: the same cdktf.out/ as `npx cdktf synth`, without cdktf-cli's start-up. Like the CLI, it
 * passes cdktf.json's `context` to the app and writes to cdktf.out/ (or $CDKTF_OUTDIR), replacing what was there.
 * Deploys still go through cdktf-cli (`npx cdktf deploy`), which synthesizes again itself.
 */
'use strict';
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const cdktfJson = JSON.parse(fs.readFileSync(path.join(root, 'cdktf.json'), 'utf8'));
process.env.CDKTF_CONTEXT_JSON ??= JSON.stringify(cdktfJson.context ?? {});
process.env.CDKTF_OUTDIR ??= path.join(root, 'cdktf.out');
fs.rmSync(path.join(process.env.CDKTF_OUTDIR, 'stacks'), { recursive: true, force: true });
process.argv.splice(2, 0, path.join(root, 'main.ts'));
require('./run-ts.js');
