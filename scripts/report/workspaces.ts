/**
 * The HCP Terraform workspaces stacks of a synth, in their own terms: not AWS stacks (no data, no IAM), but what
 * decides who runs a pipeline stack with which AWS role — each workspace, its project, whether applies wait for a
 * reviewer (`auto_apply`), the repository whose commits start runs (`vcs_repo`), where runs execute, and the roles
 * its dynamic-credential variables name (`TFC_AWS_PLAN_ROLE_ARN`, `TFC_AWS_APPLY_ROLE_ARN`, `TFC_AWS_RUN_ROLE_ARN`:
 * HashiCorp docs, "Dynamic credentials with the AWS provider"). The report lays them out (workspaces-section.ts);
 * the change review compares them (scripts/review/workspaces.ts).
 */
import type { TerraformJson } from '../../terraform-json/stack-json';
import { readStackJson, synthesizedStacks } from '../../terraform-json/synth-output';

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
