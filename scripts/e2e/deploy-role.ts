/**
 * The deploy permissions proven on the emulator (part of `npm run e2e`): one pipeline stack of the matrix, run as
 * HCP Terraform would run it, on a moto server of its own that enforces IAM actions after its first calls
 * (INITIAL_NO_AUTH_ACTION_COUNT). Those first calls make an administrator; with its keys the trust stack is applied
 * (OIDC provider, plan and apply roles); then, with only the apply role's credentials (AssumeRoleWithWebIdentity —
 * moto does not check the token), the pipeline stack is applied with one action left out of the role's policy, which
 * must fail on the resource that needs it; with the full policy it is applied and planned (no changes); the analyst
 * role, with its own session, runs the named queries and reads the data folder and is refused the rest; the apply role
 * is refused removing a role's permissions boundary (one escalation moto can check); then the apply role destroys the
 * stack (synthesized with destroy allowed: a protected stack's apply role has no rights to empty or delete it).
 * moto checks actions, and resources only for S3, never conditions: docs/e2e.md lists what only a real account shows.
 */
import {
  CreateAccessKeyCommand,
  CreateUserCommand,
  DeleteRolePermissionsBoundaryCommand,
  IAMClient,
  PutUserPolicyCommand,
} from '@aws-sdk/client-iam';
import {
  AthenaClient,
  GetNamedQueryCommand,
  GetQueryExecutionCommand,
  ListNamedQueriesCommand,
  StartQueryExecutionCommand,
} from '@aws-sdk/client-athena';
import { FirehoseClient, PutRecordBatchCommand } from '@aws-sdk/client-firehose';
import { DeleteDatabaseCommand, GetTablesCommand, GlueClient } from '@aws-sdk/client-glue';
import { GetObjectCommand, ListObjectVersionsCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { AssumeRoleCommand, AssumeRoleWithWebIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ResolvedDeployment } from '../../config';
import { trustTargets } from '../../config/targets';
import { arns } from '../../stacks/iam';
import { partitionOf } from '../../config/aws';
import { synthesizeChecked } from '../../stacks/synth';
import { withoutRemoteState, type TerraformJson } from '../../terraform-json/stack-json';
import { readStackJson, synthesizedStack } from '../../terraform-json/synth-output';
import { HCP_TERRAFORM_AWS_AUDIENCE, runSubject, type RunPhase } from '../../stacks/trust-stack';
import { backendLocation, staticFolder } from '../../config/names';
import { terraform, terraformError } from '../terraform-cli';
import {
  allowDestroyOverride,
  policyAsMotoChecksIt,
  EMULATOR_CREDENTIALS,
  overrideFile,
  type EmulatorCredentials,
} from './emulator';
import { lostResponse, type LostResponse } from './lost-response';
import { startEmulator } from './moto';

/**
 * Calls moto answers before it enforces IAM: the three that make the administrator, and the sessions of the apply
 * role and the analyst role.
 * moto 5.2.1 fails an AssumeRoleWithWebIdentity call once it enforces IAM (the call is unsigned, as in AWS, and its
 * authorization looks for a signature: KeyError 'HTTP_AUTHORIZATION', HTTP 500), and refused AssumeRole to an
 * administrator when the trust named the account root; so the sessions are taken first, before the roles exist.
 * moto resolves a session's permissions from its role at every call.
 */
const CALLS_BEFORE_ENFORCEMENT = 5;

/** The action the planted run leaves out, and the resource whose creation needs it. */
export const PLANTED_OMISSION = {
  action: 'firehose:CreateDeliveryStream',
  resourceType: 'aws_kinesis_firehose_delivery_stream',
};

export interface DeployRoleResult {
  stack: string;
  ok: boolean;
  /**
   * The emulator's lost answer that failed an apply (lost-response.ts): the failure is the emulator's, not
   * the policy's.
   */
  lost?: LostResponse;
  /** What was shown, step by step; on failure the last says what did not hold. */
  lines: string[];
  seconds: number;
}

/** The IAM user the first calls make: it applies the trust stack, and is the principal the analyst role trusts. */
const ADMINISTRATOR = 'e2e-administrator';

/**
 * The deployment as a cloud-run stack (the trust stack is made only for those), its organization a placeholder, with
 * an analyst role the administrator may assume.
 */
function asCloudRun(d: ResolvedDeployment): ResolvedDeployment {
  const administrator = `arn:${partitionOf(d.region)}:iam::${d.accountId}:user/${ADMINISTRATOR}`;
  return {
    ...d,
    backend: {
      type: 'cloud',
      organization: 'e2e',
      workspacePrefix: d.project,
      hostname: 'app.terraform.io',
      project: d.project,
    },
    // Destroy allowed: the apply role then has the emptying and key-deletion rights a destroy needs, which a protected
    // deployment's apply role lacks (stacks/deploy-permissions.ts destroyRights).
    settings: {
      ...d.settings,
      analysts: { ...d.settings.analysts, principals: [administrator] },
      protection: { ...d.settings.protection, allowDestroy: true },
    },
  };
}

/**
 * Synthesizes the deployment as the app does (stacks/synth.ts: staging, policy checks, publishing), its trust stack's
 * apply role without `omit`; returns the pipeline's and the trust stack's JSON.
 */
function synthesize(
  d: ResolvedDeployment,
  outdir: string,
  omit: string[],
): { pipeline: TerraformJson; trust: TerraformJson; trustStack: string } {
  rmSync(outdir, { recursive: true, force: true });
  synthesizeChecked([d], { outdir, omitFromApplyRoles: omit });
  const [target] = trustTargets([d]);
  const read = (name: string) => {
    const stack = synthesizedStack(outdir, name);
    if (!stack) throw new Error(`${outdir}: ${name} was not synthesized`);
    return readStackJson(stack);
  };
  return { pipeline: read(d.names.stack), trust: read(target.stack), trustStack: target.stack };
}

/** A scratch copy of a stack's JSON with the emulator override, local state, and the caller's credentials. */
function scratchCopy(
  dir: string,
  tf: TerraformJson,
  endpoint: string,
  credentials: EmulatorCredentials,
  destroyable = false,
): void {
  mkdirSync(dir, { recursive: true });
  const json = withoutRemoteState(tf, { keepBackend: true });
  // The trust stack's role policies (the deploy policies) and the analysts' policy, as moto can check them.
  if (json.resource?.aws_iam_openid_connect_provider)
    for (const policy of Object.values(json.resource.aws_iam_role_policy ?? {}))
      policy.policy = policyAsMotoChecksIt(String(policy.policy));
  for (const policy of Object.values(json.resource?.aws_iam_policy ?? {}))
    policy.policy = policyAsMotoChecksIt(String(policy.policy));
  writeFileSync(join(dir, 'cdk.tf.json'), JSON.stringify(json, null, 2));
  const override = overrideFile(json, endpoint, join(dir, 'terraform.tfstate'), credentials) as {
    resource?: Record<string, Record<string, Record<string, unknown>>>;
  };
  if (destroyable)
    for (const [type, byName] of Object.entries(allowDestroyOverride(json)))
      for (const [name, body] of Object.entries(byName))
        ((override.resource ??= {})[type] ??= {})[name] = { ...override.resource?.[type]?.[name], ...body };
  writeFileSync(join(dir, 'emulator_override.tf.json'), JSON.stringify(override, null, 2));
}

/** A token shaped like an HCP Terraform run's (unsigned: moto reads it without checking it). */
function runToken(d: ResolvedDeployment, phase: RunPhase): string {
  if (d.backend.type !== 'cloud') throw new Error('a run token is for a cloud-run stack');
  const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const claims = {
    iss: `https://${d.backend.hostname}`,
    aud: HCP_TERRAFORM_AWS_AUDIENCE,
    sub: runSubject(
      {
        organization: d.backend.organization,
        project: d.backend.project,
        workspace: backendLocation(d.backend, d.environment, d.region, d.accountId).workspace,
      },
      phase,
    ),
  };
  return `${part({ alg: 'RS256', typ: 'JWT' })}.${part(claims)}.${Buffer.from('unsigned').toString('base64url')}`;
}

/**
 * What a call did: `ok`, `AccessDenied` (moto refuses with HTTP 403, as an AccessDenied error or, for JSON services,
 * an HTML body the SDK cannot parse), or the error's name.
 */
async function outcome(call: () => Promise<unknown>): Promise<string> {
  try {
    await call();
    return 'ok';
  } catch (error) {
    const e = error as Error & { $metadata?: { httpStatusCode?: number }; $response?: { statusCode?: number } };
    return e.$metadata?.httpStatusCode === 403 || e.$response?.statusCode === 403 || e.name === 'AccessDenied'
      ? 'AccessDenied'
      : e.name;
  }
}

/**
 * The analyst role, under IAM enforcement: runs every named query in the stack's workgroup, reads the catalog and
 * an object of the data folder; is refused an object of the errors folder, writing to the data folder, sending
 * events and deleting the catalog. Returns what was shown; throws StepFailure-like errors as lines starting `FAILED`.
 */
async function analystCan(
  d: ResolvedDeployment,
  c: {
    region: string;
    endpoint: string;
    maxAttempts: number;
    admin: EmulatorCredentials;
    analyst: EmulatorCredentials;
  },
): Promise<string[]> {
  const as = (credentials: EmulatorCredentials) => ({
    region: c.region,
    endpoint: c.endpoint,
    maxAttempts: c.maxAttempts,
    credentials,
  });
  const bucket = d.names.dataBucket;
  const data = `${staticFolder(d.settings.firehose.dataPrefix)}e2e-analyst.json`;
  const errors = `${staticFolder(d.settings.firehose.errorPrefix)}e2e-analyst.json`;
  const admin = new S3Client({ ...as(c.admin), forcePathStyle: true });
  for (const Key of [data, errors])
    await admin.send(new PutObjectCommand({ Bucket: bucket, Key, Body: '{"event_name":"e2e"}\n' }));
  const s3 = new S3Client({ ...as(c.analyst), forcePathStyle: true });
  const athena = new AthenaClient(as(c.analyst));
  const glue = new GlueClient(as(c.analyst));
  const { NamedQueryIds = [] } = await athena.send(new ListNamedQueriesCommand({ WorkGroup: d.names.workgroup }));
  for (const NamedQueryId of NamedQueryIds) {
    const query = (await athena.send(new GetNamedQueryCommand({ NamedQueryId }))).NamedQuery!;
    const { QueryExecutionId } = await athena.send(
      new StartQueryExecutionCommand({
        QueryString: query.QueryString,
        WorkGroup: query.WorkGroup,
        QueryExecutionContext: { Database: query.Database },
      }),
    );
    await athena.send(new GetQueryExecutionCommand({ QueryExecutionId }));
  }
  const expected: [string, () => Promise<unknown>, 'ok' | 'AccessDenied'][] = [
    ['read the catalog', () => glue.send(new GetTablesCommand({ DatabaseName: d.names.glueDatabase })), 'ok'],
    [`read s3://${bucket}/${data}`, () => s3.send(new GetObjectCommand({ Bucket: bucket, Key: data })), 'ok'],
    [
      `read s3://${bucket}/${errors}`,
      () => s3.send(new GetObjectCommand({ Bucket: bucket, Key: errors })),
      'AccessDenied',
    ],
    [
      `write s3://${bucket}/${data}`,
      () => s3.send(new PutObjectCommand({ Bucket: bucket, Key: data, Body: '{}' })),
      'AccessDenied',
    ],
    [
      'send events',
      () =>
        new FirehoseClient(as(c.analyst)).send(
          new PutRecordBatchCommand({
            DeliveryStreamName: d.names.deliveryStream,
            Records: [{ Data: Buffer.from('{}') }],
          }),
        ),
      'AccessDenied',
    ],
    [
      'delete the catalog database',
      () => glue.send(new DeleteDatabaseCommand({ Name: d.names.glueDatabase })),
      'AccessDenied',
    ],
  ];
  const shown: string[] = [];
  for (const [what, call, want] of expected) {
    const got = await outcome(call);
    if (got !== want)
      throw new Error(
        `the analyst role should ${want === 'ok' ? 'be able to' : 'be refused to'} ${what}; it got ${got}`,
      );
    shown.push(what);
  }
  return [
    `analyst role: ran ${NamedQueryIds.length} named queries ` +
      `in ${d.names.workgroup}, ${shown.slice(0, 2).join(', ')}; refused to ${shown.slice(2).join(', ')}`,
  ];
}

/**
 * One escalation an apply could try, refused under moto's enforcement: removing the permissions boundary of a role of
 * the stack (the apply role's IAM policy denies it outright). The role keeps its boundary.
 */
async function escalationRefused(
  d: ResolvedDeployment,
  c: { region: string; endpoint: string; maxAttempts: number; role: EmulatorCredentials },
): Promise<string> {
  const iam = new IAMClient({
    region: c.region,
    endpoint: c.endpoint,
    maxAttempts: c.maxAttempts,
    credentials: c.role,
  });
  const RoleName = d.names.roles.firehose;
  const got = await outcome(() => iam.send(new DeleteRolePermissionsBoundaryCommand({ RoleName })));
  if (got !== 'AccessDenied')
    throw new Error(
      `the apply role should be refused to remove the permissions boundary of ${RoleName}; it got ${got}`,
    );
  return `escalation refused: the apply role may not remove the permissions boundary of ${RoleName} (AccessDenied)`;
}

export async function deployRoleCheck(
  d: ResolvedDeployment,
  scratch: string,
  env: NodeJS.ProcessEnv,
  log: (line: string) => void,
): Promise<DeployRoleResult> {
  const started = Date.now();
  const cloud = asCloudRun(d);
  const lines: string[] = [];
  const logFile = join(scratch, 'logs', 'deploy-role.log');
  mkdirSync(join(scratch, 'logs'), { recursive: true });
  const emulator = await startEmulator(d.accountId, log, { iamEnforcedAfter: CALLS_BEFORE_ENFORCEMENT });
  // The provider's debug log of every Terraform run, appended: it tells the emulator's lost answer (lost-response.ts).
  const providerLog = join(scratch, 'logs', 'deploy-role.provider.log');
  /** Ends the check; `failedRun`, the Terraform run that failed it, is read for the emulator's lost answer. */
  const done = (ok: boolean, line?: string, failedRun?: { output: string }): DeployRoleResult => {
    emulator.stop();
    if (line) lines.push(line);
    const lost =
      failedRun && lostResponse(failedRun.output, existsSync(providerLog) ? readFileSync(providerLog, 'utf8') : '');
    return { stack: d.names.stack, ok, ...(lost ? { lost } : {}), lines, seconds: (Date.now() - started) / 1000 };
  };
  const tf = (dir: string, args: string[]) =>
    terraform([...args, '-no-color'], dir, { ...env, TF_LOG_PROVIDER: 'DEBUG', TF_LOG_PATH: providerLog }, logFile);
  try {
    const common = { region: d.region, endpoint: emulator.endpoint, maxAttempts: 1 };
    // The administrator and the apply role's session: the only calls moto answers unchecked.
    const iam = new IAMClient({ ...common, credentials: EMULATOR_CREDENTIALS });
    await iam.send(new CreateUserCommand({ UserName: 'e2e-administrator' }));
    await iam.send(
      new PutUserPolicyCommand({
        UserName: 'e2e-administrator',
        PolicyName: 'all',
        PolicyDocument: JSON.stringify({
          Version: '2012-10-17',
          Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }],
        }),
      }),
    );
    const key = (await iam.send(new CreateAccessKeyCommand({ UserName: 'e2e-administrator' }))).AccessKey!;
    const admin = { accessKeyId: key.AccessKeyId!, secretAccessKey: key.SecretAccessKey! };
    const applyRole = arns(partitionOf(d.region), d.region, d.accountId).role(d.names.deployRoles.apply);
    const sts = new STSClient({ ...common, credentials: EMULATOR_CREDENTIALS });
    const assumed = (
      await sts.send(
        new AssumeRoleWithWebIdentityCommand({
          RoleArn: applyRole,
          RoleSessionName: 'e2e-apply',
          WebIdentityToken: runToken(cloud, 'apply'),
        }),
      )
    ).Credentials!;
    const role = {
      accessKeyId: assumed.AccessKeyId!,
      secretAccessKey: assumed.SecretAccessKey!,
      sessionToken: assumed.SessionToken!,
    };
    lines.push(`apply role assumed with a web identity token: ${applyRole}`);
    const analystRole = arns(partitionOf(d.region), d.region, d.accountId).role(d.names.roles.analyst);
    const analystSession = (
      await sts.send(new AssumeRoleCommand({ RoleArn: analystRole, RoleSessionName: 'e2e-analyst' }))
    ).Credentials!;
    const analyst = {
      accessKeyId: analystSession.AccessKeyId!,
      secretAccessKey: analystSession.SecretAccessKey!,
      sessionToken: analystSession.SessionToken!,
    };

    const outdir = join(scratch, 'deploy-role', 'out');
    const planted = synthesize(cloud, outdir, [PLANTED_OMISSION.action]);
    const trustDir = join(scratch, 'deploy-role', planted.trustStack);
    const pipelineDir = join(scratch, 'deploy-role', d.names.stack);
    scratchCopy(trustDir, planted.trust, emulator.endpoint, admin);
    for (const args of [
      ['init', '-input=false'],
      ['apply', '-auto-approve', '-input=false'],
    ]) {
      const r = await tf(trustDir, args);
      if (r.code !== 0)
        return done(
          false,
          `trust stack ${args[0]} with the administrator's keys failed: ${terraformError(r.output)} (log: ${logFile})`,
          r,
        );
    }
    lines.push(`trust stack ${planted.trustStack} applied with the administrator's keys`);

    // Planted: one action missing from the apply role must stop the apply at the resource that needs it.
    scratchCopy(pipelineDir, planted.pipeline, emulator.endpoint, role);
    await tf(pipelineDir, ['init', '-input=false']);
    const refused = await tf(pipelineDir, ['apply', '-auto-approve', '-input=false']);
    // Every error of the apply: exactly one, at the resource that needs the action, refused (moto answers 403).
    const errors = refused.output.split('\n').filter((line) => line.startsWith('Error: '));
    const refusedAt =
      errors.length === 1 &&
      /StatusCode: 403|AccessDenied/.test(errors[0]) &&
      refused.output.includes(`with ${PLANTED_OMISSION.resourceType}.`);
    if (refused.code === 0 || !refusedAt) {
      return done(
        false,
        `without ${PLANTED_OMISSION.action} the apply should have been refused at ${PLANTED_OMISSION.resourceType}; ` +
          `it ${refused.code === 0 ? 'succeeded' : `failed otherwise: ${terraformError(refused.output)}`} ` +
          `(log: ${logFile})`,
        refused,
      );
    }
    lines.push(
      `without ${PLANTED_OMISSION.action}: apply refused at ${PLANTED_OMISSION.resourceType} (403), its only error`,
    );

    // The generated policy, whole: the trust stack updates the role, and the same credentials now suffice.
    const full = synthesize(cloud, outdir, []);
    scratchCopy(trustDir, full.trust, emulator.endpoint, admin);
    const updated = await tf(trustDir, ['apply', '-auto-approve', '-input=false']);
    if (updated.code !== 0) return done(false, `trust stack update failed: ${terraformError(updated.output)}`, updated);
    for (const [what, args, expect] of [
      ['apply', ['apply', '-auto-approve', '-input=false'], 0],
      ['plan', ['plan', '-detailed-exitcode', '-input=false'], 0],
    ] as const) {
      const r = await tf(pipelineDir, [...args]);
      if (r.code !== expect)
        return done(
          false,
          `${what} with only the apply role's ` +
            `credentials: ${r.code === 2 ? 'changes left after apply' : terraformError(r.output)} (log: ${logFile})`,
          r,
        );
      lines.push(`${what} with only the apply role's credentials: ${what === 'plan' ? 'no changes' : 'ok'}`);
    }
    lines.push(...(await analystCan(cloud, { ...common, admin, analyst })));
    lines.push(await escalationRefused(cloud, { ...common, role }));

    // Destroy: the opt-out of destroy protection (as protection.allowDestroy synthesizes it), named queries out of
    // the state first (moto never finishes deleting one: emulator.ts).
    scratchCopy(pipelineDir, full.pipeline, emulator.endpoint, role, true);
    // force_destroy is read from the state: the opt-out is applied (to the buckets and keys only) before the destroy.
    const targets = Object.entries(allowDestroyOverride(full.pipeline)).flatMap(([type, byName]) =>
      Object.keys(byName).map((name) => `-target=${type}.${name}`),
    );
    const optedOut = await tf(pipelineDir, ['apply', '-auto-approve', '-refresh=false', '-input=false', ...targets]);
    if (optedOut.code !== 0)
      return done(
        false,
        `apply of the destroy opt-out with only the apply role's ` +
          `credentials: ${terraformError(optedOut.output)} (log: ${logFile})`,
        optedOut,
      );
    const queries = Object.keys(full.pipeline.resource?.aws_athena_named_query ?? {}).map(
      (n) => `aws_athena_named_query.${n}`,
    );
    if (queries.length) await tf(pipelineDir, ['state', 'rm', ...queries]);
    const destroyed = await tf(pipelineDir, ['destroy', '-auto-approve', '-input=false']);
    if (destroyed.code !== 0) {
      const left = await new S3Client({ ...common, credentials: admin, forcePathStyle: true })
        .send(new ListObjectVersionsCommand({ Bucket: cloud.names.dataBucket }))
        .catch(() => undefined);
      const keys = [...(left?.Versions ?? []), ...(left?.DeleteMarkers ?? [])].map((v) => v.Key);
      return done(
        false,
        `destroy with only the apply role's credentials: ${terraformError(destroyed.output)}` +
          `${keys.length ? ` (left in the bucket: ${keys.join(', ')})` : ''} (log: ${logFile})`,
      );
    }
    lines.push("destroy with only the apply role's credentials: ok");
    return done(true);
  } catch (error) {
    return done(false, `${(error as Error).name}: ${(error as Error).message}`);
  }
}
