/**
 * The HCP Terraform workspaces stacks in the change review, in their own terms: not AWS stacks (no data, no IAM), but
 * what decides who runs a pipeline stack with which AWS role — each workspace, its project, whether applies wait for
 * a reviewer (`auto_apply`), the repository whose commits start runs (`vcs_repo`), where runs execute, and the roles
 * its dynamic-credential variables name (`TFC_AWS_PLAN_ROLE_ARN`, `TFC_AWS_APPLY_ROLE_ARN`, `TFC_AWS_RUN_ROLE_ARN`:
 * HashiCorp docs, "Dynamic credentials with the AWS provider"). A workspace's runs assuming another role, another
 * repository starting them, or applies no longer waiting for approval fail `--fail-on-widening`.
 */
import type { TerraformJson } from '../../terraform-json/stack-json';
import { readStackJson, synthesizedStacks } from '../../terraform-json/synth-output';
import type { Effect } from './compare';

export interface HcpWorkspace {
  name: string;
  project: string;
  autoApply: boolean;
  /** `owner/repository@branch` whose commits start runs; null: runs come from the CLI. */
  vcs: string | null;
  executionMode: string;
  /** The dynamic-credential variables: key → role ARN (or `true` for TFC_AWS_PROVIDER_AUTH). */
  credentials: Record<string, string>;
}

export interface WorkspacesModel {
  stack: string;
  hostname: string;
  organization: string;
  workspaces: HcpWorkspace[];
}

type Body = Record<string, unknown>;
const entries = (tf: TerraformJson, type: string) =>
  Object.entries((tf.resource?.[type] ?? {}) as Record<string, Body>);
const refersTo = (value: unknown, type: string, name: string) => String(value).includes(`\${${type}.${name}.`);

/** The model of a synthesized workspaces stack; null for a stack of another provider. */
export function workspacesModel(stack: string, tf: TerraformJson): WorkspacesModel | null {
  const provider = ((tf.provider as Record<string, Body[]> | undefined)?.tfe ?? [])[0];
  if (!provider) return null;
  const projects = new Map(entries(tf, 'tfe_project').map(([name, p]) => [name, String(p.name)]));
  const workspaces = entries(tf, 'tfe_workspace').map(([name, w]): HcpWorkspace => {
    const settings = entries(tf, 'tfe_workspace_settings').find(([, s]) =>
      refersTo(s.workspace_id, 'tfe_workspace', name),
    )?.[1];
    const vcs = (Array.isArray(w.vcs_repo) ? w.vcs_repo[0] : w.vcs_repo) as Body | undefined;
    const project =
      [...projects].find(([p]) => refersTo(w.project_id, 'tfe_project', p))?.[1] ?? String(w.project_id ?? '');
    const credentials = Object.fromEntries(
      entries(tf, 'tfe_variable')
        .filter(([, v]) => refersTo(v.workspace_id, 'tfe_workspace', name) && String(v.key).startsWith('TFC_AWS_'))
        .map(([, v]) => [String(v.key), String(v.value)]),
    );
    return {
      name: String(w.name),
      project,
      autoApply: w.auto_apply === true,
      vcs: vcs ? `${String(vcs.identifier)}${vcs.branch ? `@${String(vcs.branch)}` : ''}` : null,
      executionMode: String(settings?.execution_mode ?? 'remote'),
      credentials,
    };
  });
  return {
    stack,
    hostname: String(provider.hostname ?? 'app.terraform.io'),
    organization: String(provider.organization ?? ''),
    workspaces: workspaces.sort((a, b) => a.name.localeCompare(b.name)),
  };
}

/** The workspaces stacks of a cdktf.out folder. */
export function readWorkspaces(outDir: string): WorkspacesModel[] {
  return (synthesizedStacks(outDir) ?? []).flatMap((stack) => {
    if (!stack.json) return [];
    const model = workspacesModel(stack.name, readStackJson(stack));
    return model ? [model] : [];
  });
}

/** What changed in a workspace both sides have, as data: its value before and after. */
export type WorkspaceField =
  /** A dynamic-credential variable (`TFC_AWS_*`); null: unset on that side. */
  | { kind: 'credential'; variable: string; before: string | null; after: string | null }
  /** The repository whose commits start runs; null: runs come from the CLI. */
  | { kind: 'vcs'; before: string | null; after: string | null }
  | { kind: 'auto-apply'; before: boolean; after: boolean }
  | { kind: 'execution-mode'; before: string; after: string }
  | { kind: 'project'; before: string; after: string };

/**
 * One change of a workspaces stack, as data (its words are scripts/report/words/workspaces.ts's, applied at render):
 * a workspace added (with its settings), removed, or one of its fields changed.
 */
export type WorkspaceChange = { workspace: string; effects: Effect[] } & (
  { kind: 'added'; settings: HcpWorkspace } | { kind: 'removed' } | { kind: 'changed'; field: WorkspaceField }
);

export interface WorkspacesReview {
  stack: string;
  status: 'added' | 'removed' | 'changed' | 'unchanged';
  changes: WorkspaceChange[];
  /** The effects of all changes, each once. */
  effects: Effect[];
  /** For the verdict's words: the current stack's model (the base's for a removed stack). */
  model: WorkspacesModel;
}

function workspaceChanges(b: HcpWorkspace, a: HcpWorkspace): WorkspaceChange[] {
  const changes: WorkspaceChange[] = [];
  const change = (field: WorkspaceField, effects: Effect[]) =>
    changes.push({ workspace: a.name, kind: 'changed', field, effects });
  for (const key of [...new Set([...Object.keys(b.credentials), ...Object.keys(a.credentials)])].sort()) {
    if (b.credentials[key] === a.credentials[key]) continue;
    change(
      { kind: 'credential', variable: key, before: b.credentials[key] ?? null, after: a.credentials[key] ?? null },
      a.credentials[key] ? ['widens-access'] : ['narrows-access'],
    );
  }
  if (b.vcs !== a.vcs) change({ kind: 'vcs', before: b.vcs, after: a.vcs }, a.vcs ? ['widens-access'] : []);
  if (b.autoApply !== a.autoApply)
    change({ kind: 'auto-apply', before: b.autoApply, after: a.autoApply }, [
      a.autoApply ? 'weakens-protection' : 'strengthens-protection',
    ]);
  if (b.executionMode !== a.executionMode)
    change({ kind: 'execution-mode', before: b.executionMode, after: a.executionMode }, []);
  if (b.project !== a.project) change({ kind: 'project', before: b.project, after: a.project }, []);
  return changes;
}

const EFFECTS: Effect[] = ['widens-access', 'weakens-protection', 'narrows-access', 'strengthens-protection'];

/** Workspaces stacks of both sides, paired by organization and host (the stack's identity), then their workspaces by name. */
export function compareWorkspaces(base: WorkspacesModel[], current: WorkspacesModel[]): WorkspacesReview[] {
  const key = (m: WorkspacesModel) => `${m.hostname}/${m.organization}`;
  const before = new Map(base.map((m) => [key(m), m]));
  const after = new Map(current.map((m) => [key(m), m]));
  return [...new Set([...before.keys(), ...after.keys()])].sort().map((k): WorkspacesReview => {
    const [b, a] = [before.get(k), after.get(k)];
    if (!b) return { stack: a!.stack, status: 'added', changes: [], effects: [], model: a! };
    if (!a) return { stack: b.stack, status: 'removed', changes: [], effects: [], model: b };
    const changes: WorkspaceChange[] = [];
    const was = new Map(b.workspaces.map((w) => [w.name, w]));
    const now = new Map(a.workspaces.map((w) => [w.name, w]));
    for (const w of a.workspaces)
      changes.push(
        ...(was.has(w.name)
          ? workspaceChanges(was.get(w.name)!, w)
          : [{ workspace: w.name, kind: 'added' as const, settings: w, effects: [] as Effect[] }]),
      );
    for (const w of b.workspaces.filter((x) => !now.has(x.name)))
      changes.push({ workspace: w.name, kind: 'removed', effects: [] });
    const effects = EFFECTS.filter((e) => changes.some((c) => c.effects.includes(e)));
    return {
      stack: a.stack,
      status: changes.length ? 'changed' : 'unchanged',
      changes,
      effects,
      model: a,
    };
  });
}
