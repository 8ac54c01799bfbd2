/** Example tests of the bootstrap stacks against the tests' example matrix; invariants: bootstrap-stack.invariants.test.ts. */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Testing } from 'cdktf';
import { resolveMatrix } from '../../config/resolve';
import { bootstrapTargets } from '../../config/targets';
import { buildBootstrapStacks } from '../../stacks/matrix';
import { EXAMPLE_MATRIX } from '../fixtures/example-matrix';

const deployments = resolveMatrix(EXAMPLE_MATRIX);
const stacks = buildBootstrapStacks(Testing.app(), deployments);

describe('state bootstrap stacks (example matrix)', () => {
  it('one per account × region whose telemetry stacks use the S3 backend', () => {
    expect(stacks.map((s) => s.node.id)).toEqual([
      'telemetry-bootstrap-111111111111-us-east-1',
      'telemetry-bootstrap-222222222222-us-east-1',
      'telemetry-bootstrap-222222222222-eu-central-1',
    ]);
  });

  it('creates exactly the bucket each telemetry stack’s backend names', () => {
    for (const d of deployments) {
      const target = bootstrapTargets(deployments).find((t) => t.stacks.includes(d.names.stack));
      expect(target?.bucket).toBe(`telemetry-tfstate-${d.accountId}-${d.region}`);
    }
  });

  it('no bootstrap stacks when state lives in Terraform Cloud', () => {
    const cloud = resolveMatrix({ ...EXAMPLE_MATRIX, backend: { type: 'cloud', organization: 'acme', workspacePrefix: 'telemetry', hostname: 'app.terraform.io' } });
    expect(bootstrapTargets(cloud)).toEqual([]);
  });
});

describe('stack directories (every checked stack: bootstrap and telemetry)', () => {
  const stack = stacks[0].node.id;
  const synthInto = (outdir: string, hclOutput: boolean) => {
    const app = new App({ outdir, hclOutput, skipValidation: true });
    buildBootstrapStacks(app, deployments);
    app.synth();
    return readdirSync(join(outdir, 'stacks', stack)).filter((f) => f.startsWith('cdk.tf')).sort();
  };

  it('hold one form only: a JSON synth removes the cdk.tf an earlier `synth --hcl` left, and the other way round', () => {
    const outdir = mkdtempSync(join(tmpdir(), 'stack-forms-'));
    mkdirSync(join(outdir, 'stacks', stack), { recursive: true });
    writeFileSync(join(outdir, 'stacks', stack, 'cdk.tf'), '# stale HCL');
    expect(synthInto(outdir, false)).toEqual(['cdk.tf.json']);
    expect(synthInto(outdir, true)).toEqual(['cdk.tf']);
    expect(existsSync(join(outdir, 'stacks', stack, 'cdk.tf.json'))).toBe(false);
  });
});
