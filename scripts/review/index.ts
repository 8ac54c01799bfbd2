/**
 * `npm run review -- --base <git ref | cdktf.out folder>` or `-- --plan <plan.json | folder>`: what a change changes,
 * per stack, in a reviewer's terms (compare.ts decides, render.ts says it). With --base, the configured matrix as it
 * is now against the base: a git ref is checked out into a scratch worktree and synthesized there with its own code
 * and config (and this shell's TELEMETRY_CONFIG). With --plan, what each plan would change in the live account,
 * and what the refresh found changed outside Terraform (drift). Writes the report of the change (as npm run report)
 * with the review below the overview of index.html, plus changes.md (for the pull request) and changes.json (for CI
 * gates), all at once: a review that fails leaves the earlier one in --out as it was. --plan takes only `terraform show
 * -json` of a plan (terraform-json/plan.ts). Exit 0; 2 for an input refused; 1 for another failure, and with
 * --fail-on-widening when data moves region or jurisdiction, access is widened, retention shortened or
 * protection weakened.
 */
import { spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  renameSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { readPlan } from '../../terraform-json/plan';
import type { TerraformJson } from '../../terraform-json/stack-json';
import { isSynthOutput } from '../../terraform-json/synth-output';
import { commandLine, isEntryPoint, synthesizeInto, usage, type CommandSpec } from '../cli';
import { analyzeStack, type StackReport } from '../report/analyze';
import { readReports, synthFingerprint, writeReports } from '../report/files';
import { GATED, type StackReview, type WorkspacesReview } from '../report/changes';
import { readWorkspaces, type WorkspacesModel } from '../report/workspaces';
import { compareReports, gateFailures } from './compare';
import { readPlanFile } from '../../terraform-json/plan';
import { compareWorkspaces } from './workspaces';
import { changesJson, renderChangesMarkdown, workspacesChangesMarkdown } from './render';
import { changeWords, verdict, workspaceChangeWords, workspacesVerdict } from '../report/words';

/** A synth of a project folder into `outdir`; the error output when it fails. */
function synth(projectDir: string, outdir: string): string | undefined {
  const result = synthesizeInto(outdir, { projectDir });
  return result.ok ? undefined : `${result.stderr}${result.stdout}`.trim();
}

/** The base's cdktf.out: the folder given, or a synth of the git ref in a scratch worktree. */
function baseOutput(base: string, scratch: string): { outdir: string; label: string } | { error: string } {
  if (isSynthOutput(base)) return { outdir: base, label: `the synth in ${base}` };
  const worktree = join(scratch, 'base');
  const add = spawnSync('git', ['worktree', 'add', '--detach', worktree, base], { encoding: 'utf8' });
  if (add.status !== 0)
    return { error: `--base ${base}: neither a folder with a manifest.json nor a git ref (${add.stderr.trim()})` };
  symlinkSync(resolve('node_modules'), join(worktree, 'node_modules'));
  const outdir = join(scratch, 'base-out');
  const failed = synth(worktree, outdir);
  spawnSync('git', ['worktree', 'remove', '--force', worktree]);
  if (failed) return { error: `the base ${base} does not synthesize:\n${failed}` };
  const sha = spawnSync('git', ['rev-parse', '--short', base], { encoding: 'utf8' }).stdout.trim();
  return { outdir, label: `${base} (${sha})` };
}

export const REVIEW_COMMAND = {
  name: 'review',
  summary:
    'What a change changes, per stack: against a base (a git ref or a cdktf.out ' +
    'folder), or what a Terraform plan changes in the live account (drift included). ' +
    'Writes changes.md, changes.json and the report with the review on its page.',
  flags: {
    base: { type: 'string', value: 'git ref | cdktf.out folder', help: 'compare the current synth with this base' },
    plan: {
      type: 'string',
      value: 'plan.json | folder',
      help:
        'review `terraform show -json <plan file>` output instead (a file, or a ' +
        'folder of them, one per stack); anything else is refused (exit 2)',
    },
    from: {
      type: 'string',
      value: 'dir',
      default: 'cdktf.out',
      help: "with --plan: the synth whose deployment facts and prevent_destroy settings the plans' stacks have",
    },
    out: { type: 'string', value: 'dir', default: 'report', help: 'where the review and report are written' },
    'fail-on-widening': {
      type: 'boolean',
      help:
        'exit 1 when a change moves data to another region or jurisdiction (or puts a stack outside ' +
        'its jurisdiction), widens access, shortens retention or weakens protection (for CI)',
    },
  },
} satisfies CommandSpec;

/** The plan files named: the file, or every .json file of the folder. */
function planFiles(path: string): string[] {
  if (!existsSync(path)) return [];
  return statSync(path).isDirectory()
    ? readdirSync(path)
        .filter((f) => f.endsWith('.json'))
        .sort()
        .map((f) => join(path, f))
    : [path];
}

/** Reviews of what each plan changes, and of what drifted before it, with the report of each planned stack. */
export function reviewPlans(paths: string[], synthDir?: string): { reviews: StackReview[]; current: StackReport[] } {
  const reviews: StackReview[] = [];
  const current: StackReport[] = [];
  for (const path of paths) {
    const input = readPlanFile(path);
    if ('error' in input) throw new InputError(input.error);
    const states = readPlan(input.plan, synthDir);
    const report = (tf: TerraformJson) => analyzeStack(states.stack, tf, states.facts);
    const [lastApplied, live, planned] = [report(states.lastApplied), report(states.live), report(states.planned)];
    const existed = Object.keys(states.live.resource ?? {}).length > 0;
    if (states.drifted.length) reviews.push(...compareReports([lastApplied], [live], 'drift'));
    reviews.push(...compareReports(existed ? [live] : [], [planned]));
    current.push(planned);
  }
  return { reviews, current };
}

/** An input the review refuses (exit 2): not a plan, no plan there. */
export class InputError extends Error {}

/**
 * Writes the review into `out` only once all of it is written: into a folder beside it first, then moved in, so a
 * review that fails part-way leaves the earlier one as it was.
 */
function publish(out: string, write: (dir: string) => void): void {
  const parent = dirname(resolve(out));
  mkdirSync(parent, { recursive: true });
  const staging = mkdtempSync(join(parent, `.${basename(resolve(out))}-staging-`));
  try {
    write(staging);
    mkdirSync(out, { recursive: true });
    // What writeReports replaces (an earlier report's pages, stacks no longer there) and the earlier review.
    for (const file of readdirSync(out))
      if (/^(index\.html|index\.png|.+\.(md|json))$/.test(file)) rmSync(join(out, file), { force: true });
    for (const file of readdirSync(staging)) renameSync(join(staging, file), join(out, file));
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}

export function main(args: string[]): number {
  const command = commandLine(REVIEW_COMMAND, args);
  if (command.exit !== undefined) return command.exit;
  const { values } = command;
  if (Boolean(values.base) === Boolean(values.plan)) {
    console.error(`one of --base or --plan\n${usage(REVIEW_COMMAND)}`);
    return 2;
  }
  let reviews: StackReview[];
  let current: StackReport[];
  let label: string;
  // The HCP Terraform workspaces stacks (not AWS: no model of data or IAM), in their own terms (workspaces.ts).
  let workspaces: WorkspacesReview[] = [];
  let currentWorkspaces: WorkspacesModel[] = [];
  const scratch = mkdtempSync(join(tmpdir(), 'telemetry-review-'));
  try {
    if (values.plan) {
      const paths = planFiles(values.plan);
      if (paths.length === 0) {
        console.error(`--plan ${values.plan}: no plan JSON there (\`terraform show -json plan.tfplan > plan.json\`)`);
        return 2;
      }
      // Every file checked before any is reviewed: one that is not a plan refuses the review, naming what it lacks.
      const refused = paths.map(readPlanFile).flatMap((r) => ('error' in r ? [r.error] : []));
      if (refused.length > 0) {
        refused.forEach((line) => console.error(line));
        return 2;
      }
      ({ reviews, current } = reviewPlans(paths, isSynthOutput(values.from) ? values.from : undefined));
      label =
        `the live account (${paths.length} plan${paths.length === 1 ? '' : 's'}: ` +
        `${paths.map((p) => basename(p)).join(', ')})`;
    } else {
      const base = baseOutput(values.base!, scratch);
      if ('error' in base) {
        console.error(base.error);
        return 1;
      }
      const currentOut = join(scratch, 'current-out');
      const failed = synth(resolve('.'), currentOut);
      if (failed) {
        console.error(`the current configuration does not synthesize:\n${failed}`);
        return 1;
      }
      current = readReports(currentOut);
      reviews = compareReports(readReports(base.outdir), current);
      currentWorkspaces = readWorkspaces(currentOut);
      workspaces = compareWorkspaces(readWorkspaces(base.outdir), currentWorkspaces);
      label = base.label;
    }
  } catch (error) {
    console.error((error as Error).message);
    return error instanceof InputError ? 2 : 1;
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
  // The review first, then the whole report of the change (which shows the review below the overview of index.html),
  // in a staging folder: the earlier one stays until all is written.
  publish(values.out, (dir) => {
    writeFileSync(
      join(dir, 'changes.md'),
      `${renderChangesMarkdown(reviews, label)}${workspacesChangesMarkdown(workspaces)}`,
    );
    writeFileSync(
      join(dir, 'changes.json'),
      `${JSON.stringify(changesJson(reviews, label, synthFingerprint(current), workspaces), null, 2)}\n`,
    );
    writeReports(current, dir, currentWorkspaces);
  });
  for (const r of reviews)
    console.log(`${r.stack}${r.source === 'drift' ? ' (drift)' : ''}: ${r.status} — ${verdict(r)}`);
  for (const w of workspaces) console.log(`${w.stack}: ${w.status} — ${workspacesVerdict(w)}`);
  console.log(
    `${join(values.out, 'changes.md')} (${reviews.filter((r) => r.status !== 'unchanged').length} ` +
      `of ${reviews.length} changed)`,
  );
  const failures = gateFailures(reviews);
  const workspaceFailures = workspaces.flatMap((w) =>
    w.changes.flatMap((c) =>
      c.effects.filter((e) => GATED.includes(e)).map((e) => `${w.stack}: ${e}: ${workspaceChangeWords(c)}`),
    ),
  );
  if (values['fail-on-widening'] && (failures.length || workspaceFailures.length)) {
    for (const f of failures)
      console.error(
        `${f.stack}: ${f.effect}${
          f.change
            ? `: ${changeWords(
                f.change,
                reviews.find((r) => r.stack === f.stack)!,
              )}`
            : ''
        }`,
      );
    workspaceFailures.forEach((line) => console.error(line));
    return 1;
  }
  return 0;
}

if (isEntryPoint('scripts/review/index.ts')) process.exitCode = main(process.argv.slice(2));
