import { DataAwsIamOpenidConnectProvider } from '@cdktf/provider-aws/lib/data-aws-iam-openid-connect-provider';
import { IamOpenidConnectProvider } from '@cdktf/provider-aws/lib/iam-openid-connect-provider';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { Lazy, LocalBackend, TerraformOutput } from 'cdktf';
import type { Construct } from 'constructs';
import type { CloudWorkspace, TrustTarget } from '../config/targets';
import { trustFacts } from '../terraform-json/facts';
import { BOOTSTRAP_STATE_DIR } from './bootstrap-stack';
import { CheckedStack } from './checked-stack';
import type { DeployPermissions } from './deploy-permissions';
import { policyDocument, type TrustStatement } from './iam';
import { applyIamPolicy, permissionsBoundaryPolicy } from './constructs/permissions-boundary';

/** The audience HCP Terraform puts in its workload identity tokens for AWS (and the OIDC provider's client id). */
export const HCP_TERRAFORM_AWS_AUDIENCE = 'aws.workload.identity';

export type RunPhase = 'plan' | 'apply';

/**
 * The `sub` claim of an HCP Terraform run's token: exactly one organization, project, workspace and run phase
 * (HashiCorp docs, "Dynamic credentials with the AWS provider", configure AWS: trust policy).
 */
export function runSubject(w: Pick<CloudWorkspace, 'organization' | 'project' | 'workspace'>, phase: RunPhase): string {
  return `organization:${w.organization}:project:${w.project}:workspace:${w.workspace}:run_phase:${phase}`;
}

/**
 * One account's trust in HCP Terraform: an IAM OIDC provider per host its cloud-run stacks use (audience
 * `aws.workload.identity`), and per such stack a plan role (reads only) and an apply role, each assumable only by a
 * token of its own workspace and run phase, with the deploy permissions generated from that stack
 * (stacks/deploy-permissions.ts). Applied once per account with administrator credentials; its state is a local file
 * like the bootstrap stacks' (docs/terraform-cloud.md, first setup).
 */
export class TrustStack extends CheckedStack {
  constructor(
    scope: Construct,
    readonly target: TrustTarget,
    computePermissions: (stack: string) => DeployPermissions,
  ) {
    // IAM is global: its roles name the resources of every region its stacks deploy to.
    const regions = [...new Set(target.workspaces.map((w) => w.region))].filter((r) => r !== target.region);
    super(
      scope,
      target.stack,
      { region: target.region, allowedRegions: regions, allowDestroy: true },
      trustFacts(target),
    );
    new AwsProvider(this, 'aws', {
      region: target.region,
      allowedAccountIds: [target.accountId],
      defaultTags: [
        { tags: { Project: target.project, Purpose: 'deploy-access', ManagedBy: 'cdktf', Stack: target.stack } },
      ],
    });
    new LocalBackend(this, { path: `../../../${BOOTSTRAP_STATE_DIR}/${target.stack}.tfstate` });

    const providers = new Map<string, { arn: string }>();
    for (const hostname of new Set(target.workspaces.map((w) => w.hostname))) {
      const existing = new Set(
        target.workspaces.filter((w) => w.hostname === hostname).map((w) => w.existingOidcProvider),
      );
      if (existing.size > 1)
        throw new Error(
          `${target.stack}: the deployments applied from ${hostname} disagree on ` +
            `backend.existingOidcProvider (the account has one provider per host): set it alike`,
        );
      // An account has one OIDC provider per URL: one made by another team is looked up, and never destroyed here.
      if (existing.has(true)) {
        providers.set(
          hostname,
          new DataAwsIamOpenidConnectProvider(this, `oidc-${hostname}`, { url: `https://${hostname}` }),
        );
        continue;
      }
      // No thumbprint: IAM trusts the host's certificate through its root CA library (IAM user guide, "Create an
      // OpenID Connect (OIDC) identity provider"); the provider (5.x) makes thumbprint_list optional.
      providers.set(
        hostname,
        new IamOpenidConnectProvider(this, `oidc-${hostname}`, {
          url: `https://${hostname}`,
          clientIdList: [HCP_TERRAFORM_AWS_AUDIENCE],
        }),
      );
    }
    const permissionsOf = this.oncePerResolution('deploy permissions', computePermissions);
    for (const w of target.workspaces) {
      permissionsBoundaryPolicy(this, w.stack, permissionsOf);
      const provider = providers.get(w.hostname)!;
      const trust = (phase: RunPhase): TrustStatement => ({
        Effect: 'Allow',
        Principal: { Federated: provider.arn },
        Action: 'sts:AssumeRoleWithWebIdentity',
        Condition: {
          StringEquals: {
            [`${w.hostname}:aud`]: HCP_TERRAFORM_AWS_AUDIENCE,
            [`${w.hostname}:sub`]: runSubject(w, phase),
          },
        },
      });
      for (const phase of ['plan', 'apply'] as const) {
        const name = phase === 'plan' ? w.planRole : w.applyRole;
        const role = new IamRole(this, `${w.stack}-${phase}`, {
          name,
          description: `HCP Terraform ${phase} runs of ${w.organization}/${w.workspace} (${w.stack})`,
          assumeRolePolicy: policyDocument([trust(phase)]),
        });
        // Inline: the apply policy of a pipeline stack is about 8 KB, past a managed policy's 6,144 characters and
        // within a role's 10,240 for inline policies (IAM user guide, "IAM and AWS STS quotas").
        new IamRolePolicy(this, `${w.stack}-${phase}-policy`, {
          role: role.name,
          name: `deploy-${phase}`,
          policy: Lazy.stringValue({ produce: () => policyDocument(permissionsOf(w.stack)[phase]) }),
        });
        if (phase === 'apply') applyIamPolicy(this, w.stack, role, permissionsOf);
        new TerraformOutput(this, `${w.stack}-${phase}-role-arn`, {
          value: role.arn,
          description: `TFC_AWS_${phase.toUpperCase()}_ROLE_ARN of workspace ${w.organization}/${w.workspace}`,
        });
      }
    }
  }
}
