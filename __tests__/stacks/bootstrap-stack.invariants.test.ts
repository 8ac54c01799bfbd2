/**
 * Invariant tests: every state bootstrap stack of the configured matrix, whatever it holds (read from `npm run
 * synth`'s output).
 */
import { S3BucketVersioningA } from '@cdktf/provider-aws/lib/s3-bucket-versioning';
import { backendLocation, bootstrapStackName } from '../../config/names';
import { bootstrapTargets } from '../../config/targets';
import { BOOTSTRAP_STATE_DIR } from '../../stacks/bootstrap-stack';
import { CONFIGURED, configuredSynth, describeEach } from '../fixtures/configured';

const targets = bootstrapTargets(CONFIGURED);
const { stacks: written } = configuredSynth();

describe('state bootstrap stacks of the configured matrix', () => {
  it('one per account × region keeping state in S3, creating the bucket each of its stacks’ backends names', () => {
    const s3 = CONFIGURED.filter((d) => d.backend.type === 's3');
    expect(new Set(targets.map((t) => `${t.accountId}/${t.region}`))).toEqual(
      new Set(s3.map((d) => `${d.accountId}/${d.region}`)),
    );
    for (const d of s3) {
      const target = targets.find((t) => t.stacks.includes(d.names.stack));
      expect(target).toMatchObject({ accountId: d.accountId, region: d.region });
      if (d.backend.type === 's3')
        expect(target?.bucket).toBe(backendLocation(d.backend, d.environment, d.region, d.accountId).bucket);
    }
  });
});

describeEach(
  'bootstrap stacks',
  targets,
  (t) => bootstrapStackName(t.project, t.accountId, t.region),
  (target) => {
    const id = bootstrapStackName(target.project, target.accountId, target.region);
    const synthesized = written.get(id) ?? '{}';
    const tf = JSON.parse(synthesized);

    it('versioned, in its own region, old state versions expiring, its own state local', () => {
      expect(synthesized).toHaveResourceWithProperties(S3BucketVersioningA, {
        versioning_configuration: { status: 'Enabled' },
      });
      const stateBucket = Object.entries(tf.resource.aws_s3_bucket as Record<string, { bucket: string }>).find(
        ([, b]) => b.bucket === target.bucket,
      )![0];
      const lifecycle = Object.values(
        tf.resource.aws_s3_bucket_lifecycle_configuration as Record<string, { bucket: string; rule: unknown[] }>,
      ).find((l) => l.bucket.includes(`aws_s3_bucket.${stateBucket}.`))!;
      expect(lifecycle.rule).toContainEqual(
        expect.objectContaining({
          noncurrent_version_expiration: [{ noncurrent_days: target.noncurrentVersionExpirationDays }],
        }),
      );
      expect(tf.terraform.backend.local.path).toBe(`../../../${BOOTSTRAP_STATE_DIR}/${id}.tfstate`);
      expect(tf.provider.aws[0]).toMatchObject({ region: target.region, allowed_account_ids: [target.accountId] });
    });

    it(
      'logs requests to the state bucket when a deployment keeping ' +
        'state there turns access logs on, and only then',
      () => {
        const on = CONFIGURED.some((d) => target.stacks.includes(d.names.stack) && d.settings.logs.bucketAccessLogs);
        const loggings = Object.values(tf.resource.aws_s3_bucket_logging ?? {}) as { target_prefix: string }[];
        expect(loggings.map((l) => l.target_prefix)).toEqual(on ? [`${target.bucket}/`] : []);
        expect(
          Object.values(tf.resource.aws_s3_bucket as Record<string, { bucket: string }>)
            .map((b) => b.bucket)
            .sort(),
        ).toEqual(on ? [target.bucket, `${target.bucket}-access-logs`] : [target.bucket]);
      },
    );
  },
);
