/**
 * The HCP Terraform workspaces stacks in the report (npm run report): a page section and a `<stack>.md` each, in their
 * own terms — workspaces, where runs come from, approval, the roles they assume — never as data stores.
 */
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolveMatrix } from '../../config/resolve';
import { readReports, writeReports } from '../../scripts/report/files';
import { readWorkspaces } from '../../scripts/report/workspaces';
import { synthesizeChecked } from '../../stacks/synth';
import { EXAMPLE_MATRIX } from '../fixtures/example-matrix';

const [dev, prodUs, prodEu] = EXAMPLE_MATRIX.deployments;
const matrix = {
  ...EXAMPLE_MATRIX,
  deployments: [
    dev,
    prodUs,
    {
      ...prodEu,
      backend: {
        type: 'cloud' as const,
        organization: 'acme-eu',
        workspacePrefix: 'telemetry',
        hostname: 'app.eu.terraform.io',
      },
    },
  ],
};

describe('the workspaces stack in the report', () => {
  const outdir = mkdtempSync(join(tmpdir(), 'report-ws-'));
  synthesizeChecked(resolveMatrix(matrix), { outdir });
  const reportDir = mkdtempSync(join(tmpdir(), 'report-ws-out-'));
  const workspaces = readWorkspaces(outdir);
  writeReports(readReports(outdir), reportDir, workspaces);

  it('is read from the synth: one per organization', () => {
    expect(workspaces.map((w) => [w.organization, w.hostname, w.workspaces.map((x) => x.name)])).toEqual([
      ['acme-eu', 'app.eu.terraform.io', ['telemetry-prod-eu-central-1']],
    ]);
  });

  it('has a section on the page and a Markdown file, saying whom it runs with which role, and no data', () => {
    const page = readFileSync(join(reportDir, 'index.html'), 'utf8');
    expect(page).toContain(`id="${workspaces[0].stack}"`);
    expect(page).toContain('arn:aws:iam::222222222222:role/telemetry-prod-eu-central-1-deploy-apply');
    const md = readFileSync(join(reportDir, `${workspaces[0].stack}.md`), 'utf8');
    expect(md).toMatch(
      /HCP Terraform organization acme-eu on app\.eu\.terraform\.io: 1 workspace\. Not an AWS stack: it holds no data/,
    );
    expect(md).toContain(
      '| telemetry-prod-eu-central-1 | telemetry-prod | remote | the CLI (npm run deploy) | yes ' +
        '| apply: arn:aws:iam::222222222222:role/telemetry-prod-eu-central-1-deploy-apply; plan: ' +
        'arn:aws:iam::222222222222:role/telemetry-prod-eu-central-1-deploy-plan |',
    );
    expect(md).not.toMatch(/data in/);
  });

  it('a matrix without HCP Terraform: no section', () => {
    const plain = mkdtempSync(join(tmpdir(), 'report-plain-'));
    // The deployment the matrix above runs in HCP Terraform, on its S3 backend.
    synthesizeChecked(resolveMatrix({ ...EXAMPLE_MATRIX, deployments: [prodEu] }), { outdir: plain });
    expect(readWorkspaces(plain)).toEqual([]);
    const dir = mkdtempSync(join(tmpdir(), 'report-plain-out-'));
    writeReports(readReports(plain), dir, []);
    expect(readFileSync(join(dir, 'index.html'), 'utf8')).not.toContain('telemetry-workspaces-');
    expect(existsSync(dir)).toBe(true);
  });
});
