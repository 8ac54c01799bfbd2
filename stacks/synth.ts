/**
 * The one way the matrix is synthesized: into a staging folder beside the output, then construct validations and
 * policy checks on the JSON that was written (after aspects and `prepareStack`), then published into the output
 * folder — or, on any error, nothing published at all.
 */
import { mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { App, Aspects, Manifest, type IAspect, type TerraformStack } from 'cdktf';
import type { ResolvedDeployment } from '../config';
import { checkTerraformVersionOncePerCommand } from './cdktf-internals';
import { buildMatrix, validateStacks } from './matrix';

export interface SynthOptions {
  /** Where `manifest.json` and `stacks/` are published. */
  outdir: string;
  /** HCL instead of JSON. Default: cdktf's own choice (`cdktf synth --hcl` sets it through the environment). */
  hclOutput?: boolean;
  /** Aspects to apply to every stack (tests use this to show the checks see their effect). Default: none. */
  aspects?: IAspect[];
  /**
   * Actions left out of every cloud-run stack's apply role in its trust stack: the e2e's deploy-role run plants one
   * (scripts/e2e/deploy-role.ts) and shows the apply then fails on the resource that needs it. Default: none.
   */
  omitFromApplyRoles?: string[];
  /** Told each step's time (ms) as it ends: `npm run bench` times the synth the app runs (scripts/bench/phases.ts). */
  onPhase?: (phase: SynthPhase, ms: number) => void;
}

/** The steps of a synth, in order. */
export type SynthPhase =
  'construct tree' | 'JSON writing (app.synth)' | 'policy checks (incl. toTerraform)' | 'publishing';

/**
 * Puts the staged stacks and manifest in place of the published ones, stack by stack. A published stack the new
 * manifest no longer names (renamed, removed) is left where it is for the caller: cdktf-cli lists the stack folders
 * before it runs the app and removes those missing from the new manifest itself, with an `rmSync` that fails when a
 * folder is already gone (`SynthStack.synth` in @cdktf/cli-core/src/lib/synth-stack.js, 0.21.0): removing them here
 * broke the first `cdktf synth` after every change of an account id. `npm run synth` clears the output before the
 * app runs (scripts/synth.ts), so it leaves no such folder either.
 */
function publish(staging: string, outdir: string): void {
  const stacksDir = join(outdir, Manifest.stacksFolder);
  mkdirSync(stacksDir, { recursive: true });
  for (const stack of readdirSync(join(staging, Manifest.stacksFolder))) {
    rmSync(join(stacksDir, stack), { recursive: true, force: true });
    renameSync(join(staging, Manifest.stacksFolder, stack), join(stacksDir, stack));
  }
  renameSync(join(staging, Manifest.fileName), join(outdir, Manifest.fileName));
}

/** Synthesizes every stack of the deployments; throws PolicyError (nothing published) or returns the warnings. */
export function synthesizeChecked(
  deployments: ResolvedDeployment[],
  options: SynthOptions,
): { stacks: TerraformStack[]; warnings: string[] } {
  let mark = performance.now();
  const ended = (phase: SynthPhase) => {
    if (!options.onPhase) return;
    const now = performance.now();
    options.onPhase(phase, now - mark);
    mark = now;
  };
  checkTerraformVersionOncePerCommand();
  const outdir = resolve(options.outdir);
  mkdirSync(dirname(outdir), { recursive: true });
  // Beside the output, so publishing is a rename on the same filesystem.
  const staging = mkdtempSync(`${outdir}.staging-`);
  try {
    const app = new App({
      outdir: staging,
      skipValidation: true,
      ...(options.hclOutput === undefined ? {} : { hclOutput: options.hclOutput }),
    });
    const { all } = buildMatrix(app, deployments, { omitFromApplyRoles: options.omitFromApplyRoles });
    // cdktf invokes aspects from each stack down (not from the app), so they are added per stack.
    for (const aspect of options.aspects ?? []) for (const stack of all) Aspects.of(stack).add(aspect);
    ended('construct tree');
    app.synth();
    ended('JSON writing (app.synth)');
    const { warnings } = validateStacks(all);
    ended('policy checks (incl. toTerraform)');
    publish(staging, outdir);
    ended('publishing');
    return { stacks: all, warnings };
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}
