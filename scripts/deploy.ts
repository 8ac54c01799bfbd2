/**
 * `npm run deploy -- <stack|glob> [<stack|glob> …] [cdktf deploy flags]`: preflight first, then
 * `cdktf deploy` of exactly the matched stacks. Examples:
 *   npm run deploy -- telemetry-prod-eu-central-1
 *   npm run deploy -- 'telemetry-prod-*'            every stack of an environment
 *   npm run deploy -- '*-eu-central-1'              every stack of a region (bootstrap included)
 * If any stack fails preflight, nothing is deployed.
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
  const preflightStatus = await runPreflight(patterns, stsFor);
  if (preflightStatus !== 0) {
    console.error('preflight failed: nothing was deployed');
    return preflightStatus;
  }
  // cdktf deploy takes the same globs; it synthesizes again and deploys in dependency order.
  return run('npx', ['cdktf', 'deploy', ...patterns, ...flags]);
}

if (isEntryPoint('scripts/deploy.ts')) {
  deploy(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
