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
import { workspaceChangeWords, workspacesVerdict } from '../../scripts/report/words';
import { changesJson, workspacesChangesMarkdown } from '../../scripts/review/render';
import { workspacesModel, type WorkspacesModel } from '../../scripts/report/workspaces';
import { compareWorkspaces } from '../../scripts/review/workspaces';
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
  it(
    'reads a workspaces stack: each workspace with its project, ' + 'runs, approval and the roles its variables name',
    () => {
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
    },
  );

  it('an organization adopted: a new workspaces stack said in its own terms, not as data; not gated', () => {
    const [review] = compareWorkspaces([], workspaces(withEu(cloud)));
    expect(review.status).toBe('added');
    expect(workspacesVerdict(review)).toBe(
      'new workspaces stack: HCP Terraform organization acme-eu on app.eu.terraform.io, 1 ' +
        'workspace: telemetry-prod-eu-central-1 (project telemetry-prod, remote runs, applies ' +
        'approved by a reviewer; assumes apply role telemetry-prod-eu-central-1-deploy-apply of ' +
        '222222222222, plan role telemetry-prod-eu-central-1-deploy-plan of 222222222222)',
    );
    expect(workspacesVerdict(review)).not.toMatch(/data in/);
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
        workspace: 'telemetry-prod-eu-central-1',
        kind: 'changed',
        field: { kind: 'vcs', before: null, after: 'acme/infra' },
        effects: ['widens-access'],
      },
    ]);
    expect(vcs.changes.map(workspaceChangeWords)).toEqual([
      'workspace telemetry-prod-eu-central-1 runs start from: was the CLI; now acme/infra',
    ]);
    const edited = JSON.parse(JSON.stringify(base)) as WorkspacesModel[];
    edited[0].workspaces[0].autoApply = true;
    edited[0].workspaces[0].credentials.TFC_AWS_APPLY_ROLE_ARN = 'arn:aws:iam::222222222222:role/admin';
    const [r] = compareWorkspaces(base, edited);
    expect(r.effects).toEqual(['widens-access', 'weakens-protection']);
    expect(r.changes.map((c) => (c.kind === 'changed' ? c.field : c.kind))).toEqual([
      {
        kind: 'credential',
        variable: 'TFC_AWS_APPLY_ROLE_ARN',
        before: 'arn:aws:iam::222222222222:role/telemetry-prod-eu-central-1-deploy-apply',
        after: 'arn:aws:iam::222222222222:role/admin',
      },
      { kind: 'auto-apply', before: false, after: true },
    ]);
    expect(r.changes.map(workspaceChangeWords)).toEqual([
      'workspace telemetry-prod-eu-central-1 TFC_AWS_APPLY_ROLE_ARN: was ' +
        'arn:aws:iam::222222222222:role/telemetry-prod-eu-central-1-deploy-apply; now ' +
        'arn:aws:iam::222222222222:role/admin',
      'workspace telemetry-prod-eu-central-1 applies: was approved by a reviewer; now without approval',
    ]);
  });
});

describe("changes.json's workspaces: typed changes, declared in ChangesJson", () => {
  it(
    'each change as data (workspace, field, before, after) with ' +
      'its words; a workspace added or removed with its name',
    () => {
      const base = workspaces(withEu(cloud));
      const edited = JSON.parse(JSON.stringify(base)) as WorkspacesModel[];
      const [only] = edited[0].workspaces;
      edited[0].workspaces = [{ ...only, name: 'telemetry-renamed', executionMode: 'agent' }];
      const json = changesJson([], 'base', 'synth', compareWorkspaces(base, edited));
      expect(json.workspaces).toHaveLength(1);
      const [w] = json.workspaces;
      expect(w).toMatchObject({ stack: base[0].stack, status: 'changed', effects: [] });
      expect(w.changes.map(({ words: _words, ...c }) => c)).toEqual([
        { workspace: 'telemetry-renamed', kind: 'added', settings: edited[0].workspaces[0], effects: [] },
        { workspace: 'telemetry-prod-eu-central-1', kind: 'removed', effects: [] },
      ]);
      expect(w.changes.map((c) => c.words)).toEqual([
        expect.stringMatching(/^new workspace telemetry-renamed \(project telemetry-prod, agent runs, /),
        'removed workspace telemetry-prod-eu-central-1',
      ]);
      expect(w.verdict).toBe(w.changes.map((c) => c.words).join('; '));
      // Round-trips through JSON as declared: nothing undefined dropped, no key the type does not name.
      expect(JSON.parse(JSON.stringify(json))).toEqual(json);
      expect(Object.keys(json).sort()).toEqual(['base', 'stacks', 'synth', 'workspaces']);
    },
  );

  it('a credential unset on one side is null, not a missing key', () => {
    const base = workspaces(withEu(cloud));
    const edited = JSON.parse(JSON.stringify(base)) as WorkspacesModel[];
    delete edited[0].workspaces[0].credentials.TFC_AWS_PLAN_ROLE_ARN;
    const [w] = changesJson([], 'base', 'synth', compareWorkspaces(base, edited)).workspaces;
    expect(w.changes[0]).toMatchObject({
      kind: 'changed',
      field: { kind: 'credential', variable: 'TFC_AWS_PLAN_ROLE_ARN', after: null },
      effects: ['narrows-access'],
      words: expect.stringMatching(/TFC_AWS_PLAN_ROLE_ARN: was arn:.*; now unset$/),
    });
  });
});

describe("changes.md's part on the workspaces stacks", () => {
  it(
    'a summary row per stack and a line per change with its ' +
      "effects, written by the report document's Markdown writer",
    () => {
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
        `| \`${stack}\` | changed | workspace telemetry-prod-eu-central-1 ` +
          `applies: was approved by a reviewer; now without approval |`,
        '',
        `- \`${stack}\`: workspace telemetry-prod-eu-central-1 applies: was ` +
          `approved by a reviewer; now without approval **(weakens protection)**`,
        '',
      ]);
      expect(workspacesChangesMarkdown([])).toBe('');
    },
  );
});
