import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App } from 'cdktf';
import { loadDeployments } from '../config';
import { stackTargets } from '../config/targets';
import { buildMatrix, validateStacks } from '../stacks/matrix';

const root = join(__dirname, '..');

describe('full app.synth() of the default matrix', () => {
  const outdir = mkdtempSync(join(tmpdir(), 'cdktf-out-'));
  const app = new App({ outdir, skipValidation: true });
  const deployments = loadDeployments();
  // As main.ts does: the telemetry stacks and their state bootstrap stacks.
  validateStacks(buildMatrix(app, deployments).all);
  app.synth();
  const manifest = JSON.parse(readFileSync(join(outdir, 'manifest.json'), 'utf8'));

  it('writes one telemetry stack per deployment (at least three) and one bootstrap stack per account × region', () => {
    expect(Object.keys(manifest.stacks).sort()).toEqual(stackTargets(deployments).map((t) => t.stack).sort());
    expect(deployments.length).toBeGreaterThanOrEqual(3);
  });

  it.each(deployments.map((d) => [d.names.stack, d] as const))('%s is plain Terraform JSON with its own region and backend', (stack, d) => {
    const tf = JSON.parse(readFileSync(join(outdir, manifest.stacks[stack].synthesizedStackPath), 'utf8'));
    expect(tf.provider.aws[0].region).toBe(d.region);
    expect(tf.terraform.backend.s3).toMatchObject({ region: d.region, use_lockfile: true });
    // No cross-stack references: each stack deploys on its own.
    expect(manifest.stacks[stack].dependencies).toEqual([]);
    expect(JSON.stringify(tf)).not.toContain('terraform_remote_state');
  });
});

describe('main.ts as users run it', () => {
  const run = (env: Record<string, string>) => {
    const outdir = join(mkdtempSync(join(tmpdir(), 'cdktf-main-')), 'out');
    const result = spawnSync(process.execPath, ['scripts/run-ts.js', 'main.ts'], { cwd: root, env: { ...process.env, ...env, CDKTF_OUTDIR: outdir }, encoding: 'utf8' });
    return { ...result, outdir };
  };

  it('a bad override file exits non-zero with every problem named, no stack trace, nothing written', () => {
    const config = join(mkdtempSync(join(tmpdir(), 'cfg-')), 'bad.json');
    writeFileSync(config, JSON.stringify({ deploymentOverrides: { 'prod/eu-central-1': { lifecycle: { standardIaDays: 10 }, firehose: { bufferSizeMb: 500 } } } }));
    const result = run({ TELEMETRY_CONFIG: config });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('prod/eu-central-1 lifecycle.standardIaDays: 10 — S3 requires at least 30 days before STANDARD_IA');
    expect(result.stderr).toContain('prod/eu-central-1 firehose.bufferSizeMb: 500');
    expect(result.stderr).not.toMatch(/^\s+at /m);
    // The App creates its (empty) outdir/stacks when constructed; no stack and no manifest may be written.
    expect(existsSync(join(result.outdir, 'manifest.json'))).toBe(false);
    expect(readdirSync(join(result.outdir, 'stacks'))).toEqual([]);
  });

  it('npm run synth (scripts/synth.js, no cdktf-cli) writes every stack of the matrix and names them', () => {
    const outdir = join(mkdtempSync(join(tmpdir(), 'cdktf-synth-')), 'out');
    const env: NodeJS.ProcessEnv = { ...process.env, CDKTF_OUTDIR: outdir };
    delete env.TELEMETRY_CONFIG;
    delete env.CDKTF_CONTEXT_JSON;
    const result = spawnSync(process.execPath, ['scripts/synth.js'], { cwd: root, env, encoding: 'utf8' });
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    const stacks = stackTargets(loadDeployments()).map((t) => t.stack).sort();
    expect(Object.keys(JSON.parse(readFileSync(join(outdir, 'manifest.json'), 'utf8')).stacks).sort()).toEqual(stacks);
    expect(readdirSync(join(outdir, 'stacks')).sort()).toEqual(stacks);
    expect(result.stdout).toContain(`Generated Terraform for ${stacks.length} stacks`);
  });
});
