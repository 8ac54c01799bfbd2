/**
 * `npm run report [-- --out report] [-- --from cdktf.out]`: reads the synthesized stacks in cdktf.out/ and
 * writes report/<stack>.md, report/<stack>.json and report/index.html for compliance review.
 * Exit status 1 when a stack has an error-level finding (the page is still written, to show it).
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { TerraformJson } from '../../stacks/policy-checks';
import { factsFromTags } from '../../model/build';
import { readFacts } from '../../model/facts';
import { commandLine, isEntryPoint, type CommandSpec } from '../cli';
import { analyzeStack, type StackReport } from './analyze';
import { renderHtml, renderMarkdown, severityCounts, type PageExtras } from './render';
import { readWorkspaces, type WorkspacesModel } from '../review/workspaces';
import { workspacesHtml, workspacesMarkdown as workspacesStackMarkdown } from './workspaces-section';

/**
 * Every stack of a cdktf output directory, analysed with the deployment facts written beside it at synth (or, for a
 * synth without them, its tags): pipelines first, then the state stacks, then the trust stacks, by name within each.
 * Workspaces stacks (HCP Terraform resources only) are read by readWorkspaces (scripts/review/workspaces.ts) and
 * reported in their own terms (workspaces-section.ts).
 */
export function readReports(outDir: string): StackReport[] {
  const manifestPath = join(outDir, 'manifest.json');
  if (!existsSync(manifestPath)) throw new Error(`no ${manifestPath}: run \`npx cdktf synth\` first`);
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as { stacks: Record<string, { synthesizedStackPath: string }> };
  const hcl = Object.values(manifest.stacks).filter((s) => !s.synthesizedStackPath.endsWith('.json'));
  if (hcl.length > 0) {
    throw new Error(`${outDir} holds HCL (from \`cdktf synth --hcl\`); the report reads the JSON form: run \`npx cdktf synth\` or \`npm run synth\` first`);
  }
  const reports = Object.entries(manifest.stacks).flatMap(([stack, { synthesizedStackPath }]) => {
    const path = join(outDir, synthesizedStackPath);
    const tf = JSON.parse(readFileSync(path, 'utf8')) as TerraformJson;
    // A workspaces stack deploys into HCP Terraform, not AWS: nothing of it is data, access or cost.
    if (!tf.provider?.aws) return [];
    return [analyzeStack(stack, tf, readFacts(dirname(path)) ?? factsFromTags(stack, tf))];
  });
  const order = (r: StackReport) => ['pipeline', 'state', 'trust'].indexOf(r.model.identity.role);
  return reports.sort((a, b) => order(a) - order(b) || a.stack.localeCompare(b.stack));
}

/** The files `npm run report` writes: the page, its screenshot, and per stack its Markdown and JSON. */
const REPORT_FILE = /^(index\.html|index\.png|.+\.(md|json))$/;

/**
 * Writes the report files, replacing an earlier report's (stacks no longer synthesized included) and nothing else:
 * the change review's changes.md and changes.json stay. Returns the paths written.
 */
export function writeReports(reports: StackReport[], reportDir: string, extras: PageExtras = {}, workspaces: WorkspacesModel[] = []): string[] {
  mkdirSync(reportDir, { recursive: true });
  const mine = new Set([...reports.flatMap((r) => [`${r.stack}.md`, `${r.stack}.json`]), ...workspaces.map((w) => `${w.stack}.md`)]);
  for (const file of readdirSync(reportDir)) if (REPORT_FILE.test(file) && !mine.has(file) && !file.startsWith('changes.')) rmSync(join(reportDir, file), { force: true });
  const written: string[] = [];
  for (const r of reports) {
    writeFileSync(join(reportDir, `${r.stack}.md`), renderMarkdown(r));
    writeFileSync(join(reportDir, `${r.stack}.json`), `${JSON.stringify(r, null, 2)}\n`);
    written.push(join(reportDir, `${r.stack}.md`), join(reportDir, `${r.stack}.json`));
  }
  for (const w of workspaces) {
    writeFileSync(join(reportDir, `${w.stack}.md`), workspacesStackMarkdown(w));
    written.push(join(reportDir, `${w.stack}.md`));
  }
  writeFileSync(join(reportDir, 'index.html'), renderHtml(reports, { ...extras, workspaces: workspacesHtml(workspaces) }));
  written.push(join(reportDir, 'index.html'));
  return written;
}

export const REPORT_COMMAND = {
  name: 'report',
  summary: 'Compliance review artifacts per synthesized stack (Markdown, JSON) and one HTML page. Exit 1 when a finding is an error.',
  flags: {
    from: { type: 'string', value: 'dir', default: 'cdktf.out', help: 'the synth to read' },
    out: { type: 'string', value: 'dir', default: 'report', help: 'where to write' },
  },
} satisfies CommandSpec;

export function main(args: string[]): number {
  const command = commandLine(REPORT_COMMAND, args);
  if (command.exit !== undefined) return command.exit;
  const { values } = command;
  const { from, out } = values;
  let reports: StackReport[];
  try {
    reports = readReports(from);
  } catch (error) {
    console.error((error as Error).message);
    return 1;
  }
  writeReports(reports, out, {}, readWorkspaces(from));
  let errors = 0;
  for (const r of reports) {
    const c = severityCounts(r.findings);
    errors += c.error;
    console.log(`${r.stack}: ${c.error} error, ${c.warning} warning, ${c.info} info — ${out}/${r.stack}.md`);
  }
  console.log(`${out}/index.html (${reports.length} stacks)`);
  return errors > 0 ? 1 : 0;
}

if (isEntryPoint('scripts/report/index.ts')) process.exitCode = main(process.argv.slice(2));
