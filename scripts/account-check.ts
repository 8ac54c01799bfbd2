/**
 * The preflight check (`npm run preflight`, and `npm run deploy` before anything is planned): STS GetCallerIdentity
 * against each stack's configured account, a mismatch named with both accounts. The provider's `allowed_account_ids`
 * stays as the second lock.
 */
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { isPlaceholderAccount } from '../config/matrix';
import { stackTargets, type StackTarget } from '../config/targets';
import { loadDeploymentsOrReport, matchStacks } from './cli';

/** The part of an STS client preflight uses; tests inject a fake. */
export interface StsLike {
  send(command: GetCallerIdentityCommand): Promise<{ Account?: string; Arn?: string }>;
}

export interface PreflightResult {
  stack: string;
  ok: boolean;
  message: string;
}

/** A readable reason for an STS failure, without a stack trace. */
export function describeStsError(error: unknown): string {
  const e = error as { name?: string; Code?: string; message?: string };
  const code = e.name ?? e.Code ?? '';
  if (code === 'CredentialsProviderError' || /Could not load credentials/i.test(e.message ?? '')) {
    return (
      'no AWS credentials found — set AWS_PROFILE, run `aws sso ' +
      'login`, or export AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY'
    );
  }
  if (/Expired/i.test(code) || /expired/i.test(e.message ?? ''))
    return 'the AWS credentials have expired — refresh them (e.g. `aws sso login`) and retry';
  if (code === 'InvalidClientTokenId' || code === 'SignatureDoesNotMatch')
    return `the AWS credentials were rejected (${code})`;
  return `STS GetCallerIdentity failed: ${code ? `${code}: ` : ''}${e.message ?? String(error)}`;
}

/**
 * Checks one stack's account against the caller identity. Never throws. A stack whose runs execute remotely (an HCP
 * Terraform workspace in remote execution mode) is checked for what can be checked here, the account id itself.
 */
export async function preflightStack(target: StackTarget, sts: StsLike): Promise<PreflightResult> {
  const { stack, accountId, region } = target;
  if (target.hcpOrganization) {
    const { organization, hostname } = target.hcpOrganization;
    return {
      stack,
      ok: true,
      message:
        `${stack}: deploys into HCP Terraform organization ${organization} on ${hostname}, no AWS ` +
        `account: needs a token of that organization (\`terraform login ${hostname}\` or TFE_TOKEN)`,
    };
  }
  if (isPlaceholderAccount(accountId)) {
    return {
      stack,
      ok: false,
      message:
        `${stack}: account ${accountId} is a placeholder from ` +
        `config/matrix.ts — set your real account id before deploying`,
    };
  }
  if (target.remoteRun) {
    // The run executes in HCP Terraform with its own credentials; local ones would prove nothing about them.
    return {
      stack,
      ok: true,
      message:
        `${stack}: runs remotely in ${target.remoteRun.workspace} ` +
        `on ${target.remoteRun.hostname}: the account check is the run's (the provider's ` +
        `allowed_account_ids refuses any account but ${accountId}); no local AWS credentials are checked or needed`,
    };
  }
  let caller: { Account?: string; Arn?: string };
  try {
    caller = await sts.send(new GetCallerIdentityCommand({}));
  } catch (error) {
    return { stack, ok: false, message: `${stack}: ${describeStsError(error)}` };
  }
  if (caller.Account !== accountId) {
    return {
      stack,
      ok: false,
      message:
        `${stack}: credentials are for account ${caller.Account ?? 'unknown'} ` +
        `(${caller.Arn ?? 'unknown principal'}), but the stack deploys into ` +
        `account ${accountId} — switch credentials; nothing was planned or applied`,
    };
  }
  return { stack, ok: true, message: `${stack}: OK — account ${accountId} (${caller.Arn}), region ${region}` };
}

/** Preflight for several stacks; one STS client per region (STS is regional, and traffic stays in region). */
export async function preflight(
  patterns: string[],
  options: { targets: StackTarget[]; stsFor: (region: string) => StsLike },
): Promise<{ ok: boolean; lines: string[]; matched: StackTarget[] }> {
  const { matched, unknown } = matchStacks(patterns, options.targets);
  if (patterns.length === 0 || unknown.length > 0) {
    const known = options.targets.map((t) => t.stack).join(', ');
    return {
      ok: false,
      matched,
      lines: [
        patterns.length === 0
          ? `name at least one stack; known: ${known}`
          : `unknown stack(s) ${unknown.join(', ')}; known: ${known}`,
      ],
    };
  }
  const clients = new Map<string, StsLike>();
  const results: PreflightResult[] = [];
  for (const target of matched) {
    if (!clients.has(target.region) && !target.hcpOrganization)
      clients.set(target.region, options.stsFor(target.region));
    results.push(await preflightStack(target, clients.get(target.region)!));
  }
  return { ok: results.every((r) => r.ok), lines: results.map((r) => r.message), matched };
}

function stsClient(region: string): StsLike {
  return new STSClient({ region });
}

/** Preflight as the command runs it: prints the verdict per stack; returns the exit status and the matched stacks. */
export async function runPreflight(
  patterns: string[],
  stsFor: (region: string) => StsLike = stsClient,
): Promise<{ status: number; matched: StackTarget[] }> {
  const deployments = loadDeploymentsOrReport();
  if (!deployments) return { status: 1, matched: [] };
  const result = await preflight(patterns, { targets: stackTargets(deployments), stsFor });
  for (const line of result.lines) (result.ok ? console.log : console.error)(line);
  return { status: result.ok ? 0 : 1, matched: result.matched };
}
