/**
 * Residency in the change review (scripts/review/residency.ts): a stack pairs only with its earlier self (or the
 * deployment its configuration says it moved from); a move to another region or jurisdiction, and a stack in a
 * region outside its jurisdiction, fail `--fail-on-widening` with from and to said. Every stack of the matrix is
 * built as main.ts builds it (pipelines, state, trust), so the cases hold the trust stacks too.
 */
import { Testing } from 'cdktf';
import type { MatrixConfig } from '../../config';
import type { DeploymentConfig } from '../../config/matrix';
import { resolveMatrix, type ResolvedDeployment } from '../../config/resolve';
import type { StackReport } from '../../scripts/report/analyze';
import { analyzedOnce } from '../fixtures/analyzed';
import type { StackReview } from '../../scripts/report/changes';
import { compareReports, gateFailures } from '../../scripts/review/compare';
import { verdict } from '../../scripts/report/words';
import { CheckedStack } from '../../stacks/checked-stack';
import { buildMatrix, buildStacks } from '../../stacks/matrix';
import type { TelemetryStack } from '../../stacks/telemetry-stack';
import type { TerraformJson } from '../../terraform-json/stack-json';
import { EXAMPLE_MATRIX } from '../fixtures/example-matrix';
import { synthKept } from '../helpers';

/**
 * A pipeline stack per distinct resolved deployment, its one input (TelemetryStack's constructor), each in an app of
 * its own: the matrices below share most of their pipelines, and building and resolving them again was most of
 * this file's time.
 */
const pipelines = new Map<string, TelemetryStack>();
const pipeline = (d: ResolvedDeployment): TelemetryStack => {
  const key = JSON.stringify(d);
  if (!pipelines.has(key)) pipelines.set(key, buildStacks(Testing.app(), [d])[0]);
  return pipelines.get(key)!;
};
const analyzed = new WeakMap<CheckedStack, StackReport>();
const report = (s: CheckedStack): StackReport => {
  if (!analyzed.has(s))
    analyzed.set(s, analyzedOnce(s.facts.stack, JSON.parse(synthKept(s)) as TerraformJson, s.facts));
  return analyzed.get(s)!;
};

const cache = new Map<string, StackReport[]>();
/** The report of every AWS stack of a matrix (the workspaces stack deploys into HCP Terraform, not AWS). */
function reports(matrix: MatrixConfig): StackReport[] {
  const key = JSON.stringify(matrix);
  if (!cache.has(key)) {
    const deployments = resolveMatrix(matrix);
    const { all } = buildMatrix(Testing.app(), deployments, { telemetry: deployments.map(pipeline) });
    cache.set(key, all.filter((s): s is CheckedStack => s instanceof CheckedStack).map(report));
  }
  return cache.get(key)!;
}

const [dev, prodUs, prodEu] = EXAMPLE_MATRIX.deployments;
const matrix = (...deployments: DeploymentConfig[]): MatrixConfig => ({ ...EXAMPLE_MATRIX, deployments });
const BASE = matrix(dev, prodUs, prodEu);
const review = (change: MatrixConfig, base: MatrixConfig = BASE) => compareReports(reports(base), reports(change));
const of = (reviews: StackReview[], stack: string) =>
  reviews.find((r) => r.stack === stack) ?? { stack, status: 'absent' as const };
const summary = (reviews: StackReview[]) =>
  Object.fromEntries(
    reviews.filter((r) => r.status !== 'unchanged').map((r) => [r.stack, [r.status, r.effects, r.baseStack ?? null]]),
  );
const gated = (reviews: StackReview[]) => gateFailures(reviews).map((f) => [f.stack, f.effect]);
const reason = 'the app store review team is in Oregon (legal review 2026-11)';
/** The EU deployment with its state in HCP Terraform Europe (an adopter's second edit). */
const euOnHcp: DeploymentConfig = {
  ...prodEu,
  backend: { type: 'cloud', organization: 'acme-eu', workspacePrefix: 'telemetry', hostname: 'app.eu.terraform.io' },
};

describe('moving the EU stack to us-west-2', () => {
  it(
    'declared (movedFrom), jurisdiction changed to US: paired with ' +
      'its earlier self, the move gated and said from EU to US',
    () => {
      const reviews = review(
        matrix(dev, prodUs, { ...prodEu, region: 'us-west-2', jurisdiction: 'US', movedFrom: 'prod/eu-central-1' }),
      );
      const moved = of(reviews, 'telemetry-prod-us-west-2') as StackReview;
      expect([moved.status, moved.baseStack]).toEqual(['changed', 'telemetry-prod-eu-central-1']);
      expect(verdict(moved)).toMatch(
        new RegExp(
          '^moves residency: from eu-central-1 to us-west-2, jurisdiction EU → US: a new stack there; ' +
            'the data in eu-central-1 is not moved',
        ),
      );
      expect(gated(reviews)).toContainEqual(['telemetry-prod-us-west-2', 'moves-residency']);
    },
  );

  it(
    'left EU (a configured exception): the stack and its state stack ' +
      'are EU stacks in a US region, gated, with the reason',
    () => {
      const reviews = review(
        matrix(dev, prodUs, {
          ...prodEu,
          region: 'us-west-2',
          regionExceptions: { 'us-west-2': reason },
          movedFrom: 'prod/eu-central-1',
        }),
      );
      const moved = of(reviews, 'telemetry-prod-us-west-2') as StackReview;
      expect(verdict(moved)).toMatch(
        new RegExp(
          String.raw`^moves residency: from eu-central-1 to us-west-2 \(EU\): .* — moves residency: a EU stack ` +
            String.raw`in us-west-2 \(US\), outside EU's regions: exception "the app store review team`,
        ),
      );
      const state = of(reviews, 'telemetry-bootstrap-222222222222-us-west-2') as StackReview;
      expect([state.status, verdict(state)]).toEqual([
        'added',
        expect.stringMatching(
          new RegExp(
            String.raw`^new state stack: Terraform state of prod in telemetry-tfstate-222222222222-us-west-2 in ` +
              String.raw`us-west-2 \(EU\) — moves residency: a EU stack in us-west-2 \(US\)`,
          ),
        ),
      ]);
      expect(gated(reviews)).toEqual(
        expect.arrayContaining([
          ['telemetry-prod-us-west-2', 'moves-residency'],
          ['telemetry-bootstrap-222222222222-us-west-2', 'moves-residency'],
        ]),
      );
    },
  );

  it('left EU, not declared as a move: removed and added, the new EU stack in a US region gated all the same', () => {
    const reviews = review(
      matrix(dev, prodUs, { ...prodEu, region: 'us-west-2', regionExceptions: { 'us-west-2': reason } }),
    );
    expect(summary(reviews)).toMatchObject({
      'telemetry-prod-eu-central-1': ['removed', [], null],
      'telemetry-prod-us-west-2': ['added', ['moves-residency'], null],
    });
    expect(gated(reviews)).toEqual(expect.arrayContaining([['telemetry-prod-us-west-2', 'moves-residency']]));
  });

  it(
    'jurisdiction changed to US, not declared as a move: an EU stack removed and a US stack ' +
      'added, each as such; nothing moved, nothing gated (the EU data stays, prevent_destroy)',
    () => {
      const reviews = review(matrix(dev, prodUs, { ...prodEu, region: 'us-west-2', jurisdiction: 'US' }));
      expect(summary(reviews)).toEqual({
        'telemetry-prod-eu-central-1': ['removed', [], null],
        'telemetry-prod-us-west-2': ['added', [], null],
        'telemetry-bootstrap-222222222222-eu-central-1': ['removed', [], null],
        'telemetry-bootstrap-222222222222-us-west-2': ['added', [], null],
      });
      expect(verdict(of(reviews, 'telemetry-prod-eu-central-1') as StackReview)).toMatch(/prevent_destroy/);
      expect(gated(reviews)).toEqual([]);
    },
  );

  it(
    'the jurisdiction of a stack changed in place (EU → a ' + 'user-defined DE, same region): gated, said from and to',
    () => {
      const change = {
        ...matrix(dev, prodUs, { ...prodEu, jurisdiction: 'DE' }),
        jurisdictions: { DE: { name: 'Germany only', regions: ['eu-central-1'] } },
      };
      const reviews = review(change);
      const r = of(reviews, 'telemetry-prod-eu-central-1') as StackReview;
      expect(verdict(r)).toMatch(/moves residency: jurisdiction in eu-central-1: was EU; now DE/);
      expect(gated(reviews)).toContainEqual(['telemetry-prod-eu-central-1', 'moves-residency']);
    },
  );
});

describe('pairing by identity only', () => {
  it('an account change (the first edit) still pairs every stack with its earlier self: no residency effect', () => {
    const reviews = review(
      matrix(
        { ...dev, accountId: '123456789012' },
        { ...prodUs, accountId: '210987654321' },
        { ...prodEu, accountId: '210987654321' },
      ),
    );
    expect(reviews.map((r) => [r.stack, r.status, r.effects])).toEqual(
      reviews.map((r) => [r.stack, 'changed', ['moves-data']]),
    );
    expect(gated(reviews)).toEqual([]);
  });

  it(
    'the combined adoption change (EU state to HCP Europe, an ap-south-1 deployment added) is ' +
      "reviewed as its parts are alone: nothing paired across, no 'moves to ap-south-1'",
    () => {
      const mumbai: DeploymentConfig = {
        environment: 'prod',
        region: 'ap-south-1',
        accountId: '222222222222',
        jurisdiction: 'IN',
      };
      const combined = review(matrix(dev, prodUs, euOnHcp, mumbai));
      const stateAlone = review(matrix(dev, prodUs, euOnHcp));
      const mumbaiAlone = review(matrix(dev, prodUs, prodEu, mumbai));
      expect(summary(combined)).toEqual({ ...summary(stateAlone), ...summary(mumbaiAlone) });
      expect(of(combined, 'telemetry-bootstrap-222222222222-ap-south-1').status).toBe('added');
      expect(of(combined, 'telemetry-bootstrap-222222222222-eu-central-1').status).toBe('removed');
      for (const r of combined) expect(verdict(r)).not.toMatch(/moves|jurisdiction EU → IN/);
      expect(gated(combined)).toEqual(
        [...gated(stateAlone), ...gated(mumbaiAlone)].sort((a, b) => a.join().localeCompare(b.join())),
      );
    },
  );

  it('a trust stack is reviewed in its own terms: whom it trusts, no data', () => {
    const trust = review(matrix(dev, prodUs, euOnHcp)).find((r) => r.model.identity.role === 'trust')!;
    expect(trust.status).toBe('added');
    expect(verdict(trust)).toBe(
      'new trust stack: IAM (global) in account 222222222222, 2 deploy roles that runs of ' +
        'acme-eu/telemetry-prod-eu-central-1 on app.eu.terraform.io (plan, apply) may assume; holds no data',
    );
    expect(verdict(trust)).not.toMatch(/data in/);
    const removed = compareReports(reports(matrix(dev, prodUs, euOnHcp)), reports(BASE)).find(
      (r) => r.model.identity.role === 'trust',
    )!;
    expect([removed.status, verdict(removed)]).toEqual([
      'removed',
      expect.stringMatching(
        new RegExp(
          String.raw`^trust stack removed: its deploy roles \(.+\) and its identity provider are deleted; ` +
            String.raw`runs of acme-eu\/telemetry-prod-eu-central-1 on app\.eu\.terraform\.io \(plan, apply\) ` +
            String.raw`can no longer assume them$`,
        ),
      ),
    ]);
  });

  it('a movedFrom naming a deployment still in the matrix, or claimed twice, is a configuration error', () => {
    expect(() => resolveMatrix(matrix(dev, prodUs, { ...prodEu, movedFrom: 'prod/us-east-1' }))).toThrow(
      /movedFrom: "prod\/us-east-1" — that deployment is still in the matrix/,
    );
    expect(() =>
      resolveMatrix(
        matrix(
          dev,
          { ...prodUs, region: 'us-east-2', movedFrom: 'prod/eu-west-1' },
          { ...prodEu, movedFrom: 'prod/eu-west-1' },
        ),
      ),
    ).toThrow(/already moved from there/);
  });
});
