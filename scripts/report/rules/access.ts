/**
 * Rules that read the stack's access matrix (model/access.ts): what the policies, evaluated as AWS evaluates them,
 * let someone outside the account do, and whether a principal of the stack reaches beyond it. They are the evidence
 * of the exposure controls (S3.2, S3.3, S3.6, KMS.5, SNS.4, SQS.3) and of least privilege (IAM.1, IAM.21): whatever a
 * policy's grammar (`NotAction`, wildcards inside names, a policy attached by another resource, a live inline policy).
 */
import { OUTSIDER_KINDS, type AccessCell, type AccessPrincipal, type AccessTarget } from '../../../model/access';
import type { PolicyRule } from '../../../stacks/rules/rule';
import { accessCell, accessPrincipal } from '../words';
import { reportFixture, type ReportRuleInput } from './input';

const STACK_PRINCIPALS: AccessPrincipal['kind'][] = ['stack-role', 'guest', 'policy-holder'];

/** The cells whose principal is of one of the kinds, with the principal and target they name. */
function cellsOf(
  input: ReportRuleInput,
  kinds: readonly AccessPrincipal['kind'][],
): { cell: AccessCell; principal: AccessPrincipal; target: AccessTarget }[] {
  const { principals, targets, cells } = input.model.access;
  return cells.flatMap((cell) => {
    const principal = principals.find((p) => p.id === cell.principal);
    const target = targets.find((t) => t.id === cell.target);
    return principal && target && kinds.includes(principal.kind) ? [{ cell, principal, target }] : [];
  });
}

const addressOf = (target: AccessTarget) => target.id.replace(/^policy:/, '').split('/')[0];

const matrixFixture = (principal: AccessPrincipal, cell: Partial<AccessCell>) =>
  reportFixture({
    model: {
      access: {
        principals: [principal],
        targets: [
          { id: 'aws_s3_bucket.b/data/', kind: 'store', name: 'b/data/', storeRole: 'event-data' },
          { id: 'outside-the-stack', kind: 'outside' },
        ],
        cells: [
          {
            principal: principal.id,
            request: 'read',
            target: 'aws_s3_bucket.b/data/',
            level: 'allowed',
            actions: ['s3:GetObject'],
            conditionKeys: [],
            ...cell,
          },
        ],
        unseen: [],
      },
    },
  });

export const outsiderAccess: PolicyRule<ReportRuleInput> = {
  id: 'exposure-outsider-access',
  check: 'exposure',
  level: 'error',
  controls: ['S3.2', 'S3.3', 'S3.6', 'KMS.5', 'SNS.4', 'SQS.3'],
  appliesTo: 'the access matrix: principals of other accounts, anyone, and AWS services acting for another account',
  explanation:
    'Every policy that applies (identity, bucket, key, topic and queue policies, trust, ACLs, the bucket’s ' +
    'public access block) is evaluated for a principal of another account, a named outside principal, an ' +
    'anonymous caller and a trusted service acting for another account; any request they are allowed, or ' +
    'allowed under a condition this project cannot know, is reported. Access Analyzer’s external-access ' +
    'findings ask the same question (IAM User Guide, "IAM Access Analyzer findings").',
  evaluate: (input) =>
    cellsOf(input, OUTSIDER_KINDS).map(({ cell, principal, target }) => ({
      resource: addressOf(target),
      message:
        `${accessPrincipal(principal)} ` +
        `may ${accessCell(cell.request, target, cell.level, cell.actions, cell.conditionKeys)}`,
      severity: cell.level === 'allowed' ? 'error' : 'warning',
    })),
  fixtures: {
    failing: matrixFixture(
      {
        id: 'named:arn:aws:iam::999999999999:root',
        kind: 'named-external',
        name: 'arn:aws:iam::999999999999:root',
        account: '999999999999',
      },
      {},
    ),
    passing: matrixFixture({ id: 'aws_iam_role.r', kind: 'stack-role', name: 'r', account: '123456789012' }, {}),
  },
};

export const beyondTheStack: PolicyRule<ReportRuleInput> = {
  id: 'least-privilege-beyond-the-stack',
  check: 'least-privilege',
  level: 'error',
  controls: ['IAM.1', 'IAM.21'],
  appliesTo: "the access matrix: the stack's roles, its guests and the holders of its policies",
  explanation:
    "A role or policy of the stack should reach only the stack's own resources. Each is evaluated " +
    "against requests outside the stack (another bucket's objects and policy, creating an IAM user, " +
    "another role's policy, passing or assuming another role, a secret, another key, another " +
    'stream); an allowed one means a grant wider than the stack needs, however it is written (`*`, ' +
    '`NotAction`, a policy attached by a separate resource, an inline policy added outside ' +
    'Terraform). Managed policies the evaluation cannot read are reported too.',
  // A trust stack's roles are the deploy roles of other stacks: acting on those is their purpose, and each pipeline
  // stack's matrix shows what they reach there (deploy:plan, deploy:apply).
  evaluate: (input) => [
    ...cellsOf(input, input.model.identity.role === 'trust' ? [] : STACK_PRINCIPALS)
      .filter(({ cell }) => cell.request === 'act-outside')
      .map(({ cell, principal }) => ({
        resource: principal.id,
        message:
          `${accessPrincipal(principal)} may act on resources outside ` +
          `the stack: ${cell.level} (${cell.actions.join(', ')})`,
        severity: cell.level === 'allowed' ? ('error' as const) : ('warning' as const),
      })),
    ...input.model.access.unseen.map((u) => ({
      resource: u.principal,
      message:
        `managed policy ${u.arn} is attached; its content is not in ` +
        `the stack, so what it grants was not evaluated`,
      severity: 'warning' as const,
    })),
  ],
  fixtures: {
    failing: matrixFixture(
      { id: 'aws_iam_role.r', kind: 'stack-role', name: 'r', account: '123456789012' },
      { request: 'act-outside', target: 'outside-the-stack', actions: ['s3:GetObject'] },
    ),
    passing: matrixFixture({ id: 'aws_iam_role.r', kind: 'stack-role', name: 'r', account: '123456789012' }, {}),
  },
};
