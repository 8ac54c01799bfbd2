/**
 * `npm run deploy -- <stack|glob> [<stack|glob> …] [cdktf deploy flags]`: preflight first, then
 * `cdktf deploy` of exactly the matched stacks. Examples:
 *   npm run deploy -- telemetry-prod-eu-central-1
 *   npm run deploy -- 'telemetry-prod-*'            every stack of an environment
 *   npm run deploy -- '*-eu-central-1'              every stack of a region (bootstrap included)
 * If any stack fails preflight, nothing is deployed. Matched bootstrap and trust stacks are deployed first, in a run
 * of their own (a new region's pipeline stacks keep their state in the bucket the bootstrap stack creates; a cloud-run
 * stack's workspace names the roles the trust stack creates), then workspaces stacks, then the pipelines: cdktf would
 * otherwise deploy unrelated stacks side by side.
 */
import { spawnSync } from 'node:child_process';
import { engineCli } from '../stacks/engine';
import { commandLine, isEntryPoint, type CommandSpec, type Flag } from './cli';
import { runPreflight, type StsLike } from './account-check';

/** The `cdktf deploy` flags passed through (cdktf-cli 0.21's `cdktf deploy --help`); any other is refused. */
const CDKTF_DEPLOY_FLAGS = {
  'auto-approve': { type: 'boolean', help: 'cdktf deploy: apply without asking' },
  'outputs-file': { type: 'string', value: 'file', help: "cdktf deploy: write the stacks' outputs there as JSON" },
  'outputs-file-include-sensitive-outputs': {
    type: 'boolean',
    help: 'cdktf deploy: include sensitive outputs in that file',
  },
  parallelism: { type: 'string', value: 'N', help: 'cdktf deploy: stacks deployed at once' },
  'terraform-parallelism': { type: 'string', value: 'N', help: "cdktf deploy: Terraform's -parallelism" },
  'refresh-only': { type: 'boolean', help: 'cdktf deploy: refresh-only planning mode' },
  'migrate-state': { type: 'boolean', help: 'cdktf deploy: approve a state migration after a backend change' },
  'skip-synth': { type: 'boolean', help: 'cdktf deploy: use cdktf.out/ as it is' },
  'no-color': { type: 'boolean', help: 'cdktf deploy: no terminal colours' },
  var: { type: 'string', value: 'name=value', multiple: true, help: 'cdktf deploy: an input variable (repeatable)' },
  'var-file': { type: 'string', value: 'file', multiple: true, help: 'cdktf deploy: a variables file (repeatable)' },
} satisfies Record<string, Flag>;

export const DEPLOY_COMMAND = {
  name: 'deploy',
  summary:
    "Checks each matched stack's account with STS (npm run preflight; a stack whose HCP Terraform workspace " +
    'executes remotely leaves that check to its run), then runs `cdktf deploy` for them: bootstrap (state ' +
    'bucket) and trust (HCP Terraform deploy roles) stacks first, then workspaces stacks, then the ' +
    'pipelines, each in a run of its own. Nothing is deployed if any check fails. Stacks come from the ' +
    "configured matrix (config/matrix.ts + TELEMETRY_CONFIG or cdktf.json's telemetryConfig).",
  args: '<stack|glob> …',
  minArgs: 1,
  flags: CDKTF_DEPLOY_FLAGS,
} satisfies CommandSpec;

/** The parsed flags as cdktf deploy's own arguments again. */
function cdktfFlags(values: Record<string, string | boolean | string[] | undefined>): string[] {
  return Object.entries(values).flatMap(([name, value]) => {
    if (name === 'help' || value === undefined || value === false) return [];
    if (value === true) return [`--${name}`];
    return (Array.isArray(value) ? value : [value]).flatMap((v) => [`--${name}`, v]);
  });
}

export async function deploy(
  args: string[],
  run: (command: string, args: string[]) => number = (command, commandArgs) =>
    spawnSync(command, commandArgs, { stdio: 'inherit' }).status ?? 1,
  stsFor?: (region: string) => StsLike,
): Promise<number> {
  const command = commandLine(DEPLOY_COMMAND, args);
  if (command.exit !== undefined) return command.exit;
  const flags = cdktfFlags(command.values);
  const { status, matched } = await runPreflight(command.positionals, stsFor);
  if (status !== 0) {
    console.error('preflight failed: nothing was deployed');
    return status;
  }
  // State buckets and deploy roles before the workspaces that name those roles, and those before the pipelines.
  const phases = [
    matched.filter((t) => t.kind === 'bootstrap' || t.kind === 'trust'),
    matched.filter((t) => t.kind === 'workspaces'),
    matched.filter((t) => t.kind === 'telemetry'),
  ].filter((p) => p.length > 0);
  for (const [i, phase] of phases.entries()) {
    const stacks = phase.map((t) => t.stack);
    // The engine's CLI: `cdktf` (cdktf-cli), or `cdktn` (cdktn-cli, installed under the name cdktf-cli) on CDK Terrain.
    const code = run('npx', [engineCli(), 'deploy', ...stacks, ...flags]);
    if (code !== 0) {
      const skipped = phases.slice(i + 1).flatMap((p) => p.map((t) => t.stack));
      console.error(
        `${engineCli()} deploy failed for ${stacks.join(', ')}` +
          `${skipped.length > 0 ? `; not deployed: ${skipped.join(', ')}` : ''}`,
      );
      return code;
    }
  }
  return 0;
}

/** The command: `--help` prints the usage; anything else is `deploy`. */
export async function main(args: string[], stsFor?: (region: string) => StsLike): Promise<number> {
  return deploy(args, undefined, stsFor);
}

if (isEntryPoint('scripts/deploy.ts')) {
  main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
