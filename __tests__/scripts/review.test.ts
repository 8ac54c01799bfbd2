/**
 * Change review with planted changes of each kind, on the tests' example matrix: each is named in the right section
 * and stack, untouched stacks say "no change", and the gate fails on widened access and shortened retention.
 */
import { Testing, type TerraformStack } from 'cdktf';
import type { MatrixConfig } from '../../config';
import { resolveMatrix } from '../../config/resolve';
import { analyzeStack, maskEmail, type StackReport } from '../../scripts/report/analyze';
import { compareReports, gateFailures, renderChangesMarkdown, type StackReview } from '../../scripts/review/compare';
import { bootstrapStackName } from '../../config/names';
import { bootstrapTargets } from '../../config/targets';
import { StateBootstrapStack } from '../../stacks/bootstrap-stack';
import { TelemetryStack } from '../../stacks/telemetry-stack';
import type { TerraformJson } from '../../stacks/policy-checks';
import { EXAMPLE_MATRIX } from '../fixtures/example-matrix';
import { matrixWith } from '../helpers';

/**
 * Terraform JSON per stack, cached by what the stack is built from: a stack is a function of its deployment (or its
 * bootstrap target), so the same input gives the same JSON, and each test synthesizes only what it changed.
 */
const synthesized = new Map<string, string>();
function synthOnce(key: unknown, build: () => TerraformStack): string {
  const id = JSON.stringify(key);
  if (!synthesized.has(id)) synthesized.set(id, Testing.synth(build()));
  return synthesized.get(id)!;
}

/** The reports of every stack of a matrix (Terraform JSON from Testing.synth), optionally edited before analysis. */
function reports(matrix: MatrixConfig, edit: (stack: string, tf: TerraformJson) => void = () => undefined): StackReport[] {
  const deployments = resolveMatrix(matrix);
  const stacks = [
    ...deployments.map((d) => [d.names.stack, synthOnce(d, () => new TelemetryStack(Testing.app(), d))] as const),
    ...bootstrapTargets(deployments).map((t) => [bootstrapStackName(t.project, t.accountId, t.region), synthOnce(t, () => new StateBootstrapStack(Testing.app(), t))] as const),
  ];
  return stacks.map(([name, json]) => {
    const tf = JSON.parse(json) as TerraformJson;
    edit(name, tf);
    return analyzeStack(name, tf);
  });
}

const base = reports(EXAMPLE_MATRIX);
const review = (current: StackReport[]) => compareReports(base, current);
const of = (reviews: StackReview[], stack: string) => reviews.find((r) => r.stack === stack)!;
const untouched = (reviews: StackReview[], ...changed: string[]) =>
  reviews.filter((r) => !changed.includes(r.stack)).forEach((r) => expect([r.stack, r.status, r.verdict]).toEqual([r.stack, 'unchanged', 'no change to residency, retention or access']));

describe('npm run review: planted changes', () => {
  it('the same matrix: every stack unchanged, nothing for the gate', () => {
    const reviews = review(reports(EXAMPLE_MATRIX));
    untouched(reviews);
    expect(gateFailures(reviews)).toEqual([]);
  });

  it('a new deployment: its stack (and its state stack) added, the rest unchanged', () => {
    const reviews = review(reports({ ...EXAMPLE_MATRIX, deployments: [...EXAMPLE_MATRIX.deployments, { environment: 'prod', region: 'ap-northeast-1', accountId: '333333333333', jurisdiction: 'JP' }] }));
    expect(of(reviews, 'telemetry-prod-ap-northeast-1')).toMatchObject({ status: 'added', verdict: expect.stringMatching(/^new stack: data in ap-northeast-1 \(JP\)/) });
    expect(of(reviews, 'telemetry-bootstrap-333333333333-ap-northeast-1').status).toBe('added');
    untouched(reviews, 'telemetry-prod-ap-northeast-1', 'telemetry-bootstrap-333333333333-ap-northeast-1');
  });

  it('a shorter expiration: retention shortened on that stack only, and the gate fails', () => {
    const reviews = review(reports(matrixWith({ deployments: [EXAMPLE_MATRIX.deployments[0], { ...EXAMPLE_MATRIX.deployments[1], overrides: { lifecycle: { expirationDays: 60 } } }, EXAMPLE_MATRIX.deployments[2]] })));
    const prod = of(reviews, 'telemetry-prod-us-east-1');
    expect(prod.changes.filter((c) => c.category === 'retention' && c.shortensRetention).map((c) => c.what)).toEqual([
      's3://telemetry-prod-222222222222-us-east-1/data/ timeline: STANDARD_IA@30d → deleted@90d → STANDARD_IA@30d → deleted@60d',
      's3://telemetry-prod-222222222222-us-east-1/errors/ timeline: STANDARD_IA@30d → deleted@90d → STANDARD_IA@30d → deleted@60d',
    ]);
    expect(prod.verdict).toMatch(/^retention shortened: /);
    expect(gateFailures(reviews)).toHaveLength(2);
    untouched(reviews, 'telemetry-prod-us-east-1');
  });

  it('an extra grant: access widened on that role, in the access section, and the gate fails', () => {
    const reviews = review(
      reports(EXAMPLE_MATRIX, (stack, tf) => {
        if (stack !== 'telemetry-dev-us-east-1') return;
        const policy = Object.values(tf.resource!.aws_iam_role_policy).find((p) => String(p.role).includes('ingestion'))!;
        const doc = JSON.parse(String(policy.policy));
        doc.Statement.push({ Sid: 'ReadTheBucket', Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::telemetry-dev-111111111111-us-east-1/*' });
        policy.policy = JSON.stringify(doc);
      }),
    );
    const dev = of(reviews, 'telemetry-dev-us-east-1');
    expect(dev.changes).toEqual([
      { category: 'access', kind: 'added', what: 'telemetry-dev-us-east-1-ingestion grant s3:GetObject on arn:aws:s3:::telemetry-dev-111111111111-us-east-1/*', widensAccess: true },
    ]);
    expect(dev.verdict).toBe('access widened: telemetry-dev-us-east-1-ingestion grant s3:GetObject on arn:aws:s3:::telemetry-dev-111111111111-us-east-1/*');
    expect(gateFailures(reviews)).toEqual([expect.stringContaining('telemetry-dev-us-east-1: access widened')]);
    untouched(reviews, 'telemetry-dev-us-east-1');
  });

  it('an alarm email: a new, masked destination in the alarms section; no gate failure', () => {
    const reviews = review(reports(matrixWith({ defaults: { monitoring: { alarmEmails: ['oncall@example.com'] } } })));
    for (const stack of ['telemetry-dev-us-east-1', 'telemetry-prod-us-east-1', 'telemetry-prod-eu-central-1']) {
      expect(of(reviews, stack).changes).toEqual([{ category: 'alarms', kind: 'added', what: 'destination email o…@example.com' }]);
      expect(of(reviews, stack).verdict).toBe('no change to residency, retention or access');
    }
    expect(gateFailures(reviews)).toEqual([]);
    expect(maskEmail('oncall@example.com')).toBe('o…@example.com');
  });

  it('a deployment moved to another region: the old stack removed (protected), the new one added', () => {
    const moved = { ...EXAMPLE_MATRIX, deployments: [EXAMPLE_MATRIX.deployments[0], EXAMPLE_MATRIX.deployments[1], { ...EXAMPLE_MATRIX.deployments[2], region: 'eu-west-1' }] };
    const reviews = review(reports(moved));
    expect(of(reviews, 'telemetry-prod-eu-central-1')).toMatchObject({ status: 'removed', verdict: expect.stringContaining('prevent_destroy') });
    expect(of(reviews, 'telemetry-prod-eu-west-1')).toMatchObject({ status: 'added', verdict: expect.stringMatching(/^new stack: data in eu-west-1 \(EU\)/) });
    untouched(reviews, 'telemetry-prod-eu-central-1', 'telemetry-prod-eu-west-1', 'telemetry-bootstrap-222222222222-eu-central-1', 'telemetry-bootstrap-222222222222-eu-west-1');
  });

  it('a residency exception and a dropped trust condition count as widening', () => {
    const reviews = review(
      reports(EXAMPLE_MATRIX, (stack, tf) => {
        if (stack !== 'telemetry-prod-eu-central-1') return;
        (tf.provider!.aws[0].default_tags as { tags: Record<string, string> }[])[0].tags.ResidencyExceptions = 'us-east-1';
        const role = Object.values(tf.resource!.aws_iam_role).find((r) => String(r.name).endsWith('-firehose'))!;
        const trust = JSON.parse(String(role.assume_role_policy));
        delete trust.Statement[0].Condition;
        role.assume_role_policy = JSON.stringify(trust);
      }),
    );
    const eu = of(reviews, 'telemetry-prod-eu-central-1');
    expect(eu.changes.map((c) => [c.category, c.kind, c.widensAccess === true])).toEqual([
      ['residency', 'added', true],
      ['access', 'removed', true],
    ]);
  });

  it('renders Markdown fit for a pull request: a summary table, then each changed stack by section', () => {
    const md = renderChangesMarkdown(review(reports(matrixWith({ defaults: { monitoring: { alarmEmails: ['oncall@example.com'] } } }))), 'main (abc1234)');
    expect(md).toMatch(/^# Change review against main \(abc1234\)\n\n\| Stack \| Status \| Verdict \|/);
    expect(md).toContain('## telemetry-dev-us-east-1 (changed)\n\n**Verdict:** no change to residency, retention or access\n\n### Alarms\n\n- added: destination email o…@example.com');
    expect(md).not.toMatch(/\d{4}-\d\d-\d\dT/);
  });
});
