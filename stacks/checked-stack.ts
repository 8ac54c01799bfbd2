import { Annotations, TerraformStack } from 'cdktf';
import type { Construct } from 'constructs';
import { checkStack, type CheckContext, type TerraformJson } from './policy-checks';

/**
 * A stack whose synthesized JSON must pass the policy checks: an error fails synth before anything is
 * written (see `validateStacks`), a warning is shown by cdktf.
 */
export class CheckedStack extends TerraformStack {
  private synthesized?: { [key: string]: unknown };

  constructor(scope: Construct, id: string, readonly checkContext: CheckContext) {
    super(scope, id);
    this.node.addValidation({ validate: () => this.policyErrors() });
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
