/**
 * main.ts as users run it: an invariant over the configured matrix, synthesized once per test run through
 * scripts/synth.ts with this process's environment and cdktf.json (fixtures/commands.ts). A failed synth:
 * commands.test.ts.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { backendLocation } from '../config/names';
import { stackTargets } from '../config/targets';
import { CONFIGURED, CONFIGURED_SOURCE, configuredSynth } from './fixtures/configured';

// The full app.synth() of main.ts, through `npm run synth` (scripts/synth.ts): cross-stack references and
// validation errors only surface in a whole app, and this is the path users take.
// It runs once per test run, in the background (fixtures/commands.ts); these tests read what it wrote.
describe(`npm run synth: the full app of the configured matrix (${CONFIGURED_SOURCE})`, () => {
  const stacks = stackTargets(CONFIGURED)
    .map((t) => t.stack)
    .sort();
  const result = configuredSynth();
  const manifest = JSON.parse(readFileSync(join(result.outdir, 'manifest.json'), 'utf8'));

  it('succeeds (every policy check passed: a failing one stops synth) and names what it wrote', () => {
    expect(result.error).toBeUndefined();
    expect(result.stderr).not.toMatch(/^Error/m);
    expect(result.status).toBe(0);
    expect(result.stdout).toContain(`Generated Terraform for ${stacks.length} stacks`);
  });

  it(
    'writes one telemetry stack per deployment and one ' + 'bootstrap stack per account × region keeping state in S3',
    () => {
      expect(Object.keys(manifest.stacks).sort()).toEqual(stacks);
      expect(readdirSync(join(result.outdir, 'stacks')).sort()).toEqual(stacks);
    },
  );

  it.each(CONFIGURED.map((d) => [d.names.stack, d] as const))(
    '%s is plain Terraform JSON with its own region and backend',
    (stack, d) => {
      const tf = JSON.parse(readFileSync(join(result.outdir, manifest.stacks[stack].synthesizedStackPath), 'utf8'));
      expect(tf.provider.aws[0].region).toBe(d.region);
      if (d.backend.type === 's3')
        expect(tf.terraform.backend.s3).toMatchObject({
          region: d.region,
          use_lockfile: true,
          key: backendLocation(d.backend, d.environment, d.region, d.accountId).key,
        });
      else
        expect(tf.terraform.cloud.workspaces.name).toBe(
          backendLocation(d.backend, d.environment, d.region, d.accountId).workspace,
        );
      // No cross-stack references: each stack deploys on its own.
      expect(manifest.stacks[stack].dependencies).toEqual([]);
      expect(JSON.stringify(tf)).not.toContain('terraform_remote_state');
    },
  );
});
