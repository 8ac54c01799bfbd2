#!/usr/bin/env node
/**
 * Runs a TypeScript entry point fast: esbuild bundles this project's own code (dependencies stay external)
 * and Node runs the result. Unlike a loader (ts-node, tsx) there are no module hooks and no source-map
 * parsing of every dependency, which is most of a synth's start-up. The bundle is cached in
 * node_modules/.cache/run-ts/, keyed by the size and mtime of every TypeScript file of the project, so an
 * unchanged project skips esbuild too. Type-checking is not done here: `npm run typecheck` runs `tsc --noEmit` once.
 * Usage: node scripts/run-ts.js main.ts [args…]
 */
'use strict';
const crypto = require('node:crypto');
const fs = require('node:fs');
const Module = require('node:module');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
/** Never part of a bundle, wherever they are. */
const SKIP_ANYWHERE = new Set(['node_modules', '.git']);
/**
 * Top-level folders of output and tests (only at the top: `scripts/report/` is code, `report/` is output). A folder
 * holding the entry is walked all the same: the tests' own script (__tests__/fixtures/commands.ts) runs through here.
 */
const SKIP_AT_ROOT = new Set(['cdktf.out', 'report', '__tests__', 'sample-data', 'bootstrap-state', 'coverage']);

/** Size and mtime of every .ts file of the project under `projectRoot`: any edit changes the cache key. */
function sourceKey(projectRoot, entry) {
  const entryTop = path.relative(projectRoot, path.resolve(projectRoot, entry)).split(path.sep)[0];
  const hash = crypto
    .createHash('sha256')
    .update(`${entry}\0${fs.statSync(__filename).mtimeMs}\0${require('esbuild/package.json').version}`);
  const walk = (dir) => {
    for (const item of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      if (item.isDirectory()) {
        const skipped =
          SKIP_ANYWHERE.has(item.name) ||
          (dir === projectRoot && SKIP_AT_ROOT.has(item.name) && item.name !== entryTop);
        if (!skipped) walk(path.join(dir, item.name));
      } else if (item.name.endsWith('.ts') || item.name === 'package.json' || item.name === 'tsconfig.json') {
        const stat = fs.statSync(path.join(dir, item.name));
        hash.update(`${path.join(dir, item.name)}\0${stat.size}\0${stat.mtimeMs}\n`);
      }
    }
  };
  walk(projectRoot);
  return hash.digest('hex').slice(0, 24);
}

function bundle(entry) {
  const cacheDir = path.join(root, 'node_modules', '.cache', 'run-ts');
  const name = path
    .relative(root, entry)
    .replace(/\.ts$/, '')
    .replace(/[^A-Za-z0-9]+/g, '_');
  const cached = path.join(cacheDir, `${name}-${sourceKey(root, entry)}.js`);
  if (fs.existsSync(cached)) return fs.readFileSync(cached, 'utf8');
  const { outputFiles } = require('esbuild').buildSync({
    entryPoints: [entry],
    bundle: true,
    packages: 'external',
    platform: 'node',
    format: 'cjs',
    target: 'node22',
    write: false,
    logLevel: 'error',
  });
  const code = outputFiles[0].text;
  try {
    fs.mkdirSync(cacheDir, { recursive: true });
    for (const old of fs.readdirSync(cacheDir))
      if (old.startsWith(`${name}-`)) fs.rmSync(path.join(cacheDir, old), { force: true });
    fs.writeFileSync(`${cached}.${process.pid}`, code);
    fs.renameSync(`${cached}.${process.pid}`, cached);
  } catch {
    // A read-only checkout still runs; it just bundles every time.
  }
  return code;
}

/** Runs the entry named by argv[2] (default main.ts) as if Node had started it. */
function run() {
  const entry = path.resolve(process.argv[2] || 'main.ts');
  const main = new Module(entry, null);
  main.filename = entry;
  main.paths = Module._nodeModulePaths(path.dirname(entry));
  // The entry behaves as if Node had started it: argv[1] is the entry. Modules bundled with it share its
  // `module`, so scripts tell whether they are the program with isEntryPoint (scripts/cli.ts).
  process.argv.splice(1, 1);
  process.mainModule = main;
  main._compile(bundle(entry), entry);
}

if (require.main === module) run();
module.exports = { run, sourceKey };
