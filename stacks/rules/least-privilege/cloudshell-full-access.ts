import { resources, type TerraformJson } from '../../../terraform-json/stack-json';
import { asList } from '../../../terraform-json/policy';
import { fixture, type PolicyRule } from '../rule';

/** AWS's managed policy AWSCloudShellFullAccess, in any partition. */
const CLOUDSHELL_FULL_ACCESS = /^arn:aws[a-z-]*:iam::aws:policy\/AWSCloudShellFullAccess$/;

/** The stack's role an attachment names (`${aws_iam_role.x.name}` or the role's literal name), by address. */
function roleAddress(tf: TerraformJson, role: unknown): string | undefined {
  const ref = /^\$\{aws_iam_role\.([A-Za-z0-9_-]+)\.(name|id)\}$/.exec(String(role));
  if (ref) return `aws_iam_role.${ref[1]}`;
  const named = Object.entries(tf.resource?.aws_iam_role ?? {}).find(([, body]) => body.name === role);
  return named ? `aws_iam_role.${named[0]}` : undefined;
}

/**
 * Security Hub IAM.27 (CIS AWS Foundations v3.0.0, 1.22): IAM identities should not have the AWS managed policy
 * AWSCloudShellFullAccess attached; it evaluates users, groups and roles (Security Hub user guide, IAM controls,
 * https://docs.aws.amazon.com/securityhub/latest/userguide/iam-controls.html#iam-27; CloudShell user guide, "Managing
 * AWS CloudShell access and usage with IAM policies": the policy gives full access, file upload and download included).
 * A finding names the stack's role the policy is attached to, which is what AWS evaluates.
 */
export const cloudShellFullAccess: PolicyRule = {
  id: 'least-privilege-cloudshell-full-access',
  check: 'least-privilege',
  level: 'error',
  controls: ['IAM.27'],
  appliesTo:
    'aws_iam_role.managed_policy_arns, aws_iam_role_policy_attachment, ' +
    'aws_iam_policy_attachment, aws_iam_user_policy_attachment, aws_iam_group_policy_attachment',
  explanation:
    'AWSCloudShellFullAccess gives a shell in the account with file upload and download: a path ' +
    'to move out whatever the identity can read (Security Hub IAM.27, CIS v3.0.0 1.22).',
  evaluate: ({ tf }) =>
    resources(tf).flatMap(([type, name, body]) => {
      const message =
        'has the AWS managed policy AWSCloudShellFullAccess attached (IAM.27): detach it; ' +
        'grant CloudShell, if needed, with a policy that denies its file transfer';
      const own = `${type}.${name}`;
      if (type === 'aws_iam_role')
        return asList(body.managed_policy_arns as string[] | undefined).some((a) =>
          CLOUDSHELL_FULL_ACCESS.test(String(a)),
        )
          ? [{ resource: own, message }]
          : [];
      if (
        ![
          'aws_iam_role_policy_attachment',
          'aws_iam_policy_attachment',
          'aws_iam_user_policy_attachment',
          'aws_iam_group_policy_attachment',
        ].includes(type)
      )
        return [];
      if (!CLOUDSHELL_FULL_ACCESS.test(String(body.policy_arn))) return [];
      const roles =
        type === 'aws_iam_role_policy_attachment'
          ? [body.role]
          : type === 'aws_iam_policy_attachment'
            ? asList(body.roles as string[] | undefined)
            : [];
      const named = roles.map((r) => roleAddress(tf, r)).filter((a): a is string => a !== undefined);
      return (named.length ? named : [own]).map((resource) => ({ resource, message }));
    }),
  fixtures: {
    failing: fixture({
      resource: {
        aws_iam_role: {
          r: { name: 'analyst' },
          m: { name: 'm', managed_policy_arns: ['arn:aws:iam::aws:policy/AWSCloudShellFullAccess'] },
        },
        aws_iam_role_policy_attachment: {
          a: { role: '${aws_iam_role.r.name}', policy_arn: 'arn:aws:iam::aws:policy/AWSCloudShellFullAccess' },
        },
      },
    }),
    passing: fixture({
      resource: {
        aws_iam_role: { r: { name: 'analyst' } },
        aws_iam_role_policy_attachment: {
          a: { role: '${aws_iam_role.r.name}', policy_arn: '${aws_iam_policy.own.arn}' },
          ro: { role: 'analyst', policy_arn: 'arn:aws:iam::aws:policy/ReadOnlyAccess' },
        },
      },
    }),
  },
};
