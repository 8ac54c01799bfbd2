/**
 * The HCP Terraform workspaces stacks in words (scripts/review/workspaces.ts reads and compares them;
 * scripts/report/workspaces-section.ts lays out their report section): a workspace, what changed in it, a verdict.
 */
import type { HcpWorkspace, WorkspacesModel } from '../../review/workspaces';

/** The dynamic-credential variables that name an AWS role (HashiCorp docs, "Dynamic credentials with the AWS provider"). */
const ROLE_VARIABLE = /^TFC_AWS_(PLAN|APPLY|RUN)_ROLE_ARN$/;
/** `TFC_AWS_PLAN_ROLE_ARN` as `plan`. */
const phase = (variable: string) => variable.replace(/^TFC_AWS_|_ROLE_ARN$/g, '').toLowerCase();
const roleName = (arn: string) => arn.replace(/^arn:[^:]+:iam::(\d+):role\/(.+)$/, 'role $2 of $1');
const applies = (autoApply: boolean) => (autoApply ? 'without approval' : 'approved by a reviewer');

/** A workspace in a line: `ws (project p, remote runs, applies approved by a reviewer; assumes plan role r of 1…)`. */
export const workspace = (w: HcpWorkspace): string =>
  `${w.name} (project ${w.project}, ${w.executionMode} runs${w.vcs ? ` from ${w.vcs}` : ''}, applies ${applies(w.autoApply)}; assumes ${
    Object.entries(w.credentials)
      .filter(([k]) => k.endsWith('_ROLE_ARN'))
      .map(([k, v]) => `${phase(k)} ${roleName(v)}`)
      .join(', ') || 'no AWS role'
  })`;

/** A change of one workspace's setting, `was …; now …`. */
export const WORKSPACE_CHANGE = {
  credential: (name: string, key: string, before?: string, after?: string): string =>
    `workspace ${name} ${key}: was ${before ?? 'unset'}; now ${after ?? 'unset'}`,
  vcs: (name: string, before: string | null, after: string | null): string =>
    `workspace ${name} runs start from: was ${before ?? 'the CLI'}; now ${after ?? 'the CLI'}`,
  autoApply: (name: string, before: boolean, after: boolean): string =>
    `workspace ${name} applies: was ${applies(before)}; now ${applies(after)}`,
  executionMode: (name: string, before: string, after: string): string =>
    `workspace ${name} execution: was ${before}; now ${after}`,
  project: (name: string, before: string, after: string): string =>
    `workspace ${name} project: was ${before}; now ${after}`,
  added: (w: HcpWorkspace): string => `new workspace ${workspace(w)}`,
  removed: (name: string): string => `removed workspace ${name}`,
};

const workspacesCount = (m: WorkspacesModel) =>
  `${m.workspaces.length} workspace${m.workspaces.length === 1 ? '' : 's'}`;

/** A workspaces stack's verdict when it is new or removed. */
export const workspacesAdded = (m: WorkspacesModel): string =>
  `new workspaces stack: HCP Terraform organization ${m.organization} on ${m.hostname}, ${workspacesCount(m)}: ${m.workspaces.map(workspace).join('; ')}`;
/** The heading of changes.md's part on the workspaces stacks. */
export const WORKSPACES_REVIEW_TITLE = 'HCP Terraform workspaces';

/** A workspaces stack's verdict when it changed: its changes' words, or that nothing changed. */
export const workspacesVerdict = (changes: string[]): string => (changes.length ? changes.join('; ') : 'no change');
export const workspacesRemoved = (m: WorkspacesModel): string =>
  `workspaces stack removed: organization ${m.organization} on ${m.hostname} (${m.workspaces.map((w) => w.name).join(', ')}); runs there stop`;

/** The report section's first paragraph. */
export const workspacesIntro = (m: WorkspacesModel): string =>
  `HCP Terraform organization ${m.organization} on ${m.hostname}: ${workspacesCount(m)}. Not an AWS stack: it holds no data; it decides who runs each pipeline stack, and with which role (the trust stack of each account says who may assume them).`;

/** The columns of the workspaces table; each row is workspaceRow. */
export const WORKSPACE_COLUMNS = [
  'Workspace',
  'Project',
  'Runs execute',
  'Runs start from',
  'Applies approved by a reviewer',
  'AWS roles its runs assume',
] as const;
/** A workspace's row in the report section, in the order of WORKSPACE_COLUMNS. */
export const workspaceRow = (w: HcpWorkspace): string[] => [
  w.name,
  w.project,
  w.executionMode,
  w.vcs ?? 'the CLI (npm run deploy)',
  w.autoApply ? 'no: applies without approval' : 'yes',
  Object.entries(w.credentials)
    .filter(([k]) => ROLE_VARIABLE.test(k))
    .map(([k, v]) => `${phase(k)}: ${v}`)
    .join('; ') || 'none',
];
