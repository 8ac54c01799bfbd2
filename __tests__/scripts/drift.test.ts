/**
 * One meaning of drift: what a plan's refresh found changed outside Terraform (`resource_drift`), read through the
 * model and said in the change review's words by both `npm run drift` (driftOfPlan) and `review --plan`
 * (reviewPlans), and gated like the same change in a pull request — replication, inline policies, ACLs, access
 * logging and lifecycle, each planted in a plan as `terraform show -json` writes it.
 */
import { Testing } from 'cdktf';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolveMatrix } from '../../config/resolve';
import type { PlanJson } from '../../terraform-json/plan';
import { driftOfPlan } from '../../scripts/stack-drift';
import { gateFailures } from '../../scripts/review/compare';
import { reviewPlans } from '../../scripts/review/index';
import type { TerraformJson } from '../../terraform-json/stack-json';
import { TelemetryStack } from '../../stacks/telemetry-stack';
import { EXAMPLE_MATRIX } from '../fixtures/example-matrix';

const deployment = resolveMatrix(EXAMPLE_MATRIX).find((d) => d.environment === 'prod' && d.region === 'us-east-1')!;
const stack = new TelemetryStack(Testing.app(), deployment);
const tf = JSON.parse(Testing.synth(stack)) as TerraformJson & {
  resource: Record<string, Record<string, Record<string, unknown>>>;
};
const dataBucket = Object.entries(tf.resource.aws_s3_bucket).find(
  ([, b]) => b.bucket === deployment.names.dataBucket,
)![0];

type Resource = { address: string; mode: string; type: string; name: string; values: Record<string, unknown> };
const resources = (): Resource[] =>
  Object.entries(tf.resource).flatMap(([type, byName]) =>
    Object.entries(byName).map(([name, body]) => ({
      address: `${type}.${name}`,
      mode: 'managed',
      type,
      name,
      values: {
        ...(JSON.parse(JSON.stringify(body)) as Record<string, unknown>),
        tags_all: { Stack: deployment.names.stack },
      },
    })),
  );

/** A plan whose refresh found `edit` made to one resource outside Terraform; the configuration changes nothing. */
function planWith(type: string, name: string, edit: (values: Record<string, unknown>) => void): PlanJson {
  const lastApplied = resources();
  const live = resources();
  const drifted = live.find((r) => r.type === type && r.name === name)!;
  edit(drifted.values);
  const before = lastApplied.find((r) => r.address === drifted.address)!;
  return {
    format_version: '1.2',
    terraform_version: '1.11.4',
    prior_state: { values: { root_module: { resources: live } } },
    planned_values: { root_module: { resources: live } },
    resource_drift: [
      {
        address: drifted.address,
        mode: 'managed',
        type,
        name,
        change: { actions: ['update'], before: before.values, after: drifted.values },
      },
    ],
    configuration: {
      provider_config: {
        aws: {
          name: 'aws',
          expressions: {
            region: { constant_value: deployment.region },
            allowed_account_ids: { constant_value: [deployment.accountId] },
          },
        },
      },
    },
  };
}

const replication = (values: Record<string, unknown>) => {
  values.replication_configuration = [
    {
      role: 'arn:aws:iam::222222222222:role/replicator',
      rules: [
        {
          id: 'copy',
          status: 'Enabled',
          destination: [{ bucket: 'arn:aws:s3:::elsewhere-us-west-2', storage_class: 'STANDARD' }],
        },
      ],
    },
  ];
};

describe('drift: the same model and words as the review, gated like the same change in a pull request', () => {
  it.each([
    [
      'cross-region replication added in the console',
      'aws_s3_bucket',
      () => dataBucket,
      replication,
      'residency',
      /replication added: every new object is copied to arn:aws:s3:::elsewhere-us-west-2 \(a bucket outside this stack/,
      ['moves-residency'],
    ],
    [
      'access logs sent to a bucket outside the stack',
      'aws_s3_bucket',
      () => dataBucket,
      (v: Record<string, unknown>) => void (v.logging = [{ target_bucket: 'audit-elsewhere', target_prefix: 'x/' }]),
      'residency',
      /access logs: was off; now audit-elsewhere\/x\//,
      ['moves-residency'],
    ],
    [
      'an ACL grant to another account',
      'aws_s3_bucket',
      () => dataBucket,
      (v: Record<string, unknown>) =>
        void (v.grant = [{ type: 'CanonicalUser', id: 'other-account', permissions: ['READ'] }]),
      'exposure',
      /ACL grant added: CanonicalUser other-account READ/,
      ['widens-access'],
    ],
  ])('%s', (_what, type, name, edit, section, words, effects) => {
    const plan = planWith(type, name(), edit);
    // npm run drift
    const drift = driftOfPlan(plan);
    expect(drift.resources).toEqual([`${type}.${name()}`]);
    // Each change carries the review's data (what the e2e reads), not only its words.
    drift.changes.forEach((c) =>
      expect(c).toMatchObject({ section, kind: expect.any(String), field: expect.any(Object) }),
    );
    expect(drift.changes).toEqual([
      expect.objectContaining({ section, words: expect.stringMatching(words), effects, gated: true }),
    ]);
    // review --plan: the same change, as drift, failing the gate
    const dir = mkdtempSync(join(tmpdir(), 'drift-plan-'));
    writeFileSync(join(dir, 'plan.json'), JSON.stringify(plan));
    const { reviews } = reviewPlans([join(dir, 'plan.json')]);
    const reviewed = reviews.find((r) => r.source === 'drift')!;
    expect(reviewed.changes.map((c) => [c.section, c.effects])).toEqual([[section, effects]]);
    expect(gateFailures(reviews).map((f) => [f.stack, f.effect])).toEqual(
      effects.map((e) => [deployment.names.stack, e]),
    );
  });

  it(
    'an inline policy put on a role in the console: the statement listed, ' +
      'and the access it adds, as evaluated, widens and is gated',
    () => {
      const firehoseRole = Object.entries(tf.resource.aws_iam_role).find(([, r]) =>
        String(r.name).endsWith('-firehose'),
      )![0];
      const plan = planWith(
        'aws_iam_role',
        firehoseRole,
        (v) =>
          void (v.inline_policy = [
            {
              name: 'oops',
              policy: JSON.stringify({
                Version: '2012-10-17',
                Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }],
              }),
            },
          ]),
      );
      const drift = driftOfPlan(plan);
      expect(drift.changes).toEqual(
        expect.arrayContaining([
          expect.objectContaining({
            section: 'access',
            words: expect.stringMatching(/grant added: Allow s3:GetObject on \*/),
            effects: [],
          }),
          expect.objectContaining({
            section: 'access',
            words: expect.stringMatching(/-firehose: act outside the stack: was denied; now allowed/),
            effects: ['widens-access'],
            gated: true,
          }),
        ]),
      );
      const dir = mkdtempSync(join(tmpdir(), 'drift-plan-'));
      writeFileSync(join(dir, 'plan.json'), JSON.stringify(plan));
      const { reviews } = reviewPlans([join(dir, 'plan.json')]);
      expect(gateFailures(reviews).map((f) => [f.stack, f.effect])).toContainEqual([
        deployment.names.stack,
        'widens-access',
      ]);
    },
  );

  it(
    "a replication added in the console: the change's data names the " +
      'destination (what the e2e checks), beside its words',
    () => {
      const [change] = driftOfPlan(planWith('aws_s3_bucket', dataBucket, replication)).changes;
      expect(change).toMatchObject({
        section: 'residency',
        kind: 'added',
        subject: { kind: 'store', address: `aws_s3_bucket.${dataBucket}` },
        field: { kind: 'replication', destination: 'arn:aws:s3:::elsewhere-us-west-2', outsideStack: true },
        effects: ['moves-residency'],
        gated: true,
      });
    },
  );

  it('a lifecycle shortened in the console: shortened retention, gated', () => {
    const lifecycle = Object.keys(tf.resource.aws_s3_bucket_lifecycle_configuration).find((n) =>
      String(tf.resource.aws_s3_bucket_lifecycle_configuration[n].bucket).includes(`aws_s3_bucket.${dataBucket}.`),
    )!;
    const plan = planWith('aws_s3_bucket_lifecycle_configuration', lifecycle, (v) => {
      for (const rule of v.rule as { id: string; expiration?: { days: number }[] }[])
        if (rule.id === 'events') rule.expiration = [{ days: 31 }];
    });
    const drift = driftOfPlan(plan);
    expect(drift.changes.map((c) => [c.section, c.effects, c.gated])).toContainEqual([
      'retention',
      ['shortens-retention'],
      true,
    ]);
  });

  it(
    'a refreshed attribute the model does not read (a tag): ' + 'listed, but no change — npm run drift says in sync',
    () => {
      const plan = planWith(
        'aws_s3_bucket',
        dataBucket,
        (v) => void (v.tags_all = { ...(v.tags_all as object), CostCentre: 'x' }),
      );
      expect(driftOfPlan(plan)).toMatchObject({ resources: [`aws_s3_bucket.${dataBucket}`], changes: [] });
    },
  );

  it('a refresh that found nothing: in sync, whatever the plan would change', () => {
    const plan = planWith('aws_s3_bucket', dataBucket, () => undefined);
    expect(driftOfPlan({ ...plan, resource_drift: [] })).toEqual({ resources: [], changes: [] });
  });
});
