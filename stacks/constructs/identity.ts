import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { Construct } from 'constructs';
import { policyDocument, type Condition, type PolicyStatement } from '../iam';

export interface ServiceRoleProps {
  /** IAM role name (global in the account, so it carries the region). */
  readonly roleName: string;
  /**
   * Who may assume the role: `{ Service: 'firehose.amazonaws.com' }` or `{ Federated:
   * 'cognito-identity.amazonaws.com' }`.
   */
  readonly principal: Record<string, string>;
  /** The confused-deputy guard: conditions every assumption must meet. Required — never empty. */
  readonly trustConditions: Condition;
  /** Assume action. Default: `sts:AssumeRole`. */
  readonly assumeAction?: string;
  /** Inline permissions, each scoped to resource ARNs. */
  readonly statements: PolicyStatement[];
  /** What the role is for, shown in IAM. */
  readonly description: string;
}

/**
 * An IAM role for one AWS service (or Cognito identity) with its trust conditions and its inline policy —
 * the identity part of the pipeline. Every role in the stack is made here, so every trust policy has a guard, and
 * no role gets an AWS managed policy: those grant on `*` (the policy checks refuse attachments).
 */
export class ServiceRole extends Construct {
  readonly role: IamRole;
  /** The inline policy; resources that need the permissions at creation depend on it. */
  readonly policy: IamRolePolicy;

  constructor(scope: Construct, id: string, props: ServiceRoleProps) {
    super(scope, id);
    if (Object.keys(props.trustConditions).length === 0) {
      throw new Error(`${props.roleName}: a service role needs a confused-deputy condition in its trust policy`);
    }
    this.role = new IamRole(this, 'role', {
      name: props.roleName,
      description: props.description,
      assumeRolePolicy: policyDocument([
        {
          Effect: 'Allow',
          Principal: props.principal,
          Action: props.assumeAction ?? 'sts:AssumeRole',
          Condition: props.trustConditions,
        },
      ]),
    });
    this.policy = new IamRolePolicy(this, 'policy', {
      name: 'least-privilege',
      role: this.role.id,
      policy: policyDocument(props.statements),
    });
  }
}
