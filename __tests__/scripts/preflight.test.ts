import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { StackTarget } from '../../config/targets';
import { isEntryPoint } from '../../scripts/cli';
import { deploy } from '../../scripts/deploy';
import { describeStsError, matchStacks, preflight, type StsLike } from '../../scripts/preflight';

const targets: StackTarget[] = [
  { stack: 'telemetry-prod-us-east-1', kind: 'telemetry', accountId: '123456789012', region: 'us-east-1' },
  { stack: 'telemetry-prod-eu-central-1', kind: 'telemetry', accountId: '123456789012', region: 'eu-central-1' },
  { stack: 'telemetry-dev-us-east-1', kind: 'telemetry', accountId: '210987654321', region: 'us-east-1' },
  { stack: 'telemetry-bootstrap-123456789012-eu-central-1', kind: 'bootstrap', accountId: '123456789012', region: 'eu-central-1' },
];

/** An injected STS client: answers with an identity, or fails like the SDK does. */
const sts = (answer: { Account?: string; Arn?: string } | Error): StsLike & { calls: number } => {
  const client = {
    calls: 0,
    send: async () => {
      client.calls += 1;
      if (answer instanceof Error) throw answer;
      return answer;
    },
  };
  return client;
};

const sdkError = (name: string, message: string) => Object.assign(new Error(message), { name });

describe('preflight (injected STS client, no network)', () => {
  it('passes when the credentials belong to the stack’s account', async () => {
    const client = sts({ Account: '123456789012', Arn: 'arn:aws:sts::123456789012:assumed-role/deployer/ci' });
    const result = await preflight(['telemetry-prod-eu-central-1'], { targets, stsFor: () => client });
    expect(result).toEqual({ ok: true, matched: [targets[1]], lines: ['telemetry-prod-eu-central-1: OK — account 123456789012 (arn:aws:sts::123456789012:assumed-role/deployer/ci), region eu-central-1'] });
    expect(client.calls).toBe(1);
  });

  it('refuses the wrong account, naming both accounts', async () => {
    const result = await preflight(['telemetry-prod-eu-central-1'], { targets, stsFor: () => sts({ Account: '999999999999', Arn: 'arn:aws:iam::999999999999:user/someone' }) });
    expect(result.ok).toBe(false);
    expect(result.lines[0]).toMatch(/credentials are for account 999999999999 .* but the stack deploys into account 123456789012/);
  });

  it('says clearly when there are no credentials', async () => {
    const result = await preflight(['telemetry-prod-us-east-1'], { targets, stsFor: () => sts(sdkError('CredentialsProviderError', 'Could not load credentials from any providers')) });
    expect(result).toEqual({ ok: false, matched: [targets[0]], lines: [expect.stringContaining('no AWS credentials found')] });
  });

  it('says clearly when the token has expired', async () => {
    const result = await preflight(['telemetry-prod-us-east-1'], { targets, stsFor: () => sts(sdkError('ExpiredToken', 'The security token included in the request is expired')) });
    expect(result).toEqual({ ok: false, matched: [targets[0]], lines: [expect.stringContaining('have expired')] });
  });

  it('checks every stack a glob matches, with one STS client per region', async () => {
    const regions: string[] = [];
    const result = await preflight(['telemetry-prod-*'], {
      targets,
      stsFor: (region) => {
        regions.push(region);
        return sts({ Account: '123456789012', Arn: 'arn:aws:iam::123456789012:role/x' });
      },
    });
    expect(result.ok).toBe(true);
    expect(result.lines).toHaveLength(2);
    expect(regions).toEqual(['us-east-1', 'eu-central-1']);
  });

  it('rejects unknown stack names and lists the known ones', async () => {
    const result = await preflight(['telemetry-prod-us-west-2'], { targets, stsFor: () => sts({}) });
    expect(result.lines[0]).toMatch(/unknown stack\(s\) telemetry-prod-us-west-2; known: telemetry-prod-us-east-1/);
  });

  it('refuses the placeholder accounts of the default matrix before calling AWS', async () => {
    const client = sts({ Account: '222222222222' });
    const result = await preflight(['x'], { targets: [{ stack: 'x', kind: 'telemetry', accountId: '222222222222', region: 'us-east-1' }], stsFor: () => client });
    expect(result.lines[0]).toMatch(/placeholder/);
    expect(client.calls).toBe(0);
  });

  it('matches region globs across kinds', () => {
    expect(matchStacks(['*-eu-central-1'], targets).matched.map((t) => t.stack)).toEqual(['telemetry-prod-eu-central-1', 'telemetry-bootstrap-123456789012-eu-central-1']);
  });

  it('describes unknown STS errors with their code', () => {
    expect(describeStsError(sdkError('AccessDenied', 'nope'))).toBe('STS GetCallerIdentity failed: AccessDenied: nope');
  });
});

describe('deploy wrapper', () => {
  it('deploys nothing when preflight fails (default matrix: placeholder accounts)', async () => {
    const run = jest.fn(() => 0);
    const errors = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    const code = await deploy(['telemetry-prod-eu-central-1', '--auto-approve'], run, () => sts({ Account: '222222222222' }));
    errors.mockRestore();
    expect(code).toBe(1);
    expect(run).not.toHaveBeenCalled();
  });

  it('runs cdktf deploy for exactly the matched stacks, flags passed through, when preflight passes', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'deploy-'));
    const config = join(dir, 'accounts.json');
    writeFileSync(config, JSON.stringify({ deployments: [{ environment: 'prod', region: 'eu-central-1', accountId: '123456789012', profile: 'compliance', jurisdiction: 'EU' }] }));
    const saved = process.env.TELEMETRY_CONFIG;
    process.env.TELEMETRY_CONFIG = config;
    const log = jest.spyOn(console, 'log').mockImplementation(() => undefined);
    try {
      const run = jest.fn(() => 0);
      const code = await deploy(['telemetry-prod-*', '--auto-approve'], run, () => sts({ Account: '123456789012', Arn: 'arn:aws:iam::123456789012:role/deployer' }));
      expect(code).toBe(0);
      expect(run.mock.calls).toEqual([['npx', ['cdktf', 'deploy', 'telemetry-prod-eu-central-1', '--auto-approve']]]);
    } finally {
      log.mockRestore();
      if (saved === undefined) delete process.env.TELEMETRY_CONFIG;
      else process.env.TELEMETRY_CONFIG = saved;
    }
  });

  it('a region glob deploys the state bucket first, then the pipeline; a failed bootstrap stops the rest', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'deploy-'));
    const config = join(dir, 'accounts.json');
    writeFileSync(
      config,
      JSON.stringify({
        deployments: [
          { environment: 'prod', region: 'eu-central-1', accountId: '123456789012', profile: 'compliance', jurisdiction: 'EU' },
          { environment: 'dev', region: 'eu-central-1', accountId: '123456789012', jurisdiction: 'EU' },
        ],
      }),
    );
    const saved = process.env.TELEMETRY_CONFIG;
    process.env.TELEMETRY_CONFIG = config;
    const log = jest.spyOn(console, 'log').mockImplementation(() => undefined);
    const errors = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    try {
      const identity = () => sts({ Account: '123456789012', Arn: 'arn:aws:iam::123456789012:role/deployer' });
      const run = jest.fn(() => 0);
      expect(await deploy(['*-eu-central-1'], run, identity)).toBe(0);
      expect(run.mock.calls).toEqual([
        ['npx', ['cdktf', 'deploy', 'telemetry-bootstrap-123456789012-eu-central-1']],
        ['npx', ['cdktf', 'deploy', 'telemetry-prod-eu-central-1', 'telemetry-dev-eu-central-1']],
      ]);

      const failing = jest.fn(() => 1);
      expect(await deploy(['*-eu-central-1'], failing, identity)).toBe(1);
      expect(failing).toHaveBeenCalledTimes(1);
      expect(errors).toHaveBeenLastCalledWith(
        'cdktf deploy failed for telemetry-bootstrap-123456789012-eu-central-1; not deployed: telemetry-prod-eu-central-1, telemetry-dev-eu-central-1',
      );
    } finally {
      log.mockRestore();
      errors.mockRestore();
      if (saved === undefined) delete process.env.TELEMETRY_CONFIG;
      else process.env.TELEMETRY_CONFIG = saved;
    }
  });

  it('as users run it (npm run deploy, bundled by run-ts): each problem said once, and only the deploy verdict', () => {
    const root = join(__dirname, '../..');
    const env = { ...process.env };
    delete env.TELEMETRY_CONFIG;
    const result = spawnSync(process.execPath, ['scripts/run-ts.js', 'scripts/deploy.ts', 'telemetry-prod-*'], { cwd: root, env, encoding: 'utf8' });
    expect(result.status).toBe(1);
    expect(result.stderr.trim().split('\n')).toEqual([
      'telemetry-prod-us-east-1: account 222222222222 is a placeholder from config/matrix.ts — set your real account id before deploying',
      'telemetry-prod-eu-central-1: account 222222222222 is a placeholder from config/matrix.ts — set your real account id before deploying',
      'preflight failed: nothing was deployed',
    ]);
  });
});

describe('isEntryPoint', () => {
  it('is true only for the script named as the program, however the path is spelled', () => {
    const cwd = process.cwd();
    expect(isEntryPoint('scripts/deploy.ts', ['node', 'scripts/deploy.ts'])).toBe(true);
    expect(isEntryPoint('scripts/deploy.ts', ['node', join(cwd, 'scripts', 'deploy.ts')])).toBe(true);
    expect(isEntryPoint('scripts/preflight.ts', ['node', 'scripts/deploy.ts'])).toBe(false);
    expect(isEntryPoint('scripts/report/index.ts', ['node', 'scripts/index.ts'])).toBe(false);
    expect(isEntryPoint('scripts/deploy.ts', ['node'])).toBe(false);
  });
});
