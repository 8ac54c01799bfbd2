import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, DEFAULT_MATRIX, loadDeployments, overrideFilePath } from '../../config';
import { deepMerge, resolveMatrix } from '../../config/resolve';
import { matrixWith } from '../helpers';

const byStack = Object.fromEntries(resolveMatrix(DEFAULT_MATRIX).map((d) => [d.names.stack, d]));

function problemsOf(fn: () => unknown): string[] {
  try {
    fn();
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('defaults and profiles (the product spec)', () => {
  it('default Firehose settings: 5 MiB / 300 s, GZIP, Hive daily prefix, errors by type', () => {
    expect(DEFAULT_MATRIX.defaults.firehose).toMatchObject({
      bufferSizeMb: 5,
      bufferIntervalSeconds: 300,
      compression: 'GZIP',
      dataPrefix: 'data/year=!{timestamp:yyyy}/month=!{timestamp:MM}/day=!{timestamp:dd}/',
      errorPrefix: expect.stringMatching(/^errors\/.*!\{firehose:error-output-type\}/),
    });
    expect(DEFAULT_MATRIX.defaults.crawler.schedule).toBe('cron(0 */6 * * ? *)');
    expect(DEFAULT_MATRIX.defaults.athena).toMatchObject({ bytesScannedCutoffPerQuery: 1024 ** 3, enforceWorkgroupConfiguration: true });
  });

  it('standard profile: IA at 30, deleted at 90', () => {
    expect(byStack['telemetry-prod-us-east-1'].settings.lifecycle).toMatchObject({ standardIaDays: 30, deepArchiveDays: null, expirationDays: 90 });
  });

  it('compliance profile: IA at 30, Deep Archive at 180, deleted at 365', () => {
    expect(byStack['telemetry-prod-eu-central-1'].settings.lifecycle).toMatchObject({ standardIaDays: 30, deepArchiveDays: 180, expirationDays: 365 });
  });

  it('per-deployment overrides win over profile and defaults, only for that deployment', () => {
    expect(byStack['telemetry-dev-us-east-1'].settings.firehose.bufferIntervalSeconds).toBe(60);
    expect(byStack['telemetry-dev-us-east-1'].settings.firehose.bufferSizeMb).toBe(5);
    expect(byStack['telemetry-prod-us-east-1'].settings.firehose.bufferIntervalSeconds).toBe(300);
  });

  it('uses obviously fake, documented account ids in the default matrix', () => {
    expect(new Set(DEFAULT_MATRIX.deployments.map((d) => d.accountId))).toEqual(new Set(['111111111111', '222222222222']));
  });

  it('derives globally unique bucket names from account and region', () => {
    expect(byStack['telemetry-prod-eu-central-1'].names.dataBucket).toBe('telemetry-prod-222222222222-eu-central-1');
  });
});

describe('deepMerge', () => {
  it('merges objects, replaces arrays and scalars, lets null clear a value', () => {
    expect(deepMerge({ a: { b: 1, c: [1, 2] }, d: 5 }, { a: { c: [3] }, d: null })).toEqual({ a: { b: 1, c: [3] }, d: null });
  });

  it('does not modify its inputs', () => {
    const base = { a: { b: 1 } };
    deepMerge(base, { a: { b: 2 } });
    expect(base).toEqual({ a: { b: 1 } });
  });
});

describe('reporting', () => {
  it('reports every problem of every deployment at once, each with deployment, field, value and rule', () => {
    const problems = problemsOf(() =>
      resolveMatrix(matrixWith({ defaults: { lifecycle: { standardIaDays: 10 } }, profiles: { compliance: { athena: { bytesScannedCutoffPerQuery: 0 } } } })),
    );
    expect(problems).toEqual([
      'dev/us-east-1 lifecycle.standardIaDays: 10 — S3 requires at least 30 days before STANDARD_IA',
      'prod/us-east-1 lifecycle.standardIaDays: 10 — S3 requires at least 30 days before STANDARD_IA',
      'prod/eu-central-1 lifecycle.standardIaDays: 10 — S3 requires at least 30 days before STANDARD_IA',
      expect.stringMatching(/^prod\/eu-central-1 athena\.bytesScannedCutoffPerQuery: 0 — /),
    ]);
  });

  it('names an unknown field precisely', () => {
    const problems = problemsOf(() => resolveMatrix(matrixWith({ defaults: { firehose: { bufferSizeMB: 5 } as never } })));
    expect(problems[0]).toBe('dev/us-east-1 firehose.bufferSizeMB: 5 — unknown field');
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
    const deployments = loadDeployments(path);
    expect(deployments.map((d) => d.settings.firehose.bufferSizeMb)).toEqual([5, 5, 16]);
  });

  it('rejects invalid values with the file’s deployment and field named', () => {
    const path = file('bad.json', { deploymentOverrides: { 'prod/eu-central-1': { lifecycle: { expirationDays: 100 } } } });
    expect(problemsOf(() => loadDeployments(path))).toEqual([
      'prod/eu-central-1 lifecycle.expirationDays: 100 — S3 requires expiration after every transition: must be greater than deepArchiveDays (180)',
    ]);
  });

  it('rejects a deployment key that matches no deployment, an unknown top-level key and unreadable JSON', () => {
    expect(problemsOf(() => loadDeployments(file('k.json', { deploymentOverrides: { 'prod/us-west-2': {} } })))[0]).toMatch(/deploymentOverrides\.prod\/us-west-2: no such deployment/);
    expect(problemsOf(() => loadDeployments(file('t.json', { defualts: {} })))[0]).toMatch(/defualts/);
    expect(problemsOf(() => loadDeployments(file('j.json', '{ not json'))).join()).toMatch(/cannot read the override file/);
  });

  it('switches the backend to Terraform Cloud (replacing, not merging, the S3 fields)', () => {
    const path = file('tfc.json', { backend: { type: 'cloud', organization: 'acme', workspacePrefix: 'telemetry', hostname: 'app.terraform.io' } });
    expect(loadDeployments(path).map((d) => d.backend)).toEqual(
      Array(3).fill({ type: 'cloud', organization: 'acme', workspacePrefix: 'telemetry', hostname: 'app.terraform.io' }),
    );
  });

  it('is chosen by TELEMETRY_CONFIG first, then the cdktf context', () => {
    const saved = process.env.TELEMETRY_CONFIG;
    try {
      delete process.env.TELEMETRY_CONFIG;
      expect(overrideFilePath('ctx.json')).toBe('ctx.json');
      expect(overrideFilePath(undefined)).toBeUndefined();
      process.env.TELEMETRY_CONFIG = 'env.json';
      expect(overrideFilePath('ctx.json')).toBe('env.json');
    } finally {
      if (saved === undefined) delete process.env.TELEMETRY_CONFIG;
      else process.env.TELEMETRY_CONFIG = saved;
    }
  });
});
