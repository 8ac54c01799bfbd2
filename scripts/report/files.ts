/**
 * The report's files: the stacks of a synth read and analysed, and the report written — per stack its Markdown and
 * JSON, and index.html with the change review's section when the folder holds a review (changes.json).
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stackFacts } from '../../terraform-json/facts';
import {
  MANIFEST_FILE,
  readDeployPolicy,
  readGuardrails,
  readStackJson,
  synthesizedStacks,
} from '../../terraform-json/synth-output';
import type { ChangesJson } from './changes';
import { changesSection } from './changes-section';
import { analyzeStack, type StackReport } from './analyze';
import { renderHtml, renderMarkdown } from './render';
import type { WorkspacesModel } from './workspaces';
import { workspacesMarkdown, workspacesSection } from './workspaces-section';

/**
 * Every stack of a cdktf output directory, analysed with the deployment facts written beside it at synth (or, for a
 * synth without them, its tags): pipelines first, then the state stacks, then the trust stacks, by name within each.
 * Workspaces stacks (HCP Terraform resources only) have no report.
 */
export function readReports(outDir: string, options: { guardrails?: boolean } = {}): StackReport[] {
  const stacks = synthesizedStacks(outDir);
  if (!stacks) throw new Error(`no ${join(outDir, MANIFEST_FILE)}: run \`npx cdktf synth\` first`);
  const hcl = stacks.filter((s) => !s.json);
  if (hcl.length > 0) {
    throw new Error(
      `${outDir} holds HCL (from \`cdktf synth --hcl\`); the report reads the ` +
        `JSON form: run \`npx cdktf synth\` or \`npm run synth\` first`,
    );
  }
  const reports = stacks.flatMap((synthesized) => {
    const { name: stack } = synthesized;
    const tf = readStackJson(synthesized);
    // A workspaces stack deploys into HCP Terraform, not AWS: nothing of it is data, access or cost.
    if (!tf.provider?.aws) return [];
    // The deploy roles' policies written beside a pipeline stack: their reach is part of its access matrix.
    const written = readDeployPolicy(synthesized);
    // The apply role holds its IAM rights and denies in a managed policy of their own (applyIam).
    const deployPolicies = written
      ? { plan: written.plan, apply: written.apply, ...(written.applyIam ? { applyIam: written.applyIam } : {}) }
      : undefined;
    // With --guardrails, the organization's SCP and RCP written beside the stack are taken as attached.
    const guardrails = options.guardrails ? readGuardrails(synthesized) : undefined;
    return [
      analyzeStack(stack, tf, stackFacts(synthesized.dir, stack, tf), {
        ...(deployPolicies ? { deployPolicies } : {}),
        ...(guardrails ? { organization: { scps: [guardrails.scp], rcps: [guardrails.rcp] } } : {}),
      }),
    ];
  });
  const order = (r: StackReport) => ['pipeline', 'state', 'trust'].indexOf(r.model.identity.role);
  return reports.sort((a, b) => order(a) - order(b) || a.stack.localeCompare(b.stack));
}

/** The files `npm run report` writes: the page, its screenshot, and per stack its Markdown and JSON. */
const REPORT_FILE = /^(index\.html|index\.png|.+\.(md|json))$/;

/** What the reports were made from, for telling whether a review in the folder is of the same synth. */
export const synthFingerprint = (reports: StackReport[]): string =>
  createHash('sha256')
    .update(JSON.stringify(reports.map((r) => [r.stack, r.model])))
    .digest('hex')
    .slice(0, 16);

/** The change review in a report folder (changes.json), when there is one. */
export function readChanges(reportDir: string): ChangesJson | undefined {
  const path = join(reportDir, 'changes.json');
  return existsSync(path) ? (JSON.parse(readFileSync(path, 'utf8')) as ChangesJson) : undefined;
}

/**
 * Writes the report files, replacing an earlier report's (stacks no longer synthesized included) and nothing else:
 * the change review's changes.md and changes.json stay, and index.html shows that review below the overview — marked
 * as a review of another synth when it is not of these reports. Returns the paths written.
 */
export function writeReports(reports: StackReport[], reportDir: string, workspaces: WorkspacesModel[] = []): string[] {
  mkdirSync(reportDir, { recursive: true });
  const mine = new Set([
    ...reports.flatMap((r) => [`${r.stack}.md`, `${r.stack}.json`]),
    ...workspaces.map((w) => `${w.stack}.md`),
  ]);
  for (const file of readdirSync(reportDir))
    if (REPORT_FILE.test(file) && !mine.has(file) && !file.startsWith('changes.'))
      rmSync(join(reportDir, file), { force: true });
  const written: string[] = [];
  for (const r of reports) {
    writeFileSync(join(reportDir, `${r.stack}.md`), renderMarkdown(r));
    writeFileSync(join(reportDir, `${r.stack}.json`), `${JSON.stringify(r, null, 2)}\n`);
    written.push(join(reportDir, `${r.stack}.md`), join(reportDir, `${r.stack}.json`));
  }
  // HCP Terraform workspaces stacks: not AWS stacks, reported in their own terms (workspaces-section.ts).
  for (const w of workspaces) {
    writeFileSync(join(reportDir, `${w.stack}.md`), workspacesMarkdown(w));
    written.push(join(reportDir, `${w.stack}.md`));
  }
  const changes = readChanges(reportDir);
  const section = changes ? changesSection(changes, changes.synth === synthFingerprint(reports)) : undefined;
  writeFileSync(
    join(reportDir, 'index.html'),
    renderHtml(reports, { ...(section ? { changes: section } : {}), workspaces: workspaces.map(workspacesSection) }),
  );
  written.push(join(reportDir, 'index.html'));
  return written;
}
