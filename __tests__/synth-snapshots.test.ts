/**
 * Snapshots of the configured matrix: the Terraform JSON of every stack exactly as `npm run synth` writes it
 * (fixtures/commands.ts runs it once per test run), one snapshot per stack, in
 * __snapshots__/synth-snapshots.test.ts.snap.
 * This is what a reviewer diffs in a pull request. After an intended config change: `npx jest -u`, then review and
 * commit the diff. `npm test` runs `jest --ci`, so a new or removed stack fails until then instead of being
 * written silently.
 */
import { configuredSynth, CONFIGURED_SOURCE } from './fixtures/configured';

const { stacks } = configuredSynth();

describe(`synthesized Terraform of the configured matrix (${CONFIGURED_SOURCE})`, () => {
  it.each([...stacks.keys()].map((name) => [name]))('%s', (name) => {
    expect(stacks.get(name)).toMatchSnapshot(name);
  });
});
