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
const { pathToFileURL } = require('node:url');

const root = path.resolve(__dirname, '..');

// V8's compiled code of every module this process loads (cdktf, the provider classes, the bundle or the compiled
// sources), kept on disk by Node and reused while a file is unchanged (`module.enableCompileCache`, Node ≥ 22.1:
// https://nodejs.org/api/module.html#moduleenablecompilecachecachedir): a synth starts ~0.07 s sooner, the tests'
// threads ~0.15 s. A cache that cannot be written is skipped by Node.
Module.enableCompileCache(path.join(root, 'node_modules', '.cache', 'node-compile'));
/** Never part of a bundle, wherever they are. */
const SKIP_ANYWHERE = new Set(['node_modules', '.git']);
/**
 * Top-level folders of output and tests (only at the top: `scripts/report/` is code, `report/` is output). A folder
 * holding the entry is walked all the same: the tests' own script (__tests__/fixtures/commands.ts) runs through here.
 */
const SKIP_AT_ROOT = new Set(['cdktf.out', 'report', '__tests__', 'sample-data', 'bootstrap-state', 'coverage']);

/**
 * The project's source files under `projectRoot`, in a stable order: every file `keep` accepts, outside
 * SKIP_ANYWHERE and (at the top) SKIP_AT_ROOT, except a top folder named in `walked`.
 */
function projectFiles(projectRoot, keep, walked = []) {
  const files = [];
  const walk = (dir) => {
    for (const item of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      if (item.isDirectory()) {
        const skipped =
          SKIP_ANYWHERE.has(item.name) ||
          (dir === projectRoot && SKIP_AT_ROOT.has(item.name) && !walked.includes(item.name));
        if (!skipped) walk(path.join(dir, item.name));
      } else if (keep(item.name)) files.push(path.join(dir, item.name));
    }
  };
  walk(projectRoot);
  return files;
}

/** Size and mtime of every .ts file of the project under `projectRoot`: any edit changes the cache key. */
function sourceKey(projectRoot, entry) {
  const entryTop = path.relative(projectRoot, path.resolve(projectRoot, entry)).split(path.sep)[0];
  const hash = crypto
    .createHash('sha256')
    .update(`${entry}\0${fs.statSync(__filename).mtimeMs}\0${require('esbuild/package.json').version}`);
  const keep = (name) => name.endsWith('.ts') || name === 'package.json' || name === 'tsconfig.json';
  for (const file of projectFiles(projectRoot, keep, [entryTop])) {
    const stat = fs.statSync(file);
    hash.update(`${file}\0${stat.size}\0${stat.mtimeMs}\n`);
  }
  return hash.digest('hex').slice(0, 24);
}

/** How esbuild writes every TypeScript file run here, bundled or one by one: CommonJS for Node 22 and later. */
const OUTPUT = { platform: 'node', format: 'cjs', target: 'node22', logLevel: 'error' };

/**
 * Where the bundle of `entry` is cached. Named by the entry's real path, so an entry reached through a symbolic link
 * into the project (the tests' copy of it with another cdktf.json) shares the project's bundle instead of bundling
 * anew every time under a name no later run asks for.
 */
function bundleCache(entry) {
  const real = fs.realpathSync(entry);
  const dir = path.join(root, 'node_modules', '.cache', 'run-ts');
  const name = path
    .relative(root, real)
    .replace(/\.ts$/, '')
    .replace(/[^A-Za-z0-9]+/g, '_');
  return { dir, name, file: path.join(dir, `${name}-${sourceKey(root, real)}.js`) };
}

function bundle(entry) {
  const { dir: cacheDir, name, file: cached } = bundleCache(entry);
  if (fs.existsSync(cached)) return fs.readFileSync(cached, 'utf8');
  const { outputFiles } = require('esbuild').buildSync({
    ...OUTPUT,
    entryPoints: [entry],
    bundle: true,
    packages: 'external',
    write: false,
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

/** Where the JavaScript of `file`, a TypeScript file of the project, is in compiledProject's folder `outDir`. */
function compiledPath(outDir, file) {
  return path.join(outDir, path.relative(root, file)).replace(/\.ts$/, '.js');
}

/**
 * Compiles every TypeScript file of the project into `outdir` (compiledPath), each with its source map inline. The
 * map names its source by absolute URL: the test threads load the JavaScript as the TypeScript file's module, and Node
 * resolves a map's relative sources against that module's own location, not the compiled file's.
 */
function compileInto(outdir) {
  const { outputFiles } = require('esbuild').buildSync({
    ...OUTPUT,
    entryPoints: projectFiles(root, (name) => name.endsWith('.ts'), ['__tests__']),
    outdir,
    outbase: root,
    sourcemap: 'external',
    sourcesContent: false,
    write: false,
  });
  const maps = new Map(outputFiles.filter((f) => f.path.endsWith('.map')).map((f) => [f.path, f.text]));
  for (const file of outputFiles.filter((f) => f.path.endsWith('.js'))) {
    const map = JSON.parse(maps.get(`${file.path}.map`));
    map.sources = map.sources.map((source) => pathToFileURL(path.resolve(path.dirname(file.path), source)).href);
    const inline = Buffer.from(JSON.stringify(map)).toString('base64');
    fs.mkdirSync(path.dirname(file.path), { recursive: true });
    fs.writeFileSync(file.path, `${file.text}//# sourceMappingURL=data:application/json;base64,${inline}\n`);
  }
}

/**
 * The folder holding every TypeScript file of the project, the tests' own included, compiled one file to one file
 * (compiledInto: errors point at the TypeScript lines): what the test threads load
 * (__tests__/register-typescript.mjs). Cached like the bundles, keyed by every source file; compiled when missing (one
 * esbuild call, ~0.3 s), into `fallbackDir` when the cache cannot be written. Types are stripped, not checked.
 */
function compiledProject(fallbackDir) {
  const cacheDir = path.join(root, 'node_modules', '.cache', 'run-ts');
  const dir = path.join(cacheDir, `compiled-${sourceKey(root, path.join(root, '__tests__'))}`);
  if (fs.existsSync(dir)) return dir;
  let cacheable = true;
  try {
    fs.mkdirSync(cacheDir, { recursive: true });
    fs.accessSync(cacheDir, fs.constants.W_OK);
  } catch {
    cacheable = false;
  }
  const outdir = cacheable ? `${dir}.${process.pid}` : fallbackDir;
  compileInto(outdir);
  if (!cacheable) return fallbackDir;
  for (const old of fs.readdirSync(cacheDir))
    if (old.startsWith('compiled-') && path.join(cacheDir, old) !== outdir)
      fs.rmSync(path.join(cacheDir, old), { recursive: true, force: true });
  try {
    fs.renameSync(outdir, dir);
  } catch {
    // Another run compiled the same sources meanwhile: theirs is as good.
    fs.rmSync(outdir, { recursive: true, force: true });
  }
  return dir;
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
module.exports = { run, sourceKey, bundleCache, compiledProject, compiledPath };
