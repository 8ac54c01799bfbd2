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
import { commandLine, isEntryPoint, loadDeploymentsOrReport } from '../cli';
import { readReports, writeReports } from '../report/index';
import { renderHtml } from '../report/render';
import { compareReports, gateFailures, renderChangesMarkdown } from './compare';

/** `node scripts/synth.js` of a project folder into `outdir`; the error output when it fails. */
function synth(projectDir: string, outdir: string): string | undefined {
  const result = spawnSync(process.execPath, [join(projectDir, 'scripts', 'synth.js')], { cwd: projectDir, env: { ...process.env, CDKTF_OUTDIR: outdir }, encoding: 'utf8' });
  return result.status === 0 ? undefined : `${result.stderr}${result.stdout}`.trim();
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

export function main(args: string[]): number {
  const usage = 'npm run review -- --base <git ref | cdktf.out folder> [--out report] [--fail-on-widening]';
  const command = commandLine(args, { base: { type: 'string' }, out: { type: 'string', default: 'report' }, 'fail-on-widening': { type: 'boolean' } }, usage);
  if (command.exit !== undefined) return command.exit;
  const { values, positionals } = command;
  if (!values.base || positionals.length) {
    console.error(`${values.base ? `unexpected ${positionals.join(' ')}` : '--base is required'}\nusage: ${usage}`);
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
