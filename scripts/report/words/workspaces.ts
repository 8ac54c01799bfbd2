/**
 * The HCP Terraform workspaces stacks in words (../workspaces.ts reads them, scripts/review/workspaces.ts compares
 * them; scripts/report/workspaces-section.ts lays out their report section): a workspace, what changed in it,
 * a verdict.
 */
import type { WorkspaceChange, WorkspacesReview } from '../changes';
import type { HcpWorkspace, WorkspacesModel } from '../workspaces';

/**
 * The dynamic-credential variables that name an AWS role (HashiCorp docs, "Dynamic credentials with the AWS provider").
 */
const ROLE_VARIABLE = /^TFC_AWS_(PLAN|APPLY|RUN)_ROLE_ARN$/;
/** `TFC_AWS_PLAN_ROLE_ARN` as `plan`. */
const phase = (variable: string) => variable.replace(/^TFC_AWS_|_ROLE_ARN$/g, '').toLowerCase();
const roleName = (arn: string) => arn.replace(/^arn:[^:]+:iam::(\d+):role\/(.+)$/, 'role $2 of $1');
const applies = (autoApply: boolean) => (autoApply ? 'without approval' : 'approved by a reviewer');

/** A workspace in a line: `ws (project p, remote runs, applies approved by a reviewer; assumes plan role r of 1…)`. */
export const workspace = (w: HcpWorkspace): string =>
  `${w.name} (project ${w.project}, ${w.executionMode} runs${w.vcs ? ` from ${w.vcs}` : ''}, ` +
  `applies ${applies(w.autoApply)}; assumes ` +
  `${
    Object.entries(w.credentials)
      .filter(([k]) => k.endsWith('_ROLE_ARN'))
      .map(([k, v]) => `${phase(k)} ${roleName(v)}`)
      .join(', ') || 'no AWS role'
  }` +
  `)`;

/** One change of a workspaces stack (../changes.ts `WorkspaceChange`): `was …; now …`. */
export function workspaceChangeWords(c: WorkspaceChange): string {
  if (c.kind === 'added') return `new workspace ${workspace(c.settings)}`;
  if (c.kind === 'removed') return `removed workspace ${c.workspace}`;
  const f = c.field;
  switch (f.kind) {
    case 'credential':
      return `workspace ${c.workspace} ${f.variable}: was ${f.before ?? 'unset'}; now ${f.after ?? 'unset'}`;
    case 'vcs':
      return `workspace ${c.workspace} runs start from: was ${f.before ?? 'the CLI'}; now ${f.after ?? 'the CLI'}`;
    case 'auto-apply':
      return `workspace ${c.workspace} applies: was ${applies(f.before)}; now ${applies(f.after)}`;
    case 'execution-mode':
      return `workspace ${c.workspace} execution: was ${f.before}; now ${f.after}`;
    case 'project':
      return `workspace ${c.workspace} project: was ${f.before}; now ${f.after}`;
  }
}

const workspacesCount = (m: WorkspacesModel) =>
  `${m.workspaces.length} workspace${m.workspaces.length === 1 ? '' : 's'}`;

/** A workspaces stack's verdict when it is new. */
const workspacesAdded = (m: WorkspacesModel): string =>
  `new workspaces stack: HCP Terraform organization ${m.organization} on ${m.hostname}, ${workspacesCount(m)}: ` +
  `${m.workspaces.map(workspace).join('; ')}`;
/** The heading of changes.md's part on the workspaces stacks. */
export const WORKSPACES_REVIEW_TITLE = 'HCP Terraform workspaces';

/** A workspaces stack's verdict when it is removed. */
const workspacesRemoved = (m: WorkspacesModel): string =>
  `workspaces stack removed: organization ${m.organization} on ${m.hostname} ` +
  `(${m.workspaces.map((w) => w.name).join(', ')}); runs there stop`;

/** A workspaces stack's verdict: new, removed, its changes' words, or that nothing changed. */
export function workspacesVerdict(r: WorkspacesReview): string {
  if (r.status === 'added') return workspacesAdded(r.model);
  if (r.status === 'removed') return workspacesRemoved(r.model);
  return r.changes.length ? r.changes.map(workspaceChangeWords).join('; ') : 'no change';
}

/** The report section's first paragraph. */
export const workspacesIntro = (m: WorkspacesModel): string =>
  `HCP Terraform organization ${m.organization} on ${m.hostname}: ${workspacesCount(m)}. ` +
  `Not an AWS stack: it holds no data; it decides who runs each pipeline stack, and with ` +
  `which role (the trust stack of each account says who may assume them).`;

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
