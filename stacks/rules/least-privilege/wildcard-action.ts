import { asList } from '../../../terraform-json/policy';
import { fixture, type PolicyRule } from '../rule';
import { allowStatements, isKeyPolicy, label } from './documents';

export const wildcardAction: PolicyRule = {
  id: 'least-privilege-wildcard-action',
  check: 'least-privilege',
  level: 'error',
  controls: ['IAM.1', 'IAM.21'],
  appliesTo: 'Allow statements of policy documents (a key policy may give the account kms:*, which IAM then scopes)',
  explanation:
    'Action "*" or "service:*" grants every present and future action of the ' +
    'service; an Allow with NotAction grants every action of every service but ' +
    'those listed (IAM user guide, "IAM JSON policy elements: NotAction").',
  evaluate: ({ tf }) =>
    allowStatements(tf).flatMap(({ document, statement }) => [
      ...(asList(statement.Action).some((a) => a === '*' || (a.endsWith(':*') && !isKeyPolicy(document.type)))
        ? [
            {
              resource: document.address,
              message: `${label(statement)} allows every action (${asList(statement.Action).join(', ')})`,
            },
          ]
        : []),
      ...(statement.NotAction !== undefined
        ? [
            {
              resource: document.address,
              message:
                `${label(statement)} allows every action except ${asList(statement.NotAction).join(', ')} ` +
                `(NotAction)`,
            },
          ]
        : []),
    ]),
  fixtures: {
    failing: fixture({
      resource: {
        aws_iam_role_policy: {
          p: {
            policy: JSON.stringify({ Statement: [{ Effect: 'Allow', Action: 's3:*', Resource: 'arn:aws:s3:::b' }] }),
          },
          not: {
            policy: JSON.stringify({
              Statement: [{ Effect: 'Allow', NotAction: 's3:GetObject', Resource: 'arn:aws:s3:::b/data/*' }],
            }),
          },
        },
      },
    }),
    passing: fixture({
      resource: {
        aws_kms_key: {
          k: {
            policy: JSON.stringify({
              Statement: [
                { Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::1:root' }, Action: 'kms:*', Resource: '*' },
              ],
            }),
          },
        },
      },
    }),
  },
};
