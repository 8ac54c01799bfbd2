/**
 * `npm run review -- --base <git ref | folder of an earlier cdktf.out> [--out report] [--fail-on-widening]`:
 * synthesizes the configured matrix as it is now and compares it with the base, in a reviewer's terms (see
 * compare.ts). Writes the report of the change (as npm run report) with the review at the top of index.html, plus
 * report/changes.md (for the pull request) and report/changes.json (for CI gates); prints the verdict per stack. A git ref is checked
 * out into a scratch worktree and synthesized there with its own code and config (and this shell's
 * TELEMETRY_CONFIG). Exit 0; with --fail-on-widening, 1 when access is widened or retention shortened anywhere.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { commandLine, isEntryPoint, loadDeploymentsOrReport, synthesizeInto, usage, type CommandSpec } from '../cli';
import { readReports, writeReports } from '../report/index';
import { renderHtml } from '../report/render';
import { compareReports, gateFailures, renderChangesMarkdown } from './compare';

/** A synth of a project folder into `outdir`; the error output when it fails. */
function synth(projectDir: string, outdir: string): string | undefined {
  const result = synthesizeInto(outdir, { projectDir });
  return result.ok ? undefined : `${result.stderr}${result.stdout}`.trim();
}

/** The base's cdktf.out: the folder given, or a synth of the git ref in a scratch worktree. */
function baseOutput(base: string, scratch: string): { outdir: string; label: string } | { error: string } {
  if (existsSync(join(base, 'manifest.json'))) return { outdir: base, label: `the synth in ${base}` };
  const worktree = join(scratch, 'base');
  const add = spawnSync('git', ['worktree', 'add', '--detach', worktree, base], { encoding: 'utf8' });
  if (add.status !== 0) return { error: `--base ${base}: neither a folder with a manifest.json nor a git ref (${add.stderr.trim()})` };
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
  summary: 'What a change changes, per stack, against a base (a git ref or a cdktf.out folder): changes.md, changes.json and the report.',
  flags: {
    base: { type: 'string', value: 'git ref | cdktf.out folder', help: 'what the change is compared with (required)' },
    out: { type: 'string', value: 'dir', default: 'report', help: 'where the review and report are written' },
    'fail-on-widening': { type: 'boolean', help: 'exit 1 when a change widens access, shortens retention or weakens protection (for CI)' },
  },
} satisfies CommandSpec;

export function main(args: string[]): number {
  const command = commandLine(REVIEW_COMMAND, args);
  if (command.exit !== undefined) return command.exit;
  const { values } = command;
  if (!values.base) {
    console.error(`--base is required\n${usage(REVIEW_COMMAND)}`);
    return 2;
  }
  const deployments = loadDeploymentsOrReport();
  if (!deployments) return 1;
  const scratch = mkdtempSync(join(tmpdir(), 'telemetry-review-'));
  try {
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
    const current = readReports(currentOut, deployments);
    const reviews = compareReports(readReports(base.outdir, deployments), current);
    // The whole report of the change, with the review on top of index.html.
    writeReports(current, values.out);
    writeFileSync(join(values.out, 'index.html'), renderHtml(current, { base: base.label, stacks: reviews }));
    writeFileSync(join(values.out, 'changes.md'), renderChangesMarkdown(reviews, base.label));
    writeFileSync(join(values.out, 'changes.json'), `${JSON.stringify({ base: base.label, stacks: reviews }, null, 2)}\n`);
    for (const r of reviews) console.log(`${r.stack}: ${r.status} — ${r.verdict}`);
    console.log(`${join(values.out, 'changes.md')} (${reviews.filter((r) => r.status !== 'unchanged').length} of ${reviews.length} stacks changed)`);
    const failures = gateFailures(reviews);
    if (values['fail-on-widening'] && failures.length) {
      failures.forEach((f) => console.error(f));
      return 1;
    }
    return 0;
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

if (isEntryPoint('scripts/review/index.ts')) process.exitCode = main(process.argv.slice(2));
