/**
 * The HCP Terraform workspaces stacks in the change review, in their own terms (scripts/report/workspaces.ts reads
 * them from a synth): which workspaces, their projects, approval, the repository starting runs, where runs execute and
 * the roles their dynamic-credential variables name, compared by name. A workspace's runs assuming another role,
 * another repository starting them, or applies no longer waiting for approval fail `--fail-on-widening`.
 */
import type { Effect, WorkspaceChange, WorkspaceField, WorkspacesReview } from '../report/changes';
import type { HcpWorkspace, WorkspacesModel } from '../report/workspaces';

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

/**
 * Workspaces stacks of both sides, paired by organization and host (the stack's identity), then their workspaces
 * by name.
 */
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
