import { alreadyExistsAnswer, lostResponse, onlyLostAnswers } from '../../scripts/e2e/lost-response';

// Records as Terraform 1.11's provider debug log writes them (AWS provider 5.100.0, trimmed to the fields read). The
// real thing was checked 2026-12-07: a proxy in front of moto that dropped the first CreateAlias answer gave this very
// error, and the log attempt=2; a second apply, sent once, attempt=1.
const sent = (tfReq: string, method: string, attempt: number) =>
  `2026-12-07T01:38:03.430Z [DEBUG] provider.terraform-provider-aws_v5.100.0_x5: HTTP Request Sent: ` +
  `aws.region=eu-central-1\n  http.request.body=\n` +
  `  | {"AliasName":"alias/telemetry-tfstate","TargetKeyId":"0b13c09f"}\n` +
  `   tf_req_id=${tfReq} tf_resource_type=aws_kms_alias rpc.service=KMS rpc.method=${method} ` +
  `http.request.header.amz_sdk_request="attempt=${attempt}; max=25" timestamp=2026-12-07T01:38:03.429Z`;
const received = (tfReq: string, method: string, requestId: string, status: number) =>
  `2026-12-07T01:38:04.437Z [DEBUG] provider.terraform-provider-aws_v5.100.0_x5: HTTP ` +
  `Response Received: tf_req_id=${tfReq} http.response.header.x_amzn_requestid=${requestId} rpc.method=${method} ` +
  `http.status_code=${status} rpc.service=KMS`;
const unrelated = '2026-12-07T01:38:02.000Z [DEBUG] provider.stdio: received EOF, stopping recv loop';

const aliasError = (requestId: string) =>
  `aws_kms_alias.state-key-alias: Creating...\n\n` +
  `Error: creating KMS Alias (alias/telemetry-tfstate): operation error KMS: CreateAlias, https ` +
  `response error StatusCode: 400, RequestID: ${requestId}, AlreadyExistsException: An alias with ` +
  `the name arn:aws:kms:eu-central-1:222222222222:alias/telemetry-tfstate already exists\n\n` +
  `  with aws_kms_alias.state-key-alias,\n  on cdk.tf.json line 69, in resource.aws_kms_alias.state-key-alias:\n` +
  `  69:       },\n`;

describe('lostResponse: a create the emulator made and whose answer the provider lost', () => {
  test('sent twice for the failed resource, the second try answered "already exists": a lost answer', () => {
    const log = [
      unrelated,
      sent('req-a', 'CreateAlias', 1),
      sent('req-a', 'CreateAlias', 2),
      received('req-a', 'CreateAlias', 'R2', 400),
    ];
    expect(lostResponse(aliasError('R2'), log.join('\n'))).toEqual({
      service: 'KMS',
      operation: 'CreateAlias',
      attempts: 2,
    });
  });

  test('inside the box Terraform draws with colour, and behind a warning of the CLI configuration', () => {
    const boxed = `╷\n│ Warning: Unable to open CLI configuration file\n╵\n${aliasError('R2')
      .split('\n')
      .map((l) => (l.startsWith('Error') || l.startsWith('  ') ? `│ ${l}` : l))
      .join('\n')}╵\n`;
    const log = [
      sent('req-a', 'CreateAlias', 1),
      sent('req-a', 'CreateAlias', 2),
      received('req-a', 'CreateAlias', 'R2', 400),
    ];
    expect(lostResponse(boxed, log.join('\n'))?.attempts).toBe(2);
  });

  test('sent once and answered "already exists": two stacks name one object — a defect, not a lost answer', () => {
    const log = [sent('req-a', 'CreateAlias', 1), received('req-a', 'CreateAlias', 'R1', 400)];
    expect(lostResponse(aliasError('R1'), log.join('\n'))).toBeUndefined();
    expect(alreadyExistsAnswer(aliasError('R1'), log.join('\n'))?.attempts).toBe(1);
  });

  test("another resource's call retried does not excuse this one's clash", () => {
    const log = [
      sent('req-b', 'CreateAlias', 1),
      sent('req-b', 'CreateAlias', 2),
      received('req-b', 'CreateAlias', 'B2', 200),
      sent('req-a', 'CreateAlias', 1),
      received('req-a', 'CreateAlias', 'R1', 400),
    ];
    expect(lostResponse(aliasError('R1'), log.join('\n'))).toBeUndefined();
  });

  test("an earlier call of the same resource sent twice does not excuse the failing try's clash", () => {
    // The provider's own retry loop (a create answered NotFound, sent again as a new call) within one resource.
    const log = [
      sent('req-a', 'CreateAlias', 1),
      sent('req-a', 'CreateAlias', 2),
      received('req-a', 'CreateAlias', 'N2', 400),
      sent('req-a', 'CreateAlias', 1),
      received('req-a', 'CreateAlias', 'R3', 400),
    ];
    expect(alreadyExistsAnswer(aliasError('R3'), log.join('\n'))?.attempts).toBe(1);
    expect(lostResponse(aliasError('R3'), log.join('\n'))).toBeUndefined();
  });

  test('no debug log, or one without the answer: not excused', () => {
    expect(lostResponse(aliasError('R2'), '')).toBeUndefined();
    expect(lostResponse(aliasError('R2'), [sent('req-a', 'CreateAlias', 2)].join('\n'))).toBeUndefined();
  });

  test('an error other than "already exists", or a second error beside it: not excused', () => {
    const log = [
      sent('req-a', 'CreateNamedQuery', 1),
      sent('req-a', 'CreateNamedQuery', 2),
      received('req-a', 'CreateNamedQuery', 'Q2', 400),
    ];
    const missing =
      'Error: creating Athena Named Query: operation error Athena: CreateNamedQuery, https response ' +
      'error StatusCode: 400, RequestID: Q2, InvalidRequestException: WorkGroup does not exist\n';
    expect(lostResponse(missing, log.join('\n'))).toBeUndefined();
    const aliasLog = [
      sent('req-a', 'CreateAlias', 1),
      sent('req-a', 'CreateAlias', 2),
      received('req-a', 'CreateAlias', 'R2', 400),
    ];
    expect(lostResponse(`${aliasError('R2')}\n${missing}`, aliasLog.join('\n'))).toBeUndefined();
  });
});

describe('onlyLostAnswers: the run is repeated only when lost answers are all that failed it', () => {
  const lost = { service: 'KMS', operation: 'CreateAlias', attempts: 2 };
  const bootstrap = { target: { stack: 'state' }, failure: { lost } };
  const waiting = { target: { stack: 'pipeline' }, failure: { because: bootstrap } };
  const fine = { target: { stack: 'other' } };
  const broken = { target: { stack: 'broken' }, failure: {} };
  const passed = { stack: 'dev', ok: true };

  test('a lost answer and the pipeline waiting on its stack: repeated', () => {
    expect(onlyLostAnswers([bootstrap, waiting, fine], passed)).toEqual([{ what: 'state', lost }]);
    expect(onlyLostAnswers([bootstrap, waiting, fine])).toEqual([{ what: 'state', lost }]);
  });

  test("the deploy-role check's lost answer alone: repeated", () => {
    expect(onlyLostAnswers([fine], { stack: 'dev', ok: false, lost })).toEqual([{ what: 'deploy role of dev', lost }]);
  });

  test(
    'any other failure beside it — a stack, a pipeline waiting on a stack that ' +
      'failed otherwise, the deploy-role check — keeps the run failed',
    () => {
      expect(onlyLostAnswers([bootstrap, broken], passed)).toBeUndefined();
      expect(onlyLostAnswers([{ target: { stack: 'p' }, failure: { because: broken } }, bootstrap])).toBeUndefined();
      expect(onlyLostAnswers([bootstrap], { stack: 'dev', ok: false })).toBeUndefined();
      expect(onlyLostAnswers([fine, broken], passed)).toBeUndefined();
      expect(onlyLostAnswers([fine], passed)).toBeUndefined();
    },
  );
});
