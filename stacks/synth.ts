/**
 * The one way the matrix is synthesized: into a staging folder beside the output, then construct validations and
 * policy checks on the JSON that was written (after aspects and `prepareStack`), then published into the output
 * folder — or, on any error, nothing published at all.
 */
import { mkdirSync, mkdtempSync, renameSync, rmSync } from 'node:fs';
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
}

/** Replaces the published stacks and manifest with the staged ones: one form per stack, no stale stack left over. */
function publish(staging: string, outdir: string): void {
  mkdirSync(outdir, { recursive: true });
  rmSync(join(outdir, Manifest.stacksFolder), { recursive: true, force: true });
  rmSync(join(outdir, Manifest.fileName), { force: true });
  renameSync(join(staging, Manifest.stacksFolder), join(outdir, Manifest.stacksFolder));
  renameSync(join(staging, Manifest.fileName), join(outdir, Manifest.fileName));
}

/** Synthesizes every stack of the deployments; throws PolicyError (nothing published) or returns the warnings. */
export function synthesizeChecked(deployments: ResolvedDeployment[], options: SynthOptions): { stacks: TerraformStack[]; warnings: string[] } {
  checkTerraformVersionOncePerCommand();
  const outdir = resolve(options.outdir);
  mkdirSync(dirname(outdir), { recursive: true });
  // Beside the output, so publishing is a rename on the same filesystem.
  const staging = mkdtempSync(`${outdir}.staging-`);
  try {
    const app = new App({ outdir: staging, skipValidation: true, ...(options.hclOutput === undefined ? {} : { hclOutput: options.hclOutput }) });
    const { all } = buildMatrix(app, deployments);
    // cdktf invokes aspects from each stack down (not from the app), so they are added per stack.
    for (const aspect of options.aspects ?? []) for (const stack of all) Aspects.of(stack).add(aspect);
    app.synth();
    const { warnings } = validateStacks(all);
    publish(staging, outdir);
    return { stacks: all, warnings };
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}
