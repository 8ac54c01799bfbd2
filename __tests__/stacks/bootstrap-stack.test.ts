import { S3BucketVersioningA } from '@cdktf/provider-aws/lib/s3-bucket-versioning';
import { Testing } from 'cdktf';
import { DEFAULT_MATRIX } from '../../config';
import { resolveMatrix } from '../../config/resolve';
import { bootstrapTargets } from '../../config/targets';
import { buildBootstrapStacks, validateStacks } from '../../stacks/matrix';

const deployments = resolveMatrix(DEFAULT_MATRIX);
const stacks = buildBootstrapStacks(Testing.app(), deployments);

describe('state bootstrap stacks', () => {
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

  it('passes the same policy checks as the telemetry stacks', () => {
    expect(() => validateStacks(stacks)).not.toThrow();
  });

  it.each(stacks.map((s) => [s.node.id, s] as const))('%s: versioned, encrypted, private, old versions expire, local state; snapshot', (_id, stack) => {
    const synthesized = Testing.synth(stack);
    const tf = JSON.parse(synthesized);
    expect(synthesized).toHaveResourceWithProperties(S3BucketVersioningA, { versioning_configuration: { status: 'Enabled' } });
    expect(Object.values(tf.resource.aws_s3_bucket_lifecycle_configuration as Record<string, { rule: unknown[] }>)[0].rule).toEqual([
      expect.objectContaining({ noncurrent_version_expiration: [{ noncurrent_days: DEFAULT_MATRIX.backend.type === 's3' ? DEFAULT_MATRIX.backend.noncurrentVersionExpirationDays : -1 }] }),
    ]);
    expect(tf.terraform.backend.local.path).toBe(`../../../bootstrap-state/${stack.node.id}.tfstate`);
    expect(tf.provider.aws[0].region).toBe(stack.target.region);
    expect(synthesized).toMatchSnapshot();
  });

  it('no bootstrap stacks when state lives in Terraform Cloud', () => {
    const cloud = resolveMatrix({ ...DEFAULT_MATRIX, backend: { type: 'cloud', organization: 'acme', workspacePrefix: 'telemetry', hostname: 'app.terraform.io' } });
    expect(bootstrapTargets(cloud)).toEqual([]);
  });
});
