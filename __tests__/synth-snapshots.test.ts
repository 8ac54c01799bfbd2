/**
 * Snapshots of the configured matrix: the Terraform JSON of every stack exactly as `npm run synth` writes it, one
 * snapshot per stack, in __snapshots__/synth-snapshots.test.ts.snap. This is what a reviewer diffs in a pull
 * request. After an intended config change: `npx jest -u`, then review and commit the diff. Jest runs with
 * `ci: true` (jest.config.js), so a new or removed stack fails until then instead of being written silently.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App } from 'cdktf';
import { buildMatrix, validateStacks } from '../stacks/matrix';
import { CONFIGURED, CONFIGURED_SOURCE } from './fixtures/configured';

const outdir = mkdtempSync(join(tmpdir(), 'synth-snapshots-'));
const app = new App({ outdir, skipValidation: true });
const stacks = buildMatrix(app, CONFIGURED).all;
validateStacks(stacks);
app.synth();
const manifest = JSON.parse(readFileSync(join(outdir, 'manifest.json'), 'utf8')) as { stacks: Record<string, { synthesizedStackPath: string }> };
afterAll(() => rmSync(outdir, { recursive: true, force: true }));

describe(`synthesized Terraform of the configured matrix (${CONFIGURED_SOURCE})`, () => {
  it.each(Object.keys(manifest.stacks).map((name) => [name]))('%s', (name) => {
    expect(readFileSync(join(outdir, manifest.stacks[name].synthesizedStackPath), 'utf8')).toMatchSnapshot(name);
  });
});
