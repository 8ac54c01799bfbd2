/**
 * `npm run report [-- --out report] [-- --from cdktf.out]`: reads the synthesized stacks in cdktf.out/ and
 * writes report/<stack>.md, report/<stack>.json and report/index.html for compliance review.
 * Exit status 1 when a stack has an error-level finding (the page is still written, to show it).
 */
import { commandLine, isEntryPoint, type CommandSpec } from '../cli';
import type { StackReport } from './analyze';
import { readReports, writeReports } from './files';
import { readWorkspaces } from './workspaces';
import { severityCounts } from './render';

export const REPORT_COMMAND = {
  name: 'report',
  summary:
    'Compliance review artifacts per synthesized stack (Markdown, ' +
    'JSON) and one HTML page. Exit 1 when a finding is an error.',
  flags: {
    from: { type: 'string', value: 'dir', default: 'cdktf.out', help: 'the synth to read' },
    out: { type: 'string', value: 'dir', default: 'report', help: 'where to write' },
    guardrails: {
      type: 'boolean',
      help: "evaluate access with each stack's organization SCP and RCP (organization-guardrails.json) as attached",
    },
  },
} satisfies CommandSpec;

export function main(args: string[]): number {
  const command = commandLine(REPORT_COMMAND, args);
  if (command.exit !== undefined) return command.exit;
  const { values } = command;
  const { from, out, guardrails } = values;
  let reports: StackReport[];
  try {
    reports = readReports(from, { guardrails: guardrails === true });
  } catch (error) {
    console.error((error as Error).message);
    return 1;
  }
  writeReports(reports, out, readWorkspaces(from));
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
