/**
 * The HCP Terraform workspaces stacks in the report, in their own terms (scripts/review/workspaces.ts reads them):
 * not AWS stacks — no data, keys or IAM — but what decides who runs each pipeline stack with which AWS role. One
 * document section per workspaces stack (document.ts), written by the Markdown and HTML writers like the others.
 */
import type { HcpWorkspace, WorkspacesModel } from '../review/workspaces';
import { cell, type Block, type Section } from './document';
import { sectionMarkdown } from './markdown';

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

const HEADERS = [
  'Workspace',
  'Project',
  'Runs execute',
  'Runs start from',
  'Applies approved by a reviewer',
  'AWS roles its runs assume',
];
const intro = (m: WorkspacesModel) =>
  `HCP Terraform organization ${m.organization} on ${m.hostname}: ${m.workspaces.length} workspace${m.workspaces.length === 1 ? '' : 's'}. Not an AWS stack: it holds no data; it decides who runs each pipeline stack, and with which role (the trust stack of each account says who may assume them).`;

const blocks = (m: WorkspacesModel): Block[] => [
  { kind: 'paragraph', content: cell(intro(m)) },
  { kind: 'table', headers: HEADERS, rows: m.workspaces.map((w) => row(w).map(cell)) },
];

/** The section of one workspaces stack: its own page section and its `<stack>.md`. */
export const workspacesSection = (m: WorkspacesModel): Section => ({
  id: m.stack,
  role: 'stack',
  stackRole: 'workspaces',
  title: m.stack,
  blocks: blocks(m),
});

/** `<stack>.md` of a workspaces stack. */
export const workspacesMarkdown = (m: WorkspacesModel): string => sectionMarkdown(workspacesSection(m));
