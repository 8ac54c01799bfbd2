/**
 * `npm run deploy -- <stack|glob> [<stack|glob> …] [cdktf deploy flags]`: preflight first, then
 * `cdktf deploy` of exactly the matched stacks. Examples:
 *   npm run deploy -- telemetry-prod-eu-central-1
 *   npm run deploy -- 'telemetry-prod-*'            every stack of an environment
 *   npm run deploy -- '*-eu-central-1'              every stack of a region (bootstrap included)
 * If any stack fails preflight, nothing is deployed. Matched bootstrap stacks are deployed first, in a run of
 * their own: a new region's pipeline stacks keep their state in the bucket the bootstrap stack creates, and
 * cdktf would otherwise deploy unrelated stacks side by side.
 */
import { spawnSync } from 'node:child_process';
import { isEntryPoint } from './cli';
import { runPreflight, type StsLike } from './preflight';

/** Split arguments into stack patterns and the flags passed through to cdktf. */
export function splitArgs(args: string[]): { patterns: string[]; flags: string[] } {
  return { patterns: args.filter((a) => !a.startsWith('-')), flags: args.filter((a) => a.startsWith('-')) };
}

export async function deploy(
  args: string[],
  run: (command: string, args: string[]) => number = (command, commandArgs) => spawnSync(command, commandArgs, { stdio: 'inherit' }).status ?? 1,
  stsFor?: (region: string) => StsLike,
): Promise<number> {
  const { patterns, flags } = splitArgs(args);
  const { status, matched } = await runPreflight(patterns, stsFor);
  if (status !== 0) {
    console.error('preflight failed: nothing was deployed');
    return status;
  }
  const phases = [matched.filter((t) => t.kind === 'bootstrap'), matched.filter((t) => t.kind !== 'bootstrap')].filter((p) => p.length > 0);
  for (const [i, phase] of phases.entries()) {
    const stacks = phase.map((t) => t.stack);
    const code = run('npx', ['cdktf', 'deploy', ...stacks, ...flags]);
    if (code !== 0) {
      const skipped = phases.slice(i + 1).flatMap((p) => p.map((t) => t.stack));
      console.error(`cdktf deploy failed for ${stacks.join(', ')}${skipped.length > 0 ? `; not deployed: ${skipped.join(', ')}` : ''}`);
      return code;
    }
  }
  return 0;
}

export const DEPLOY_USAGE = `usage: npm run deploy -- <stack|glob> [<stack|glob> …] [cdktf deploy flags, e.g. --auto-approve]
  Checks each matched stack's account with STS (npm run preflight), then runs \`cdktf deploy\` for them:
  bootstrap (state bucket) stacks first, in a run of their own. Nothing is deployed if any check fails.
  Stacks come from the configured matrix (config/matrix.ts + TELEMETRY_CONFIG or cdktf.json's telemetryConfig).`;

/** The command: `--help` prints the usage; anything else is `deploy`. */
export async function main(args: string[], stsFor?: (region: string) => StsLike): Promise<number> {
  if (args.includes('--help') || args.includes('-h')) {
    console.log(DEPLOY_USAGE);
    return 0;
  }
  return deploy(args, undefined, stsFor);
}

if (isEntryPoint('scripts/deploy.ts')) {
  main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
