import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadDeployments } from '../config';
import { stackTargets } from '../config/targets';

const root = join(__dirname, '..');

/** Runs a command of the project as users do, with its own output directory and no override file. */
function runProject(args: string[], env: NodeJS.ProcessEnv = {}) {
  const outdir = join(mkdtempSync(join(tmpdir(), 'cdktf-main-')), 'out');
  const base: NodeJS.ProcessEnv = { ...process.env, CDKTF_OUTDIR: outdir };
  delete base.TELEMETRY_CONFIG;
  delete base.CDKTF_CONTEXT_JSON;
  const result = spawnSync(process.execPath, args, { cwd: root, env: { ...base, ...env }, encoding: 'utf8' });
  return { ...result, outdir };
}

// The full app.synth() of main.ts, through `npm run synth` (scripts/synth.js): cross-stack references and
// validation errors only surface in a whole app, and this is the path users take.
describe('npm run synth: the full app of the default matrix', () => {
  const deployments = loadDeployments();
  const stacks = stackTargets(deployments).map((t) => t.stack).sort();
  const result = runProject(['scripts/synth.js']);
  const manifest = JSON.parse(readFileSync(join(result.outdir, 'manifest.json'), 'utf8'));

  it('succeeds quietly and names what it wrote', () => {
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(result.stdout).toContain(`Generated Terraform for ${stacks.length} stacks`);
  });

  it('writes one telemetry stack per deployment (at least three) and one bootstrap stack per account × region', () => {
    expect(deployments.length).toBeGreaterThanOrEqual(3);
    expect(Object.keys(manifest.stacks).sort()).toEqual(stacks);
    expect(readdirSync(join(result.outdir, 'stacks')).sort()).toEqual(stacks);
  });

  it.each(deployments.map((d) => [d.names.stack, d] as const))('%s is plain Terraform JSON with its own region and backend', (stack, d) => {
    const tf = JSON.parse(readFileSync(join(result.outdir, manifest.stacks[stack].synthesizedStackPath), 'utf8'));
    expect(tf.provider.aws[0].region).toBe(d.region);
    expect(tf.terraform.backend.s3).toMatchObject({ region: d.region, use_lockfile: true });
    // No cross-stack references: each stack deploys on its own.
    expect(manifest.stacks[stack].dependencies).toEqual([]);
    expect(JSON.stringify(tf)).not.toContain('terraform_remote_state');
  });
});

describe('main.ts as users run it', () => {
  it('a bad override file exits non-zero with every problem named, no stack trace, nothing written', () => {
    const config = join(mkdtempSync(join(tmpdir(), 'cfg-')), 'bad.json');
    writeFileSync(config, JSON.stringify({ deploymentOverrides: { 'prod/eu-central-1': { lifecycle: { standardIaDays: 10 }, firehose: { bufferSizeMb: 500 } } } }));
    const result = runProject(['scripts/run-ts.js', 'main.ts'], { TELEMETRY_CONFIG: config });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('prod/eu-central-1 lifecycle.standardIaDays: 10 — S3 requires at least 30 days before STANDARD_IA');
    expect(result.stderr).toContain('prod/eu-central-1 firehose.bufferSizeMb: 500');
    expect(result.stderr).not.toMatch(/^\s+at /m);
    // The App creates its (empty) outdir/stacks when constructed; no stack and no manifest may be written.
    expect(existsSync(join(result.outdir, 'manifest.json'))).toBe(false);
    expect(readdirSync(join(result.outdir, 'stacks'))).toEqual([]);
  });
});
