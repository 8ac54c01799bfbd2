import { resources } from '../../../terraform-json/stack-json';
import { asList } from '../../../terraform-json/policy';
import { fixture, type PolicyRule } from '../rule';

const AWS_MANAGED_POLICY = /^arn:aws[a-z-]*:iam::aws:policy\//;

export const managedPolicy: PolicyRule = {
  id: 'least-privilege-managed-policy',
  check: 'least-privilege',
  level: 'error',
  appliesTo: 'aws_iam_role_policy_attachment, aws_iam_policy_attachment, aws_iam_role.managed_policy_arns',
  explanation:
    'AWS managed policies grant beyond the stack: AWSGlueServiceRole gives glue:* on *, ' +
    "read/write on every bucket's aws-glue-* keys and EC2 actions (AWS managed policy " +
    "reference); the Glue guide's crawler prerequisites allow a scoped-down policy instead.",
  evaluate: ({ tf }) =>
    resources(tf).flatMap(([type, name, body]) => {
      const arns =
        type === 'aws_iam_role_policy_attachment' || type === 'aws_iam_policy_attachment'
          ? [body.policy_arn]
          : type === 'aws_iam_role'
            ? asList(body.managed_policy_arns as string[] | undefined)
            : [];
      return arns
        .filter((a): a is string => typeof a === 'string' && AWS_MANAGED_POLICY.test(a))
        .map((policyArn) => ({
          resource: `${type}.${name}`,
          message:
            `attaches the AWS managed policy ${policyArn}, which grants beyond this stack's ` +
            `resources; use a scoped inline policy (or suppress with the reason)`,
        }));
    }),
  fixtures: {
    failing: fixture({
      resource: {
        aws_iam_role_policy_attachment: {
          a: { policy_arn: 'arn:aws:iam::aws:policy/service-role/AWSGlueServiceRole' },
        },
      },
    }),
    passing: fixture({
      resource: { aws_iam_role_policy_attachment: { a: { policy_arn: '${aws_iam_policy.own.arn}' } } },
    }),
  },
};
