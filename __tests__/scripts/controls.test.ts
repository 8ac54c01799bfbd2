/**
 * The controls view (scripts/report/controls.ts): each Security Hub control that applies to a stack is passed, failed
 * or accepted by the findings of the rules that evidence it, and "not checked" when none does. Planted regressions
 * turn their control to fail; an acceptance needs its reason.
 */
import { Testing } from 'cdktf';
import { ConfigError, type MatrixConfig } from '../../config';
import { resolveMatrix } from '../../config/resolve';
import type { TerraformJson } from '../../terraform-json/stack-json';
import { analyzeStack } from '../../scripts/report/analyze';
import { TelemetryStack } from '../../stacks/telemetry-stack';
import { EXAMPLE_MATRIX } from '../fixtures/example-matrix';
import { singleDeployment } from '../helpers';
import { buildBootstrapStacks } from '../../stacks/matrix';
import type { DeepPartial, PipelineSettings } from '../../config/schema';
import { CONTROLS, isSecurityHubControl } from '../../config/controls';
import { controlSummary } from '../../scripts/report/words';

const synthesizedStacks = new Map<string, { stack: string; facts: TelemetryStack['facts']; synthesized: string }>();
/** The pipeline stack of a one-deployment matrix, synthesized once per matrix in a run (most cases share one). */
function synthesizedOnce(matrix: MatrixConfig) {
  const key = JSON.stringify(matrix);
  if (!synthesizedStacks.has(key)) {
    const [d] = resolveMatrix(matrix);
    const stack = new TelemetryStack(Testing.app(), d);
    synthesizedStacks.set(key, { stack: d.names.stack, facts: stack.facts, synthesized: Testing.synth(stack) });
  }
  return synthesizedStacks.get(key)!;
}

/** The report's controls of one deployment, with its Terraform JSON edited first. */
function controls(
  matrix = singleDeployment(),
  edit: (tf: TerraformJson & { resource: Record<string, Record<string, Record<string, unknown>>> }) => void = () =>
    undefined,
) {
  const { stack, facts, synthesized } = synthesizedOnce(matrix);
  // Parsed afresh each time: `edit` changes this copy only.
  const tf = JSON.parse(synthesized);
  edit(tf);
  const report = analyzeStack(stack, tf, facts);
  return Object.fromEntries(report.controls.map((c) => [c.id, c]));
}

const status = (all: ReturnType<typeof controls>) =>
  Object.fromEntries(Object.entries(all).map(([id, c]) => [id, c.status]));

describe('Security Hub controls of a stack', () => {
  const compliance = controls();

  it(
    'the compliance stack: every control of the catalogue for S3, KMS, SNS, ' +
      'CloudWatch, Athena, Firehose, Cognito and IAM is listed with an honest status',
    () => {
      expect(status(compliance)).toEqual({
        'S3.1': 'not checked',
        'S3.2': 'pass',
        'S3.3': 'pass',
        'S3.4': 'pass',
        'S3.5': 'pass',
        'S3.6': 'pass',
        // The fixture matrix accepts only Cognito.2: the defaults' acceptances of S3.7, S3.15 and S3.20 are not in it.
        'S3.7': 'fail',
        'S3.8': 'pass',
        'S3.9': 'accepted',
        'S3.10': 'pass',
        'S3.11': 'fail',
        'S3.12': 'pass',
        'S3.13': 'pass',
        'S3.14': 'fail',
        'S3.15': 'fail',
        'S3.17': 'pass',
        'S3.20': 'fail',
        'KMS.1': 'pass',
        'KMS.2': 'pass',
        'KMS.3': 'not checked',
        // The receipts' HMAC key cannot be rotated by KMS: exempted with AWS's reason, never "pass".
        'KMS.4': 'accepted',
        'KMS.5': 'pass',
        'SNS.1': 'pass',
        'SNS.2': 'fail',
        'SNS.4': 'pass',
        'CloudWatch.15': 'pass',
        'CloudWatch.16': 'pass',
        'CloudWatch.17': 'pass',
        'cloudwatch-log-group-encrypted': 'pass',
        'sns-tls-only': 'pass',
        'Athena.1': 'pass',
        'Athena.4': 'pass',
        'DataFirehose.1': 'pass',
        'Cognito.2': 'accepted',
        'IAM.1': 'pass',
        'IAM.21': 'pass',
        'IAM.27': 'pass',
      });
      expect(compliance['Cognito.2'].acceptance).toMatchObject({
        control: 'Cognito.2',
        reason: 'the app sends events as a guest',
        compensatingControls: ['put-only guest role', 'throttling alarm'],
      });
      // What fails is the access-log bucket (not versioned, no notifications) and the topic's delivery status logging.
      expect(compliance['S3.14'].failing).toEqual([expect.stringMatching(/access-logs/)]);
      expect(compliance['S3.11'].failing).toEqual([expect.stringMatching(/access-logs/)]);
    },
  );

  it(
    'S3.9 on the server access log bucket is accepted with AWS’s ' +
      'own reason, not passed; the data bucket passes it',
    () => {
      const s39 = compliance['S3.9'];
      expect(s39.exempted).toEqual({
        resources: [expect.stringMatching(/access-logs/)],
        reason: expect.stringContaining('you should suppress findings for this bucket'),
      });
      expect(s39.failing).toEqual([]);
      expect(s39.resources.length).toBe(2);
    },
  );

  it(
    'S3.6, SNS.4 and SQS.3 are rows of the bucket, topic or queue AWS evaluates, with its ' +
      'policy as the evidence; a bucket without a bucket policy has its S3.6 row, passed',
    () => {
      expect(compliance['S3.6'].resources).toEqual(compliance['S3.4'].resources);
      expect(compliance['S3.6'].resources.every((r) => r.startsWith('aws_s3_bucket.'))).toBe(true);
      expect(compliance['SNS.4'].resources).toEqual(compliance['SNS.1'].resources);
      expect(compliance['SNS.4'].resources.every((r) => r.startsWith('aws_sns_topic.'))).toBe(true);
      expect(compliance['S3.6'].evidence.length).toBeGreaterThan(0);
      expect(compliance['S3.6'].evidence.every((r) => r.startsWith('aws_s3_bucket_policy.'))).toBe(true);
      // A bucket without a bucket policy is still evaluated, and passes: no policy grants another account anything.
      const withoutPolicy = controls(singleDeployment(), (tf) => {
        const [name] = Object.keys(tf.resource.aws_s3_bucket_policy);
        delete tf.resource.aws_s3_bucket_policy[name];
      });
      expect(withoutPolicy['S3.6'].resources).toEqual(compliance['S3.6'].resources);
      expect(withoutPolicy['S3.6'].status).toBe('pass');
      expect(withoutPolicy['S3.6'].evidence.length).toBe(compliance['S3.6'].evidence.length - 1);
      // Each of them evaluates the resource type its catalogue entry says AWS evaluates, whichever stack has it.
      for (const c of CONTROLS.filter((c) => ['S3.6', 'SNS.4', 'SQS.3'].includes(c.id)))
        expect(c.resourceTypes).toEqual([
          {
            'AWS::S3::Bucket': 'aws_s3_bucket',
            'AWS::SNS::Topic': 'aws_sns_topic',
            'AWS::SQS::Queue': 'aws_sqs_queue',
          }[c.evaluates],
        ]);
    },
  );

  it(
    'a bucket policy letting another account replace it fails ' + 'S3.6 on the bucket, not on "bucket policy of" it',
    () => {
      const planted = controls(singleDeployment(), (tf) => {
        const [policy] = Object.values(tf.resource.aws_s3_bucket_policy);
        const document = JSON.parse(String(policy.policy));
        document.Statement.push({
          Effect: 'Allow',
          Principal: { AWS: 'arn:aws:iam::999999999999:root' },
          Action: 's3:PutBucketPolicy',
          Resource: 'arn:aws:s3:::b',
        });
        policy.policy = JSON.stringify(document);
      });
      expect(planted['S3.6'].status).toBe('fail');
      expect(planted['S3.6'].failing.length).toBeGreaterThan(0);
      expect(planted['S3.6'].failing.every((r) => r.startsWith('aws_s3_bucket.'))).toBe(true);
    },
  );

  it(
    'the summary counts Security Hub controls and this project’s ' +
      'own checks separately, from the catalogue’s standards',
    () => {
      const rows = Object.values(compliance);
      const own = rows.filter((c) => !isSecurityHubControl(c));
      // The compliance stack has project checks (sns-tls-only, cloudwatch-log-group-encrypted): they are not
      // Security Hub's.
      expect(own.map((c) => c.id)).toEqual(expect.arrayContaining(['sns-tls-only', 'cloudwatch-log-group-encrypted']));
      const count = (list: typeof rows, s: string) => list.filter((c) => c.status === s).length;
      const hub = rows.filter(isSecurityHubControl);
      const summary = controlSummary({ controls: rows } as unknown as Parameters<typeof controlSummary>[0]);
      expect(summary).toBe(
        `Security Hub: ${count(hub, 'pass')} pass, ${count(hub, 'accepted')} ` +
          `accepted, ${count(hub, 'fail')} fail, ${count(hub, 'not checked')} not checked; ` +
          `this project’s checks: ${count(own, 'pass')} pass, ${count(own, 'accepted')} ` +
          `accepted, ${count(own, 'fail')} fail, ${count(own, 'not checked')} not checked`,
      );
      // Without project checks, only Security Hub's line.
      const hubOnly = controlSummary({ controls: hub } as unknown as Parameters<typeof controlSummary>[0]);
      expect(hubOnly).not.toMatch(/project/);
    },
  );

  it(
    "KMS.4 on the receipts' HMAC key is accepted with AWS's reason (KMS " +
      'cannot rotate HMAC keys); the data key still must rotate',
    () => {
      const k4 = compliance['KMS.4'];
      expect(k4.status).toBe('accepted');
      expect(k4.exempted).toEqual({
        resources: [expect.stringMatching(/^aws_kms_key\.erasure_receipt-key_/)],
        reason: expect.stringContaining('You cannot enable automatic rotation of asymmetric KMS keys, HMAC KMS keys'),
      });
      expect(k4.failing).toEqual([]);
      expect(k4.resources).toHaveLength(2);
    },
  );

  it(
    'KMS.3 is not checked: AWS checks a live key scheduled for deletion, ' +
      'which no synth shows; prevent_destroy is not its evidence',
    () => {
      expect(compliance['KMS.3']).toMatchObject({
        status: 'not checked',
        rules: [],
        notCheckable: expect.stringContaining('scheduled for deletion'),
      });
    },
  );

  it(
    'IAM.1, IAM.21 and KMS.1 are evaluated on customer managed ' +
      'policies only, as AWS does; KMS.2 on inline policies',
    () => {
      for (const id of ['IAM.1', 'IAM.21', 'KMS.1'])
        for (const r of compliance[id].resources) expect(r).toMatch(/^aws_iam_policy\./);
      for (const r of compliance['KMS.2'].resources) expect(r).toMatch(/^aws_iam_role_policy\./);
      // A wildcard in an inline policy fails KMS.2 but not IAM.1 (AWS does not evaluate inline policies for IAM.1).
      const planted = controls(singleDeployment(), (tf) => {
        const [inline] = Object.values(tf.resource.aws_iam_role_policy);
        const document = JSON.parse(String(inline.policy));
        document.Statement.push({ Effect: 'Allow', Action: 'kms:Decrypt', Resource: '*' });
        inline.policy = JSON.stringify(document);
      });
      expect([planted['KMS.2'].status, planted['IAM.1'].status, planted['KMS.1'].status]).toEqual([
        'fail',
        'pass',
        'pass',
      ]);
    },
  );

  it(
    'IAM.27 evaluates the stack’s roles: AWSCloudShellFullAccess attached to one ' +
      '(by an attachment or managed_policy_arns) fails it on that role',
    () => {
      expect(compliance['IAM.27'].resources.length).toBeGreaterThan(0);
      for (const r of compliance['IAM.27'].resources) expect(r).toMatch(/^aws_iam_role\./);
      let role = '';
      const attached = controls(singleDeployment(), (tf) => {
        role = Object.keys(tf.resource.aws_iam_role)[0];
        tf.resource.aws_iam_role_policy_attachment = {
          shell: {
            role: `\${aws_iam_role.${role}.name}`,
            policy_arn: 'arn:aws:iam::aws:policy/AWSCloudShellFullAccess',
          },
        };
      });
      expect(attached['IAM.27']).toMatchObject({ status: 'fail', failing: [`aws_iam_role.${role}`] });
      const listed = controls(singleDeployment(), (tf) => {
        const [role] = Object.values(tf.resource.aws_iam_role);
        role.managed_policy_arns = ['arn:aws:iam::aws:policy/AWSCloudShellFullAccess'];
      });
      expect(listed['IAM.27'].status).toBe('fail');
    },
  );

  it('IAM.1 is not tagged CIS v3 (AWS lists it under CIS v1.2 and v1.4 only); IAM.27 is', () => {
    expect(compliance['IAM.1'].standards).not.toContain('CIS v3');
    expect(compliance['IAM.27'].standards).toContain('CIS v3');
  });

  it(
    'the standard profile keeps its logs 30 days and no access logs: ' +
      'CloudWatch.16 and S3.9 fail, each naming the setting that closes it',
    () => {
      const standard = controls(singleDeployment({}, { profile: 'standard', jurisdiction: 'EU' }));
      expect(standard['S3.9']).toMatchObject({
        status: 'fail',
        failing: [expect.stringMatching(/^aws_s3_bucket\./)],
        closedBy: expect.stringMatching(/^logs\.bucketAccessLogs: true/),
      });
      expect(standard['CloudWatch.16']).toMatchObject({
        status: 'fail',
        failing: [
          expect.stringMatching(/^\/aws-glue\/crawlers-role\//),
          expect.stringMatching(/^\/aws\/kinesisfirehose\//),
        ],
        closedBy: expect.stringMatching(/^logs\.retentionDays: 365/),
      });
    },
  );

  it.each([
    [
      'a shorter log retention in the compliance profile',
      'CloudWatch.16',
      { logs: { retentionDays: 90 as const } },
      undefined,
    ],
    [
      'a key that no longer rotates',
      'KMS.4',
      {},
      (tf: TerraformJson & { resource: Record<string, Record<string, Record<string, unknown>>> }) =>
        Object.values(tf.resource.aws_kms_key).forEach((k) => (k.enable_key_rotation = false)),
    ],
    [
      'an unencrypted stream',
      'DataFirehose.1',
      {},
      (tf: TerraformJson & { resource: Record<string, Record<string, Record<string, unknown>>> }) =>
        Object.values(tf.resource.aws_kinesis_firehose_delivery_stream).forEach((s) => delete s.server_side_encryption),
    ],
    [
      'a bucket policy letting another account replace it',
      'S3.6',
      {},
      (tf: TerraformJson & { resource: Record<string, Record<string, Record<string, unknown>>> }) => {
        const [policy] = Object.values(tf.resource.aws_s3_bucket_policy);
        const document = JSON.parse(String(policy.policy));
        document.Statement.push({
          Effect: 'Allow',
          Principal: { AWS: 'arn:aws:iam::999999999999:root' },
          Action: 's3:PutBucket*',
          Resource: 'arn:aws:s3:::b',
        });
        policy.policy = JSON.stringify(document);
      },
    ],
    [
      'the alert topic’s policy without its TLS-only statement',
      'sns-tls-only',
      {},
      (tf: TerraformJson & { resource: Record<string, Record<string, Record<string, unknown>>> }) => {
        for (const policy of Object.values(tf.resource.aws_sns_topic_policy)) {
          const document = JSON.parse(String(policy.policy));
          document.Statement = document.Statement.filter((s: { Sid?: string }) => s.Sid !== 'DenyInsecureTransport');
          policy.policy = JSON.stringify(document);
        }
      },
    ],
    ['access logging turned off', 'S3.9', { logs: { bucketAccessLogs: false } }, undefined],
    [
      'crawler logs left unencrypted (catalog.encryptCrawlerLogs: false)',
      'cloudwatch-log-group-encrypted',
      { catalog: { encryptCrawlerLogs: false } },
      undefined,
    ],
    [
      'a workgroup without metrics',
      'Athena.4',
      {},
      (tf: TerraformJson & { resource: Record<string, Record<string, Record<string, unknown>>> }) =>
        Object.values(tf.resource.aws_athena_workgroup).forEach(
          (w) => ((w.configuration as Record<string, unknown>).publish_cloudwatch_metrics_enabled = false),
        ),
    ],
  ])('planted regression, %s: %s fails', (_what, control, overrides, edit) => {
    const planted = controls(singleDeployment(overrides), edit);
    expect(planted[control].status).toBe('fail');
    // Nothing else fails that passed before.
    expect(
      Object.entries(status(planted)).filter(
        ([id, s]) => s === 'fail' && id !== control && compliance[id].status !== 'fail',
      ),
    ).toEqual([]);
  });

  it('S3.1, which no rule here can check, is accepted only by an acceptance with its reason; never passed', () => {
    const s31 = {
      control: 'S3.1' as const,
      scope: 'the account',
      reason: 'the account owner sets it',
      compensatingControls: ['S3.8 on every bucket'],
    };
    const accepted = controls({
      ...singleDeployment(),
      defaults: {
        ...EXAMPLE_MATRIX.defaults,
        controls: { acceptances: [...EXAMPLE_MATRIX.defaults.controls.acceptances, s31] },
      },
    });
    expect(accepted['S3.1']).toMatchObject({ status: 'accepted', rules: [], acceptance: s31 });
    expect(compliance['S3.1']).toMatchObject({ status: 'not checked', rules: [] });
  });

  it('a state stack reports as accepted only what every stack whose state it holds accepts alike', () => {
    const s31 = {
      control: 'S3.1' as const,
      scope: 'the account',
      reason: 'the account owner sets it',
      compensatingControls: ['S3.8 on every bucket'],
    };
    const stateControls = (staging: DeepPartial<PipelineSettings>) => {
      const matrix = {
        ...singleDeployment(),
        defaults: {
          ...EXAMPLE_MATRIX.defaults,
          controls: { acceptances: [...EXAMPLE_MATRIX.defaults.controls.acceptances, s31] },
        },
      };
      const deployments = resolveMatrix({
        ...matrix,
        deployments: [
          ...matrix.deployments,
          {
            environment: 'staging',
            region: 'eu-central-1',
            accountId: '222222222222',
            profile: 'compliance',
            jurisdiction: 'EU',
            overrides: staging,
          },
        ],
      });
      const [state] = buildBootstrapStacks(Testing.app(), deployments);
      return Object.fromEntries(
        analyzeStack(state.node.id, JSON.parse(Testing.synth(state)), state.facts).controls.map((c) => [c.id, c]),
      );
    };
    expect(stateControls({})['S3.1']).toMatchObject({ status: 'accepted', acceptance: s31 });
    // The staging deployment does not accept it: the state bucket both share cannot either.
    expect(
      stateControls({ controls: { acceptances: EXAMPLE_MATRIX.defaults.controls.acceptances } })['S3.1'].status,
    ).toBe('not checked');
  });

  it('without its acceptance, Cognito.2 fails', () => {
    const none = controls({
      ...singleDeployment(),
      defaults: { ...EXAMPLE_MATRIX.defaults, controls: { acceptances: [] } },
    });
    expect(none['Cognito.2'].status).toBe('fail');
  });

  it('an acceptance without a reason or compensating controls is a configuration error', () => {
    const accept = (reason: string, compensatingControls: string[]) => () =>
      resolveMatrix({
        ...singleDeployment(),
        defaults: {
          ...EXAMPLE_MATRIX.defaults,
          controls: { acceptances: [{ control: 'Cognito.2', scope: 'pool', reason, compensatingControls }] },
        },
      });
    expect(accept(' ', ['alarm'])).toThrow(ConfigError);
    expect(accept(' ', ['alarm'])).toThrow(/controls\.acceptances\[0\]\.reason: .* — an acceptance needs its reason/);
    expect(accept('by design', [])).toThrow(/an acceptance names what compensates for it/);
  });
});
