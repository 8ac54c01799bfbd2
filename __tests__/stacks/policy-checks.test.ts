import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { IamRolePolicyAttachment } from '@cdktf/provider-aws/lib/iam-role-policy-attachment';
import { KmsKey } from '@cdktf/provider-aws/lib/kms-key';
import { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';
import { Testing, type IAspect } from 'cdktf';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolveMatrix } from '../../config/resolve';
import { buildStacks, PolicyError, validateStacks } from '../../stacks/matrix';
import type { TerraformJson } from '../../terraform-json/stack-json';
import { checkStack } from '../../stacks/rules/packs';
import { synthesizeChecked } from '../../stacks/synth';
import type { TelemetryStack } from '../../stacks/telemetry-stack';
import { dataKey, singleDeployment } from '../helpers';

/** A fresh prod/eu-central-1 stack with something planted in it; returns the problems validation reports. */
function plant(plantFn: (stack: TelemetryStack) => void, allowedRegions: string[] = []): string[] {
  const regionExceptions = Object.fromEntries(allowedRegions.map((r) => [r, 'a test of the residency rule']));
  const [stack] = buildStacks(Testing.app(), resolveMatrix(singleDeployment({}, { allowedRegions, regionExceptions })));
  plantFn(stack);
  try {
    validateStacks([stack]);
    return [];
  } catch (error) {
    if (error instanceof PolicyError) return error.problems;
    throw error;
  }
}

const crossRegionLogGroup = (stack: TelemetryStack) =>
  new CloudwatchLogGroup(stack, 'planted', {
    name: 'planted',
    kmsKeyId: 'arn:aws:kms:us-west-2:222222222222:key/1234abcd-12ab-34cd-56ef-1234567890ab',
  });

describe('policy checks on constructed stacks', () => {
  it('the default matrix passes every check', () => {
    expect(() => validateStacks(buildStacks(Testing.app(), resolveMatrix(singleDeployment())))).not.toThrow();
  });

  it('residency: a resource referencing another region fails', () => {
    expect(plant(crossRegionLogGroup)).toEqual([
      expect.stringMatching(
        new RegExp(
          String.raw`^telemetry-prod-eu-central-1: \[residency\] resource\.aws_cloudwatch_log_group\.planted: ` +
            String.raw`kms_key_id references arn:aws:kms:us-west-2: — region us-west-2, outside eu-central-1$`,
        ),
      ),
    ]);
  });

  it('residency: the region passes when the deployment allows it', () => {
    expect(plant(crossRegionLogGroup, ['us-west-2'])).toEqual([]);
  });

  it('least privilege: a wildcard statement fails', () => {
    const problems = plant((stack) => {
      const role = stack.node.findAll().find((n): n is IamRole => n instanceof IamRole)!;
      new IamRolePolicy(stack, 'planted', {
        role: role.id,
        policy: JSON.stringify({
          Version: '2012-10-17',
          Statement: [{ Sid: 'TooBroad', Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }],
        }),
      });
    });
    expect(problems).toEqual([
      expect.stringContaining(
        '[least-privilege] aws_iam_role_policy.planted: statement TooBroad allows s3:GetObject on Resource "*"',
      ),
    ]);
  });

  it('trust: a service role without a confused-deputy condition fails', () => {
    const problems = plant((stack) => {
      new IamRole(stack, 'planted', {
        name: 'planted',
        assumeRolePolicy: JSON.stringify({
          Version: '2012-10-17',
          Statement: [{ Effect: 'Allow', Principal: { Service: 'glue.amazonaws.com' }, Action: 'sts:AssumeRole' }],
        }),
      });
    });
    expect(problems).toEqual([
      expect.stringContaining(
        '[trust] aws_iam_role.planted: trust policy for {"Service":"glue.amazonaws.com"} has no confused-deputy ' +
          'condition',
      ),
    ]);
  });

  it('encryption and exposure: an unencrypted, unprotected bucket and a non-rotating key fail', () => {
    const problems = plant((stack) => {
      new S3Bucket(stack, 'planted', { bucket: 'planted-bucket-eu-central-1' });
      new KmsKey(stack, 'planted-key', { enableKeyRotation: false });
    });
    expect(problems).toEqual([
      expect.stringContaining('[encryption] aws_kms_key.planted-key: KMS key does not rotate'),
      expect.stringContaining('[encryption] aws_s3_bucket.planted: bucket has no SSE-KMS default encryption'),
      expect.stringContaining('[exposure] aws_s3_bucket.planted: bucket has no full public access block'),
      expect.stringContaining('[exposure] aws_s3_bucket.planted: bucket policy does not deny requests without TLS'),
      expect.stringContaining('[protection] aws_kms_key.planted-key: has no lifecycle.prevent_destroy'),
      expect.stringContaining('[protection] aws_s3_bucket.planted: has no lifecycle.prevent_destroy'),
    ]);
  });

  it(
    'the checks read the JSON that is written, after aspects: an ' +
      'aspect planting a problem fails synth, nothing is published',
    () => {
      const outdir = join(mkdtempSync(join(tmpdir(), 'cdktf-out-')), 'out');
      const plantRegion: IAspect = {
        visit: (node) => {
          if (node instanceof CloudwatchLogGroup)
            node.kmsKeyId = 'arn:aws:kms:us-west-2:222222222222:key/1234abcd-12ab-34cd-56ef-1234567890ab';
        },
      };
      expect(() => synthesizeChecked(resolveMatrix(singleDeployment()), { outdir, aspects: [plantRegion] })).toThrow(
        /residency[\s\S]*us-west-2/,
      );
      expect(existsSync(join(outdir, 'manifest.json'))).toBe(false);
      expect(existsSync(join(outdir, 'stacks'))).toBe(false);
    },
  );

  it('an aspect’s change reaches cdk.tf.json, and the checks pass on it', () => {
    const outdir = join(mkdtempSync(join(tmpdir(), 'cdktf-out-')), 'out');
    const tagLogs: IAspect = {
      visit: (node) => {
        if (node instanceof CloudwatchLogGroup) node.tags = { AddedByAspect: 'yes' };
      },
    };
    const { warnings } = synthesizeChecked(resolveMatrix(singleDeployment()), { outdir, aspects: [tagLogs] });
    expect(warnings).toEqual([]);
    const tf = JSON.parse(readFileSync(join(outdir, 'stacks', 'telemetry-prod-eu-central-1', 'cdk.tf.json'), 'utf8'));
    expect(Object.values(tf.resource.aws_cloudwatch_log_group as Record<string, { tags?: unknown }>)[0].tags).toEqual({
      AddedByAspect: 'yes',
    });
  });
});

describe('checkStack on plain Terraform JSON', () => {
  it('accepts an IfExists confused-deputy guard only where suppressed (the crawler role), and says so', () => {
    const trust = (service: string) => ({
      assume_role_policy: JSON.stringify({
        Statement: [
          {
            Effect: 'Allow',
            Principal: { Service: service },
            Action: 'sts:AssumeRole',
            Condition: { StringEqualsIfExists: { 'aws:SourceAccount': '222222222222' } },
          },
        ],
      }),
    });
    const strictAndIfExists = {
      assume_role_policy: JSON.stringify({
        Statement: [
          {
            Effect: 'Allow',
            Principal: { Service: 'firehose.amazonaws.com' },
            Action: 'sts:AssumeRole',
            Condition: {
              StringEquals: { 'sts:ExternalId': '222222222222' },
              ArnLikeIfExists: { 'aws:SourceArn': 'arn:aws:firehose:*' },
            },
          },
        ],
      }),
    };
    const tf: TerraformJson = {
      resource: {
        aws_iam_role: {
          catalog_role_0D2DB899: trust('glue.amazonaws.com'),
          delivery: trust('firehose.amazonaws.com'),
          both: strictAndIfExists,
        },
      },
    };
    const findings = checkStack(tf, { region: 'eu-central-1', allowedRegions: [] }).map(
      (f) => `${f.severity} ${f.resource}: ${f.message}`,
    );
    expect(findings).toHaveLength(2);
    expect(findings).toContain(
      'error aws_iam_role.delivery: confused-deputy guard uses ' +
        'StringEqualsIfExists, which lets requests without the key through',
    );
    expect(findings).toContainEqual(
      expect.stringMatching(
        new RegExp(
          String.raw`^info aws_iam_role\.catalog_role_0D2DB899: confused-deputy guard uses ` +
            String.raw`StringEqualsIfExists: Glue does not document sending aws:SourceAccount`,
        ),
      ),
    );
  });

  it('allows "*" only in KMS key policies, where it means the key', () => {
    const policy = JSON.stringify({
      Statement: [
        { Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::222222222222:root' }, Action: 'kms:*', Resource: '*' },
      ],
    });
    const tf: TerraformJson = {
      resource: {
        aws_kms_key: { k: { policy, enable_key_rotation: true, lifecycle: { prevent_destroy: true } } },
        aws_iam_policy: { p: { policy } },
      },
    };
    expect(
      checkStack(tf, { region: 'eu-central-1', allowedRegions: [] }).map((f) => `${f.check} ${f.resource}`),
    ).toEqual(['least-privilege aws_iam_policy.p', 'least-privilege aws_iam_policy.p']);
  });

  it('flags a backend and provider in another region', () => {
    const tf: TerraformJson = {
      provider: { aws: [{ region: 'us-east-1' }] },
      terraform: { backend: { s3: { region: 'us-east-1' } } },
    };
    expect(checkStack(tf, { region: 'eu-central-1', allowedRegions: [] }).map((f) => f.resource)).toEqual([
      'provider.aws[0]',
      'terraform.backend.s3',
    ]);
  });
});

describe('least privilege of roles: AWS managed policies', () => {
  const ctx = { region: 'eu-central-1', allowedRegions: [] };
  const glueManaged = 'arn:aws:iam::aws:policy/service-role/AWSGlueServiceRole';

  it('an AWS managed policy attached to a role fails synth', () => {
    const problems = plant((stack) => {
      const role = stack.node.findAll().find((n): n is IamRole => n instanceof IamRole)!;
      new IamRolePolicyAttachment(stack, 'planted', { role: role.name, policyArn: glueManaged });
    });
    expect(problems).toEqual([
      expect.stringContaining(
        `[least-privilege] aws_iam_role_policy_attachment.planted: attaches the AWS managed policy ${glueManaged}`,
      ),
    ]);
  });

  it(
    'managed_policy_arns on the role and policy attachments are caught ' +
      'too; customer-managed policies are inspected, not refused',
    () => {
      const tf: TerraformJson = {
        resource: {
          aws_iam_role: { r: { managed_policy_arns: [glueManaged, '${aws_iam_policy.own.arn}'] } },
          aws_iam_policy_attachment: { a: { policy_arn: 'arn:aws-cn:iam::aws:policy/AdministratorAccess' } },
          aws_iam_role_policy_attachment: { own: { policy_arn: '${aws_iam_policy.own.arn}' } },
        },
      };
      expect(
        checkStack(tf, ctx)
          .filter((f) => f.check === 'least-privilege')
          .map((f) => f.resource),
      ).toEqual(['aws_iam_policy_attachment.a', 'aws_iam_role.r']);
    },
  );

  it('a wildcard resource in the crawler role fails', () => {
    const problems = plant((stack) => {
      const crawlerRole = stack.node
        .findAll()
        .find((n): n is IamRole => n instanceof IamRole && String(n.node.path).includes('catalog'))!;
      new IamRolePolicy(stack, 'planted', {
        role: crawlerRole.id,
        policy: JSON.stringify({
          Version: '2012-10-17',
          Statement: [{ Sid: 'AllOfGlue', Effect: 'Allow', Action: 'glue:GetTable', Resource: '*' }],
        }),
      });
    });
    expect(problems).toEqual([
      expect.stringContaining(
        '[least-privilege] aws_iam_role_policy.planted: statement AllOfGlue allows glue:GetTable on Resource "*"',
      ),
    ]);
  });
});

describe('destroy protection', () => {
  const ctx = { region: 'eu-central-1', allowedRegions: [] };
  const synthesized = (allowDestroy: boolean) => {
    const [stack] = buildStacks(Testing.app(), resolveMatrix(singleDeployment({ protection: { allowDestroy } })));
    return JSON.parse(Testing.synth(stack)) as TerraformJson & {
      resource: Record<string, Record<string, Record<string, unknown>>>;
    };
  };

  it('by default the data bucket and the key carry prevent_destroy, and the bucket depends on its key', () => {
    const tf = synthesized(false);
    for (const type of ['aws_s3_bucket', 'aws_kms_key']) {
      for (const body of Object.values(tf.resource[type])) expect(body.lifecycle).toEqual({ prevent_destroy: true });
    }
    const [bucket] = Object.values(tf.resource.aws_s3_bucket);
    expect(bucket.depends_on).toEqual([`aws_kms_key.${dataKey(tf)[0]}`]);
    expect(bucket.force_destroy).toBeUndefined();
  });

  /**
   * One protection finding per bucket (the data bucket, and the access-log bucket of the compliance profile) and key.
   */
  const protectable = (tf: ReturnType<typeof synthesized>) =>
    Object.keys(tf.resource.aws_s3_bucket).length + Object.keys(tf.resource.aws_kms_key).length;

  it(
    'opted out: every bucket is emptied by Terraform (force_destroy) ' +
      'and deleted before its key is scheduled for deletion',
    () => {
      const tf = synthesized(true);
      for (const bucket of Object.values(tf.resource.aws_s3_bucket)) {
        expect(bucket).toMatchObject({ force_destroy: true, depends_on: [`aws_kms_key.${dataKey(tf)[0]}`] });
        expect(bucket.lifecycle).toBeUndefined();
      }
      expect(
        checkStack(tf, { ...ctx, allowDestroy: true })
          .filter((f) => f.check === 'protection')
          .map((f) => f.severity),
      ).toEqual(Array(protectable(tf)).fill('info'));
    },
  );

  it(
    'a stack without protection is an error unless the deployment ' +
      'opted out; an opt-out without the ordering is an error',
    () => {
      const tf = synthesized(true);
      expect(
        checkStack(tf, { ...ctx, allowDestroy: false })
          .filter((f) => f.severity === 'error')
          .map((f) => f.message),
      ).toEqual(
        Array(protectable(tf)).fill(
          'has no lifecycle.prevent_destroy: a destroy would delete it; set protection.allowDestroy to opt out',
        ),
      );
      for (const bucket of Object.values(tf.resource.aws_s3_bucket)) delete bucket.depends_on;
      expect(
        checkStack(tf, { ...ctx, allowDestroy: true })
          .filter((f) => f.severity === 'error')
          .map((f) => f.message),
      ).toEqual(
        Object.keys(tf.resource.aws_s3_bucket).map(() =>
          expect.stringMatching(
            new RegExp(
              String.raw`^does not depend on aws_kms_key\.storage_key_[0-9A-F]+: a destroy would schedule the ` +
                String.raw`key for deletion while the bucket still holds objects$`,
            ),
          ),
        ),
      );
    },
  );

  it('the report infers the opt-out from force_destroy when it has only the JSON', () => {
    const tf = synthesized(true);
    expect(
      checkStack(tf, ctx)
        .filter((f) => f.check === 'protection')
        .map((f) => f.severity),
    ).toEqual(Array(protectable(tf)).fill('info'));
  });
});
