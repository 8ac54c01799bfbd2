/**
 * The controls view (scripts/report/controls.ts): each Security Hub control that applies to a stack is passed, failed
 * or accepted by the findings of the rules that evidence it, and "not checked" when none does. Planted regressions
 * turn their control to fail; an acceptance needs its reason.
 */
import { Testing } from 'cdktf';
import { ConfigError } from '../../config';
import { resolveMatrix } from '../../config/resolve';
import type { TerraformJson } from '../../stacks/policy-checks';
import { analyzeStack } from '../../scripts/report/analyze';
import { TelemetryStack } from '../../stacks/telemetry-stack';
import { EXAMPLE_MATRIX } from '../fixtures/example-matrix';
import { singleDeployment } from '../helpers';
import { buildBootstrapStacks } from '../../stacks/matrix';
import type { DeepPartial, PipelineSettings } from '../../config/schema';

/** The report's controls of one deployment, with its Terraform JSON edited first. */
function controls(matrix = singleDeployment(), edit: (tf: TerraformJson & { resource: Record<string, Record<string, Record<string, unknown>>> }) => void = () => undefined) {
  const [d] = resolveMatrix(matrix);
  const stack = new TelemetryStack(Testing.app(), d);
  const tf = JSON.parse(Testing.synth(stack));
  edit(tf);
  const report = analyzeStack(d.names.stack, tf, stack.facts);
  return Object.fromEntries(report.controls.map((c) => [c.id, c]));
}

const status = (all: ReturnType<typeof controls>) => Object.fromEntries(Object.entries(all).map(([id, c]) => [id, c.status]));

describe('Security Hub controls of a stack', () => {
  const compliance = controls();

  it('the compliance stack: every control applicable to S3, KMS, SNS, CloudWatch, Athena, Firehose, Cognito and IAM is listed; each passes or is accepted, but S3.1, an account-level setting no rule here checks', () => {
    expect(status(compliance)).toEqual({
      'S3.1': 'not checked',
      'S3.2': 'pass',
      'S3.3': 'pass',
      'S3.5': 'pass',
      'S3.6': 'pass',
      'S3.8': 'pass',
      'S3.9': 'pass',
      'S3.13': 'pass',
      'S3.17': 'pass',
      'KMS.2': 'pass',
      'KMS.3': 'pass',
      'KMS.4': 'pass',
      'KMS.5': 'pass',
      'SNS.1': 'pass',
      'SNS.4': 'pass',
      'CloudWatch.16': 'pass',
      'cloudwatch-log-group-encrypted': 'pass',
      'sns-tls-only': 'pass',
      'Athena.1': 'pass',
      'Athena.4': 'pass',
      'DataFirehose.1': 'pass',
      'Cognito.2': 'accepted',
      'IAM.1': 'pass',
      'IAM.21': 'pass',
    });
    expect(compliance['Cognito.2'].acceptance).toMatchObject({ control: 'Cognito.2', reason: 'the app sends events as a guest', compensatingControls: ['put-only guest role', 'throttling alarm'] });
  });

  it('the standard profile keeps its logs 30 days and no access logs: CloudWatch.16 and S3.9 fail, each naming the setting that closes it', () => {
    const standard = controls(singleDeployment({}, { profile: 'standard', jurisdiction: 'EU' }));
    expect(standard['S3.9']).toMatchObject({ status: 'fail', failing: [expect.stringMatching(/^aws_s3_bucket\./)], closedBy: expect.stringMatching(/^logs\.bucketAccessLogs: true/) });
    expect(standard['CloudWatch.16']).toMatchObject({ status: 'fail', failing: [expect.stringMatching(/^\/aws-glue\/crawlers-role\//), expect.stringMatching(/^\/aws\/kinesisfirehose\//)], closedBy: expect.stringMatching(/^logs\.retentionDays: 365/) });
  });

  it.each([
    ['a shorter log retention in the compliance profile', 'CloudWatch.16', { logs: { retentionDays: 90 as const } }, undefined],
    ['a key that no longer rotates', 'KMS.4', {}, (tf: TerraformJson & { resource: Record<string, Record<string, Record<string, unknown>>> }) => Object.values(tf.resource.aws_kms_key).forEach((k) => (k.enable_key_rotation = false))],
    ['an unencrypted stream', 'DataFirehose.1', {}, (tf: TerraformJson & { resource: Record<string, Record<string, Record<string, unknown>>> }) => Object.values(tf.resource.aws_kinesis_firehose_delivery_stream).forEach((s) => delete s.server_side_encryption)],
    ['a bucket policy letting another account replace it', 'S3.6', {}, (tf: TerraformJson & { resource: Record<string, Record<string, Record<string, unknown>>> }) => {
      const [policy] = Object.values(tf.resource.aws_s3_bucket_policy);
      const document = JSON.parse(String(policy.policy));
      document.Statement.push({ Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::999999999999:root' }, Action: 's3:PutBucket*', Resource: 'arn:aws:s3:::b' });
      policy.policy = JSON.stringify(document);
    }],
    ['the alert topic’s policy without its TLS-only statement', 'sns-tls-only', {}, (tf: TerraformJson & { resource: Record<string, Record<string, Record<string, unknown>>> }) => {
      for (const policy of Object.values(tf.resource.aws_sns_topic_policy)) {
        const document = JSON.parse(String(policy.policy));
        document.Statement = document.Statement.filter((s: { Sid?: string }) => s.Sid !== 'DenyInsecureTransport');
        policy.policy = JSON.stringify(document);
      }
    }],
    ['access logging turned off', 'S3.9', { logs: { bucketAccessLogs: false } }, undefined],
    ['crawler logs left unencrypted (catalog.encryptCrawlerLogs: false)', 'cloudwatch-log-group-encrypted', { catalog: { encryptCrawlerLogs: false } }, undefined],
    ['a workgroup without metrics', 'Athena.4', {}, (tf: TerraformJson & { resource: Record<string, Record<string, Record<string, unknown>>> }) => Object.values(tf.resource.aws_athena_workgroup).forEach((w) => ((w.configuration as Record<string, unknown>).publish_cloudwatch_metrics_enabled = false))],
  ])('planted regression, %s: %s fails', (_what, control, overrides, edit) => {
    const planted = controls(singleDeployment(overrides), edit);
    expect(planted[control].status).toBe('fail');
    expect(Object.entries(status(planted)).filter(([id, s]) => s === 'fail' && id !== control)).toEqual([]);
  });

  it('S3.1, which no rule here can check, is accepted only by an acceptance with its reason; never passed', () => {
    const s31 = { control: 'S3.1', scope: 'the account', reason: 'the account owner sets it', compensatingControls: ['S3.8 on every bucket'] };
    const accepted = controls({ ...singleDeployment(), defaults: { ...EXAMPLE_MATRIX.defaults, controls: { acceptances: [...EXAMPLE_MATRIX.defaults.controls.acceptances, s31] } } });
    expect(accepted['S3.1']).toMatchObject({ status: 'accepted', rules: [], acceptance: s31 });
    expect(compliance['S3.1']).toMatchObject({ status: 'not checked', rules: [] });
  });

  it('a state stack reports as accepted only what every stack whose state it holds accepts alike', () => {
    const s31 = { control: 'S3.1', scope: 'the account', reason: 'the account owner sets it', compensatingControls: ['S3.8 on every bucket'] };
    const stateControls = (staging: DeepPartial<PipelineSettings>) => {
      const matrix = { ...singleDeployment(), defaults: { ...EXAMPLE_MATRIX.defaults, controls: { acceptances: [...EXAMPLE_MATRIX.defaults.controls.acceptances, s31] } } };
      const deployments = resolveMatrix({ ...matrix, deployments: [...matrix.deployments, { environment: 'staging', region: 'eu-central-1', accountId: '222222222222', profile: 'compliance', jurisdiction: 'EU', overrides: staging }] });
      const [state] = buildBootstrapStacks(Testing.app(), deployments);
      return Object.fromEntries(analyzeStack(state.node.id, JSON.parse(Testing.synth(state)), state.facts).controls.map((c) => [c.id, c]));
    };
    expect(stateControls({})['S3.1']).toMatchObject({ status: 'accepted', acceptance: s31 });
    // The staging deployment does not accept it: the state bucket both share cannot either.
    expect(stateControls({ controls: { acceptances: EXAMPLE_MATRIX.defaults.controls.acceptances } })['S3.1'].status).toBe('not checked');
  });

  it('without its acceptance, Cognito.2 fails', () => {
    const none = controls({ ...singleDeployment(), defaults: { ...EXAMPLE_MATRIX.defaults, controls: { acceptances: [] } } });
    expect(none['Cognito.2'].status).toBe('fail');
  });

  it('an acceptance without a reason or compensating controls is a configuration error', () => {
    const accept = (reason: string, compensatingControls: string[]) => () =>
      resolveMatrix({ ...singleDeployment(), defaults: { ...EXAMPLE_MATRIX.defaults, controls: { acceptances: [{ control: 'Cognito.2', scope: 'pool', reason, compensatingControls }] } } });
    expect(accept(' ', ['alarm'])).toThrow(ConfigError);
    expect(accept(' ', ['alarm'])).toThrow(/controls\.acceptances\[0\]\.reason: .* — an acceptance needs its reason/);
    expect(accept('by design', [])).toThrow(/an acceptance names what compensates for it/);
  });
});
