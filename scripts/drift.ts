/**
 * `npm run drift -- [<stack|glob> …] [--dir cdktf.out/stacks] [--json]`: `terraform plan -detailed-exitcode` in each
 * stack's working directory, summarised as "N stacks in sync, M drifted: …" with each drifted resource and the
 * attributes a plan would change back. Meant to be scheduled: console tweaks (a shortened lifecycle, a raised scan
 * cutoff) are undone by the next deploy anyway, so they should be seen first. Exit 0 in sync, 2 drift, 1 error.
 * Needs credentials of each stack's account (the plan reads every resource) and stacks deployed from cdktf.out/.
 */
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { commandLine, isEntryPoint, loadDeploymentsOrReport, type CommandSpec } from './cli';
import { matchStacks } from './preflight';
import { stackTargets } from '../config/targets';
import { inParallel, terraform, terraformEnv, terraformError } from './terraform-cli';

export interface StackDrift {
  stack: string;
  status: 'in sync' | 'drifted' | 'error';
  /** Drifted resources: address and the attributes a plan would set back. */
  changes: { address: string; action: string; attributes: string[] }[];
  error?: string;
  seconds: number;
}

interface PlanJson {
  resource_changes?: { address: string; change: { actions: string[]; before?: Record<string, unknown> | null; after?: Record<string, unknown> | null } }[];
}

/** The resources a plan would change, with the top-level attributes that differ. */
export function changesOf(plan: PlanJson): StackDrift['changes'] {
  return (plan.resource_changes ?? [])
    .filter((r) => !(r.change.actions.length === 1 && (r.change.actions[0] === 'no-op' || r.change.actions[0] === 'read')))
    .map((r) => {
      const before = r.change.before ?? {};
      const after = r.change.after ?? {};
      const attributes = [...new Set([...Object.keys(before), ...Object.keys(after)])].filter((k) => k in after && JSON.stringify(before[k]) !== JSON.stringify(after[k])).sort();
      return { address: r.address, action: r.change.actions.join('+'), attributes };
    });
}

/** Plans one initialized (or initializable) stack directory. */
export async function driftOf(stack: string, dir: string, env: NodeJS.ProcessEnv): Promise<StackDrift> {
  const started = Date.now();
  const seconds = () => Math.round((Date.now() - started) / 100) / 10;
  const scratch = mkdtempSync(join(tmpdir(), 'drift-'));
  const log = join(scratch, 'terraform.log');
  try {
    if (!existsSync(join(dir, '.terraform'))) {
      const init = await terraform(['init', '-input=false', '-no-color'], dir, env, log);
      if (init.code !== 0) return { stack, status: 'error', changes: [], error: `init: ${terraformError(init.output)}`, seconds: seconds() };
    }
    const planFile = join(scratch, 'drift.plan');
    // -lock=false: a read-only check must not block (or be blocked by) a deploy.
    const plan = await terraform(['plan', '-detailed-exitcode', '-input=false', '-no-color', '-lock=false', `-out=${planFile}`], dir, env, log);
    if (plan.code === 0) return { stack, status: 'in sync', changes: [], seconds: seconds() };
    if (plan.code !== 2) return { stack, status: 'error', changes: [], error: `plan: ${terraformError(plan.output)}`, seconds: seconds() };
    const show = await terraform(['show', '-json', planFile], dir, env);
    return { stack, status: 'drifted', changes: changesOf(JSON.parse(show.output) as PlanJson), seconds: seconds() };
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** "3 stacks in sync, 1 drifted: telemetry-dev-us-east-1: aws_s3_bucket_lifecycle_configuration.x (rule)". */
export function summarize(results: StackDrift[]): string[] {
  const drifted = results.filter((r) => r.status === 'drifted');
  const errors = results.filter((r) => r.status === 'error');
  const what = (r: StackDrift) => `${r.stack}: ${r.changes.map((c) => `${c.address} ${c.action}${c.attributes.length ? ` (${c.attributes.join(', ')})` : ''}`).join('; ')}`;
  return [
    `${plural(results.length - drifted.length - errors.length, 'stack')} in sync, ${drifted.length} drifted${drifted.length ? `: ${drifted.map(what).join(' | ')}` : ''}${errors.length ? `, ${errors.length} could not be checked` : ''}`,
    ...errors.map((r) => `${r.stack}: ${r.error}`),
  ];
}

/** Drift of the named stacks (all when none), each in `<dir>/<stack>`, at most `parallel` at a time. */
export async function drift(stacks: string[], dir: string, parallel = 2): Promise<StackDrift[]> {
  const env = terraformEnv(mkdtempSync(join(tmpdir(), 'drift-cli-')));
  return inParallel(stacks, parallel, (stack) => driftOf(stack, join(dir, stack), env));
}

export const DRIFT_COMMAND = {
  name: 'drift',
  summary: 'Plans each deployed stack (all when none is named) and lists the changes made outside Terraform. Exit 0: none, 2: drift, 1: an error.',
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
    console.error(`no synthesized stack under ${values.dir} for ${missing.join(', ')}: run \`npx cdktf synth\` (and deploy) first`);
    return 1;
  }
  const results = await drift(matched.map((t) => t.stack), values.dir);
  if (values.json) console.log(JSON.stringify(results, null, 2));
  else summarize(results).forEach((line) => console.log(line));
  return results.some((r) => r.status === 'error') ? 1 : results.some((r) => r.status === 'drifted') ? 2 : 0;
}

if (isEntryPoint('scripts/drift.ts')) {
  main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
