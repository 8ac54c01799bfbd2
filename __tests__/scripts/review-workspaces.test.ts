/**
 * The HCP Terraform workspaces stacks in the change review (scripts/review/workspaces.ts): reviewed in their own
 * terms — which workspaces, from which repository, approved by whom, assuming which AWS roles — never as data stores;
 * another role, another repository or applies without approval fail the gate.
 */
import { Testing } from 'cdktf';
import type { MatrixConfig } from '../../config';
import { resolveMatrix } from '../../config/resolve';
import { buildMatrix } from '../../stacks/matrix';
import type { TerraformJson } from '../../terraform-json/stack-json';
import { WorkspacesStack } from '../../stacks/workspaces-stack';
import { workspacesChangesMarkdown } from '../../scripts/review/render';
import { compareWorkspaces, workspacesModel, type WorkspacesModel } from '../../scripts/review/workspaces';
import { EXAMPLE_MATRIX } from '../fixtures/example-matrix';

const [dev, prodUs, prodEu] = EXAMPLE_MATRIX.deployments;
const cloud = {
  type: 'cloud' as const,
  organization: 'acme-eu',
  workspacePrefix: 'telemetry',
  hostname: 'app.eu.terraform.io',
};
const withEu = (backend: Record<string, unknown>): MatrixConfig => ({
  ...EXAMPLE_MATRIX,
  deployments: [dev, prodUs, { ...prodEu, backend: backend as never }],
});

function workspaces(matrix: MatrixConfig): WorkspacesModel[] {
  const { all } = buildMatrix(Testing.app(), resolveMatrix(matrix));
  return all
    .filter((s): s is WorkspacesStack => s instanceof WorkspacesStack)
    .map((s) => workspacesModel(s.node.id, JSON.parse(Testing.synth(s)) as TerraformJson)!);
}

describe('review of the workspaces stacks', () => {
  it('reads a workspaces stack: each workspace with its project, runs, approval and the roles its variables name', () => {
    const [model] = workspaces(withEu(cloud));
    expect(model).toMatchObject({ hostname: 'app.eu.terraform.io', organization: 'acme-eu' });
    expect(model.workspaces).toEqual([
      {
        name: 'telemetry-prod-eu-central-1',
        project: 'telemetry-prod',
        autoApply: false,
        vcs: null,
        executionMode: 'remote',
        credentials: {
          TFC_AWS_PROVIDER_AUTH: 'true',
          TFC_AWS_PLAN_ROLE_ARN: 'arn:aws:iam::222222222222:role/telemetry-prod-eu-central-1-deploy-plan',
          TFC_AWS_APPLY_ROLE_ARN: 'arn:aws:iam::222222222222:role/telemetry-prod-eu-central-1-deploy-apply',
        },
      },
    ]);
  });

  it('an organization adopted: a new workspaces stack said in its own terms, not as data; not gated', () => {
    const [review] = compareWorkspaces([], workspaces(withEu(cloud)));
    expect(review.status).toBe('added');
    expect(review.verdict).toBe(
      'new workspaces stack: HCP Terraform organization acme-eu on app.eu.terraform.io, 1 workspace: telemetry-prod-eu-central-1 (project telemetry-prod, remote runs, applies approved by a reviewer; assumes apply role telemetry-prod-eu-central-1-deploy-apply of 222222222222, plan role telemetry-prod-eu-central-1-deploy-plan of 222222222222)',
    );
    expect(review.verdict).not.toMatch(/data in/);
    expect(review.effects).toEqual([]);
  });

  it('the same workspaces: unchanged', () => {
    expect(compareWorkspaces(workspaces(withEu(cloud)), workspaces(withEu(cloud))).map((r) => r.status)).toEqual([
      'unchanged',
    ]);
  });

  it('runs started from a repository, and applies without approval or with another role: gated', () => {
    const base = workspaces(withEu(cloud));
    const [vcs] = compareWorkspaces(
      base,
      workspaces(withEu({ ...cloud, vcs: { identifier: 'acme/infra', oauthTokenId: 'ot-abc123' } })),
    );
    expect(vcs.changes).toEqual([
      {
        words: 'workspace telemetry-prod-eu-central-1 runs start from: was the CLI; now acme/infra',
        effects: ['widens-access'],
      },
    ]);
    const edited = JSON.parse(JSON.stringify(base)) as WorkspacesModel[];
    edited[0].workspaces[0].autoApply = true;
    edited[0].workspaces[0].credentials.TFC_AWS_APPLY_ROLE_ARN = 'arn:aws:iam::222222222222:role/admin';
    const [r] = compareWorkspaces(base, edited);
    expect(r.effects).toEqual(['widens-access', 'weakens-protection']);
    expect(r.changes.map((c) => c.words)).toEqual([
      'workspace telemetry-prod-eu-central-1 TFC_AWS_APPLY_ROLE_ARN: was arn:aws:iam::222222222222:role/telemetry-prod-eu-central-1-deploy-apply; now arn:aws:iam::222222222222:role/admin',
      'workspace telemetry-prod-eu-central-1 applies: was approved by a reviewer; now without approval',
    ]);
  });
});

describe("changes.md's part on the workspaces stacks", () => {
  it("a summary row per stack and a line per change with its effects, written by the report document's Markdown writer", () => {
    const base = workspaces(withEu(cloud));
    const edited = JSON.parse(JSON.stringify(base)) as WorkspacesModel[];
    edited[0].workspaces[0].autoApply = true;
    const md = workspacesChangesMarkdown(compareWorkspaces(base, edited));
    const stack = base[0].stack;
    expect(md.split('\n')).toEqual([
      '',
      '## HCP Terraform workspaces',
      '',
      '| Stack | Status | Verdict |',
      '|---|---|---|',
      `| \`${stack}\` | changed | workspace telemetry-prod-eu-central-1 applies: was approved by a reviewer; now without approval |`,
      '',
      `- \`${stack}\`: workspace telemetry-prod-eu-central-1 applies: was approved by a reviewer; now without approval **(weakens protection)**`,
      '',
    ]);
    expect(workspacesChangesMarkdown([])).toBe('');
  });
});
