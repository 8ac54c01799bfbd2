import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, loadDeployments, overrideFilePath } from '../../config';
import { deepMerge, resolveMatrix } from '../../config/resolve';
import { EXAMPLE_MATRIX } from '../fixtures/example-matrix';
import { main as deployMain } from '../../scripts/deploy';
import { main as preflightMain } from '../../scripts/preflight';
import { main as sampleEventsMain } from '../../scripts/sample-events';
import { makeTokyoContextProject } from '../fixtures/commands';
import { matrixWith } from '../helpers';

const byStack = Object.fromEntries(resolveMatrix(EXAMPLE_MATRIX).map((d) => [d.names.stack, d]));
/** Loads the example matrix with an override file, as loadDeployments does for config/matrix.ts. */
const loadExample = (path: string) => loadDeployments(path, EXAMPLE_MATRIX);

function problemsOf(fn: () => unknown): string[] {
  try {
    fn();
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('defaults and profiles (example matrix)', () => {
  it('default Firehose settings: 5 MiB / 300 s, GZIP, Hive daily prefix, errors by type', () => {
    expect(EXAMPLE_MATRIX.defaults.firehose).toMatchObject({
      bufferSizeMb: 5,
      bufferIntervalSeconds: 300,
      compression: 'GZIP',
      dataPrefix: 'data/year=!{timestamp:yyyy}/month=!{timestamp:MM}/day=!{timestamp:dd}/',
      errorPrefix: expect.stringMatching(/^errors\/.*!\{firehose:error-output-type\}/),
    });
    expect(EXAMPLE_MATRIX.defaults.crawler.schedule).toBe('cron(0 */6 * * ? *)');
    expect(EXAMPLE_MATRIX.defaults.athena).toMatchObject({
      bytesScannedCutoffPerQuery: 1024 ** 3,
      enforceWorkgroupConfiguration: true,
    });
  });

  it('standard profile: IA at 30, deleted at 90', () => {
    expect(byStack['telemetry-prod-us-east-1'].settings.lifecycle).toMatchObject({
      standardIaDays: 30,
      deepArchiveDays: null,
      expirationDays: 90,
    });
  });

  it('compliance profile: IA at 30, Deep Archive at 180, deleted at 365', () => {
    expect(byStack['telemetry-prod-eu-central-1'].settings.lifecycle).toMatchObject({
      standardIaDays: 30,
      deepArchiveDays: 180,
      expirationDays: 365,
    });
  });

  it('per-deployment overrides win over profile and defaults, only for that deployment', () => {
    expect(byStack['telemetry-dev-us-east-1'].settings.firehose.bufferIntervalSeconds).toBe(60);
    expect(byStack['telemetry-dev-us-east-1'].settings.firehose.bufferSizeMb).toBe(5);
    expect(byStack['telemetry-prod-us-east-1'].settings.firehose.bufferIntervalSeconds).toBe(300);
  });

  it('uses obviously fake, documented account ids in the default matrix', () => {
    expect(new Set(EXAMPLE_MATRIX.deployments.map((d) => d.accountId))).toEqual(
      new Set(['111111111111', '222222222222']),
    );
  });

  it('derives globally unique bucket names from account and region', () => {
    expect(byStack['telemetry-prod-eu-central-1'].names.dataBucket).toBe('telemetry-prod-222222222222-eu-central-1');
  });
});

describe('deepMerge', () => {
  it('merges objects, replaces arrays and scalars, lets null clear a value', () => {
    expect(deepMerge({ a: { b: 1, c: [1, 2] }, d: 5 }, { a: { c: [3] }, d: null })).toEqual({
      a: { b: 1, c: [3] },
      d: null,
    });
  });

  it('does not modify its inputs', () => {
    const base = { a: { b: 1 } };
    deepMerge(base, { a: { b: 2 } });
    expect(base).toEqual({ a: { b: 1 } });
  });
});

describe('reporting', () => {
  it(
    'reports every problem at once, each with deployment (or the ' +
      'shared default, said once), field, value and rule',
    () => {
      const problems = problemsOf(() =>
        resolveMatrix(
          matrixWith({
            defaults: { lifecycle: { standardIaDays: 10 } },
            profiles: { compliance: { athena: { bytesScannedCutoffPerQuery: 0 } } },
          }),
        ),
      );
      expect(problems).toEqual([
        'defaults lifecycle.standardIaDays: 10 — S3 requires at least 30 days before STANDARD_IA (every deployment)',
        expect.stringMatching(/^prod\/eu-central-1 athena\.bytesScannedCutoffPerQuery: 0 — /),
      ]);
    },
  );

  it('names an unknown field precisely', () => {
    const problems = problemsOf(() =>
      resolveMatrix(matrixWith({ defaults: { firehose: { bufferSizeMB: 5 } as never } })),
    );
    expect(problems).toEqual([
      'defaults firehose.bufferSizeMB: 5 — unknown field; did you mean bufferSizeMb? (every deployment)',
    ]);
  });
});

describe('override file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'telemetry-config-'));
  const file = (name: string, content: unknown) => {
    const path = join(dir, name);
    writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
    return path;
  };

  it('changes one deployment through deploymentOverrides, validated by the same schema', () => {
    const path = file('ok.json', { deploymentOverrides: { 'prod/eu-central-1': { firehose: { bufferSizeMb: 16 } } } });
    const deployments = loadExample(path);
    expect(deployments.map((d) => d.settings.firehose.bufferSizeMb)).toEqual([5, 5, 16]);
  });

  it('rejects invalid values with the file’s deployment and field named', () => {
    const path = file('bad.json', {
      deploymentOverrides: { 'prod/eu-central-1': { lifecycle: { expirationDays: 100 } } },
    });
    expect(problemsOf(() => loadExample(path))).toEqual([
      `prod/eu-central-1 lifecycle.expirationDays: 100 — S3 requires expiration after ` +
        `every transition: must be greater than deepArchiveDays (180) (set in ${path})`,
    ]);
  });

  it('reports a deployment key that matches no deployment together with the other problems of the same file', () => {
    const path = file('both.json', {
      deploymentOverrides: { 'prod/ap-south-7': {}, 'prod/eu-central-1': { lifecycle: { expirationDays: 100 } } },
    });
    const problems = problemsOf(() => loadExample(path));
    expect(problems).toHaveLength(2);
    expect(problems[0]).toMatch(/deploymentOverrides\.prod\/ap-south-7: no such deployment/);
    expect(problems[1]).toMatch(/^prod\/eu-central-1 lifecycle\.expirationDays: 100/);
  });

  it('rejects a deployment key that matches no deployment, an unknown top-level key and unreadable JSON', () => {
    expect(problemsOf(() => loadExample(file('k.json', { deploymentOverrides: { 'prod/us-west-2': {} } })))[0]).toMatch(
      /deploymentOverrides\.prod\/us-west-2: no such deployment/,
    );
    expect(problemsOf(() => loadExample(file('t.json', { defualts: {} })))[0]).toMatch(/defualts/);
    expect(problemsOf(() => loadExample(file('j.json', '{ not json'))).join()).toMatch(/cannot read the override file/);
  });

  it('switches the backend to Terraform Cloud (replacing, not merging, the S3 fields)', () => {
    const path = file('tfc.json', {
      backend: { type: 'cloud', organization: 'acme', workspacePrefix: 'telemetry', hostname: 'tfe.example.com' },
    });
    expect(loadExample(path).map((d) => d.backend)).toEqual(
      // The HCP Terraform project defaults to one per environment: `<project>-<environment>`.
      loadExample(path).map((d) => ({
        type: 'cloud',
        organization: 'acme',
        workspacePrefix: 'telemetry',
        hostname: 'tfe.example.com',
        project: `telemetry-${d.environment}`,
      })),
    );
  });

  it(
    'refuses one account applied from HCP Terraform hosts of two ' +
      'jurisdictions, unless each deployment there says why',
    () => {
      const us = { type: 'cloud', organization: 'acme', workspacePrefix: 'telemetry', hostname: 'app.terraform.io' };
      const split = (reason?: string) => ({
        backend: { ...us, ...(reason ? { crossJurisdictionAccountReason: reason } : {}) },
        deploymentOverrides: {},
        deployments: EXAMPLE_MATRIX.deployments.map((d) => ({
          ...d,
          ...(d.jurisdiction === 'EU' ? { backend: { organization: 'acme-eu', hostname: 'app.eu.terraform.io' } } : {}),
        })),
      });
      const problems = problemsOf(() => loadExample(file('split.json', split())));
      expect(problems).toEqual([
        expect.stringMatching(
          new RegExp(
            '^account 222222222222 would be applied by HCP Terraform organizations on hosts of EU and ' +
              'US: .*crossJurisdictionAccountReason',
          ),
        ),
      ]);
      expect(loadExample(file('split-ok.json', split('one prod account for both apps (review 2026-11)'))).length).toBe(
        EXAMPLE_MATRIX.deployments.length,
      );
    },
  );

  it('names the file for a shared default it sets, once', () => {
    const path = file('defaults.json', { defaults: { lifecycle: { expirationDays: 20 } } });
    expect(problemsOf(() => loadExample(path))).toEqual([
      `defaults lifecycle.expirationDays: 20 — S3 requires expiration after every transition: must ` +
        `be greater than standardIaDays (30) (set in ${path}) (dev/us-east-1, prod/us-east-1)`,
    ]);
  });
});

describe('which override file is in force (one rule for every command)', () => {
  const project = (context: unknown) => {
    const root = mkdtempSync(join(tmpdir(), 'project-'));
    writeFileSync(join(root, 'cdktf.json'), JSON.stringify({ app: 'x', context }));
    return root;
  };

  it('TELEMETRY_CONFIG first, then cdktf.json’s context key telemetryConfig, else none', () => {
    expect(overrideFilePath({ TELEMETRY_CONFIG: 'env.json' }, project({ telemetryConfig: 'ctx.json' }))).toBe(
      'env.json',
    );
    expect(overrideFilePath({}, project({ telemetryConfig: 'ctx.json' }))).toBe('ctx.json');
    expect(overrideFilePath({}, project({}))).toBeUndefined();
    expect(overrideFilePath({}, mkdtempSync(join(tmpdir(), 'no-cdktf-')))).toBeUndefined();
    expect(() => overrideFilePath({}, project({ telemetryConfig: 42 }))).toThrow(ConfigError);
  });

  it(
    'preflight, deploy and sample-events see the deployments of the file ' +
      'cdktf.json names (config:check, as its own process: commands.test.ts)',
    async () => {
      const copy = mkdtempSync(join(tmpdir(), 'context-project-'));
      const [tokyo] = loadDeployments(makeTokyoContextProject(copy));

      // The commands, in this process, from the copy's directory (they load the matrix as config:check does).
      const saved = { cwd: process.cwd(), config: process.env.TELEMETRY_CONFIG };
      const output = {
        log: jest.spyOn(console, 'log').mockImplementation(() => undefined),
        error: jest.spyOn(console, 'error').mockImplementation(() => undefined),
      };
      const said = () => [...output.log.mock.calls, ...output.error.mock.calls].map((c) => String(c[0])).join('\n');
      try {
        delete process.env.TELEMETRY_CONFIG;
        process.chdir(copy);
        const otherAccount = () => ({
          send: async () => ({ Account: '210987654321', Arn: 'arn:aws:iam::210987654321:role/x' }),
        });
        // Preflight and deploy get as far as the credentials' account, which is the wrong one here.
        expect(await preflightMain([tokyo.names.stack], otherAccount)).toBe(1);
        expect(await deployMain([tokyo.names.stack], otherAccount)).toBe(1);
        expect(said()).toContain(`${tokyo.names.stack}: credentials are for account 210987654321`);
        expect(said()).not.toMatch(/unknown stack/);
        expect(
          sampleEventsMain(['--stack', tokyo.names.stack, '--out', join(copy, 'sample-data'), '--sessions', '1']),
        ).toBe(0);
        // npm run report loads the matrix through the same loadDeploymentsOrReport() as preflight and deploy.
        expect(overrideFilePath()).toBe('tokyo.json');
      } finally {
        process.chdir(saved.cwd);
        if (saved.config !== undefined) process.env.TELEMETRY_CONFIG = saved.config;
        output.log.mockRestore();
        output.error.mockRestore();
      }
    },
  );
});
