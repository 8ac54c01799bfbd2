/**
 * `npm run report [-- --out report] [-- --from cdktf.out]`: reads the synthesized stacks in cdktf.out/ and
 * writes report/<stack>.md, report/<stack>.json and report/index.html for compliance review.
 * Exit status 1 when a stack has an error-level finding (the page is still written, to show it).
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TerraformJson } from '../../stacks/policy-checks';
import type { ResolvedDeployment } from '../../config';
import { commandLine, isEntryPoint, loadDeploymentsOrReport, type CommandSpec } from '../cli';
import { analyzeStack, type StackReport } from './analyze';
import { renderHtml, renderMarkdown, severityCounts } from './render';

/**
 * Every stack of a cdktf output directory, analysed, in manifest order sorted by name. `deployments` (the configured
 * matrix, as every command loads it) tells each stack's configured retention.
 */
export function readReports(outDir: string, deployments: ResolvedDeployment[] = []): StackReport[] {
  const retention = new Map(deployments.map((d) => [d.names.stack, { profile: d.profile, expirationDays: d.settings.lifecycle.expirationDays, capacity: d.settings.capacity }]));
  const manifestPath = join(outDir, 'manifest.json');
  if (!existsSync(manifestPath)) throw new Error(`no ${manifestPath}: run \`npx cdktf synth\` first`);
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as { stacks: Record<string, { synthesizedStackPath: string }> };
  const hcl = Object.values(manifest.stacks).filter((s) => !s.synthesizedStackPath.endsWith('.json'));
  if (hcl.length > 0) {
    throw new Error(`${outDir} holds HCL (from \`cdktf synth --hcl\`); the report reads the JSON form: run \`npx cdktf synth\` or \`npm run synth\` first`);
  }
  const reports = Object.keys(manifest.stacks).map((stack) =>
    analyzeStack(stack, JSON.parse(readFileSync(join(outDir, manifest.stacks[stack].synthesizedStackPath), 'utf8')) as TerraformJson, retention.get(stack)),
  );
  // Pipelines first, then the stacks that only hold state; by name within each.
  return reports.sort((a, b) => Number(a.cost === null) - Number(b.cost === null) || a.stack.localeCompare(b.stack));
}

/** Writes the report files; returns the paths written. */
export function writeReports(reports: StackReport[], reportDir: string): string[] {
  rmSync(reportDir, { recursive: true, force: true });
  mkdirSync(reportDir, { recursive: true });
  const written: string[] = [];
  for (const r of reports) {
    writeFileSync(join(reportDir, `${r.stack}.md`), renderMarkdown(r));
    writeFileSync(join(reportDir, `${r.stack}.json`), `${JSON.stringify(r, null, 2)}\n`);
    written.push(join(reportDir, `${r.stack}.md`), join(reportDir, `${r.stack}.json`));
  }
  writeFileSync(join(reportDir, 'index.html'), renderHtml(reports));
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
  const deployments = loadDeploymentsOrReport();
  if (!deployments) return 1;
  let reports: StackReport[];
  try {
    reports = readReports(from, deployments);
  } catch (error) {
    console.error((error as Error).message);
    return 1;
  }
  writeReports(reports, out);
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
