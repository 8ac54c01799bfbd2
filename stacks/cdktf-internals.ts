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

/**
 * For the test thread only (__tests__/register-typescript.mjs calls it before any test runs): tokens carry no
 * creation stack. cdktf records a full stack trace for every token it creates (`creationStack` of each attribute
 * reference and Lazy, cdktf/lib/tokens/private/stack-trace.js), shown only when a token fails to resolve. Capturing it
 * at an unlimited depth inside the test runner's deep stacks, and formatting it through the source maps, was ~2 s of
 * CPU per run (profiles of 2026-12-06 and -07); cdktf's own Testing.app() already leaves out the construct stack
 * traces (`stackTraces: false`). Every Error keeps its mapped stack. CDK Terrain has a switch for this ("the
 * (expensive) Error.captureStackTrace call": CDKTN_DISABLE_CREATION_STACK, cdktn 0.24
 * lib/tokens/private/stack-trace.js); CDKTF 0.21 has none, and its modules call the function through its module's
 * exports, so the export is replaced. The commands keep the creation stacks (a failed resolution names its
 * token's origin).
 */
export function disableTokenCreationStacks(): void {
  process.env.CDKTN_DISABLE_CREATION_STACK = '1';
  (require('cdktf/lib/tokens/private/stack-trace.js') as { captureStackTrace: () => string[] }).captureStackTrace =
    () => [];
}
