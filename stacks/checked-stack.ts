import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Manifest, TerraformStack } from 'cdktf';
import type { Construct } from 'constructs';
import { FACTS_FILE } from '../terraform-json/facts';
import type { DeploymentFacts } from '../terraform-json/facts';
import { addCustomSynthesis } from './cdktf-internals';
import type { TerraformJson } from '../terraform-json/stack-json';
import type { CheckContext, Finding } from './rules/rule';
import { checkStack } from './rules/packs';

/** Where cdktf writes a stack's files: `<outdir>/stacks/<stack id>/`. */
export function stackDirectory(outdir: string, stackId: string): string {
  return join(outdir, Manifest.stacksFolder, stackId);
}

/**
 * A stack whose synthesized JSON must pass the policy checks. The checks run on `toTerraform()` after `app.synth()`
 * has invoked the aspects and prepared the stack — the JSON that was written — and before the output is published
 * (see `synthesizeChecked` in stacks/synth.ts): an error fails synth with nothing written, a warning is printed.
 */
export class CheckedStack extends TerraformStack {
  /**
   * The Terraform JSON of this stack's synthesis, kept once its aspects have run: cdktf's writer, the deploy
   * permissions beside it, the stacks synthesized after it (bootstrap, trust) and the policy checks all read this one
   * resolution instead of resolving the whole stack again each (cdktf's resolution was about a fifth of the test
   * suite's CPU in a profile of 2026-12-06, much of it such repeats).
   */
  private synthesized?: { [key: string]: unknown };

  /** What `oncePerResolution` kept during the resolution under way; none between resolutions. */
  private resolving?: Map<string, unknown>;

  constructor(
    scope: Construct,
    id: string,
    readonly checkContext: CheckContext,
    readonly facts: DeploymentFacts,
  ) {
    super(scope, id);
    // What the configuration knew of the stack, beside its Terraform: the tools model the stack from both.
    addCustomSynthesis(this, {
      // cdktf calls this after the stack's aspects and before it writes the stack's JSON (StackSynthesizer.synthesize
      // in cdktf/lib/synthesize/synthesizer.js, 0.21.0): from here the stack no longer changes.
      onSynthesize: (session) => {
        this.synthesized = undefined;
        this.synthesized = this.resolveNow();
        const dir = stackDirectory(session.outdir, id);
        mkdirSync(dir, { recursive: true });
        for (const [file, content] of Object.entries({ [FACTS_FILE]: facts, ...this.filesBeside() }))
          writeFileSync(join(dir, file), `${JSON.stringify(content, null, 2)}\n`);
      },
    });
  }

  /** Set by keepNextResolution(): the next resolution of this stack is kept. */
  private keepNext = false;

  /**
   * Keeps the JSON of the stack's next resolution as its synthesis keeps it: for tests that synthesize stacks one by
   * one (Testing.synth invokes the aspects, then resolves) and change them no more (__tests__/helpers.ts, synthKept).
   */
  keepNextResolution(): void {
    this.keepNext = true;
  }

  /** The stack's Terraform JSON: as synthesized, once it has been, else resolved now. */
  override toTerraform(): { [key: string]: unknown } {
    if (this.synthesized) return this.synthesized;
    const json = this.resolveNow();
    if (this.keepNext) [this.synthesized, this.keepNext] = [json, false];
    return json;
  }

  private resolveNow(): { [key: string]: unknown } {
    const outermost = this.resolving === undefined;
    if (outermost) this.resolving = new Map();
    try {
      return super.toTerraform();
    } finally {
      if (outermost) this.resolving = undefined;
    }
  }

  /**
   * `compute` kept per argument for one resolution of this stack: what the stack's tokens compute from other stacks
   * (the trust and state stacks: each pipeline's deploy permissions, a whole resolution of that pipeline each).
   * Nothing changes while cdktf resolves a stack (synchronously), but a stack may change between two resolutions
   * before it is synthesized (tests build, resolve, change and resolve again), so nothing is kept past one. Outside a
   * resolution (a token resolved on its own), computed each time.
   */
  protected oncePerResolution<T>(name: string, compute: (arg: string) => T): (arg: string) => T {
    return (arg) => {
      if (!this.resolving) return compute(arg);
      const key = `${name}\u0000${arg}`;
      if (!this.resolving.has(key)) this.resolving.set(key, compute(arg));
      return this.resolving.get(key) as T;
    };
  }

  /** JSON files a stack writes beside its Terraform at synth, by file name (besides the facts). */
  protected filesBeside(): Record<string, unknown> {
    return {};
  }

  /** Every finding of the policy checks on the stack's Terraform JSON as it is now. */
  policyFindings(): Finding[] {
    return checkStack(this.toTerraform() as TerraformJson, this.checkContext);
  }
}
