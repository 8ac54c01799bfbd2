import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { Annotations, Manifest, TerraformStack } from 'cdktf';
import { addCustomSynthesis } from 'cdktf/lib/synthesize/synthesizer';
import type { Construct } from 'constructs';
import { checkStack, type CheckContext, type TerraformJson } from './policy-checks';

/** Where cdktf writes a stack's files: `<outdir>/stacks/<stack id>/`. */
export function stackDirectory(outdir: string, stackId: string): string {
  return join(outdir, Manifest.stacksFolder, stackId);
}

/**
 * A stack whose synthesized JSON must pass the policy checks: an error fails synth before anything is
 * written (see `validateStacks`), a warning is shown by cdktf.
 */
export class CheckedStack extends TerraformStack {
  private synthesized?: { [key: string]: unknown };

  constructor(scope: Construct, id: string, readonly checkContext: CheckContext) {
    super(scope, id);
    this.node.addValidation({ validate: () => this.policyErrors() });
    // A stack directory must hold one form: cdk.tf.json, or cdk.tf after `cdktf synth --hcl`. cdktf leaves the
    // other form of an earlier synth behind, and Terraform would read both (every resource twice).
    addCustomSynthesis(this, {
      onSynthesize: (session) => {
        const stale = session.manifest.hclOutput ? 'cdk.tf.json' : 'cdk.tf';
        rmSync(join(stackDirectory(session.outdir, id), stale), { force: true });
      },
    });
  }

  /** The stack's Terraform JSON, built once: the policy checks and the synthesizer read the same object. */
  override toTerraform(): { [key: string]: unknown } {
    const synthesized = this.synthesized ?? super.toTerraform();
    this.synthesized = synthesized;
    return synthesized;
  }

  private policyErrors(): string[] {
    const findings = checkStack(this.toTerraform() as TerraformJson, this.checkContext);
    for (const f of findings.filter((x) => x.severity === 'warning')) {
      Annotations.of(this).addWarning(`[${f.check}] ${f.resource}: ${f.message}`);
    }
    return findings.filter((f) => f.severity === 'error').map((f) => `[${f.check}] ${f.resource}: ${f.message}`);
  }
}
