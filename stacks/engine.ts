/**
 * The CDK engine the code runs on: CDK for Terraform (`cdktf`, the default, which the project is pinned and validated
 * on) or CDK Terrain (`cdktn`, its maintained fork). The sources import `cdktf` and `@cdktf/provider-aws` either way;
 * `npm run engine -- <name>` (scripts/engine.js) points those names at the engine's packages (npm aliases) and
 * reinstalls. stacks/engines.json defines each engine once: its packages, CLI, the Node it needs, the AWS provider
 * its bindings pin.
 */
import engines from './engines.json';

export type EngineName = keyof typeof engines;
export type Engine = (typeof engines)[EngineName];

export const ENGINES: Record<EngineName, Engine> = engines;

/** The engine the snapshots, the Terraform validation and the e2e are recorded and run on. */
export const DEFAULT_ENGINE: EngineName = 'cdktf';

/**
 * The engine a package installed under the name `cdktf` is; throws, naming it, when it is neither engine's version:
 * the internals of stacks/cdktf-internals.ts were checked against those two only.
 */
export function engineOf({ name, version }: { name: string; version: string }): EngineName {
  const found = (Object.keys(ENGINES) as EngineName[]).find(
    (e) => ENGINES[e].package === name && ENGINES[e].version === version,
  );
  if (found) return found;
  const known = Object.values(ENGINES)
    .map((e) => `${e.package} ${e.version}`)
    .join(' or ');
  throw new Error(
    `the package installed as \`cdktf\` is ${name} ${version}; the project ` +
      `is written for ${known}. Run \`npm run engine -- <name>\` ` +
      'to install one of those, or, upgrading an engine, re-check ' +
      'addCustomSynthesis (lib/synthesize/synthesizer) and ' +
      'ValidateBinaryVersion.validate (lib/validations/validate-binary-version), ' +
      'which stacks/cdktf-internals.ts uses, then update stacks/engines.json',
  );
}

let installed: EngineName | undefined;

/** The engine installed under the name `cdktf` (node_modules/cdktf's package and version); throws as engineOf does. */
export function installedEngine(): EngineName {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  installed ??= engineOf(require('cdktf/package.json') as { name: string; version: string });
  return installed;
}

/** The engine's command-line tool as `npx` runs it (`cdktf`, `cdktn`). */
export function engineCli(): string {
  return ENGINES[installedEngine()].cli;
}
