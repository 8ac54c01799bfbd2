/**
 * Example tests of the bootstrap stacks against the tests' example matrix; invariants:
 * bootstrap-stack.invariants.test.ts.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Testing } from 'cdktf';
import { resolveMatrix } from '../../config/resolve';
import { bootstrapTargets } from '../../config/targets';
import { buildBootstrapStacks, buildMatrix } from '../../stacks/matrix';
import { synthesizeChecked } from '../../stacks/synth';
import { EXAMPLE_MATRIX } from '../fixtures/example-matrix';
import { synthKept } from '../helpers';

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

  it('removes the delete markers lock files leave behind, once their old versions have expired', () => {
    const tf = JSON.parse(Testing.synth(stacks[0]));
    const [lifecycle] = Object.values(
      tf.resource.aws_s3_bucket_lifecycle_configuration as Record<string, { rule: unknown[] }>,
    );
    expect(lifecycle.rule).toEqual([
      expect.objectContaining({
        noncurrent_version_expiration: [{ noncurrent_days: 90 }],
        expiration: [{ expired_object_delete_marker: true }],
      }),
    ]);
  });

  it('state bucket and key carry prevent_destroy unless every stack whose state they hold allows destroy', () => {
    const devAllows = resolveMatrix({
      ...EXAMPLE_MATRIX,
      deployments: [
        {
          environment: 'dev',
          region: 'eu-central-1',
          accountId: '111111111111',
          jurisdiction: 'EU',
          overrides: { protection: { allowDestroy: true } },
        },
        {
          environment: 'test',
          region: 'eu-central-1',
          accountId: '111111111111',
          jurisdiction: 'EU',
          overrides: { protection: { allowDestroy: true } },
        },
        {
          environment: 'prod',
          region: 'eu-central-1',
          accountId: '222222222222',
          jurisdiction: 'EU',
          overrides: { protection: { allowDestroy: true } },
        },
        { environment: 'prod', region: 'us-east-1', accountId: '222222222222' },
        {
          environment: 'stage',
          region: 'us-east-1',
          accountId: '222222222222',
          overrides: { protection: { allowDestroy: true } },
        },
      ],
    });
    expect(bootstrapTargets(devAllows).map((t) => [t.accountId, t.region, t.allowDestroy])).toEqual([
      ['111111111111', 'eu-central-1', true],
      ['222222222222', 'eu-central-1', true],
      ['222222222222', 'us-east-1', false],
    ]);
    const tf = JSON.parse(Testing.synth(buildBootstrapStacks(Testing.app(), devAllows)[0]));
    const [bucket] = Object.values(tf.resource.aws_s3_bucket as Record<string, Record<string, unknown>>);
    expect(bucket).toMatchObject({ force_destroy: true, depends_on: [expect.stringMatching(/^aws_kms_key\./)] });
    expect(bucket.lifecycle).toBeUndefined();
  });

  it(
    'with deployRolePrincipals, a deploy role per stack it holds state for: trusted ' +
      'by exactly those principals, with the stack’s generated apply policy',
    () => {
      const ci = 'arn:aws:iam::999999999999:role/ci-deployer';
      const matrix = {
        ...EXAMPLE_MATRIX,
        backend: { ...EXAMPLE_MATRIX.backend, deployRolePrincipals: [ci] },
      } as typeof EXAMPLE_MATRIX;
      const withRoles = resolveMatrix(matrix);
      const app = Testing.app();
      const { all, telemetry } = buildMatrix(app, withRoles);
      // Pipelines first, kept as main.ts's synth keeps them: each state stack reads them instead of resolving
      // them again.
      for (const pipeline of telemetry) synthKept(pipeline);
      for (const d of withRoles) {
        const bootstrap = all.find((s) => s.node.id === `telemetry-bootstrap-${d.accountId}-${d.region}`)!;
        const tf = JSON.parse(Testing.synth(bootstrap));
        const [address, role] = Object.entries(
          tf.resource.aws_iam_role as Record<string, { name: string; assume_role_policy: string }>,
        ).find(([, r]) => r.name === `${d.names.stack}-deploy-apply`)!;
        expect(JSON.parse(role.assume_role_policy).Statement).toEqual([
          { Effect: 'Allow', Principal: { AWS: [ci] }, Action: 'sts:AssumeRole' },
        ]);
        const policy = Object.values(
          tf.resource.aws_iam_role_policy as Record<string, { role: string; policy: string }>,
        ).find((p) => p.role === `\${aws_iam_role.${address}.name}`)!;
        const generated = telemetry.find((t) => t.node.id === d.names.stack)!.deployPermissions().apply;
        expect(JSON.parse(policy.policy).Statement).toEqual(generated);
        // The stack's state: its object and lock file only.
        expect(generated.find((s) => s.Sid === 'HoldTheStateLock')?.Resource).toBe(
          `arn:aws:s3:::telemetry-tfstate-${d.accountId}-${d.region}/` +
            `telemetry/${d.environment}/${d.region}/terraform.tfstate.tflock`,
        );
      }
      expect(bootstrapTargets(resolveMatrix(EXAMPLE_MATRIX)).flatMap((t) => t.deployRoles)).toEqual([]);
    },
  );

  it('no bootstrap stacks when state lives in Terraform Cloud', () => {
    const cloud = resolveMatrix({
      ...EXAMPLE_MATRIX,
      backend: { type: 'cloud', organization: 'acme', workspacePrefix: 'telemetry', hostname: 'tfe.example.com' },
    });
    expect(bootstrapTargets(cloud)).toEqual([]);
  });
});

describe('stack directories (every checked stack: bootstrap and telemetry)', () => {
  const stack = stacks[0].node.id;
  // The deployment of that state stack alone: its matrix has a pipeline, state and trust stack, each written.
  const owner = deployments.filter((d) => `telemetry-bootstrap-${d.accountId}-${d.region}` === stack);
  const synthInto = (outdir: string, hclOutput: boolean) => {
    synthesizeChecked(owner, { outdir, hclOutput });
    return readdirSync(join(outdir, 'stacks', stack))
      .filter((f) => f.startsWith('cdk.tf'))
      .sort();
  };

  it(
    'hold one form only: a JSON synth removes the cdk.tf an earlier `synth --hcl` left, and the ' +
      'other way round; a stack no longer in the matrix is left out of the manifest, its folder left ' +
      'for cdktf-cli to remove (it fails when the folder is already gone: stacks/synth.ts)',
    () => {
      const outdir = mkdtempSync(join(tmpdir(), 'stack-forms-'));
      mkdirSync(join(outdir, 'stacks', stack), { recursive: true });
      writeFileSync(join(outdir, 'stacks', stack, 'cdk.tf'), '# stale HCL');
      mkdirSync(join(outdir, 'stacks', 'telemetry-removed-us-east-1'), { recursive: true });
      expect(synthInto(outdir, false)).toEqual(['cdk.tf.json']);
      expect(existsSync(join(outdir, 'stacks', 'telemetry-removed-us-east-1'))).toBe(true);
      expect(Object.keys(JSON.parse(readFileSync(join(outdir, 'manifest.json'), 'utf8')).stacks)).not.toContain(
        'telemetry-removed-us-east-1',
      );
      expect(synthInto(outdir, true)).toEqual(['cdk.tf']);
      expect(existsSync(join(outdir, 'stacks', stack, 'cdk.tf.json'))).toBe(false);
    },
  );
});
