import { join } from 'node:path';
import { Manifest, TerraformStack } from 'cdktf';
import type { Construct } from 'constructs';
import type { CheckContext, Finding, TerraformJson } from './policy-checks';
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
  constructor(scope: Construct, id: string, readonly checkContext: CheckContext) {
    super(scope, id);
  }

  /** Every finding of the policy checks on the stack's Terraform JSON as it is now. */
  policyFindings(): Finding[] {
    return checkStack(this.toTerraform() as TerraformJson, this.checkContext);
  }
}
