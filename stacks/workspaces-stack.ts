import { Project } from '@cdktf/provider-tfe/lib/project';
import { TeamProjectAccess } from '@cdktf/provider-tfe/lib/team-project-access';
import { TfeProvider } from '@cdktf/provider-tfe/lib/provider';
import { Variable } from '@cdktf/provider-tfe/lib/variable';
import { Workspace } from '@cdktf/provider-tfe/lib/workspace';
import { WorkspaceSettings } from '@cdktf/provider-tfe/lib/workspace-settings';
import { LocalBackend, TerraformStack } from 'cdktf';
import type { Construct } from 'constructs';
import { partitionOf } from '../config/aws';
import type { WorkspacesTarget } from '../config/targets';
import { BOOTSTRAP_STATE_DIR } from './bootstrap-stack';
import { arns } from './iam';

/** The Terraform version HCP Terraform runs the workspaces with: the one this project is tested with (.ci/run). */
export const WORKSPACE_TERRAFORM_VERSION = '1.11.4';

/**
 * One HCP Terraform organization's project(s) and a workspace per cloud-run pipeline stack: the Terraform version,
 * execution mode, the stack's folder as working directory, connected to the repository with `backend.vcs` (runs only
 * when the stack's folder changes), no auto-apply, and the dynamic provider
 * credential variables naming the stack's plan and apply roles in the trust stack (HashiCorp docs, "Dynamic
 * credentials with the AWS provider", configure HCP Terraform). Not an AWS stack: no policy checks, no report; its
 * provider (hashicorp/tfe) needs a token of the organization (TFE_TOKEN) and its state is a local file.
 */
export class WorkspacesStack extends TerraformStack {
  constructor(
    scope: Construct,
    readonly target: WorkspacesTarget,
  ) {
    super(scope, target.stack);
    new TfeProvider(this, 'tfe', { hostname: target.hostname, organization: target.organization });
    new LocalBackend(this, { path: `../../../${BOOTSTRAP_STATE_DIR}/${target.stack}.tfstate` });

    const projects = new Map<string, Project>();
    for (const w of target.workspaces) {
      const project =
        projects.get(w.project) ??
        new Project(this, `project-${w.project}`, {
          name: w.project,
          description: `iOS telemetry pipeline stacks (${w.environment})`,
        });
      if (!projects.has(w.project)) {
        const sameProject = target.workspaces.filter((x) => x.project === w.project);
        const teams = new Set(
          sameProject.map((x) => JSON.stringify([...x.teamAccess].sort((a, b) => a.teamId.localeCompare(b.teamId)))),
        );
        if (teams.size > 1)
          throw new Error(
            `${target.stack}: the deployments of HCP Terraform project ${w.project} ` +
              `(${sameProject.map((x) => x.stack).join(', ')}) list different backend.teamAccess; a project ` +
              `has one set of teams`,
          );
        // Who may see and approve runs of the project's workspaces: its configured teams only (and the owners).
        for (const { teamId, access } of w.teamAccess)
          new TeamProjectAccess(this, `project-${w.project}-${teamId}`, { projectId: project.id, teamId, access });
      }
      projects.set(w.project, project);
      const workspace = new Workspace(this, w.stack, {
        name: w.workspace,
        projectId: project.id,
        description: `Pipeline stack ${w.stack} (account ${w.accountId}, ${w.region})`,
        terraformVersion: WORKSPACE_TERRAFORM_VERSION,
        // A reviewer approves every apply, with the stack's report beside the plan (docs/terraform-cloud.md).
        autoApply: false,
        workingDirectory: `cdktf.out/stacks/${w.stack}`,
        tagNames: ['telemetry', w.stack],
        ...(w.vcs
          ? {
              vcsRepo: {
                identifier: w.vcs.identifier,
                ...(w.vcs.branch ? { branch: w.vcs.branch } : {}),
                ...(w.vcs.oauthTokenId ? { oauthTokenId: w.vcs.oauthTokenId } : {}),
                ...(w.vcs.githubAppInstallationId ? { githubAppInstallationId: w.vcs.githubAppInstallationId } : {}),
              },
              // A commit runs the workspaces whose stack changed, not every workspace of the repository.
              fileTriggersEnabled: true,
              triggerPatterns: [`cdktf.out/stacks/${w.stack}/**/*`],
            }
          : {}),
      });
      new WorkspaceSettings(this, `${w.stack}-settings`, { workspaceId: workspace.id, executionMode: w.executionMode });
      const arn = arns(partitionOf(w.region), w.region, w.accountId);
      const variables: Record<string, string> = {
        TFC_AWS_PROVIDER_AUTH: 'true',
        TFC_AWS_PLAN_ROLE_ARN: arn.role(w.planRole),
        TFC_AWS_APPLY_ROLE_ARN: arn.role(w.applyRole),
      };
      for (const [key, value] of Object.entries(variables)) {
        new Variable(this, `${w.stack}-${key}`, {
          workspaceId: workspace.id,
          category: 'env',
          key,
          value,
          description: 'Dynamic AWS credentials (trust stack)',
        });
      }
    }
  }
}
