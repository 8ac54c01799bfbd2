import { IamPolicy } from '@cdktf/provider-aws/lib/iam-policy';
import type { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicyAttachment } from '@cdktf/provider-aws/lib/iam-role-policy-attachment';
import { Lazy, TerraformOutput } from 'cdktf';
import type { Construct } from 'constructs';
import { permissionsBoundaryOf } from '../../config/names';
import type { DeployPermissions } from '../deploy-permissions';
import { policyDocument } from '../iam';

/**
 * The permissions boundary of one pipeline stack (`<stack>-boundary`), made by the stack that an administrator applies
 * for its account (trust stack) or account × region (bootstrap stack), before the pipeline: every role of the
 * pipeline names it, and the pipeline's apply role may neither change nor remove it (stacks/deploy-permissions.ts).
 * Its content is generated from the pipeline's own policies; a pipeline change that widens a role needs this stack
 * applied first, by its administrator.
 */
export function permissionsBoundaryPolicy(
  scope: Construct,
  stack: string,
  permissionsOf: (stack: string) => DeployPermissions,
): IamPolicy {
  const policy = new IamPolicy(scope, `${stack}-boundary`, {
    name: permissionsBoundaryOf(stack),
    description:
      `Permissions boundary of every role of ${stack}: each capped at its ` +
      `own policies, nothing in IAM (generated from the stack)`,
    policy: Lazy.stringValue({ produce: () => policyDocument(permissionsOf(stack).boundary) }),
  });
  new TerraformOutput(scope, `${stack}-boundary-arn`, {
    value: policy.arn,
    description: `Permissions boundary of the roles of ${stack}`,
  });
  return policy;
}

/**
 * The apply role's IAM rights and explicit denies (DeployPermissions.applyIam) as a managed policy attached to it,
 * `<stack>-deploy-iam`: beside the inline deploy policy, which is near a role's 10,240 characters.
 */
export function applyIamPolicy(
  scope: Construct,
  stack: string,
  role: IamRole,
  permissionsOf: (stack: string) => DeployPermissions,
): IamPolicy {
  const policy = new IamPolicy(scope, `${stack}-deploy-iam`, {
    name: `${stack}-deploy-iam`,
    description:
      `The apply role of ${stack} in IAM: the stack's roles only under its ` +
      `boundary, only its policies attached, never the boundary itself`,
    policy: Lazy.stringValue({ produce: () => policyDocument(permissionsOf(stack).applyIam) }),
  });
  new IamRolePolicyAttachment(scope, `${stack}-deploy-iam-attachment`, { role: role.name, policyArn: policy.arn });
  return policy;
}
