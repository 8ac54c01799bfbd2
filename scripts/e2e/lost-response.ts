/**
 * A create the emulator carried out whose answer the provider never got: the AWS SDK sends a call again after a
 * connection error or an HTTP 5xx (up to the provider's `max_retries`, 25; the `amz-sdk-request: attempt=N` header
 * counts the tries — aws-sdk-go-v2's standard retryer,
 * https://docs.aws.amazon.com/sdkref/latest/guide/feature-retry-behavior.html), and the second try of a create finds
 * the object the first one made: `AlreadyExistsException`. On a fresh emulator and a stack applied for the first time
 * nothing else can have made it — unless two stacks name the same object, which is a real defect and shows on the first
 * try. So the run tells the two apart by the provider's own debug log: the failed operation sent more than once is the
 * emulator's lost answer (seen once in CI, 2026-12-07: the state key's alias, with moto loaded by seven applies); sent
 * once, it is a name clash and fails the run.
 */

/** The failed call: the SDK's `operation error <Service>: <Operation>` of an "already exists" error. */
export interface LostResponse {
  service: string;
  operation: string;
  /** The try the failing answer answered (its request's `attempt=`): 1 sent once; 0 when the log does not show it. */
  attempts: number;
}

/**
 * Terraform's errors, each on one line: from its `Error:` line to the next error or warning, or the end of its box
 * (-no-color prints errors without the box, warnings of the CLI configuration with it).
 */
function errorBlocks(output: string): string[] {
  const blocks: string[][] = [];
  let current: string[] | undefined;
  for (const raw of output.split('\n')) {
    const line = raw.replace(/^[│╷╵]\s?/, '').trim();
    if (line.startsWith('Error:')) blocks.push((current = [line]));
    else if (line.startsWith('Warning:') || raw.startsWith('╵')) current = undefined;
    else if (current && line) current.push(line);
  }
  return blocks.map((block) => block.join(' '));
}

const ALREADY_EXISTS = /AlreadyExists|already exists|BucketAlreadyOwnedByYou/;

/**
 * The "already exists" answer that failed an apply, with the try it answered: the apply's one error, its answer found
 * in the provider's debug log (TF_LOG_PROVIDER=DEBUG) by its request id, and `attempts` the `attempt=` of the last
 * request of that call the same resource's Terraform request (`tf_req_id`) sent before it — 0 when the log does not
 * hold them. Undefined when the apply failed otherwise.
 */
export function alreadyExistsAnswer(terraformOutput: string, providerLog: string): LostResponse | undefined {
  const blocks = errorBlocks(terraformOutput);
  if (blocks.length !== 1 || !ALREADY_EXISTS.test(blocks[0])) return undefined;
  const call = /operation error ([A-Za-z0-9 ]+): ([A-Za-z0-9]+), .*?RequestID: ([^\s,]+)/.exec(blocks[0]);
  if (!call) return undefined;
  const [, service, operation, requestId] = call;
  const records = providerLog.split(/\n(?=\d{4}-\d{2}-\d{2}T)/);
  const answer = records.findIndex((r) => r.includes(requestId) && /HTTP Response Received/.test(r));
  const tfRequest = answer >= 0 ? /tf_req_id=(\S+)/.exec(records[answer])?.[1] : undefined;
  const method = new RegExp(`rpc\\.method=${operation}(?![A-Za-z0-9])`);
  const sent = records
    .slice(0, Math.max(answer, 0))
    .filter((r) => r.includes(`tf_req_id=${tfRequest}`) && /HTTP Request Sent/.test(r) && method.test(r))
    .pop();
  const attempts = tfRequest && sent ? Number(/amz_sdk_request="attempt=(\d+);/.exec(sent)?.[1] ?? 0) : 0;
  return { service, operation, attempts };
}

/** Whether an "already exists" answer is the emulator's lost answer: it answered a call sent more than once. */
export const isLost = (answer: LostResponse): boolean => answer.attempts > 1;

/** The emulator's lost answer behind a failed apply: an "already exists" to a call sent more than once. */
export function lostResponse(terraformOutput: string, providerLog: string): LostResponse | undefined {
  const answer = alreadyExistsAnswer(terraformOutput, providerLog);
  return answer && isLost(answer) ? answer : undefined;
}

/** What the run's retry decision reads of a stack's chain. */
interface FailedChain {
  target: { stack: string };
  failure?: { lost?: LostResponse; because?: { failure?: { lost?: LostResponse } } };
}

/**
 * The lost answers behind a failed run, when they are all that failed it — every failed stack failed by one, or
 * waiting on a stack that was, and the deploy-role check passed or was failed by one; undefined otherwise (a defect
 * anywhere keeps the run failed).
 */
export function onlyLostAnswers(
  runs: FailedChain[],
  deployRole?: { stack: string; ok: boolean; lost?: LostResponse },
): { what: string; lost: LostResponse }[] | undefined {
  const lost = [
    ...runs.flatMap((r) => (r.failure?.lost ? [{ what: r.target.stack, lost: r.failure.lost }] : [])),
    ...(deployRole?.lost ? [{ what: `deploy role of ${deployRole.stack}`, lost: deployRole.lost }] : []),
  ];
  const onlyThose =
    lost.length > 0 &&
    (deployRole === undefined || deployRole.ok || deployRole.lost !== undefined) &&
    runs.every((r) => !r.failure || r.failure.lost || r.failure.because?.failure?.lost);
  return onlyThose ? lost : undefined;
}
