import { IamPolicy } from '@cdktf/provider-aws/lib/iam-policy';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicyAttachment } from '@cdktf/provider-aws/lib/iam-role-policy-attachment';
import type { Construct } from 'constructs';
import { jsonDocument, policyDocument, type PolicyStatement } from '../iam';

/**
 * The stack's key for people's reads and writes of its data: only as S3 and Athena use it on their behalf, never
 * directly (`kms:ViaService`, KMS developer guide, condition keys).
 */
export function keyThroughS3AndAthena(keyArn: string, region: string): PolicyStatement {
  return {
    Sid: 'UseTheStackKeyThroughS3AndAthenaOnly',
    Effect: 'Allow',
    Action: ['kms:Decrypt', 'kms:GenerateDataKey'],
    Resource: keyArn,
    Condition: { StringEquals: { 'kms:ViaService': [`s3.${region}.amazonaws.com`, `athena.${region}.amazonaws.com`] } },
  };
}

/**
 * Access for people (analysts, the operators of erasure requests): a customer managed policy — to attach to an SSO
 * permission set or a federated role — and, when principals are configured, a role of the same name that only they
 * may assume, which has it. They are IAM principals, not services, so the trust has no confused-deputy key.
 */
export function peopleAccess(
  scope: Construct,
  p: { name: string; description: string; statements: PolicyStatement[]; principals: string[]; trustSid: string },
): { policy: IamPolicy; role?: IamRole } {
  const policy = new IamPolicy(scope, 'policy', {
    name: p.name,
    description: p.description,
    policy: policyDocument(p.statements),
  });
  if (p.principals.length === 0) return { policy };
  const role = new IamRole(scope, 'role', {
    name: p.name,
    description: p.description,
    assumeRolePolicy: jsonDocument({
      Version: '2012-10-17',
      Statement: [{ Sid: p.trustSid, Effect: 'Allow', Principal: { AWS: p.principals }, Action: 'sts:AssumeRole' }],
    }),
  });
  new IamRolePolicyAttachment(scope, 'attachment', { role: role.name, policyArn: policy.arn });
  return { policy, role };
}
