/**
 * `npm run e2e [-- --keep] [-- --plant stream-bucket|query-workgroup]`: the configured matrix deployed for real
 * against a local AWS API emulator (moto server), used as an iOS app would use it, checked, drifted and destroyed.
 *
 * For every stack (a pipeline after its state bucket, as `npm run deploy` orders them): a scratch copy of its
 * synthesized Terraform with an emulator-only override (scripts/e2e/emulator.ts; never cdktf.out/), `terraform apply`
 * — pipeline stacks through their own S3 backend in the bootstrap-created state bucket, so the state lands encrypted
 * where it would in AWS and a second plan is refused while an apply holds the lock — then the app's configuration from
 * the outputs (npm run app-config), guest credentials from the identity pool, contract-valid events put into the
 * stream and read back from the bucket, the crawler started and every named query run, one device erased from the
 * first pipeline (npm run erase: scripts/e2e/erasure.ts), a planted drift (a longer expiration and a cross-region
 * replication) reported by `npm run drift` for exactly that stack, with its meaning, and failing `review --plan
 * --fail-on-widening`, destroy stopped by prevent_destroy, and the clean-up.
 * Beside them, the deploy permissions are proven on an emulator that enforces IAM (scripts/e2e/deploy-role.ts).
 * Prints per stack `apply / events / queries / erase / drift / destroy` in seconds and ends `e2e: N passed, M failed`
 * (the stacks and the deploy-role check). Exit 0 all passed, 1 a failure, 2 skipped (no moto_server).
 */
import { GATED, type ChangesJson } from '../report/changes';
import {
  AthenaClient,
  GetNamedQueryCommand,
  GetQueryExecutionCommand,
  GetWorkGroupCommand,
  ListNamedQueriesCommand,
  StartQueryExecutionCommand,
} from '@aws-sdk/client-athena';
import {
  CognitoIdentityClient,
  GetCredentialsForIdentityCommand,
  GetIdCommand,
} from '@aws-sdk/client-cognito-identity';
import { FirehoseClient, PutRecordBatchCommand } from '@aws-sdk/client-firehose';
import { GetCrawlerCommand, GetDatabaseCommand, GlueClient, StartCrawlerCommand } from '@aws-sdk/client-glue';
import {
  CreateBucketCommand,
  GetBucketEncryptionCommand,
  GetBucketLifecycleConfigurationCommand,
  GetBucketLoggingCommand,
  GetBucketVersioningCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutBucketLifecycleConfigurationCommand,
  PutBucketReplicationCommand,
  PutBucketVersioningCommand,
  S3Client,
  type BucketLocationConstraint,
} from '@aws-sdk/client-s3';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import type { ResolvedDeployment } from '../../config';
import { assertNever } from '../../config/assert-never';
import { staticFolder } from '../../config/names';
import type { CatalogSettings } from '../../config/schema';
import { stackTargets, type StackTarget } from '../../config/targets';
import { buildStackModel } from '../../model/build';
import { stackFacts } from '../../terraform-json/facts';
import type { StackModel } from '../../model/types';
import { withoutRemoteState, type TerraformJson } from '../../terraform-json/stack-json';
import { appConfig, type AppConfig } from '../app-bundle-config';
import { readStackJson, STACK_JSON_FILE, synthesizedStack } from '../../terraform-json/synth-output';
import { commandLine, isEntryPoint, loadDeploymentsOrReport, synthesizeInto, usage, type CommandSpec } from '../cli';
import { driftOf } from '../stack-drift';
import { generateEvents, validateEvents } from '../telemetry-events';
import { limiter } from '../concurrency';
import { startTerraform, terraform, terraformAvailable, terraformEnv, terraformError } from '../terraform-cli';
import { allowDestroyOverride, EMULATOR_CREDENTIALS, overrideFile, s3BackendConfig } from './emulator';
import { deployRoleCheck } from './deploy-role';
import { erasureOfOneDevice } from './erasure';
import { alreadyExistsAnswer, isLost, onlyLostAnswers, type LostResponse } from './lost-response';
import { motoInstalled, startEmulator } from './moto';

const STEPS = ['apply', 'events', 'queries', 'erase', 'drift', 'destroy'] as const;
type Step = (typeof STEPS)[number];

/** Stacks applied (or destroyed) at once: Terraform mostly waits on the emulator, so 3 beat 2 on 2 cores. */
const PARALLEL = 3;

interface StackRun {
  target: StackTarget;
  /** The emulator of the stack's account. */
  endpoint: string;
  deployment?: ResolvedDeployment;
  dir: string;
  log: string;
  /** The scratch copy's Terraform JSON (what the emulator overrides are written against). */
  tf: TerraformJson;
  /** What the stack deploys (model/), from its JSON and the deployment facts of the synth. */
  model?: StackModel;
  seconds: Partial<Record<Step, number>>;
  failure?: {
    step: Step;
    message: string;
    /** The emulator's lost answer that failed the step (lost-response.ts). */
    lost?: LostResponse;
    /** The stack whose failure this one waited on. */
    because?: StackRun;
  };
  /** Terraform's provider debug log of the apply, which tells a lost emulator answer from a name clash. */
  providerLog: string;
  notes: string[];
  /** The step it is in now, for the progress lines; `done` once its chain has ended. */
  current?: Step | 'waiting for its state bucket' | 'done';
}

/** When the run began (progress lines show the time since). */
let runStarted = Date.now();
const elapsed = () => `[${String(Math.round((Date.now() - runStarted) / 1000)).padStart(4)} s]`;

/** A progress line: a stack entering a step, failing, or finishing. */
function progress(run: StackRun, what: string): void {
  console.log(`${elapsed()} ${run.target.stack}: ${what}`);
}

/** Enters a step: says so unless the stack is already in it (a step can run in parts). */
function enter(run: StackRun, name: Step): void {
  if (run.current !== name) progress(run, name);
  run.current = name;
}

/** Every `seconds`, which stacks are in which step, until stopped: a sign of life while Terraform waits. */
function heartbeat(runs: StackRun[], seconds = 25): () => void {
  const timer = setInterval(() => {
    const busy = runs.filter((r) => !r.failure && r.current !== undefined && r.current !== 'done');
    if (busy.length > 0)
      console.log(`${elapsed()} still running: ${busy.map((r) => `${r.target.stack} (${r.current})`).join(', ')}`);
  }, seconds * 1000);
  return () => clearInterval(timer);
}

class StepFailure extends Error {}

/** A step failed by the emulator's lost answer to a create (lost-response.ts). */
class LostAnswer extends StepFailure {
  constructor(
    message: string,
    readonly lost: LostResponse,
  ) {
    super(message);
  }
}

const fail = (message: string): never => {
  throw new StepFailure(message);
};

/** Runs one step of a stack, timing it; a thrown error fails the stack at that step (later steps are skipped). */
async function step(run: StackRun, name: Step, body: () => Promise<void>): Promise<void> {
  if (run.failure) return;
  enter(run, name);
  const started = Date.now();
  try {
    await body();
  } catch (error) {
    run.failure = {
      step: name,
      message: error instanceof StepFailure ? error.message : `${(error as Error).name}: ${(error as Error).message}`,
      lost: error instanceof LostAnswer ? error.lost : undefined,
    };
    progress(run, `FAILED at ${name}: ${run.failure.message.split('\n')[0]}`);
  } finally {
    run.seconds[name] = (run.seconds[name] ?? 0) + (Date.now() - started) / 1000;
  }
}

async function tf(run: StackRun, env: NodeJS.ProcessEnv, args: string[], what: string): Promise<string> {
  const result = await terraform([...args, '-no-color'], run.dir, env, run.log);
  if (result.code !== 0) fail(`${what}: ${terraformError(result.output)} (log: ${run.log})`);
  return result.output;
}

function sdk(endpoint: string, region: string) {
  const common = { region, endpoint, credentials: EMULATOR_CREDENTIALS, maxAttempts: 2 };
  return {
    s3: new S3Client({ ...common, forcePathStyle: true }),
    athena: new AthenaClient(common),
    glue: new GlueClient(common),
    cognito: new CognitoIdentityClient(common),
    firehose: (credentials = EMULATOR_CREDENTIALS) => new FirehoseClient({ ...common, credentials }),
  };
}

/** Scratch copy of a synthesized stack with the emulator override (and the planted breakage, if asked). */
function prepare(run: StackRun, outdir: string, stateDir: string, plant?: string): void {
  const { endpoint } = run;
  const stack = synthesizedStack(outdir, run.target.stack);
  if (!stack?.json) throw new Error(`${outdir}: no synthesized JSON of ${run.target.stack}`);
  cpSync(stack.dir, run.dir, { recursive: true });
  const file = join(run.dir, STACK_JSON_FILE);
  const synthesized = readStackJson(stack) as TerraformJson & {
    resource: Record<string, Record<string, Record<string, unknown>>>;
  };
  const s3Backend = synthesized.terraform?.backend?.s3 !== undefined;
  // Terraform Cloud cannot be reached here: such stacks keep a local state in the scratch folder instead.
  const json = withoutRemoteState(synthesized, { keepBackend: true });
  if (plant === 'stream-bucket' && json.resource.aws_kinesis_firehose_delivery_stream) {
    for (const stream of Object.values(json.resource.aws_kinesis_firehose_delivery_stream)) {
      (stream.extended_s3_configuration as Record<string, unknown>).bucket_arn =
        'arn:aws:s3:::telemetry-e2e-no-such-bucket';
    }
  }
  if (plant === 'query-workgroup' && json.resource.aws_athena_named_query) {
    for (const query of Object.values(json.resource.aws_athena_named_query))
      query.workgroup = 'telemetry-e2e-no-such-workgroup';
  }
  writeFileSync(file, JSON.stringify(json, null, 2));
  run.tf = json;
  run.model = buildStackModel(json, stackFacts(stack.dir, run.target.stack, json));
  writeFileSync(
    join(run.dir, 'emulator_override.tf.json'),
    JSON.stringify(
      overrideFile(json, endpoint, s3Backend ? undefined : join(stateDir, `${run.target.stack}.tfstate`)),
      null,
      2,
    ),
  );
  if (s3Backend) writeFileSync(join(run.dir, 'emulator.s3.tfbackend'), s3BackendConfig(endpoint));
}

async function apply(run: StackRun, env: NodeJS.ProcessEnv): Promise<void> {
  const backendConfig = existsSync(join(run.dir, 'emulator.s3.tfbackend'))
    ? ['-backend-config=emulator.s3.tfbackend']
    : [];
  await tf(run, env, ['init', '-input=false', ...backendConfig], 'init');
  const debug = { ...env, TF_LOG_PROVIDER: 'DEBUG', TF_LOG_PATH: run.providerLog };
  const result = await terraform(['apply', '-auto-approve', '-input=false', '-no-color'], run.dir, debug, run.log);
  if (result.code === 0) return;
  const answer = alreadyExistsAnswer(
    result.output,
    existsSync(run.providerLog) ? readFileSync(run.providerLog, 'utf8') : '',
  );
  const message = `apply: ${terraformError(result.output)} (log: ${run.log})`;
  const lost = answer && isLost(answer) ? answer : undefined;
  if (!lost)
    return fail(
      answer
        ? `${message}; ` +
            (answer.attempts === 1
              ? `the provider sent ${answer.operation} once: two stacks name one object?`
              : `the provider's debug log does not show ${answer.operation}'s tries (${run.providerLog})`)
        : message,
    );
  throw new LostAnswer(
    `${message}; the emulator lost its answer: the provider sent ${lost.operation} ${lost.attempts} times`,
    lost,
  );
}

/**
 * Resolves once the state bucket a pipeline's S3 backend names is usable — versioned and encrypted, which the
 * bootstrap stack sets up after its state key (whose alias is made beside the bucket) — or once `bootstrapApplied`
 * settles, whichever comes first. The bootstrap's apply then still has the provider's ~55 s settle wait for the
 * bucket's lifecycle rule ahead of it, which the backend does not need.
 */
async function stateBucketUsable(run: StackRun, bootstrapApplied: Promise<void>): Promise<void> {
  const backend = run.model!.identity.backend;
  if (backend.type !== 's3') return bootstrapApplied;
  let settled = false;
  void bootstrapApplied.then(() => (settled = true));
  const { s3 } = sdk(run.endpoint, run.target.region);
  const Bucket = String(backend.bucket);
  while (!settled) {
    try {
      if (
        (await s3.send(new GetBucketVersioningCommand({ Bucket }))).Status === 'Enabled' &&
        (await s3.send(new GetBucketEncryptionCommand({ Bucket }))).ServerSideEncryptionConfiguration
      )
        return;
    } catch {
      // Not there yet.
    }
    await Promise.race([bootstrapApplied, new Promise((r) => setTimeout(r, 1000))]);
  }
}

/** The state of an S3-backed stack is where its backend says, encrypted under the state key. */
async function checkRemoteState(run: StackRun): Promise<void> {
  const backend = run.model!.identity.backend;
  if (backend.type !== 's3') return;
  const { s3 } = sdk(run.endpoint, run.target.region);
  const head = await s3.send(new HeadObjectCommand({ Bucket: backend.bucket, Key: backend.key }));
  if (head.ServerSideEncryption !== 'aws:kms' || head.SSEKMSKeyId !== backend.kmsKey) {
    fail(
      `state s3://${backend.bucket}/${backend.key} is encrypted ` +
        `with ${head.ServerSideEncryption} ${head.SSEKMSKeyId ?? ''}, not the state key ${String(backend.kmsKey)}`,
    );
  }
  run.notes.push(`state in s3://${backend.bucket}/${backend.key} (SSE-KMS, state key)`);
}

/** While an apply waits for its confirmation (holding the lock), a second plan must be refused. */
async function checkLock(run: StackRun, env: NodeJS.ProcessEnv): Promise<void> {
  const [dashboard] = run.model!.dashboards;
  const holder = startTerraform(
    ['apply', '-input=true', '-no-color', `-replace=${dashboard.address}`],
    run.dir,
    env,
    run.log,
  );
  let prompt = '';
  await new Promise<void>((resolveWait, rejectWait) => {
    const timer = setTimeout(
      () => rejectWait(new StepFailure('the apply holding the lock never asked for confirmation')),
      60_000,
    );
    holder.child.stdout!.on('data', (chunk: Buffer) => {
      prompt += chunk.toString();
      if (prompt.includes('Enter a value')) {
        clearTimeout(timer);
        resolveWait();
      }
    });
    holder.child.on('close', () => {
      clearTimeout(timer);
      rejectWait(new StepFailure(`the apply holding the lock ended early: ${terraformError(prompt)}`));
    });
  });
  const second = await terraform(['plan', '-input=false', '-no-color', '-lock-timeout=0s'], run.dir, env, run.log);
  holder.child.stdin!.end('no\n');
  await holder.done;
  if (second.code === 0 || !/Error acquiring the state lock/.test(second.output))
    fail('a second plan ran while an apply held the state lock (use_lockfile)');
  run.notes.push('a second plan was refused while an apply held the lock');
}

/** As the app: configuration from the outputs, guest credentials, a batch of contract-valid events, read back. */
async function sendEvents(run: StackRun, env: NodeJS.ProcessEnv): Promise<void> {
  const d = run.deployment!;
  const outputs = JSON.parse(await tf(run, env, ['output', '-json'], 'outputs'));
  writeFileSync(join(run.dir, 'outputs.json'), JSON.stringify(outputs, null, 2));
  // The app bundles this file (npm run app-config); the events below are sent from it, as the app would.
  const appFile = join(run.dir, 'app-config.json');
  writeFileSync(appFile, JSON.stringify(appConfig(d, outputs), null, 2));
  const app = JSON.parse(readFileSync(appFile, 'utf8')) as AppConfig;
  const clients = sdk(run.endpoint, app.region);

  const { IdentityId } = await clients.cognito.send(new GetIdCommand({ IdentityPoolId: app.identityPoolId }));
  const { Credentials } = await clients.cognito.send(new GetCredentialsForIdentityCommand({ IdentityId }));
  if (!Credentials?.AccessKeyId || !Credentials.SecretKey)
    fail(`no guest credentials from identity pool ${app.identityPoolId}`);

  const events = generateEvents(d, { sessions: 3, seed: 7, date: '2026-11-24' });
  const invalid = validateEvents(d, events);
  if (invalid.length) fail(`generated events break the contract: ${invalid[0]}`);
  const firehose = clients.firehose({
    accessKeyId: Credentials!.AccessKeyId!,
    secretAccessKey: Credentials!.SecretKey!,
    sessionToken: Credentials!.SessionToken,
  } as typeof EMULATOR_CREDENTIALS);
  const records = events.map((e) => ({ Data: Buffer.from(`${JSON.stringify(e)}\n`) }));
  for (let i = 0; i < records.length; i += app.limits.maxRecords) {
    const put = await firehose
      .send(
        new PutRecordBatchCommand({
          DeliveryStreamName: app.deliveryStreamName,
          Records: records.slice(i, i + app.limits.maxRecords),
        }),
      )
      .catch((error: { $response?: { statusCode?: number }; message?: string }) =>
        // The emulator answers a failed delivery with an HTML error page, which the SDK cannot parse: name the
        // status instead.
        fail(
          `PutRecordBatch into ${app.deliveryStreamName} failed` +
            `${error.$response?.statusCode ? ` with HTTP ${error.$response.statusCode}` : `: ${error.message}`}` +
            ` (the stream could not deliver to its destination; see the emulator's output)`,
        ),
      );
    if (put.FailedPutCount) fail(`${put.FailedPutCount} records refused by ${app.deliveryStreamName}`);
  }

  const bucket = d.names.dataBucket;
  const folder = staticFolder(d.settings.firehose.dataPrefix);
  const sent = new Set(events.map((e) => JSON.stringify(e)));
  const received: string[] = [];
  for (let attempt = 0; attempt < 20 && received.length < sent.size; attempt++) {
    received.length = 0;
    const listed = await clients.s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: folder }));
    for (const object of listed.Contents ?? []) {
      const body = Buffer.from(
        await (
          await clients.s3.send(new GetObjectCommand({ Bucket: bucket, Key: object.Key! }))
        ).Body!.transformToByteArray(),
      );
      const text = (body[0] === 0x1f && body[1] === 0x8b ? gunzipSync(body) : body).toString('utf8');
      received.push(...text.split('\n').filter(Boolean));
    }
    if (received.length < sent.size) await new Promise((r) => setTimeout(r, 500));
  }
  const missing = [...sent].filter((e) => !received.includes(e)).length;
  const unexpected = received.filter((e) => !sent.has(e)).length;
  if (missing || unexpected)
    fail(`s3://${bucket}/${folder}: ${missing} of ${sent.size} events missing, ${unexpected} unexpected records`);
  run.notes.push(
    `${sent.size} events through ${app.deliveryStreamName} into s3://${bucket}/${folder} with guest credentials`,
  );
  if (d.settings.logs.bucketAccessLogs) {
    const { LoggingEnabled } = await clients.s3.send(new GetBucketLoggingCommand({ Bucket: bucket }));
    if (LoggingEnabled?.TargetBucket !== d.names.accessLogBucket)
      fail(
        `s3://${bucket} logs access to ${LoggingEnabled?.TargetBucket ?? 'nowhere'}, not ${d.names.accessLogBucket}`,
      );
    run.notes.push(
      `access to s3://${bucket} logged into s3://${d.names.accessLogBucket}/${LoggingEnabled?.TargetPrefix ?? ''}`,
    );
  }
}

/** Whether the catalog mode has a crawler to start. */
function hasCrawler(c: CatalogSettings): boolean {
  switch (c.mode) {
    case 'crawler':
    case 'crawler-events':
      return true;
    case 'projection':
      return false;
    default:
      return assertNever(c, 'catalog mode');
  }
}

/** The crawler starts, and every named query runs in its workgroup against its database. */
async function runQueries(run: StackRun): Promise<void> {
  const d = run.deployment!;
  const { athena, glue } = sdk(run.endpoint, d.region);
  await glue.send(new GetDatabaseCommand({ Name: d.names.glueDatabase }));
  const crawled = hasCrawler(d.settings.catalog);
  if (crawled) {
    await glue.send(new GetCrawlerCommand({ Name: d.names.crawler }));
    await glue.send(new StartCrawlerCommand({ Name: d.names.crawler }));
  }
  await athena.send(new GetWorkGroupCommand({ WorkGroup: d.names.workgroup }));
  const { NamedQueryIds = [] } = await athena.send(new ListNamedQueriesCommand({ WorkGroup: d.names.workgroup }));
  const expected = run.model!.queries.map((q) => q.name).sort();
  // One GetNamedQuery each: the emulator's BatchGetNamedQuery answers 500 (emulator.ts).
  const NamedQueries = await Promise.all(
    NamedQueryIds.map(
      async (NamedQueryId) => (await athena.send(new GetNamedQueryCommand({ NamedQueryId }))).NamedQuery!,
    ),
  );
  const found = NamedQueries.map((q) => q.Name ?? '').sort();
  if (JSON.stringify(found) !== JSON.stringify(expected))
    fail(`workgroup ${d.names.workgroup} has named queries [${found.join(', ')}], expected [${expected.join(', ')}]`);
  for (const query of NamedQueries) {
    if (query.Database !== d.names.glueDatabase)
      fail(`named query ${query.Name} reads database ${query.Database}, not ${d.names.glueDatabase}`);
    await athena.send(new GetWorkGroupCommand({ WorkGroup: query.WorkGroup }));
    const { QueryExecutionId } = await athena.send(
      new StartQueryExecutionCommand({
        QueryString: query.QueryString,
        WorkGroup: query.WorkGroup,
        QueryExecutionContext: { Database: query.Database },
      }),
    );
    const { QueryExecution } = await athena.send(new GetQueryExecutionCommand({ QueryExecutionId }));
    if (QueryExecution?.Status?.State === 'FAILED')
      fail(`named query ${query.Name} failed: ${QueryExecution.Status.StateChangeReason}`);
  }
  run.notes.push(
    `${crawled ? `crawler ${d.names.crawler} started` : `no crawler (${d.settings.catalog.mode})`}; ` +
      `${NamedQueries.length} named queries ran in ${d.names.workgroup}`,
  );
}

/** A region of another jurisdiction than the stack's, for the planted cross-region replication. */
const elsewhere = (region: string) => (region.startsWith('us-') ? 'eu-west-1' : 'us-west-2');

/**
 * Changes the data bucket behind Terraform's back, through the S3 API, as console tweaks would: the events'
 * expiration lengthened (the next apply undoes it) and a replication rule copying every new object to a bucket in a
 * region of another jurisdiction (which no apply undoes: the stack configures no replication). Returns the drifted
 * resources' addresses and the replication's destination.
 */
async function plantDrift(run: StackRun): Promise<{ addresses: string[]; destination: string }> {
  const d = run.deployment!;
  const { s3 } = sdk(run.endpoint, d.region);
  const current = await s3.send(new GetBucketLifecycleConfigurationCommand({ Bucket: d.names.dataBucket }));
  const rules = (current.Rules ?? []).map((rule) =>
    rule.ID === 'events' ? { ...rule, Expiration: { Days: d.settings.lifecycle.expirationDays + 30 } } : rule,
  );
  await s3.send(
    new PutBucketLifecycleConfigurationCommand({
      Bucket: d.names.dataBucket,
      LifecycleConfiguration: { Rules: rules },
    }),
  );
  const other = sdk(run.endpoint, elsewhere(d.region)).s3;
  const copy = `telemetry-e2e-replica-${elsewhere(d.region)}`;
  await other.send(
    new CreateBucketCommand({
      Bucket: copy,
      CreateBucketConfiguration: { LocationConstraint: elsewhere(d.region) as BucketLocationConstraint },
    }),
  );
  await other.send(new PutBucketVersioningCommand({ Bucket: copy, VersioningConfiguration: { Status: 'Enabled' } }));
  const destination = `arn:aws:s3:::${copy}`;
  await s3.send(
    new PutBucketReplicationCommand({
      Bucket: d.names.dataBucket,
      ReplicationConfiguration: {
        Role: `arn:aws:iam::${d.accountId}:role/telemetry-e2e-replicator`,
        Rules: [{ ID: 'copy-everything', Status: 'Enabled', Prefix: '', Destination: { Bucket: destination } }],
      },
    }),
  );
  const data = run.model!.stores.find((s) => s.role === 'event-data')!;
  return { addresses: [data.address, data.lifecycle!].sort(), destination };
}

/**
 * The change review of a real plan (`npm run review -- --plan`), on the stack whose lifecycle drifted: the events'
 * expiration is also shortened in its configuration, so the plan both reverts the out-of-band change and applies a
 * new one. The review must name the out-of-band change as drift and the configured one as a shortened retention.
 */
async function reviewPlan(run: StackRun, env: NodeJS.ProcessEnv, outdir: string): Promise<void> {
  const d = run.deployment!;
  const file = join(run.dir, STACK_JSON_FILE);
  const original = readFileSync(file, 'utf8');
  const json = JSON.parse(original) as TerraformJson & {
    resource: Record<string, Record<string, { rule?: { id: string; expiration?: { days?: number }[] }[] }>>;
  };
  const shorter = d.settings.lifecycle.expirationDays - 30;
  for (const config of Object.values(json.resource.aws_s3_bucket_lifecycle_configuration ?? {})) {
    for (const rule of config.rule ?? []) if (rule.id === 'events') rule.expiration = [{ days: shorter }];
  }
  writeFileSync(file, JSON.stringify(json, null, 2));
  const review = join(run.dir, 'review');
  try {
    await tf(run, env, ['plan', '-input=false', '-lock=false', '-out=review.plan'], 'plan for the review');
    writeFileSync(
      join(run.dir, 'review-plan.json'),
      await tf(run, env, ['show', '-json', 'review.plan'], 'show -json'),
    );
    const cli = spawnSync(
      process.execPath,
      [
        join('scripts', 'run-ts.js'),
        join('scripts', 'review', 'index.ts'),
        '--plan',
        join(run.dir, 'review-plan.json'),
        '--from',
        outdir,
        '--out',
        review,
        '--fail-on-widening',
      ],
      { encoding: 'utf8' },
    );
    // The gate fails on the planted replication (drift: data copied to another region) and on the planned
    // shorter retention.
    if (cli.status !== 1)
      fail(`npm run review -- --plan --fail-on-widening exited ${cli.status}, not 1: ${cli.stderr.trim()}`);
    type Reviewed = ChangesJson['stacks'][number];
    const { stacks } = JSON.parse(readFileSync(join(review, 'changes.json'), 'utf8')) as ChangesJson;
    // The planted replication, read from changes.json by its typed change (never the gate's words): added, to the
    // planted bucket in the other region, with an effect the gate fails on.
    const replication = stacks
      .flatMap((s) => s.changes)
      .find(
        (c) =>
          c.kind === 'added' &&
          c.field.kind === 'replication' &&
          c.field.destination.startsWith('arn:aws:s3:::telemetry-e2e-replica-'),
      );
    if (!replication?.effects.includes('moves-residency') || !replication.effects.some((e) => GATED.includes(e)))
      fail(`the review's gate did not name the planted replication: ${cli.stderr.trim()}`);
    const retention = (r: Reviewed | undefined) => {
      const c = r?.changes.find((x) => x.field.kind === 'retention');
      return c && c.field.kind === 'retention' ? { words: c.words, after: c.field.after } : undefined;
    };
    const drift = retention(stacks.find((s) => s.source === 'drift'));
    const change = stacks.find((s) => s.source === 'change');
    if (drift?.after.expirationDays !== d.settings.lifecycle.expirationDays + 30)
      fail(
        `the plan review did not name the out-of-band expiration ` +
          `(${d.settings.lifecycle.expirationDays + 30} days) as ` +
          `drift: ${JSON.stringify(stacks.map((s) => [s.source, s.effects]))}`,
      );
    if (retention(change)?.after.expirationDays !== shorter || !change?.effects.includes('shortens-retention'))
      fail(
        `the plan review did not name the planned expiration (${shorter} ` +
          `days) as a shortened retention: ${JSON.stringify(change)}`,
      );
    run.notes.push(
      `npm run review -- --plan named the out-of-band expiration as drift (${drift!.words}) and the ` +
        `planned one as a shortened retention; --fail-on-widening failed on the planted replication`,
    );
  } finally {
    writeFileSync(file, original);
  }
}

const protectedStores = (run: StackRun) =>
  [...run.model!.stores, ...run.model!.keys].filter((r) => r.protection === 'prevent-destroy');

/** A destroy plan is stopped by prevent_destroy unless the deployment opted out. */
async function destroyRefused(run: StackRun, env: NodeJS.ProcessEnv): Promise<void> {
  if (protectedStores(run).length === 0) return;
  // No refresh, and no lock: prevent_destroy is a plan rule, and this runs beside the drift plan of the same state.
  const refused = await terraform(
    ['plan', '-destroy', '-refresh=false', '-input=false', '-no-color', '-lock=false'],
    run.dir,
    env,
    run.log,
  );
  if (refused.code === 0 || !/prevent_destroy/.test(refused.output))
    fail('a destroy plan was not stopped by prevent_destroy');
  run.notes.push('destroy refused by prevent_destroy');
}

/** The emulator cleaned up after the refusal: the opt-out taken, then destroyed. */
async function destroy(run: StackRun, env: NodeJS.ProcessEnv): Promise<void> {
  if (protectedStores(run).length > 0) {
    // Emulator gap (emulator.ts): the state bucket holds lock-file delete markers, which moto cannot delete, so it
    // cannot be emptied; the emulator is discarded instead. The data buckets show the opted-out destroy below.
    if (run.target.kind === 'bootstrap') return;
    // Clean-up only: the emulator copy takes the opt-out (what protection.allowDestroy synthesizes).
    const optOut = allowDestroyOverride(run.tf);
    writeFileSync(join(run.dir, 'emulator_cleanup_override.tf.json'), JSON.stringify({ resource: optOut }, null, 2));
    // Only the buckets and keys change (force_destroy is recorded in the state); nothing else is re-applied. No
    // refresh here either: the drift plan has just read every resource.
    const targets = Object.entries(optOut).flatMap(([type, byName]) =>
      Object.keys(byName).map((name) => `-target=${type}.${name}`),
    );
    await tf(
      run,
      env,
      ['apply', '-auto-approve', '-refresh=false', '-input=false', ...targets],
      'apply of the opt-out',
    );
  }
  // Emulator gap (see emulator.ts): deleting a named query never completes.
  const queries = run.model!.queries.map((q) => q.address);
  if (queries.length) await tf(run, env, ['state', 'rm', ...queries], 'state rm of the named queries');
  await tf(run, env, ['destroy', '-auto-approve', '-refresh=false', '-input=false'], 'destroy');
}

function table(runs: StackRun[]): string[] {
  const width = Math.max(...runs.map((r) => r.target.stack.length), 5);
  const cell = (run: StackRun, s: Step) =>
    (run.seconds[s] === undefined ? '—' : `${run.seconds[s]!.toFixed(1)} s`).padStart(9);
  return [
    `${'stack'.padEnd(width)} ${STEPS.map((s) => s.padStart(9)).join('')}  result`,
    ...runs.map(
      (r) =>
        `${r.target.stack.padEnd(width)} ${STEPS.map((s) => cell(r, s)).join('')}  ` +
        `${r.failure ? `FAILED at ${r.failure.step}: ${r.failure.message}` : 'ok'}`,
    ),
  ];
}

export const E2E_COMMAND = {
  name: 'e2e',
  summary:
    'Applies every stack of the configured matrix against the moto AWS API ' +
    'emulator, sends events, queries, checks drift and destroys.',
  flags: {
    keep: { type: 'boolean', help: "keep the emulator's stacks and logs" },
    plant: {
      type: 'string',
      value: 'stream-bucket|query-workgroup',
      help: 'break one part of the first pipeline stack on purpose (the run must fail)',
    },
  },
} satisfies CommandSpec;

export async function main(args: string[]): Promise<number> {
  const command = commandLine(E2E_COMMAND, args);
  if (command.exit !== undefined) return command.exit;
  const { values } = command;
  if (values.plant && !['stream-bucket', 'query-workgroup'].includes(values.plant)) {
    console.error(`--plant ${values.plant}: one of stream-bucket, query-workgroup\n${usage(E2E_COMMAND)}`);
    return 2;
  }
  if (!process.env.E2E_ENDPOINT && !motoInstalled()) {
    console.log('SKIPPED: moto server not found (pip install "moto[server]")');
    return 2;
  }
  if (!(await terraformAvailable())) {
    console.log('SKIPPED: terraform not found (Terraform >= 1.10)');
    return 2;
  }
  const deployments = loadDeploymentsOrReport();
  if (!deployments) return 1;
  let outcome = await matrixRun(deployments, values);
  // A fresh emulator for the second run: not when E2E_ENDPOINT names one (the first run's objects are still in it).
  if (outcome.lost && !process.env.E2E_ENDPOINT) {
    // Not a defect of the stacks: the emulator carried out a create and lost its answer (lost-response.ts).
    const causes = outcome.lost
      .map(
        ({ what, lost }) =>
          `${what}: ${lost.service} ${lost.operation}, sent ${lost.attempts} times, a later try finding the object ` +
          `made`,
      )
      .join('; ');
    console.log(
      `e2e (first run, set aside): ${outcome.summary} — failed only because the emulator lost its ` +
        `answer to a create (${causes}); running the matrix once more on fresh emulators`,
    );
    outcome = await matrixRun(deployments, values);
  }
  if (outcome.summary) console.log(`e2e: ${outcome.summary}`);
  return outcome.code;
}

interface MatrixOutcome {
  code: number;
  /** `N passed, M failed`: the stacks and the deploy-role check (none when the run failed before them). */
  summary?: string;
  /** Set when every failure of the run comes from the emulator's lost answers (and the stacks waiting on them). */
  lost?: { what: string; lost: LostResponse }[];
}

/** One run of the matrix on fresh emulators and a fresh scratch folder. */
async function matrixRun(
  deployments: ResolvedDeployment[],
  values: { keep?: boolean; plant?: string },
): Promise<MatrixOutcome> {
  const started = Date.now();
  runStarted = started;
  const scratch = mkdtempSync(join(tmpdir(), 'telemetry-e2e-'));
  const outdir = join(scratch, 'out');
  const synth = synthesizeInto(outdir);
  if (!synth.ok) {
    console.error(`synth failed:\n${synth.stderr}`);
    return { code: 1 };
  }
  const targets = stackTargets(deployments);
  const accounts = [...new Set(targets.map((t) => t.accountId))];
  if (process.env.E2E_ENDPOINT && accounts.length > 1) {
    console.error(
      `E2E_ENDPOINT names one emulator, but the matrix has ${accounts.length} ` +
        `accounts (${accounts.join(', ')}); unset it to start one per account`,
    );
    return { code: 1 };
  }
  // One emulator per account: a moto server is one account, and names such as the state key alias repeat per account.
  const emulators = new Map<string, Awaited<ReturnType<typeof startEmulator>>>();
  const stopAll = () => emulators.forEach((e) => e.stop());
  try {
    for (const account of accounts) emulators.set(account, await startEmulator(account, (line) => console.error(line)));
  } catch (e) {
    stopAll();
    console.error(`the AWS API emulator did not start: ${(e as Error).message}`);
    return { code: 1 };
  }
  console.log(
    `e2e: ${targets.length} stacks of ${deployments.length} deployments against the AWS API emulator ` +
      `(${accounts.map((a) => `${a} at ${emulators.get(a)!.endpoint}`).join(', ')}); scratch ${scratch}`,
  );
  const env = terraformEnv(join(scratch, 'cli'));
  const stateDir = join(scratch, 'local-state');
  mkdirSync(stateDir, { recursive: true });

  const byStack = new Map(deployments.map((d) => [d.names.stack, d]));
  const runs: StackRun[] = targets.map((target) => ({
    target,
    endpoint: emulators.get(target.accountId)!.endpoint,
    deployment: byStack.get(target.stack),
    dir: join(scratch, 'stacks', target.stack),
    log: join(scratch, 'logs', `${target.stack}.log`),
    providerLog: join(scratch, 'logs', `${target.stack}.provider.log`),
    tf: {},
    seconds: {},
    notes: [],
  }));
  mkdirSync(join(scratch, 'logs'), { recursive: true });
  const firstPipeline = runs.find((r) => r.target.kind === 'telemetry');
  for (const run of runs) prepare(run, outdir, stateDir, run === firstPipeline ? values.plant : undefined);
  const bootstraps = runs.filter((r) => r.target.kind === 'bootstrap');
  const pipelines = runs.filter((r) => r.target.kind === 'telemetry');

  // Each stack runs its own chain of steps as soon as what it needs is there. A pipeline starts once the state
  // bucket its backend names is usable (stateBucketUsable), while its bootstrap stack's apply finishes; a
  // bootstrap's drift and destroy checks run while the pipelines apply (an apply mostly waits on the provider's
  // settle timers, so the cores are free). At most PARALLEL bootstrap and PARALLEL pipeline applies at a time,
  // and PARALLEL drift plans and destroys.
  const bootstrapSlot = limiter(PARALLEL);
  const pipelineSlot = limiter(PARALLEL);
  const planSlot = limiter(PARALLEL);
  const applied = new Map(
    bootstraps.map((run) => [run, bootstrapSlot(() => step(run, 'apply', () => apply(run, env)))]),
  );
  // Drift: one setting changed behind Terraform's back, in the first pipeline that gets there; npm run drift's check
  // (driftOf) must report exactly that stack and attribute, and every other stack in sync.
  let planted: { run: StackRun; addresses: string[]; destination: string } | undefined;
  const checkDrift = async (run: StackRun) => {
    if (!planted && run.target.kind === 'telemetry' && !run.failure) {
      const chosen = { run, addresses: [] as string[], destination: '' };
      planted = chosen;
      await step(run, 'drift', async () => {
        Object.assign(chosen, await plantDrift(run));
      });
    }
    if (run.failure) return;
    enter(run, 'drift');
    const result = await planSlot(() => driftOf(run.target.stack, run.dir, env));
    run.seconds.drift = (run.seconds.drift ?? 0) + result.seconds;
    const said =
      `${result.status}` +
      (result.changes.length
        ? `: ${result.changes.map((c) => `${c.gated ? 'GATED ' : ''}${c.words}`).join('; ')}`
        : '') +
      `${result.error ? ` ${result.error}` : ''}`;
    const expected = planted?.run === run ? planted : undefined;
    // The planted stack: both resources among the refreshed ones, the longer expiration (not gated) and the replication
    // (gated, moves residency); every other stack in sync (moto's refresh differs in attributes the model does
    // not read).
    const ok = expected
      ? result.status === 'drifted' &&
        expected.addresses.every((a) => result.resources.includes(a)) &&
        result.changes.some(
          (c) => c.section === 'retention' && c.effects.includes('lengthens-retention') && !c.gated,
        ) &&
        result.changes.some(
          (c) =>
            c.kind === 'added' &&
            c.field.kind === 'replication' &&
            c.field.destination === expected.destination &&
            c.effects.includes('moves-residency') &&
            c.gated,
        )
      : result.status === 'in sync';
    if (!ok) {
      run.failure = {
        step: 'drift',
        message:
          `expected ` +
          (expected
            ? `drift of ${expected.addresses.join(', ')} (a longer ` +
              `expiration; a replication to ${expected.destination}, gated)`
            : 'in sync') +
          `; npm run drift said ${said}`,
      };
      progress(run, `FAILED at drift: ${run.failure.message}`);
    } else if (expected) {
      run.notes.push(
        `npm run drift reported the planted ` +
          `changes: ${result.changes.map((c) => `${c.gated ? 'GATED ' : ''}${c.words}`).join('; ')}`,
      );
      await planSlot(() => step(run, 'drift', () => reviewPlan(run, env, outdir)));
    }
  };
  // The refused destroy plan runs beside the drift plan (both read-only); pipelines are then destroyed while their
  // state stacks' destroy stays refused, so neither deletes a state bucket.
  const driftAndDestroy = async (run: StackRun) => {
    await Promise.all([
      checkDrift(run),
      values.keep ? undefined : planSlot(() => step(run, 'destroy', () => destroyRefused(run, env))),
    ]);
    if (!values.keep) await planSlot(() => step(run, 'destroy', () => destroy(run, env)));
  };

  // Beside the matrix, on a moto server of its own that enforces IAM: the first pipeline applied, planned and
  // destroyed with only its generated apply role (scripts/e2e/deploy-role.ts). Needs a moto it starts itself.
  const deployRoleStack = firstPipeline?.deployment;
  const deployRole =
    deployRoleStack && !process.env.E2E_ENDPOINT
      ? deployRoleCheck(deployRoleStack, scratch, env, (line) => console.error(line))
      : undefined;
  if (deployRoleStack)
    console.log(
      `${elapsed()} deploy role of ${deployRoleStack.names.stack}: ` +
        (deployRole
          ? 'on an IAM-enforcing emulator of its own'
          : 'skipped (E2E_ENDPOINT names an emulator; the check starts its own)'),
    );
  const stopHeartbeat = heartbeat(runs);
  // Each chain ends by saying so (a failed one has said where it failed).
  const finished = (run: StackRun) => {
    if (!run.failure) progress(run, 'done');
    run.current = 'done';
  };
  try {
    await Promise.all([
      ...bootstraps.map(async (run) => {
        await applied.get(run);
        await driftAndDestroy(run);
        finished(run);
      }),
      ...pipelines.map(async (run) => {
        const bootstrap = bootstraps.find(
          (b) =>
            run.deployment?.backend.type === 's3' &&
            b.target.accountId === run.target.accountId &&
            b.target.region === run.target.region,
        );
        // A pipeline counts as applied only if its state bucket stack's apply succeeded too.
        const stateStackFailed = () => {
          if (bootstrap?.failure && !run.failure) {
            run.failure = {
              step: 'apply',
              message: `its state bucket stack ${bootstrap.target.stack} failed`,
              because: bootstrap,
            };
            progress(run, `FAILED at apply: ${run.failure.message}`);
          }
        };
        if (bootstrap) {
          run.current = 'waiting for its state bucket';
          await stateBucketUsable(run, applied.get(bootstrap)!);
        }
        stateStackFailed();
        await pipelineSlot(() =>
          step(run, 'apply', async () => {
            await apply(run, env);
            await checkRemoteState(run);
            if (run === pipelines.find((p) => p.tf.terraform?.backend?.s3)) await checkLock(run, env);
          }),
        );
        // The pipeline may have started before its state bucket stack's apply ended (stateBucketUsable).
        if (bootstrap) await applied.get(bootstrap);
        stateStackFailed();
        await step(run, 'events', () => sendEvents(run, env));
        await step(run, 'queries', () => runQueries(run));
        // One erasure request, on the first pipeline (scripts/e2e/erasure.ts).
        if (run === firstPipeline)
          await step(
            run,
            'erase',
            async () => void run.notes.push(await erasureOfOneDevice(run.deployment!, run.dir, run.endpoint)),
          );
        await driftAndDestroy(run);
        finished(run);
      }),
    ]);
  } finally {
    stopHeartbeat();
    stopAll();
  }

  const deployRoleResult = await deployRole;
  table(runs).forEach((line) => console.log(line));
  for (const run of runs) for (const note of run.notes) console.log(`  ${run.target.stack}: ${note}`);
  if (deployRoleResult) {
    console.log(
      `deploy role of ${deployRoleResult.stack} (${deployRoleResult.seconds.toFixed(0)} ` +
        `s): ${deployRoleResult.ok ? 'ok' : 'FAILED'}`,
    );
    for (const line of deployRoleResult.lines) console.log(`  ${line}`);
  }
  const failed = runs.filter((r) => r.failure).length + (deployRoleResult && !deployRoleResult.ok ? 1 : 0);
  const checks = runs.length + (deployRoleResult ? 1 : 0);
  console.log(`total ${((Date.now() - started) / 1000).toFixed(0)} s${values.keep ? `; kept ${scratch}` : ''}`);
  if (!values.keep && failed === 0) rmSync(scratch, { recursive: true, force: true });
  else console.log(`logs: ${join(scratch, 'logs')}`);
  const summary = `${checks - failed} passed, ${failed} failed`;
  if (failed === 0) return { code: 0, summary };
  return { code: 1, summary, lost: onlyLostAnswers(runs, deployRoleResult) };
}

if (isEntryPoint('scripts/e2e/index.ts')) {
  main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
