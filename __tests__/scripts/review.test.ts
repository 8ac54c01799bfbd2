/**
 * Change review with planted changes of each kind, on the tests' example matrix: each is found in its section with
 * its effects, the verdict names it, and the gate (`--fail-on-widening`) fails exactly on widened access, shortened
 * retention and weakened protection. The assertions read the review's data (sections, field kinds, effects); the
 * words are checked where they are the point (names, notation).
 */
import { Testing } from 'cdktf';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { PlanJson } from '../../terraform-json/plan';
import { reviewPlans } from '../../scripts/review/index';
import type { MatrixConfig } from '../../config';
import type { DeploymentConfig } from '../../config/matrix';
import { resolveMatrix } from '../../config/resolve';
import { bootstrapTargets } from '../../config/targets';
import type { TerraformJson } from '../../terraform-json/stack-json';
import type { StackReport } from '../../scripts/report/analyze';
import { analyzedOnce } from '../fixtures/analyzed';
import type { Change, StackReview } from '../../scripts/report/changes';
import { compareReports, gateFailures } from '../../scripts/review/compare';
import { renderChangesMarkdown } from '../../scripts/review/render';
import { changeWords, verdict } from '../../scripts/report/words';
import type { CheckedStack } from '../../stacks/checked-stack';
import { StateBootstrapStack } from '../../stacks/bootstrap-stack';
import { TelemetryStack } from '../../stacks/telemetry-stack';
import { EXAMPLE_MATRIX } from '../fixtures/example-matrix';
import { matrixWith } from '../helpers';

/**
 * Terraform JSON per stack, cached by what the stack is built from: a stack is a function of its deployment (or its
 * bootstrap target), so the same input gives the same JSON, and each test synthesizes only what it changed.
 */
const synthesized = new Map<string, { json: string; facts: CheckedStack['facts'] }>();
function synthOnce(key: unknown, build: () => CheckedStack) {
  const id = JSON.stringify(key);
  if (!synthesized.has(id)) {
    const stack = build();
    synthesized.set(id, { json: Testing.synth(stack), facts: stack.facts });
  }
  return synthesized.get(id)!;
}

/** The reports of every stack of a matrix, optionally with each stack's Terraform JSON edited before analysis. */
function reports(
  matrix: MatrixConfig,
  edit: (stack: string, tf: TerraformJson) => void = () => undefined,
): StackReport[] {
  const deployments = resolveMatrix(matrix);
  const stacks = [
    ...deployments.map((d) => synthOnce(d, () => new TelemetryStack(Testing.app(), d))),
    ...bootstrapTargets(deployments).map((t) => synthOnce(t, () => new StateBootstrapStack(Testing.app(), t))),
  ];
  return stacks.map(({ json, facts }) => {
    const tf = JSON.parse(json) as TerraformJson;
    edit(facts.stack, tf);
    return analyzedOnce(facts.stack, tf, facts);
  });
}

const base = reports(EXAMPLE_MATRIX);
const review = (current: StackReport[]) => compareReports(base, current);
const of = (reviews: StackReview[], stack: string) => reviews.find((r) => r.stack === stack)!;
const untouched = (reviews: StackReview[], ...changed: string[]) =>
  reviews
    .filter((r) => !changed.includes(r.stack))
    .forEach((r) => expect([r.stack, r.status]).toEqual([r.stack, 'unchanged']));
/** A change as data: [section, kind, field kind, effects]. */
const shape = (c: Change) => [c.section, c.kind, c.field.kind, c.effects];
const gated = (reviews: StackReview[]) => gateFailures(reviews).map((f) => [f.stack, f.effect]);
const [dev, prodUs, prodEu] = EXAMPLE_MATRIX.deployments;
const withDeployments = (...deployments: DeploymentConfig[]): MatrixConfig => ({ ...EXAMPLE_MATRIX, deployments });

describe('npm run review: planted changes', () => {
  it('the same matrix: every stack unchanged, nothing for the gate', () => {
    const reviews = review(reports(EXAMPLE_MATRIX));
    untouched(reviews);
    expect(gated(reviews)).toEqual([]);
  });

  it("an account change only (the adopter's first edit): one move per stack, no widening, the gate passes", () => {
    const moved = withDeployments(
      { ...dev, accountId: '123456789012' },
      { ...prodUs, accountId: '210987654321' },
      { ...prodEu, accountId: '210987654321' },
    );
    const reviews = review(reports(moved));
    expect(reviews).toHaveLength(6);
    for (const r of reviews) {
      expect([r.status, r.effects, r.changes.map(shape)]).toEqual([
        'changed',
        ['moves-data'],
        [['stack', 'changed', 'account', ['moves-data']]],
      ]);
      expect(verdict(r)).toMatch(
        new RegExp(
          '^moves to account (123456789012|210987654321): new resources there; the data in ' +
            '(111111111111|222222222222) is not moved$',
        ),
      );
    }
    expect(of(reviews, 'telemetry-bootstrap-123456789012-us-east-1').baseStack).toBe(
      'telemetry-bootstrap-111111111111-us-east-1',
    );
    expect(gated(reviews)).toEqual([]);
  });

  it(
    'a region change of a deployment declared as a move (movedFrom): its stack paired and ' +
      'the move gated, with from and to (review-residency.test.ts has the other moves)',
    () => {
      const reviews = review(
        reports(withDeployments(dev, prodUs, { ...prodEu, region: 'eu-west-1', movedFrom: 'prod/eu-central-1' })),
      );
      const eu = of(reviews, 'telemetry-prod-eu-west-1');
      expect([eu.status, eu.baseStack, eu.effects]).toEqual([
        'changed',
        'telemetry-prod-eu-central-1',
        ['moves-residency', 'moves-data'],
      ]);
      expect(eu.changes.filter((c) => c.section !== 'cost').map(shape)).toEqual([
        ['residency', 'changed', 'region', ['moves-residency', 'moves-data']],
      ]);
      // Ireland's own prices: its Glue crawler is not sourced, so the totals there leave Glue out, and say so.
      expect(eu.changes.filter((c) => c.section === 'cost').map((c) => changeWords(c, eu))).toEqual([
        expect.stringMatching(
          /^10 M events a month: was \$[\d.]+ \+ Firehose not priced; now \$[\d.]+ \+ Firehose, Glue not priced$/,
        ),
        expect.stringMatching(/^100 M events a month: /),
        expect.stringMatching(/^1,000 M events a month: /),
      ]);
      expect(verdict(eu)).toBe(
        'moves residency: from eu-central-1 to eu-west-1 (EU): a new ' +
          'stack there; the data in eu-central-1 is not moved',
      );
      // Its state stack is another bucket in another region: removed and added, not paired.
      expect(of(reviews, 'telemetry-bootstrap-222222222222-eu-west-1').status).toBe('added');
      expect(of(reviews, 'telemetry-bootstrap-222222222222-eu-central-1').status).toBe('removed');
      untouched(
        reviews,
        'telemetry-prod-eu-west-1',
        'telemetry-bootstrap-222222222222-eu-west-1',
        'telemetry-bootstrap-222222222222-eu-central-1',
      );
      expect(gated(reviews)).toEqual([['telemetry-prod-eu-west-1', 'moves-residency']]);
    },
  );

  it('a new deployment: its stack and its state stack added, the rest unchanged, the gate passes', () => {
    const reviews = review(
      reports(
        withDeployments(dev, prodUs, prodEu, {
          environment: 'prod',
          region: 'ap-northeast-1',
          accountId: '333333333333',
          jurisdiction: 'JP',
        }),
      ),
    );
    const tokyo = of(reviews, 'telemetry-prod-ap-northeast-1');
    expect(tokyo.status).toBe('added');
    expect(verdict(tokyo)).toMatch(
      new RegExp(
        String.raw`^new stack: data in ap-northeast-1 \(JP\), 3 roles, state in s3:\/\/` +
          String.raw`telemetry-tfstate-333333333333-ap-northeast-1\/`,
      ),
    );
    expect(of(reviews, 'telemetry-bootstrap-333333333333-ap-northeast-1').status).toBe('added');
    untouched(reviews, 'telemetry-prod-ap-northeast-1', 'telemetry-bootstrap-333333333333-ap-northeast-1');
    expect(gated(reviews)).toEqual([]);
  });

  it(
    'a removed deployment: its stack removed, protected by ' +
      'prevent_destroy, so the gate passes; unprotected, it fails',
    () => {
      const reviews = review(reports(withDeployments(prodUs, prodEu)));
      expect(of(reviews, 'telemetry-dev-us-east-1')).toMatchObject({ status: 'removed', effects: [] });
      expect(verdict(of(reviews, 'telemetry-dev-us-east-1'))).toMatch(/prevent_destroy/);
      expect(gated(reviews)).toEqual([]);
      const unprotectedBase = reports(
        withDeployments(
          { ...dev, overrides: { ...dev.overrides, protection: { allowDestroy: true } } },
          prodUs,
          prodEu,
        ),
      );
      const dropped = compareReports(unprotectedBase, reports(withDeployments(prodUs, prodEu)));
      expect(gated(dropped)).toEqual([
        ['telemetry-bootstrap-111111111111-us-east-1', 'shortens-retention'],
        ['telemetry-dev-us-east-1', 'shortens-retention'],
      ]);
    },
  );

  it(
    'an extra grant: the statement listed, the access it adds named by ' +
      'principal, request and store as evaluated, the gate fails',
    () => {
      const reviews = review(
        reports(EXAMPLE_MATRIX, (stack, tf) => {
          if (stack !== 'telemetry-dev-us-east-1') return;
          const policy = Object.values(tf.resource!.aws_iam_role_policy).find((p) =>
            String(p.role).includes('catalog'),
          )!;
          const doc = JSON.parse(String(policy.policy));
          doc.Statement.push({
            Effect: 'Allow',
            Action: 's3:GetObject',
            Resource: 'arn:aws:s3:::telemetry-dev-111111111111-us-east-1/*',
          });
          policy.policy = JSON.stringify(doc);
        }),
      );
      const r = of(reviews, 'telemetry-dev-us-east-1');
      expect(r.changes.filter((c) => c.field.kind === 'permission').map((c) => changeWords(c, r))).toEqual([
        'role telemetry-dev-us-east-1-crawler grant added: Allow ' +
          's3:GetObject on arn:aws:s3:::telemetry-dev-111111111111-us-east-1/*',
      ]);
      const widened = r.changes.filter((c) => c.effects.includes('widens-access')).map((c) => changeWords(c, r));
      expect(widened).toEqual(
        expect.arrayContaining([
          expect.stringMatching(
            new RegExp(
              String.raw`^role telemetry-dev-us-east-1-crawler: read records Firehose failed to deliver \(raw ` +
                String.raw`event data\) \(telemetry-dev-111111111111-us-east-1\/errors\/\): was denied; now ` +
                String.raw`allowed \(s3:GetObject\)$`,
            ),
          ),
        ]),
      );
      expect(verdict(r)).toMatch(/^widens access: role telemetry-dev-us-east-1-crawler: read /);
      expect(
        gated(reviews).every(([stack, effect]) => stack === 'telemetry-dev-us-east-1' && effect === 'widens-access'),
      ).toBe(true);
      untouched(reviews, 'telemetry-dev-us-east-1');
    },
  );

  it(
    "a grant to the Cognito guest outside Cognito's scope-down " +
      '(s3:GetObject): listed, evaluated as no new access, the gate passes',
    () => {
      const reviews = review(
        reports(EXAMPLE_MATRIX, (stack, tf) => {
          if (stack !== 'telemetry-dev-us-east-1') return;
          const policy = Object.values(tf.resource!.aws_iam_role_policy).find((p) =>
            String(p.role).includes('ingestion'),
          )!;
          const doc = JSON.parse(String(policy.policy));
          doc.Statement.push({
            Effect: 'Allow',
            Action: 's3:GetObject',
            Resource: 'arn:aws:s3:::telemetry-dev-111111111111-us-east-1/*',
          });
          policy.policy = JSON.stringify(doc);
        }),
      );
      const r = of(reviews, 'telemetry-dev-us-east-1');
      expect(r.changes.map(shape)).toEqual([['access', 'added', 'permission', []]]);
      expect(gated(reviews)).toEqual([]);
    },
  );

  it(
    "a removed trust condition (Firehose's sts:ExternalId): Firehose acting for " +
      'another account may now assume the role, widened, the gate fails',
    () => {
      const reviews = review(
        reports(EXAMPLE_MATRIX, (stack, tf) => {
          if (stack !== 'telemetry-prod-eu-central-1') return;
          const role = Object.values(tf.resource!.aws_iam_role).find((x) => String(x.name).endsWith('-firehose'))!;
          const trust = JSON.parse(String(role.assume_role_policy));
          delete trust.Statement[0].Condition;
          role.assume_role_policy = JSON.stringify(trust);
        }),
      );
      const r = of(reviews, 'telemetry-prod-eu-central-1');
      expect(r.changes.map(shape)).toEqual([
        ['access', 'removed', 'trust-statement', []],
        ['access', 'added', 'trust-statement', []],
        ['access', 'changed', 'access', ['widens-access']],
      ]);
      expect(changeWords(r.changes[2], r)).toBe(
        'firehose.amazonaws.com acting for another account (account 999999999990): assume role ' +
          'telemetry-prod-eu-central-1-firehose: was denied; now allowed (sts:AssumeRole)',
      );
      expect(gated(reviews)).toEqual([['telemetry-prod-eu-central-1', 'widens-access']]);
    },
  );

  it('a tightened grant (an action dropped, a condition added): no new access; the gate passes', () => {
    const reviews = review(
      reports(EXAMPLE_MATRIX, (stack, tf) => {
        if (stack !== 'telemetry-prod-us-east-1') return;
        const policy = Object.values(tf.resource!.aws_iam_role_policy).find((p) =>
          String(p.role).includes('ingestion'),
        )!;
        const doc = JSON.parse(String(policy.policy));
        doc.Statement[0].Action = ['firehose:PutRecordBatch'];
        doc.Statement[0].Condition = { Bool: { 'aws:SecureTransport': 'true' } };
        policy.policy = JSON.stringify(doc);
      }),
    );
    const r = of(reviews, 'telemetry-prod-us-east-1');
    expect(r.changes.map(shape)).toEqual([
      ['access', 'removed', 'permission', []],
      ['access', 'added', 'permission', []],
    ]);
    expect(r.effects).toEqual([]);
    expect(gated(reviews)).toEqual([]);
  });

  it(
    'a shorter expiration: retention shortened on that stack only (data and ' +
      'failed records), a cost change at each volume, and the gate fails',
    () => {
      const reviews = review(
        reports(withDeployments(dev, { ...prodUs, overrides: { lifecycle: { expirationDays: 60 } } }, prodEu)),
      );
      const r = of(reviews, 'telemetry-prod-us-east-1');
      expect(r.changes.map(shape)).toEqual([
        ['retention', 'changed', 'retention', ['shortens-retention']],
        ['retention', 'changed', 'retention', ['shortens-retention']],
        ['cost', 'changed', 'monthly-total', []],
        ['cost', 'changed', 'monthly-total', []],
        ['cost', 'changed', 'monthly-total', []],
      ]);
      // At 100 M events a day's partition is over the 1 GiB cutoff: Athena's cancelled queries are priced at
      // the cutoff.
      expect(changeWords(r.changes[3], r)).toMatch(/^100 M events a month: was \$38\.23; now \$\d+\.\d\d$/);
      expect(changeWords(r.changes[0], r)).toBe(
        'store telemetry-prod-222222222222-us-east-1/data/ timeline: was STANDARD at day 0 → ' +
          'STANDARD_IA at day 30 → deleted at day 90 → every version gone by day 97; now STANDARD at ' +
          'day 0 → STANDARD_IA at day 30 → deleted at day 60 → every version gone by day 67',
      );
      expect(gated(reviews)).toEqual([
        ['telemetry-prod-us-east-1', 'shortens-retention'],
        ['telemetry-prod-us-east-1', 'shortens-retention'],
      ]);
      untouched(reviews, 'telemetry-prod-us-east-1');
    },
  );

  it('a longer expiration: retention lengthened, not gated', () => {
    const reviews = review(
      reports(withDeployments(dev, { ...prodUs, overrides: { lifecycle: { expirationDays: 120 } } }, prodEu)),
    );
    expect(of(reviews, 'telemetry-prod-us-east-1').effects).toEqual(['lengthens-retention']);
    expect(gated(reviews)).toEqual([]);
  });

  it('protection opted out: each bucket and key weakened in the protection section, and the gate fails', () => {
    const reviews = review(
      reports(
        withDeployments(
          { ...dev, overrides: { ...dev.overrides, protection: { allowDestroy: true } } },
          prodUs,
          prodEu,
        ),
      ),
    );
    const r = of(reviews, 'telemetry-dev-us-east-1');
    const protection = r.changes.filter((c) => c.section === 'protection');
    expect(protection.length).toBeGreaterThanOrEqual(4);
    for (const c of protection) expect([c.field.kind, c.effects]).toEqual(['protection', ['weakens-protection']]);
    expect(gated(reviews).every(([, effect]) => effect === 'weakens-protection')).toBe(true);
    expect(new Set(gated(reviews).map(([stack]) => stack))).toEqual(
      new Set(['telemetry-dev-us-east-1', 'telemetry-bootstrap-111111111111-us-east-1']),
    );
  });

  it('an alarm email added: a new, masked destination in the alerts section; no effect, the gate passes', () => {
    const reviews = review(reports(matrixWith({ defaults: { monitoring: { alarmEmails: ['oncall@example.com'] } } })));
    for (const stack of ['telemetry-dev-us-east-1', 'telemetry-prod-us-east-1', 'telemetry-prod-eu-central-1']) {
      const r = of(reviews, stack);
      expect(r.changes.map(shape)).toEqual([['alerts', 'added', 'existence', []]]);
      expect(changeWords(r.changes[0], r)).toBe('new: alert destination email o…@example.com');
      expect(verdict(r)).toBe('no change to residency, retention, access or protection');
    }
    expect(gated(reviews)).toEqual([]);
  });
});

describe('the review in words', () => {
  const reviews = review(
    reports(matrixWith({ defaults: { monitoring: { alarmEmails: ['oncall@example.com'] } } }), (stack, tf) => {
      if (stack !== 'telemetry-prod-eu-central-1') return;
      const role = Object.values(tf.resource!.aws_iam_role).find((x) => String(x.name).endsWith('-ingestion'))!;
      const trust = JSON.parse(String(role.assume_role_policy));
      delete trust.Statement[0].Condition['ForAnyValue:StringLike'];
      role.assume_role_policy = JSON.stringify(trust);
    }),
  );
  const md = renderChangesMarkdown(reviews, 'main (abc1234)');

  it('changes.md: a summary table, then each changed stack by section, fit for a pull request', () => {
    expect(md).toMatch(/^# Change review against main \(abc1234\)\n\n\| Stack \| Status \| Verdict \|/);
    expect(md).toContain(
      '## telemetry-dev-us-east-1 (changed)\n\n**Verdict:** no change to residency, retention, ' +
        'access or protection\n\n### Alerts\n\n- new: alert destination email o…@example.com',
    );
    expect(md).not.toMatch(/\d{4}-\d\d-\d\dT/);
  });

  it(
    'names resources by their AWS names — a condition on the ' +
      'identity pool reads as its id — never by construct hashes',
    () => {
      expect(md).not.toMatch(/_[0-9A-F]{8}\b/);
      expect(md).toContain('cognito-identity.amazonaws.com:aud = id of telemetry_prod_events');
    },
  );

  it('before and after as "was …; now …", not the arrow the timelines use', () => {
    const shorter = review(
      reports(withDeployments(dev, { ...prodUs, overrides: { lifecycle: { expirationDays: 60 } } }, prodEu)),
    );
    const line = changeWords(
      of(shorter, 'telemetry-prod-us-east-1').changes[0],
      of(shorter, 'telemetry-prod-us-east-1'),
    );
    expect(line).toMatch(/timeline: was STANDARD at day 0 → .*; now STANDARD at day 0 → /);
  });
});

describe('npm run review -- --plan: a plan as `terraform show -json` writes it', () => {
  /**
   * A plan of one stack: its resources as values, the events' expiration changed outside Terraform and in
   * the configuration.
   */
  function planOf(stack: string, outOfBand: number, planned: number): PlanJson {
    const { json } = [...synthesized.values()].find((s) => s.facts.stack === stack)!;
    const tf = JSON.parse(json) as TerraformJson;
    const withExpiration = (days: number) =>
      Object.entries(tf.resource!).flatMap(([type, byName]) =>
        Object.entries(byName).map(([name, body]) => {
          const values = JSON.parse(JSON.stringify(body)) as Record<string, unknown> & {
            rule?: { id: string; expiration?: { days: number }[] }[];
          };
          if (type === 'aws_s3_bucket_lifecycle_configuration')
            for (const rule of values.rule ?? []) if (rule.id === 'events') rule.expiration = [{ days }];
          return {
            address: `${type}.${name}`,
            mode: 'managed',
            type,
            name,
            values: { ...values, tags_all: { Stack: stack } },
          };
        }),
      );
    const lifecycle = withExpiration(90).find((r) => r.type === 'aws_s3_bucket_lifecycle_configuration')!;
    return {
      format_version: '1.2',
      terraform_version: '1.11.4',
      prior_state: { values: { root_module: { resources: withExpiration(outOfBand) } } },
      planned_values: { root_module: { resources: withExpiration(planned) } },
      resource_drift: [
        {
          address: lifecycle.address,
          mode: 'managed',
          type: lifecycle.type,
          name: lifecycle.name,
          change: {
            actions: ['update'],
            before: lifecycle.values,
            after: withExpiration(outOfBand).find((r) => r.address === lifecycle.address)!.values,
          },
        },
      ],
      configuration: {
        provider_config: {
          aws: {
            name: 'aws',
            expressions: {
              region: { constant_value: 'us-east-1' },
              allowed_account_ids: { constant_value: ['222222222222'] },
            },
          },
        },
      },
    };
  }

  it('names the out-of-band change as drift and the planned one with its effect', () => {
    const dir = mkdtempSync(join(tmpdir(), 'plan-'));
    writeFileSync(join(dir, 'plan.json'), JSON.stringify(planOf('telemetry-prod-us-east-1', 120, 60)));
    const { reviews } = reviewPlans([join(dir, 'plan.json')]);
    const drift = reviews.find((r) => r.source === 'drift')!;
    const change = reviews.find((r) => r.source === 'change')!;
    const retention = (r: StackReview) =>
      r.changes.find(
        (c) => c.field.kind === 'retention' && c.subject.kind === 'store' && c.subject.name.endsWith('/data/'),
      )!;
    expect([drift.stack, drift.effects]).toEqual(['telemetry-prod-us-east-1', ['lengthens-retention']]);
    expect(retention(drift).field).toMatchObject({ before: { expirationDays: 90 }, after: { expirationDays: 120 } });
    expect(change.effects).toContain('shortens-retention');
    expect(retention(change).field).toMatchObject({ before: { expirationDays: 120 }, after: { expirationDays: 60 } });
    expect(renderChangesMarkdown(reviews, 'the live account')).toContain(
      '## telemetry-prod-us-east-1 (changed outside Terraform (drift)',
    );
  });
});

describe('npm run review -- --plan: access drift, as evaluated', () => {
  it(
    "an inline policy s3:* on * added to the Firehose role outside Terraform: the drift widens the role's " +
      'access beyond the stack, the gate fails, and the live stack has a least-privilege finding',
    () => {
      const stack = 'telemetry-prod-us-east-1';
      const { json } = [...synthesized.values()].find((s) => s.facts.stack === stack)!;
      const tf = JSON.parse(json) as TerraformJson;
      const resources = (drifted: boolean) =>
        Object.entries(tf.resource!).flatMap(([type, byName]) =>
          Object.entries(byName).map(([name, body]) => {
            const values = JSON.parse(JSON.stringify(body)) as Record<string, unknown>;
            if (drifted && type === 'aws_iam_role' && String(values.name).endsWith('-firehose')) {
              values.inline_policy = [
                {
                  name: 'console-edit',
                  policy: JSON.stringify({
                    Version: '2012-10-17',
                    Statement: [{ Effect: 'Allow', Action: 's3:*', Resource: '*' }],
                  }),
                },
              ];
            }
            return {
              address: `${type}.${name}`,
              mode: 'managed',
              type,
              name,
              values: { ...values, tags_all: { Stack: stack } },
            };
          }),
        );
      const role = resources(true).find(
        (r) => r.type === 'aws_iam_role' && String((r.values as Record<string, unknown>).name).endsWith('-firehose'),
      )!;
      const before = resources(false).find((r) => r.address === role.address)!;
      const plan: PlanJson = {
        format_version: '1.2',
        terraform_version: '1.11.4',
        prior_state: { values: { root_module: { resources: resources(true) } } },
        planned_values: { root_module: { resources: resources(true) } },
        resource_drift: [
          {
            address: role.address,
            mode: 'managed',
            type: role.type,
            name: role.name,
            change: { actions: ['update'], before: before.values, after: role.values },
          },
        ],
        configuration: {
          provider_config: {
            aws: {
              name: 'aws',
              expressions: {
                region: { constant_value: 'us-east-1' },
                allowed_account_ids: { constant_value: ['222222222222'] },
              },
            },
          },
        },
      };
      const dir = mkdtempSync(join(tmpdir(), 'plan-'));
      writeFileSync(join(dir, 'plan.json'), JSON.stringify(plan));
      const { reviews, current } = reviewPlans([join(dir, 'plan.json')]);
      const drift = reviews.find((r) => r.source === 'drift')!;
      expect(drift.effects).toContain('widens-access');
      expect(
        drift.changes.filter((c) => c.effects.includes('widens-access')).map((c) => changeWords(c, drift)),
      ).toEqual(
        expect.arrayContaining([
          'role telemetry-prod-us-east-1-firehose: act outside the stack: was denied; now allowed (s3:GetObject)',
        ]),
      );
      expect(gateFailures(reviews).map((f) => [f.stack, f.effect])).toContainEqual([stack, 'widens-access']);
      // IAM.1 and IAM.21 are Security Hub's checks of customer managed policies, not of inline ones: the live stack's
      // least-privilege finding is what names the inline grant.
      expect(
        current[0].findings
          .filter((f) => f.rule === 'least-privilege-beyond-the-stack')
          .map((f) => [f.severity, f.resource]),
      ).toEqual([['error', role.address]]);
    },
  );
});

describe('npm run review: a grant worded around shape checks', () => {
  it(
    'NotAction on the analyst policy: the statement said as "every action except", the ' +
      'holders gain delete and write on the events, the gate fails, IAM.1/IAM.21 fail',
    () => {
      let current: StackReport[];
      const reviews = review(
        (current = reports(EXAMPLE_MATRIX, (stack, tf) => {
          if (stack !== 'telemetry-prod-eu-central-1') return;
          const policy = Object.values(tf.resource!.aws_iam_policy).find((p) => String(p.name).endsWith('-analyst'))!;
          const doc = JSON.parse(String(policy.policy));
          doc.Statement = doc.Statement.map((s: { Sid?: string }) =>
            s.Sid === 'ReadEventData'
              ? {
                  Sid: 'ReadEventData',
                  Effect: 'Allow',
                  NotAction: 's3:GetObject',
                  Resource: 'arn:aws:s3:::telemetry-prod-222222222222-eu-central-1/data/*',
                }
              : s,
          );
          policy.policy = JSON.stringify(doc);
        })),
      );
      const r = of(reviews, 'telemetry-prod-eu-central-1');
      const words = r.changes.map((c) => changeWords(c, r));
      expect(words).toContain(
        'policy telemetry-prod-eu-central-1-analyst grant added: Allow every action except ' +
          's3:GetObject on arn:aws:s3:::telemetry-prod-222222222222-eu-central-1/data/*',
      );
      expect(r.changes.filter((c) => c.effects.includes('widens-access')).map((c) => changeWords(c, r))).toEqual(
        expect.arrayContaining([
          expect.stringMatching(
            new RegExp(
              String.raw`^whoever holds policy telemetry-prod-eu-central-1-analyst: delete \(or expire\) app ` +
                String.raw`events delivered by Firehose .*: was denied; now allowed`,
            ),
          ),
          expect.stringMatching(
            new RegExp(
              '^whoever holds policy telemetry-prod-eu-central-1-analyst: write app events delivered ' +
                'by Firehose .*: was denied; now allowed',
            ),
          ),
        ]),
      );
      expect(gated(reviews)).toContainEqual(['telemetry-prod-eu-central-1', 'widens-access']);
      const controls = current
        .find((x) => x.stack === 'telemetry-prod-eu-central-1')!
        .controls.filter((c) => ['IAM.1', 'IAM.21'].includes(c.id));
      expect(controls.map((c) => c.status)).toEqual(['fail', 'fail']);
    },
  );
});
