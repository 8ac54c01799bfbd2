import { Testing, type App, type TerraformStack } from 'cdktf';
import type { MatrixConfig } from '../config';
import type { DeploymentConfig } from '../config/matrix';
import { deepMerge, resolveMatrix, type ResolvedDeployment } from '../config/resolve';
import type { DeepPartial, PipelineSettingsInput } from '../config/schema';
import { CheckedStack } from '../stacks/checked-stack';
import { buildStacks } from '../stacks/matrix';
import type { TerraformJson } from '../terraform-json/stack-json';
import type { TelemetryStack } from '../stacks/telemetry-stack';
import { EXAMPLE_MATRIX } from './fixtures/example-matrix';

/** The example matrix (tests' own fixture) with changes merged in (objects merge, arrays replace). */
export function matrixWith(change: DeepPartial<MatrixConfig>): MatrixConfig {
  return deepMerge(EXAMPLE_MATRIX, change);
}

/**
 * The example matrix with its state in HCP Terraform (organization acme-telemetry on app.terraform.io), the EU
 * deployment's in an HCP Europe organization (acme-telemetry-eu on app.eu.terraform.io).
 */
export function hcpMatrix(backend: { project?: string } = {}): MatrixConfig {
  const matrix = matrixWith({});
  matrix.backend = {
    type: 'cloud',
    organization: 'acme-telemetry',
    workspacePrefix: 'ios-telemetry',
    hostname: 'app.terraform.io',
    ...backend,
    crossJurisdictionAccountReason: 'the example keeps its US and EU prod in one account',
  };
  matrix.deployments = matrix.deployments.map((d) =>
    d.jurisdiction === 'EU'
      ? { ...d, backend: { organization: 'acme-telemetry-eu', hostname: 'app.eu.terraform.io' } }
      : d,
  );
  return matrix;
}

/** A one-deployment example matrix: prod/eu-central-1 on the compliance profile, with overrides. */
export function singleDeployment(
  overrides: DeepPartial<PipelineSettingsInput> = {},
  deployment: Partial<DeploymentConfig> = {},
): MatrixConfig {
  return {
    ...EXAMPLE_MATRIX,
    deployments: [
      {
        environment: 'prod',
        region: 'eu-central-1',
        accountId: '222222222222',
        profile: 'compliance',
        jurisdiction: 'EU',
        overrides,
        ...deployment,
      },
    ],
  };
}

export interface SynthesizedStack {
  stack: TelemetryStack;
  deployment: ResolvedDeployment;
  /** Testing.synth output: the string cdktf's matchers read. */
  synthesized: string;
  /** The same, parsed. */
  tf: TerraformJson & { resource: Record<string, Record<string, Record<string, unknown>>> };
}

/**
 * Testing.synth of a stack the test changes no more, its resolution kept as `app.synth()` keeps it
 * (CheckedStack.keepNextResolution): the stacks synthesized after it that read it (a pipeline's state and trust stacks)
 * do not resolve it again. Stacks synthesized in the order main.ts writes them — pipelines first — are each
 * resolved once.
 */
export function synthKept(stack: TerraformStack): string {
  if (stack instanceof CheckedStack) stack.keepNextResolution();
  return Testing.synth(stack);
}

/** Builds one stack per deployment in a test app and synthesizes each. */
export function synthDeployments(deployments: ResolvedDeployment[], app: App = Testing.app()): SynthesizedStack[] {
  return buildStacks(app, deployments).map((stack, i) => {
    const synthesized = Testing.synth(stack);
    return { stack, deployment: deployments[i], synthesized, tf: JSON.parse(synthesized) };
  });
}

/** Builds every stack of a matrix (the example matrix unless given) in a test app and synthesizes each. */
export function synthMatrix(matrix: MatrixConfig = EXAMPLE_MATRIX, app: App = Testing.app()): SynthesizedStack[] {
  return synthDeployments(resolveMatrix(matrix), app);
}

/**
 * The name and body of a pipeline stack's data key: its one encryption key (the erasure receipts' HMAC key, key usage
 * GENERATE_VERIFY_MAC, is the other aws_kms_key of the stack).
 */
export function dataKey(tf: SynthesizedStack['tf']): [string, Record<string, unknown>] {
  const keys = Object.entries(tf.resource.aws_kms_key ?? {}).filter(([, k]) => k.key_usage !== 'GENERATE_VERIFY_MAC');
  if (keys.length !== 1) throw new Error(`expected one encryption key, found ${keys.length}`);
  return keys[0];
}

/** The single resource of a type in a stack (fails the test when there is not exactly one). */
export function only(tf: SynthesizedStack['tf'], type: string): Record<string, unknown> {
  const all = Object.values(tf.resource[type] ?? {});
  if (all.length !== 1) throw new Error(`expected one ${type}, found ${all.length}`);
  return all[0];
}
