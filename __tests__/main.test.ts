/**
 * main.ts as users run it. The first block is an invariant over the configured matrix (global-setup.js synthesized
 * it through scripts/synth.js with this process's environment and cdktf.json); the second plants a bad override file.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { backendLocation } from '../config/names';
import { stackTargets } from '../config/targets';
import { CONFIGURED, CONFIGURED_SOURCE, configuredSynth } from './fixtures/configured';

const root = join(__dirname, '..');

/** Runs a command of the project as users do, into an output directory of its own. */
function runProject(args: string[], env: NodeJS.ProcessEnv = {}, outdir = join(mkdtempSync(join(tmpdir(), 'cdktf-main-')), 'out')) {
  const result = spawnSync(process.execPath, args, { cwd: root, env: { ...process.env, CDKTF_OUTDIR: outdir, ...env }, encoding: 'utf8' });
  return { ...result, outdir };
}

// The full app.synth() of main.ts, through `npm run synth` (scripts/synth.js): cross-stack references and
// validation errors only surface in a whole app, and this is the path users take.
// global-setup.js ran it once for the whole test run; these tests read what it wrote.
describe(`npm run synth: the full app of the configured matrix (${CONFIGURED_SOURCE})`, () => {
  const stacks = stackTargets(CONFIGURED).map((t) => t.stack).sort();
  const result = configuredSynth();
  const manifest = JSON.parse(readFileSync(join(result.outdir, 'manifest.json'), 'utf8'));

  it('succeeds (every policy check passed: a failing one stops synth) and names what it wrote', () => {
    expect(result.error).toBeUndefined();
    expect(result.stderr).not.toMatch(/^Error/m);
    expect(result.status).toBe(0);
    expect(result.stdout).toContain(`Generated Terraform for ${stacks.length} stacks`);
  });

  it('writes one telemetry stack per deployment and one bootstrap stack per account × region keeping state in S3', () => {
    expect(Object.keys(manifest.stacks).sort()).toEqual(stacks);
    expect(readdirSync(join(result.outdir, 'stacks')).sort()).toEqual(stacks);
  });

  it.each(CONFIGURED.map((d) => [d.names.stack, d] as const))('%s is plain Terraform JSON with its own region and backend', (stack, d) => {
    const tf = JSON.parse(readFileSync(join(result.outdir, manifest.stacks[stack].synthesizedStackPath), 'utf8'));
    expect(tf.provider.aws[0].region).toBe(d.region);
    if (d.backend.type === 's3') expect(tf.terraform.backend.s3).toMatchObject({ region: d.region, use_lockfile: true, key: backendLocation(d.backend, d.environment, d.region, d.accountId).key });
    else expect(tf.terraform.cloud.workspaces.name).toBe(backendLocation(d.backend, d.environment, d.region, d.accountId).workspace);
    // No cross-stack references: each stack deploys on its own.
    expect(manifest.stacks[stack].dependencies).toEqual([]);
    expect(JSON.stringify(tf)).not.toContain('terraform_remote_state');
  });
});

describe('a failed synth', () => {
  const bad = join(mkdtempSync(join(tmpdir(), 'cfg-')), 'bad.json');
  writeFileSync(
    bad,
    JSON.stringify({
      profiles: { standard: {} },
      deployments: [{ environment: 'prod', region: 'eu-central-1', accountId: '123456789012', profile: 'standard', overrides: { lifecycle: { standardIaDays: 10 }, firehose: { bufferSizeMb: 500 } } }],
    }),
  );

  // `npm run synth` runs main.ts after clearing the output; `cdktf synth` does the same through cdktf-cli.
  it('exits non-zero with every problem and the file named, no stack trace, and leaves cdktf.out/ without stacks: an earlier synth’s output is removed, never left for a deploy to pick up', () => {
    const outdir = join(mkdtempSync(join(tmpdir(), 'cdktf-stale-')), 'out');
    mkdirSync(join(outdir, 'stacks', 'telemetry-prod-eu-central-1'), { recursive: true });
    writeFileSync(join(outdir, 'stacks', 'telemetry-prod-eu-central-1', 'cdk.tf.json'), '{}');
    writeFileSync(join(outdir, 'manifest.json'), '{"stacks":{}}');
    const result = runProject(['scripts/synth.js'], { TELEMETRY_CONFIG: bad }, outdir);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(`prod/eu-central-1 lifecycle.standardIaDays: 10 — S3 requires at least 30 days before STANDARD_IA (set in ${bad})`);
    expect(result.stderr).toContain('prod/eu-central-1 firehose.bufferSizeMb: 500');
    expect(result.stderr).not.toMatch(/^\s+at /m);
    expect(existsSync(join(outdir, 'manifest.json'))).toBe(false);
    expect(existsSync(join(outdir, 'stacks')) ? readdirSync(join(outdir, 'stacks')) : []).toEqual([]);
  });
});
