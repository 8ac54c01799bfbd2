/**
 * Drift of a deployed stack: `terraform plan` in its working directory, and what the refresh found changed outside
 * Terraform (the plan's `resource_drift`), read through the change review's model — each change as the review's data
 * with its words, and whether it would fail `review --fail-on-widening`. `npm run drift` runs it over the matrix;
 * the e2e run over the emulator's stacks.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parsePlan, readPlan, type PlanJson } from '../terraform-json/plan';
import { inParallel } from './concurrency';
import { analyzeStack } from './report/analyze';
import { GATED, type Change } from './report/changes';
import { changeWords, verdict } from './report/words';
import { compareReports } from './review/compare';
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
  /**
   * What the drift means: the review's change as data (section, kind, subject, field, effects), its words for people,
   * and `gated`: it would fail `review --fail-on-widening`. Tools read the data, never the words.
   */
  changes: (Change & { words: string; gated: boolean })[];
  /** The review's verdict of the drift. */
  verdict?: string;
  error?: string;
  seconds: number;
}

/**
 * What a plan's refresh found changed outside Terraform, in the review's terms. `stackDir`: the stack's synthesized
 * folder (its facts).
 */
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
      ...c,
      words: changeWords(c, review),
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

/** Drift of the named stacks (all when none), each in `<dir>/<stack>`, at most `parallel` at a time. */
export async function drift(stacks: string[], dir: string, parallel = 2): Promise<StackDrift[]> {
  const env = terraformEnv(mkdtempSync(join(tmpdir(), 'drift-cli-')));
  return inParallel(stacks, parallel, (stack) => driftOf(stack, join(dir, stack), env));
}
