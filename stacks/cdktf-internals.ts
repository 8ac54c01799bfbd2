/**
 * Every use of CDKTF internals that the `cdktf` package root does not export, in this one module, which no other file
 * bypasses. They were written against cdktf 0.21.0 (CDKTF's last release) and checked, unchanged, against CDK Terrain
 * (cdktn) 0.24.0, whose `lib/synthesize/synthesizer` and `lib/validations/validate-binary-version` keep the same
 * functions (addCustomSynthesis still sets `Symbol.for('cdktf/customSynthesis')`). stacks/engines.json lists the two;
 * on any other version installed as `cdktf` this module refuses to load (installedEngine), naming what to re-check,
 * instead of failing obscurely.
 */
/* eslint-disable @typescript-eslint/no-require-imports */
import type { IConstruct } from 'constructs';
import { installedEngine } from './engine';

installedEngine();

/** Files a construct writes beside its stack's Terraform at synth (cdktf has no public hook for that). */
export interface CustomSynthesis {
  onSynthesize(session: { outdir: string; manifest: { hclOutput: boolean } }): void;
}

/** cdktf's `addCustomSynthesis`, which the package root does not export. */
export const addCustomSynthesis: (construct: IConstruct, synthesis: CustomSynthesis) => void = (
  require('cdktf/lib/synthesize/synthesizer') as {
    addCustomSynthesis: (construct: IConstruct, synthesis: CustomSynthesis) => void;
  }
).addCustomSynthesis;

let versionCheckCached = false;

/**
 * cdktf's CloudBackend checks the Terraform version by running `terraform version` — once per stack, ~120 ms each,
 * most of a large Terraform Cloud matrix's synth time. The answer cannot change within one command, so ask once per
 * command and constraint. Called explicitly (not at import) by the code that builds the matrix; idempotent.
 */
export function checkTerraformVersionOncePerCommand(): void {
  if (versionCheckCached) return;
  versionCheckCached = true;
  const { ValidateBinaryVersion } = require('cdktf/lib/validations/validate-binary-version') as {
    ValidateBinaryVersion: { prototype: { validate(this: unknown): string[] } };
  };
  const answers = new Map<string, string[]>();
  const validate = ValidateBinaryVersion.prototype.validate;
  ValidateBinaryVersion.prototype.validate = function validateOnce(this: unknown): string[] {
    const { versionCommand, versionConstraint } = this as { versionCommand: string; versionConstraint: string };
    const key = `${versionCommand}\0${versionConstraint}`;
    if (!answers.has(key)) answers.set(key, validate.call(this));
    return answers.get(key)!;
  };
}
