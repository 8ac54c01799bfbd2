/**
 * The pieces of `npm run e2e` and `npm run drift` that need no emulator: the emulator override of a scratch copy,
 * the app's configuration from outputs, and how a plan becomes a drift report. (The run itself is CI's `npm run e2e`.)
 */
import { resolveMatrix } from '../../config/resolve';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { appConfig, PUT_RECORD_BATCH_LIMITS } from '../../scripts/app-bundle-config';
import { main as appConfigMain, readOutputsFile } from '../../scripts/app-config';
import { summarize } from '../../scripts/drift';
import {
  allowDestroyOverride,
  EMULATOR_GAPS,
  overrideFile,
  policyAsMotoChecksIt,
  PROVIDER_ENDPOINT_SERVICES,
  resourcesToSkip,
  s3BackendConfig,
} from '../../scripts/e2e/emulator';
import { CONFIGURED } from '../fixtures/configured';
import { EXAMPLE_MATRIX } from '../fixtures/example-matrix';
import { synthMatrix } from '../helpers';

const [dev] = synthMatrix(EXAMPLE_MATRIX);
const endpoint = 'http://127.0.0.1:4566';

describe('emulator override of a scratch copy', () => {
  const override = overrideFile(dev.tf, endpoint) as {
    provider: { aws: Record<string, unknown>[] };
    resource: Record<string, Record<string, unknown>>;
    terraform?: unknown;
  };

  it(
    'points every service the stack uses at the emulator, with ' +
      'fake keys and path-style S3, keeping the account lock',
    () => {
      const [aws] = override.provider.aws;
      expect(aws).toMatchObject({
        access_key: 'test',
        secret_key: 'test',
        s3_use_path_style: true,
        skip_requesting_account_id: false,
      });
      expect(aws.allowed_account_ids).toBeUndefined();
      expect(Object.keys((aws.endpoints as Record<string, string>[])[0]).sort()).toEqual(
        [...PROVIDER_ENDPOINT_SERVICES].sort(),
      );
      const usedServices = new Set(Object.keys(dev.tf.resource).map((type) => type.split('_')[1]));
      for (const service of ['s3', 'kms', 'iam', 'glue', 'athena', 'sns', 'cloudwatch', 'cognito'])
        expect(usedServices.has(service)).toBe(true);
    },
  );

  it(
    'leaves out exactly the resources of the listed gaps: the ' +
      'Cognito roles attachment and the TLS-only bucket policy',
    () => {
      expect(
        resourcesToSkip(dev.tf)
          .map((a) => a.split('.')[0])
          .sort(),
      ).toEqual(['aws_cognito_identity_pool_roles_attachment', 'aws_s3_bucket_policy']);
      for (const address of resourcesToSkip(dev.tf)) {
        const [type, name] = address.split('.');
        expect(override.resource[type][name]).toEqual({ count: 0 });
      }
      expect(EMULATOR_GAPS.length).toBeGreaterThanOrEqual(6);
    },
  );

  it(
    'keeps the access-log bucket’s policy without its TLS-only statement: S3 ' +
      'logging may still write (moto checks it at PutBucketLogging)',
    () => {
      const prod = synthMatrix(EXAMPLE_MATRIX).find((s) => s.tf.resource.aws_s3_bucket_logging)!;
      const prodOverride = overrideFile(prod.tf, endpoint) as {
        resource: { aws_s3_bucket_policy: Record<string, { count?: number; policy?: string }> };
      };
      const kept = Object.values(prodOverride.resource.aws_s3_bucket_policy).filter((p) => p.policy !== undefined);
      expect(kept.map((p) => JSON.parse(p.policy!).Statement.map((s: { Sid: string }) => s.Sid))).toEqual([
        ['S3ServerAccessLogsOfSourceBucket'],
      ]);
      expect(Object.values(prodOverride.resource.aws_s3_bucket_policy).filter((p) => p.count === 0)).toHaveLength(1);
    },
  );

  it('keeps the S3 backend (endpoints come through -backend-config), or moves other state to a local file', () => {
    expect(override.terraform).toBeUndefined();
    expect(s3BackendConfig(endpoint)).toContain(`endpoints = { s3 = "${endpoint}"`);
    expect(overrideFile(dev.tf, endpoint, '/tmp/x.tfstate')).toMatchObject({
      terraform: { backend: { local: { path: '/tmp/x.tfstate' } } },
    });
  });

  it('the clean-up opt-out lifts prevent_destroy and lets Terraform empty the buckets', () => {
    const cleanup = allowDestroyOverride(dev.tf);
    expect(Object.values(cleanup.aws_s3_bucket)).toEqual([
      { force_destroy: true, lifecycle: { prevent_destroy: false } },
    ]);
    // Both keys: the data key and the erasure receipts' HMAC key.
    expect(Object.values(cleanup.aws_kms_key)).toEqual([
      { lifecycle: { prevent_destroy: false } },
      { lifecycle: { prevent_destroy: false } },
    ]);
  });
});

describe('npm run app-config', () => {
  const outputs = {
    region: { value: 'us-east-1' },
    delivery_stream_name: { value: 'telemetry-dev-events' },
    identity_pool_id: { value: 'us-east-1:0000-1111' },
  };

  it('gives the app its region, identity pool, stream, batching limits and the contract with a version', () => {
    const config = appConfig(dev.deployment, outputs);
    expect(config).toMatchObject({
      region: 'us-east-1',
      identityPoolId: 'us-east-1:0000-1111',
      deliveryStreamName: 'telemetry-dev-events',
      limits: PUT_RECORD_BATCH_LIMITS,
    });
    expect(config.contract.version).toMatch(/^[0-9a-f]{12}$/);
    expect(config.contract.schema.$id).toBe('urn:telemetry:telemetry-dev-us-east-1:event');
  });

  it('the contract version changes with the contract', () => {
    const [withColumn] = resolveMatrix({
      ...EXAMPLE_MATRIX,
      defaults: {
        ...EXAMPLE_MATRIX.defaults,
        contract: { extraColumns: [{ name: 'screen', type: 'string', description: 'Screen' }] },
      },
    });
    expect(appConfig(withColumn, outputs).contract.version).not.toBe(
      appConfig(dev.deployment, outputs).contract.version,
    );
  });

  it(
    "reads --outputs in terraform output -json's shape and in cdktf output --outputs-file's, and says what is " +
      'wrong with any other file',
    () => {
      const dir = mkdtempSync(join(tmpdir(), 'app-config-outputs-'));
      const stack = dev.deployment.names.stack;
      const file = (name: string, text: string) => (writeFileSync(join(dir, name), text), join(dir, name));
      try {
        expect(readOutputsFile(file('terraform.json', JSON.stringify(outputs)), stack)).toEqual(outputs);
        const unwrapped = Object.fromEntries(Object.entries(outputs).map(([k, v]) => [k, v.value]));
        const cdktf = file('cdktf.json', JSON.stringify({ other: {}, [stack]: unwrapped }));
        expect(readOutputsFile(cdktf, stack)).toEqual(outputs);
        expect(readOutputsFile(file('bad.json', '{"region": '), stack)).toMatch(/^not JSON \(/);
        expect(readOutputsFile(file('list.json', '[]'), stack)).toMatch(/^not an object of outputs/);
        expect(readOutputsFile(file('null.json', 'null'), stack)).toMatch(/^not an object of outputs/);
        expect(readOutputsFile(join(dir, 'missing.json'), stack)).toBe('cannot be read (ENOENT)');
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  );

  it('refuses outputs that are missing or of another configuration, naming them', () => {
    expect(() => appConfig(dev.deployment, { ...outputs, identity_pool_id: { value: '' } })).toThrow(
      'output identity_pool_id is missing',
    );
    expect(() => appConfig(dev.deployment, { ...outputs, region: { value: 'eu-west-1' } })).toThrow(
      /not this configuration's \(us-east-1, telemetry-dev-events\)/,
    );
  });

  it(
    "on a stack never deployed from this folder, names Terraform's error and says " +
      "how to go on (deploy, or --outputs), without Terraform's backend advice",
    async () => {
      const stack = CONFIGURED[0].names.stack;
      const dir = mkdtempSync(join(tmpdir(), 'app-config-'));
      mkdirSync(join(dir, stack));
      writeFileSync(
        join(dir, stack, 'cdk.tf.json'),
        JSON.stringify({ terraform: { backend: { s3: { bucket: 'state', key: 'k', region: CONFIGURED[0].region } } } }),
      );
      const errors = jest.spyOn(console, 'error').mockImplementation(() => undefined);
      try {
        expect(await appConfigMain([stack, '--dir', dir])).toBe(1);
        const said = errors.mock.calls.join('\n');
        expect(said).toContain(`(terraform output in ${join(dir, stack)}: Backend initialization required`);
        expect(said).toContain(`npm run deploy -- ${stack}`);
        expect(said).toContain('--outputs outputs.json');
        expect(said).not.toMatch(/-reconfigure|-migrate-state/);
        expect(await appConfigMain([stack, '--dir', join(dir, 'missing')])).toBe(1);
        expect(errors.mock.calls.at(-1)?.[0]).toMatch(/^no synthesized stack at .*: run `npx cdktf synth`/);
        // No terraform on the PATH: said so, not as Terraform's error.
        const path = process.env.PATH;
        const empty = mkdtempSync(join(tmpdir(), 'no-terraform-'));
        process.env.PATH = empty;
        try {
          expect(await appConfigMain([stack, '--dir', dir])).toBe(1);
        } finally {
          process.env.PATH = path;
          rmSync(empty, { recursive: true, force: true });
        }
        expect(errors.mock.calls.at(-1)?.[0]).toMatch(/: could not run terraform: spawn terraform ENOENT\)/);
      } finally {
        errors.mockRestore();
      }
    },
  );
});

describe('npm run drift', () => {
  it(
    'summarises the matrix, then each drifted stack with its resources and what each ' +
      'change means, the gated ones marked (drift.test.ts reads real plans)',
    () => {
      expect(
        summarize([
          { stack: 'a', status: 'in sync', resources: [], changes: [], seconds: 1 },
          {
            stack: 'b',
            status: 'drifted',
            resources: ['aws_s3_bucket.data'],
            changes: [
              {
                section: 'residency',
                kind: 'added',
                subject: { kind: 'store', name: 'b', address: 'aws_s3_bucket.data', storeKind: 's3' },
                field: { kind: 'replication', destination: 'arn:aws:s3:::x', outsideStack: true },
                words: 'store b replication added: every new object is copied to arn:aws:s3:::x',
                effects: ['moves-residency'],
                gated: true,
              },
            ],
            verdict: 'moves residency: …',
            seconds: 1,
          },
        ]),
      ).toEqual([
        '1 stack in sync, 1 drifted',
        'b: changed outside Terraform — moves residency: …',
        '  GATED residency: store b replication added: every new object is copied to arn:aws:s3:::x (moves-residency)',
      ]);
    },
  );
});

describe('the deploy-role run: deploy policies as moto can check them', () => {
  it(
    'non-S3 statements on "*", S3 statements keeping their ' + 'buckets, and moto’s own names beside the IAM actions',
    () => {
      const policy = JSON.stringify({
        Statement: [
          { Effect: 'Allow', Action: ['s3:ListBucket', 's3:PutBucketPublicAccessBlock'], Resource: ['arn:aws:s3:::b'] },
          { Effect: 'Allow', Action: ['cloudwatch:PutDashboard'], Resource: ['arn:aws:cloudwatch::1:dashboard/d'] },
        ],
      });
      expect(JSON.parse(policyAsMotoChecksIt(policy)).Statement).toEqual([
        {
          Effect: 'Allow',
          Action: [
            's3:ListBucket',
            's3:PutBucketPublicAccessBlock',
            's3:HeadBucket',
            's3:PutPublicAccessBlock',
            's3:DeletePublicAccessBlock',
          ],
          Resource: ['arn:aws:s3:::b'],
        },
        { Effect: 'Allow', Action: ['cloudwatch:PutDashboard', 'monitoring:PutDashboard'], Resource: '*' },
      ]);
    },
  );
});
