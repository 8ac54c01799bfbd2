/**
 * `npm run drift -- [<stack|glob> …] [--dir cdktf.out/stacks] [--json]`: `terraform plan` in each stack's working
 * directory, and what its refresh found changed outside Terraform — the plan's `resource_drift`, read through the same
 * model and words as `npm run review -- --plan` (one meaning of drift: a change made behind Terraform's back, whether
 * or not the next apply would undo it — a replication rule added in the console is not). Each drifted change is said
 * with its meaning and effects ("replication added: every new object is copied to …", moves residency), and marked
 * where it would fail `review --fail-on-widening` like the same change in a pull request. Meant to be scheduled.
 * Exit 0 in sync, 2 drift, 1 error. Needs credentials of each stack's account and stacks deployed from cdktf.out/.
 * The check itself is stack-drift.ts's (the e2e runs it too); this file is the command.
 */
import { existsSync, readdirSync } from 'node:fs';
import { stackTargets } from '../config/targets';
import { commandLine, isEntryPoint, loadDeploymentsOrReport, matchStacks, type CommandSpec } from './cli';
import { drift, type StackDrift } from './stack-drift';

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/**
 * "3 stacks in sync, 1 drifted", then per drifted stack its resources and each change with its meaning, the ones
 * the review's gate would fail marked.
 */
export function summarize(results: StackDrift[]): string[] {
  const drifted = results.filter((r) => r.status === 'drifted');
  const errors = results.filter((r) => r.status === 'error');
  return [
    `${plural(results.length - drifted.length - errors.length, 'stack')} in sync, ${drifted.length} ` +
      `drifted${errors.length ? `, ${errors.length} could not be checked` : ''}`,
    ...drifted.flatMap((r) => [
      `${r.stack}: changed outside Terraform — ${r.verdict ?? ''}`,
      ...r.changes.map(
        (c) =>
          `  ${c.gated ? 'GATED ' : ''}${c.section}: ${c.words}${c.effects.length ? ` (${c.effects.join(', ')})` : ''}`,
      ),
    ]),
    ...errors.map((r) => `${r.stack}: ${r.error}`),
  ];
}

export const DRIFT_COMMAND = {
  name: 'drift',
  summary:
    'Plans each deployed stack (all when none is named) and says what was changed ' +
    "outside Terraform (the plan's resource_drift), in the change review's terms, " +
    'marking what its gate would fail. Exit 0: none, 2: drift, 1: an error.',
  args: '[<stack|glob> …]',
  flags: {
    dir: { type: 'string', value: 'dir', default: 'cdktf.out/stacks', help: 'where the synthesized stacks are' },
    json: { type: 'boolean', help: 'print the result as JSON' },
  },
} satisfies CommandSpec;

export async function main(args: string[]): Promise<number> {
  const command = commandLine(DRIFT_COMMAND, args);
  if (command.exit !== undefined) return command.exit;
  const { values, positionals: patterns } = command;
  const deployments = loadDeploymentsOrReport();
  if (!deployments) return 1;
  const { matched, unknown } = matchStacks(patterns.length ? patterns : ['*'], stackTargets(deployments));
  if (unknown.length) {
    console.error(`unknown stack(s) ${unknown.join(', ')}`);
    return 1;
  }
  const present = existsSync(values.dir) ? new Set(readdirSync(values.dir)) : new Set<string>();
  const missing = matched.filter((t) => !present.has(t.stack)).map((t) => t.stack);
  if (missing.length) {
    console.error(
      `no synthesized stack under ${values.dir} for ${missing.join(', ')}: run \`npx cdktf synth\` (and deploy) first`,
    );
    return 1;
  }
  const results = await drift(
    matched.map((t) => t.stack),
    values.dir,
  );
  if (values.json) console.log(JSON.stringify(results, null, 2));
  else summarize(results).forEach((line) => console.log(line));
  return results.some((r) => r.status === 'error') ? 1 : results.some((r) => r.status === 'drifted') ? 2 : 0;
}

if (isEntryPoint('scripts/drift.ts')) {
  main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
