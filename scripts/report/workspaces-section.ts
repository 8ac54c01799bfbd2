/**
 * The HCP Terraform workspaces stacks in the report, in their own terms (scripts/review/workspaces.ts reads them):
 * not AWS stacks — no data, keys or IAM — but what decides who runs each pipeline stack with which AWS role.
 */
import type { HcpWorkspace, WorkspacesModel } from '../review/workspaces';
import { escapeHtml, table } from './render';

const ROLE_VARIABLE = /^TFC_AWS_(PLAN|APPLY|RUN)_ROLE_ARN$/;

const row = (w: HcpWorkspace) => [
  w.name,
  w.project,
  w.executionMode,
  w.vcs ?? 'the CLI (npm run deploy)',
  w.autoApply ? 'no: applies without approval' : 'yes',
  Object.entries(w.credentials)
    .filter(([k]) => ROLE_VARIABLE.test(k))
    .map(([k, v]) => `${k.replace(/^TFC_AWS_|_ROLE_ARN$/g, '').toLowerCase()}: ${v}`)
    .join('; ') || 'none',
];

const HEADERS = ['Workspace', 'Project', 'Runs execute', 'Runs start from', 'Applies approved by a reviewer', 'AWS roles its runs assume'];
const intro = (m: WorkspacesModel) => `HCP Terraform organization ${m.organization} on ${m.hostname}: ${m.workspaces.length} workspace${m.workspaces.length === 1 ? '' : 's'}. Not an AWS stack: it holds no data; it decides who runs each pipeline stack, and with which role (the trust stack of each account says who may assume them).`;

/** `<stack>.md` of a workspaces stack. */
export function workspacesMarkdown(m: WorkspacesModel): string {
  return [`# ${m.stack}`, '', intro(m), '', `| ${HEADERS.join(' | ')} |`, `|${HEADERS.map(() => '---').join('|')}|`, ...m.workspaces.map((w) => `| ${row(w).join(' | ')} |`), ''].join('\n');
}

/** The page's section for the workspaces stacks (none: empty). */
export function workspacesHtml(models: WorkspacesModel[]): string {
  if (models.length === 0) return '';
  const e = escapeHtml;
  return `<section class="workspaces" id="workspaces">
<h2>HCP Terraform workspaces</h2>
${models.map((m) => `<h3>${e(m.stack)}</h3>\n<p class="identity">${e(intro(m))}</p>\n${table(HEADERS, m.workspaces.map((w) => row(w).map(e)))}`).join('\n')}
</section>`;
}
