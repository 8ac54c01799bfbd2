/**
 * Snapshots of the configured matrix: the Terraform JSON of every stack exactly as `npm run synth` writes it
 * (fixtures/commands.ts runs it once per test run), one snapshot per stack, in
 * __snapshots__/synth-snapshots.test.ts.snap. This is what a reviewer diffs in a pull request.
 * After an intended config change: `npm test -- -u`, then review and commit the diff. `npm test` runs `jest --ci`,
 * so a new or removed stack fails until then instead of being written silently; the failure names each stack in a
 * line (stack-snapshots.ts), the snapshot file's diff is the full story.
 * On CDK Terrain (`npm run engine -- terrain`) each stack is first put in the form the default engine writes, which
 * differs in the engine label and the AWS provider requirement only (recorded-engine.ts): the snapshots stay CDKTF's.
 */
import { configuredSynth, CONFIGURED_SOURCE } from './fixtures/configured';
import { inRecordedEngineForm } from './recorded-engine';
import './stack-snapshots';

const stacks = new Map([...configuredSynth().stacks].map(([stack, json]) => [stack, inRecordedEngineForm(json)]));

describe(`synthesized Terraform of the configured matrix (${CONFIGURED_SOURCE})`, () => {
  it('every stack matches its snapshot', () => {
    expect(stacks).toMatchStackSnapshots();
  });
});
