/**
 * `npm run preflight -- <stack> [<stack> …]`: before anything is planned or applied, checks with STS
 * GetCallerIdentity that the current credentials belong to each stack's configured account. A mismatch stops
 * with both accounts named. The provider's `allowed_account_ids` stays as the second lock. The check is
 * account-check.ts's (deploy runs it too).
 */
import { runPreflight, type StsLike } from './account-check';
import { commandLine, isEntryPoint, type CommandSpec } from './cli';

export const PREFLIGHT_COMMAND = {
  name: 'preflight',
  summary:
    'Checks with STS GetCallerIdentity that the current AWS credentials belong to each ' +
    "matched stack's account (a stack whose HCP Terraform workspace executes remotely: " +
    'only its account id, the run checks the rest). Stacks come from the configured matrix ' +
    "(config/matrix.ts + TELEMETRY_CONFIG or cdktf.json's telemetryConfig).",
  args: '<stack|glob> …',
  minArgs: 1,
  flags: {},
} satisfies CommandSpec;

/** The command: `--help` prints the usage, options are refused (exit 2), stack names are checked. */
export async function main(args: string[], stsFor?: (region: string) => StsLike): Promise<number> {
  const command = commandLine(PREFLIGHT_COMMAND, args);
  if (command.exit !== undefined) return command.exit;
  return (await runPreflight(command.positionals, stsFor)).status;
}

if (isEntryPoint('scripts/preflight.ts')) {
  main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
