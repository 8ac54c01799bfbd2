/**
 * `npm run drift -- [<stack|glob> …] [--dir cdktf.out/stacks] [--json]`: `terraform plan` in each stack's working
 * directory, and what its refresh found changed outside Terraform — the plan's `resource_drift`, read through the same
 * model and words as `npm run review -- --plan` (one meaning of drift: a change made behind Terraform's back, whether
 * or not the next apply would undo it — a replication rule added in the console is not). Each drifted change is said
 * with its meaning and effects ("replication added: every new object is copied to …", moves residency), and marked
 * where it would fail `review --fail-on-widening` like the same change in a pull request. Meant to be scheduled.
 * Exit 0 in sync, 2 drift, 1 error. Needs credentials of each stack's account and stacks deployed from cdktf.out/.
 */
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parsePlan, readPlan, type PlanJson } from '../terraform-json/plan';
import { commandLine, isEntryPoint, loadDeploymentsOrReport, type CommandSpec } from './cli';
import { matchStacks } from './preflight';
import { stackTargets } from '../config/targets';
import { analyzeStack } from './report/analyze';
import { compareReports, GATED, type Effect } from './review/compare';
import { changeWords, verdict } from './report/words';
import { inParallel } from './concurrency';
import { terraform, terraformEnv, terraformError } from './terraform-cli';

export interface StackDrift {
  stack: string;
  status: 'in sync' | 'drifted' | 'error';
  /**
   * Resources the refresh found changed outside Terraform (the plan's `resource_drift`), by address. A stack is
   * drifted when one of these changes what the model says (a store, a grant, a copy, retention…): a difference in an
   * attribute the model does not read (tags, a provider's normalisation of a value) is listed, not counted.
   */
  resources: string[];
  /** What the drift means, as the change review says it; `gated`: it would fail `review --fail-on-widening`. */
  changes: { section: string; words: string; effects: Effect[]; gated: boolean }[];
  /** The review's verdict of the drift. */
  verdict?: string;
  error?: string;
  seconds: number;
}

/** What a plan's refresh found changed outside Terraform, in the review's terms. `stackDir`: the stack's synthesized folder (its facts). */
export function driftOfPlan(plan: PlanJson, stackDir?: string): Pick<StackDrift, 'resources' | 'changes' | 'verdict'> {
  const states = readPlan(plan, undefined, stackDir);
  if (states.drifted.length === 0) return { resources: [], changes: [] };
  const [review] = compareReports(
    [analyzeStack(states.stack, states.lastApplied, states.facts)],
    [analyzeStack(states.stack, states.live, states.facts)],
    'drift',
  );
  return {
    resources: states.drifted,
    changes: review.changes.map((c) => ({
      section: c.section,
      words: changeWords(c, review),
      effects: c.effects,
      gated: c.effects.some((e) => GATED.includes(e)),
    })),
    verdict: verdict(review),
  };
}

/** How drift's plan is printed, and what its reasons name when it is not a plan (parsePlan). */
export const SHOW_PLAN = 'terraform show -json';

/** Plans one initialized (or initializable) stack directory. */
export async function driftOf(stack: string, dir: string, env: NodeJS.ProcessEnv): Promise<StackDrift> {
  const started = Date.now();
  const seconds = () => Math.round((Date.now() - started) / 100) / 10;
  const scratch = mkdtempSync(join(tmpdir(), 'drift-'));
  const log = join(scratch, 'terraform.log');
  try {
    if (!existsSync(join(dir, '.terraform'))) {
      const init = await terraform(['init', '-input=false', '-no-color'], dir, env, log);
      if (init.code !== 0)
        return {
          stack,
          status: 'error',
          resources: [],
          changes: [],
          error: `init: ${terraformError(init.output)}`,
          seconds: seconds(),
        };
    }
    const planFile = join(scratch, 'drift.plan');
    // -lock=false: a read-only check must not block (or be blocked by) a deploy. The exit code is not the answer: a
    // change Terraform would not undo (a replication rule added in the console) plans nothing, yet drifted.
    const plan = await terraform(
      ['plan', '-detailed-exitcode', '-input=false', '-no-color', '-lock=false', `-out=${planFile}`],
      dir,
      env,
      log,
    );
    if (plan.code !== 0 && plan.code !== 2)
      return {
        stack,
        status: 'error',
        resources: [],
        changes: [],
        error: `plan: ${terraformError(plan.output)}`,
        seconds: seconds(),
      };
    const show = await terraform(['show', '-json', planFile], dir, env);
    if (show.code !== 0)
      return {
        stack,
        status: 'error',
        resources: [],
        changes: [],
        error: `show: ${terraformError(show.output)}`,
        seconds: seconds(),
      };
    // The same check as `review --plan`'s: what is not a complete plan (a state, an errored plan) is an error here too.
    const shown = parsePlan(show.stdout, SHOW_PLAN);
    if ('error' in shown)
      return { stack, status: 'error', resources: [], changes: [], error: `show: ${shown.error}`, seconds: seconds() };
    const found = driftOfPlan(shown.plan, dir);
    return { stack, status: found.changes.length ? 'drifted' : 'in sync', ...found, seconds: seconds() };
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/**
 * "3 stacks in sync, 1 drifted", then per drifted stack its resources and each change with its meaning, the ones
 * the review's gate would fail marked.
 */
export function summarize(results: StackDrift[]): string[] {
  const drifted = results.filter((r) => r.status === 'drifted');
  const errors = results.filter((r) => r.status === 'error');
  return [
    `${plural(results.length - drifted.length - errors.length, 'stack')} in sync, ${drifted.length} drifted${errors.length ? `, ${errors.length} could not be checked` : ''}`,
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

/** Drift of the named stacks (all when none), each in `<dir>/<stack>`, at most `parallel` at a time. */
export async function drift(stacks: string[], dir: string, parallel = 2): Promise<StackDrift[]> {
  const env = terraformEnv(mkdtempSync(join(tmpdir(), 'drift-cli-')));
  return inParallel(stacks, parallel, (stack) => driftOf(stack, join(dir, stack), env));
}

export const DRIFT_COMMAND = {
  name: 'drift',
  summary:
    "Plans each deployed stack (all when none is named) and says what was changed outside Terraform (the plan's resource_drift), in the change review's terms, marking what its gate would fail. Exit 0: none, 2: drift, 1: an error.",
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
