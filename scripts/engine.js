#!/usr/bin/env node
/**
 * `npm run engine -- <cdktf|terrain>`: the one step that switches the CDK engine the same code runs on. The sources
 * import `cdktf`, `@cdktf/provider-aws` and use `cdktf-cli` whichever engine is in force; this command rewrites those
 * dependencies in package.json to the engine's packages as npm aliases (stacks/engines.json: CDK Terrain's are
 * `cdktf` → `npm:cdktn@…`, `@cdktf/provider-aws` → `npm:@cdktn/provider-aws@…`, `cdktf-cli` → `npm:cdktn-cli@…`) and
 * reinstalls. Switching back writes package.json byte for byte as it was, and — when the engine left was installed
 * by this command on this checkout — its exact package-lock.json too (kept in node_modules/.cache/engine/), which
 * `npm install` then installs as it is; otherwise npm resolves the lock anew. Plain JavaScript, not run through
 * scripts/run-ts.js (esbuild is a dependency): it must run while the dependencies it replaces are missing or
 * half-installed.
 */
'use strict';
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const ENGINES = JSON.parse(fs.readFileSync(path.join(root, 'stacks', 'engines.json'), 'utf8'));
const NAMES = Object.keys(ENGINES);
const SECTIONS = ['dependencies', 'devDependencies', 'overrides'];
const USAGE = `usage: npm run engine -- [${NAMES.join('|')}]
  Switches the CDK engine: rewrites package.json's engine dependencies (stacks/engines.json) and reinstalls.
  Without an argument, prints the engine package.json names and the one installed.
  --help  this text`;

const packageJsonPath = path.join(root, 'package.json');
const lockPath = path.join(root, 'package-lock.json');
const stashDir = path.join(root, 'node_modules', '.cache', 'engine');

/** Every key any engine sets in a package.json section: the keys this command owns. */
function ownedKeys(section) {
  return new Set(NAMES.flatMap((name) => Object.keys(ENGINES[name][section])));
}

/** The engine whose dependencies package.json holds exactly, or undefined. */
function declaredEngine(pkg) {
  return NAMES.find((name) =>
    SECTIONS.every((section) => {
      const want = ENGINES[name][section];
      const owned = [...ownedKeys(section)].filter((key) => pkg[section]?.[key] !== undefined);
      return (
        owned.length === Object.keys(want).length &&
        owned.every((key) => JSON.stringify(pkg[section][key]) === JSON.stringify(want[key]))
      );
    }),
  );
}

/** The engine installed in node_modules (the package under the name `cdktf`), or a description of what is there. */
function installedEngine() {
  try {
    const { name, version } = JSON.parse(
      fs.readFileSync(path.join(root, 'node_modules', 'cdktf', 'package.json'), 'utf8'),
    );
    return (
      NAMES.find((n) => ENGINES[n].package === name && ENGINES[n].version === version) ??
      `${name}@${version} (no engine of stacks/engines.json)`
    );
  } catch {
    return 'none (node_modules/cdktf is missing)';
  }
}

/** package.json's text with the engine's dependencies in place of any other engine's, sorted like npm writes them. */
function withEngine(pkg, name) {
  const next = { ...pkg };
  for (const section of SECTIONS) {
    const kept = Object.entries(pkg[section] ?? {}).filter(([key]) => !ownedKeys(section).has(key));
    const merged = Object.fromEntries(
      [...kept, ...Object.entries(ENGINES[name][section])].sort(([a], [b]) => a.localeCompare(b, 'en')),
    );
    if (Object.keys(merged).length > 0) next[section] = merged;
    else delete next[section];
  }
  return `${JSON.stringify(next, null, 2)}\n`;
}

/** a.b.c ≥ x.y.z */
function atLeast(version, minimum) {
  const a = version.replace(/^v/, '').split('.').map(Number);
  const b = minimum.split('.').map(Number);
  for (let i = 0; i < 3; i += 1) if (a[i] !== b[i]) return a[i] > b[i];
  return true;
}

function npm(args) {
  console.log(`> npm ${args.join(' ')}`);
  const result = spawnSync(process.platform === 'win32' ? 'npm.cmd' : 'npm', args, { cwd: root, stdio: 'inherit' });
  return result.status === 0;
}

function main(argv) {
  let parsed;
  try {
    parsed = require('node:util').parseArgs({
      args: argv,
      allowPositionals: true,
      options: { help: { type: 'boolean', short: 'h' } },
    });
  } catch (error) {
    console.error(`${error.message}\n${USAGE}`);
    return 2;
  }
  if (parsed.values.help) {
    console.log(USAGE);
    return 0;
  }
  const [target, ...extra] = parsed.positionals;
  if (extra.length > 0 || (target !== undefined && !NAMES.includes(target))) {
    console.error(
      `${extra.length > 0 ? `one engine, not ${parsed.positionals.length}` : `no engine "${target}"`}\n${USAGE}`,
    );
    return 2;
  }
  const packageText = fs.readFileSync(packageJsonPath, 'utf8');
  const pkg = JSON.parse(packageText);
  const declared = declaredEngine(pkg);
  const installed = installedEngine();
  if (target === undefined) {
    console.log(
      `package.json: ` +
        (declared
          ? `${declared} (${ENGINES[declared].title} ${ENGINES[declared].version})`
          : 'no engine of stacks/engines.json'),
    );
    console.log(`installed:    ${installed}`);
    return declared && declared === installed ? 0 : 1;
  }
  if (declared === undefined) {
    console.error(
      `package.json's engine dependencies match no engine of stacks/engines.json (${[
        ...ownedKeys('dependencies'),
        ...ownedKeys('devDependencies'),
      ]
        .map((key) => `${key}: ${pkg.dependencies?.[key] ?? pkg.devDependencies?.[key] ?? '(none)'}`)
        .join(', ')}): set them by hand or restore package.json, then run this again`,
    );
    return 1;
  }
  const engine = ENGINES[target];
  if (!atLeast(process.version, engine.node)) {
    console.warn(
      `warning: ${engine.title}'s CLI (${engine.cli}) needs Node >= ${engine.node}; this ` +
        `is ${process.version}. The library, npm run synth and the tests run on it; npx ${engine.cli} does not.`,
    );
  }
  if (declared === target && installed === target) {
    console.log(`${engine.title} ${engine.version} is already in package.json and installed.`);
    return 0;
  }
  const lockText = fs.existsSync(lockPath) ? fs.readFileSync(lockPath, 'utf8') : undefined;
  const nextPackageText = declared === target ? packageText : withEngine(pkg, target);
  const stashPath = (name) => path.join(stashDir, `${name}.json`);
  const stash = fs.existsSync(stashPath(target)) ? JSON.parse(fs.readFileSync(stashPath(target), 'utf8')) : undefined;
  const exactLock = stash && stash.packageJson === nextPackageText && typeof stash.lock === 'string';

  fs.writeFileSync(packageJsonPath, nextPackageText);
  if (exactLock) fs.writeFileSync(lockPath, stash.lock);
  // npm install, not npm ci: with the restored lock it installs exactly that tree, changing only what differs
  // (a minute here, against npm ci's two and a half, which reinstalls everything).
  const ok = npm(['install', '--no-audit', '--no-fund']);
  if (!ok) {
    fs.writeFileSync(packageJsonPath, packageText);
    if (lockText !== undefined) fs.writeFileSync(lockPath, lockText);
    console.error(
      `npm failed: package.json and package-lock.json are restored (${declared}); run \`npm ci\` to reinstall them`,
    );
    return 1;
  }
  // The engine left, kept so that switching back restores its lock exactly.
  if (declared !== target && lockText !== undefined) {
    fs.mkdirSync(stashDir, { recursive: true });
    fs.writeFileSync(stashPath(declared), JSON.stringify({ packageJson: packageText, lock: lockText }));
  }
  if (exactLock && fs.readFileSync(lockPath, 'utf8') !== stash.lock)
    console.warn('warning: npm changed the restored package-lock.json; `git diff package-lock.json` shows how');
  const now = installedEngine();
  if (now !== target) {
    console.error(`npm succeeded, but node_modules/cdktf is ${now}, not ${target}`);
    return 1;
  }
  console.log(
    `Engine: ${engine.title} ${engine.version} (AWS provider ${engine.awsProvider.version}), ` +
      `${exactLock ? 'its earlier package-lock.json restored' : 'package-lock.json resolved by npm'}. ` +
      `CLI: npx ${engine.cli}. Back: npm run engine ` +
      `-- ${declared === target ? NAMES.find((n) => n !== target) : declared}`,
  );
  return 0;
}

if (require.main === module) process.exitCode = main(process.argv.slice(2));
module.exports = { withEngine, declaredEngine, ENGINES };
