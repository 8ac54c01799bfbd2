import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadDeployments } from '../../config';
import { isPlaceholderAccount } from '../../config/matrix';
import { stackTargets, type StackTarget } from '../../config/targets';
import { isEntryPoint } from '../../scripts/cli';
import { deploy, main as deployMain } from '../../scripts/deploy';
import { describeStsError, preflight, type StsLike } from '../../scripts/account-check';
import { matchStacks } from '../../scripts/cli';
import { main as preflightMain } from '../../scripts/preflight';
import { engineCli } from '../../stacks/engine';
import { CONFIGURED } from '../fixtures/configured';

const targets: StackTarget[] = [
  { stack: 'telemetry-prod-us-east-1', kind: 'telemetry', accountId: '123456789012', region: 'us-east-1' },
  { stack: 'telemetry-prod-eu-central-1', kind: 'telemetry', accountId: '123456789012', region: 'eu-central-1' },
  { stack: 'telemetry-dev-us-east-1', kind: 'telemetry', accountId: '210987654321', region: 'us-east-1' },
  {
    stack: 'telemetry-bootstrap-123456789012-eu-central-1',
    kind: 'bootstrap',
    accountId: '123456789012',
    region: 'eu-central-1',
  },
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

// Test files share a thread (jest-light-runner): a console spy left by a failing test must not outlive it.
afterEach(() => jest.restoreAllMocks());

describe('preflight (injected STS client, no network)', () => {
  it('passes when the credentials belong to the stack’s account', async () => {
    const client = sts({ Account: '123456789012', Arn: 'arn:aws:sts::123456789012:assumed-role/deployer/ci' });
    const result = await preflight(['telemetry-prod-eu-central-1'], { targets, stsFor: () => client });
    expect(result).toEqual({
      ok: true,
      matched: [targets[1]],
      lines: [
        'telemetry-prod-eu-central-1: OK — account 123456789012 ' +
          '(arn:aws:sts::123456789012:assumed-role/deployer/ci), region eu-central-1',
      ],
    });
    expect(client.calls).toBe(1);
  });

  it('refuses the wrong account, naming both accounts', async () => {
    const result = await preflight(['telemetry-prod-eu-central-1'], {
      targets,
      stsFor: () => sts({ Account: '999999999999', Arn: 'arn:aws:iam::999999999999:user/someone' }),
    });
    expect(result.ok).toBe(false);
    expect(result.lines[0]).toMatch(
      /credentials are for account 999999999999 .* but the stack deploys into account 123456789012/,
    );
  });

  it('says clearly when there are no credentials', async () => {
    const result = await preflight(['telemetry-prod-us-east-1'], {
      targets,
      stsFor: () => sts(sdkError('CredentialsProviderError', 'Could not load credentials from any providers')),
    });
    expect(result).toEqual({
      ok: false,
      matched: [targets[0]],
      lines: [expect.stringContaining('no AWS credentials found')],
    });
  });

  it('says clearly when the token has expired', async () => {
    const result = await preflight(['telemetry-prod-us-east-1'], {
      targets,
      stsFor: () => sts(sdkError('ExpiredToken', 'The security token included in the request is expired')),
    });
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
    const result = await preflight(['x'], {
      targets: [{ stack: 'x', kind: 'telemetry', accountId: '222222222222', region: 'us-east-1' }],
      stsFor: () => client,
    });
    expect(result.lines[0]).toMatch(/placeholder/);
    expect(client.calls).toBe(0);
  });

  it('matches region globs across kinds', () => {
    expect(matchStacks(['*-eu-central-1'], targets).matched.map((t) => t.stack)).toEqual([
      'telemetry-prod-eu-central-1',
      'telemetry-bootstrap-123456789012-eu-central-1',
    ]);
  });

  it('describes unknown STS errors with their code', () => {
    expect(describeStsError(sdkError('AccessDenied', 'nope'))).toBe('STS GetCallerIdentity failed: AccessDenied: nope');
  });
});

/**
 * Runs `fn` with an override file of these deployments in force (as TELEMETRY_CONFIG), on top of the configured
 * project name and defaults; gives it the stack names the matrix then has, in matrix order.
 */
async function withDeployments<T>(
  deployments: unknown[],
  fn: (stacks: { telemetry: string[]; bootstrap: string[] }) => Promise<T>,
): Promise<T> {
  const config = join(mkdtempSync(join(tmpdir(), 'deploy-')), 'accounts.json');
  // Each deployment states its profile, so the test holds whatever profiles config/profiles.ts defines.
  writeFileSync(
    config,
    JSON.stringify({
      profiles: { standard: {} },
      deployments: deployments.map((d) => ({ profile: 'standard', ...(d as object) })),
    }),
  );
  const resolved = loadDeployments(config);
  const targets = stackTargets(resolved);
  const saved = process.env.TELEMETRY_CONFIG;
  process.env.TELEMETRY_CONFIG = config;
  const log = jest.spyOn(console, 'log').mockImplementation(() => undefined);
  try {
    return await fn({
      telemetry: targets.filter((t) => t.kind === 'telemetry').map((t) => t.stack),
      bootstrap: targets.filter((t) => t.kind === 'bootstrap').map((t) => t.stack),
    });
  } finally {
    log.mockRestore();
    if (saved === undefined) delete process.env.TELEMETRY_CONFIG;
    else process.env.TELEMETRY_CONFIG = saved;
  }
}

const identity = (account: string) => () => sts({ Account: account, Arn: `arn:aws:iam::${account}:role/deployer` });

describe('deploy wrapper', () => {
  it('deploys nothing when preflight fails (placeholder accounts)', async () => {
    const errors = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    await withDeployments(
      [{ environment: 'prod', region: 'eu-central-1', accountId: '222222222222', jurisdiction: 'EU' }],
      async ({ telemetry }) => {
        const run = jest.fn(() => 0);
        expect(await deploy([telemetry[0], '--auto-approve'], run, identity('222222222222'))).toBe(1);
        expect(run).not.toHaveBeenCalled();
      },
    );
    errors.mockRestore();
  });

  it('runs cdktf deploy for exactly the matched stacks, flags passed through, when preflight passes', async () => {
    await withDeployments(
      [{ environment: 'prod', region: 'eu-central-1', accountId: '123456789012', jurisdiction: 'EU' }],
      async ({ telemetry }) => {
        const run = jest.fn(() => 0);
        expect(
          await deploy([telemetry[0].replace(/-eu-central-1$/, '-*'), '--auto-approve'], run, identity('123456789012')),
        ).toBe(0);
        expect(run.mock.calls).toEqual([['npx', [engineCli(), 'deploy', telemetry[0], '--auto-approve']]]);
      },
    );
  });

  it('a region glob deploys the state bucket first, then the pipeline; a failed bootstrap stops the rest', async () => {
    const errors = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    const deployments = [
      { environment: 'prod', region: 'eu-central-1', accountId: '123456789012', jurisdiction: 'EU' },
      { environment: 'dev', region: 'eu-central-1', accountId: '123456789012', jurisdiction: 'EU' },
    ];
    await withDeployments(deployments, async ({ telemetry, bootstrap }) => {
      const run = jest.fn(() => 0);
      expect(await deploy(['*-eu-central-1'], run, identity('123456789012'))).toBe(0);
      // With a Terraform Cloud backend configured there is no bootstrap stack, and one run.
      expect(run.mock.calls).toEqual([
        ...(bootstrap.length ? [['npx', [engineCli(), 'deploy', ...bootstrap]]] : []),
        ['npx', [engineCli(), 'deploy', ...telemetry]],
      ]);

      const failing = jest.fn(() => 1);
      expect(await deploy(['*-eu-central-1'], failing, identity('123456789012'))).toBe(1);
      expect(failing).toHaveBeenCalledTimes(1);
      if (bootstrap.length)
        expect(errors).toHaveBeenLastCalledWith(
          `${engineCli()} deploy failed for ${bootstrap.join(', ')}; not deployed: ${telemetry.join(', ')}`,
        );
    });
    errors.mockRestore();
  });

  it(
    'with the configured matrix: a stack deploys only with credentials of its ' +
      'own, real account (or, run remotely, whatever the local ones)',
    async () => {
      const errors = jest.spyOn(console, 'error').mockImplementation(() => undefined);
      const log = jest.spyOn(console, 'log').mockImplementation(() => undefined);
      try {
        for (const target of stackTargets(CONFIGURED)) {
          const run = jest.fn(() => 0);
          const other = target.accountId === '123456789012' ? '210987654321' : '123456789012';
          const placeholder = isPlaceholderAccount(target.accountId);
          // A workspaces stack deploys into HCP Terraform: no AWS credentials are involved.
          const anyCredentials = (target.remoteRun && !placeholder) || target.kind === 'workspaces';
          expect(await deploy([target.stack], run, identity(other))).toBe(anyCredentials ? 0 : 1);
          expect(await deploy([target.stack], run, identity(target.accountId))).toBe(placeholder ? 1 : 0);
          const once = [['npx', [engineCli(), 'deploy', target.stack]]];
          expect(run.mock.calls).toEqual(placeholder ? [] : anyCredentials ? [...once, ...once] : once);
        }
      } finally {
        errors.mockRestore();
        log.mockRestore();
      }
    },
  );

  it.each([
    ['deploy', deployMain],
    ['preflight', preflightMain],
  ])('%s --help prints its usage and calls nothing', async (command, main) => {
    const log = jest.spyOn(console, 'log').mockImplementation(() => undefined);
    const client = sts({});
    try {
      expect(await main(['--help'], () => client)).toBe(0);
      expect(log.mock.calls[0][0]).toMatch(new RegExp(`^usage: npm run ${command} -- <stack\\|glob>`));
      expect(client.calls).toBe(0);
    } finally {
      log.mockRestore();
    }
  });

  it.each([
    ['deploy', deployMain],
    ['preflight', preflightMain],
  ])('%s refuses an unknown option, and no stack, with its usage and calls nothing', async (command, main) => {
    const errors = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    const client = sts({});
    try {
      expect(await main(['telemetry-prod-eu-central-1', '--bogus'], () => client)).toBe(2);
      expect(errors.mock.calls[0][0]).toMatch(
        new RegExp(`^Unknown option '--bogus'[^]*\nusage: npm run ${command} -- <stack\\|glob>`),
      );
      expect(await main([], () => client)).toBe(2);
      expect(errors.mock.calls[1][0]).toMatch(/^missing argument: <stack\|glob>/);
      expect(client.calls).toBe(0);
    } finally {
      errors.mockRestore();
    }
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

describe('preflight of stacks whose runs execute in HCP Terraform', () => {
  const remote: StackTarget = {
    stack: 'telemetry-prod-eu-west-1',
    kind: 'telemetry',
    accountId: '123456789012',
    region: 'eu-west-1',
    remoteRun: { hostname: 'app.eu.terraform.io', workspace: 'acme-eu/telemetry-prod-eu-west-1' },
  };

  it('leaves the account check to the run, says so, and asks nothing of local credentials', async () => {
    const client = sts(sdkError('CredentialsProviderError', 'Could not load credentials from any providers'));
    const result = await preflight(['telemetry-prod-eu-west-1'], { targets: [remote], stsFor: () => client });
    expect(result.ok).toBe(true);
    expect(client.calls).toBe(0);
    expect(result.lines).toEqual([
      expect.stringMatching(
        new RegExp(
          String.raw`runs remotely in acme-eu\/telemetry-prod-eu-west-1 on app\.eu\.terraform\.io: the ` +
            String.raw`account check is the run's .* but 123456789012`,
        ),
      ),
    ]);
  });

  it('still refuses a placeholder account', async () => {
    const result = await preflight(['telemetry-prod-eu-west-1'], {
      targets: [{ ...remote, accountId: '111111111111' }],
      stsFor: () => sts({}),
    });
    expect(result.ok).toBe(false);
  });

  it(
    'targets from a configuration: cloud backends run remotely ' +
      'unless the workspace executes locally; S3 backends never',
    () => {
      const base = { ...CONFIGURED[0] };
      const cloud = (executionMode?: 'local' | 'remote') => ({
        ...base,
        backend: {
          type: 'cloud' as const,
          organization: 'acme',
          workspacePrefix: 'telemetry',
          hostname: 'app.terraform.io',
          project: 'telemetry',
          ...(executionMode ? { executionMode } : {}),
        },
      });
      expect(stackTargets([cloud()])[0].remoteRun).toEqual({
        hostname: 'app.terraform.io',
        workspace: `acme/telemetry-${base.environment}-${base.region}`,
      });
      expect(stackTargets([cloud('remote')])[0].remoteRun).toBeDefined();
      expect(stackTargets([cloud('local')])[0].remoteRun).toBeUndefined();
      expect(
        stackTargets([
          { ...base, backend: { type: 's3', bucketPrefix: 'b', keyPrefix: 'k', noncurrentVersionExpirationDays: 7 } },
        ])[0].remoteRun,
      ).toBeUndefined();
    },
  );
});
