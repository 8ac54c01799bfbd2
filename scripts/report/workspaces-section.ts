/**
 * The HCP Terraform workspaces stacks in the report, in their own terms (workspaces.ts reads them):
 * not AWS stacks — no data, keys or IAM — but what decides who runs each pipeline stack with which AWS role. One
 * document section per workspaces stack (document.ts), written by the Markdown and HTML writers like the others.
 */
import type { WorkspacesModel } from './workspaces';
import { cell, type Block, type Section } from './document';
import { sectionMarkdown } from './markdown';
import * as words from './words';

const blocks = (m: WorkspacesModel): Block[] => [
  { kind: 'paragraph', content: cell(words.workspacesIntro(m)) },
  {
    kind: 'table',
    headers: [...words.WORKSPACE_COLUMNS],
    rows: m.workspaces.map((w) => words.workspaceRow(w).map(cell)),
  },
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
