import { authorizesNoResource } from '../../iam-catalogue';
import { asList } from '../../../terraform-json/policy';
import { fixture, type PolicyRule } from '../rule';
import { allowStatements, isKeyPolicy, label } from './documents';

export const wildcardResource: PolicyRule = {
  id: 'least-privilege-wildcard-resource',
  check: 'least-privilege',
  level: 'error',
  controls: ['IAM.1', 'KMS.1', 'KMS.2'],
  appliesTo:
    'Allow statements of policy documents (not KMS key policies, where "*" means the key; not statements of ' +
    'only actions AWS gives no resource type, by the Service Authorization Reference: stacks/iam-catalogue.ts)',
  explanation:
    'Resource "*" grants on every resource of the account, now and later; an ' +
    'Allow with NotResource grants on every resource but those listed (IAM user ' +
    'guide, least privilege; "IAM JSON policy elements: NotResource").',
  evaluate: ({ tf }) =>
    allowStatements(tf).flatMap(({ document, statement }) => [
      ...(!isKeyPolicy(document.type) &&
      asList(statement.Resource).includes('*') &&
      !(statement.Action !== undefined && asList(statement.Action).every(authorizesNoResource))
        ? [
            {
              resource: document.address,
              message:
                `${label(statement)} ` +
                `allows ${asList(statement.Action ?? statement.NotAction).join(', ')} on Resource "*"`,
            },
          ]
        : []),
      ...(statement.NotResource !== undefined
        ? [
            {
              resource: document.address,
              message:
                `${label(statement)} allows on every resource except ${asList(statement.NotResource).join(', ')} ` +
                `(NotResource)`,
            },
          ]
        : []),
    ]),
  fixtures: {
    failing: fixture({
      resource: {
        aws_iam_role_policy: {
          p: { policy: JSON.stringify({ Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }] }) },
        },
      },
    }),
    passing: fixture({
      resource: {
        aws_iam_role_policy: {
          p: {
            policy: JSON.stringify({
              Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::b/*' }],
            }),
          },
          create: {
            policy: JSON.stringify({ Statement: [{ Effect: 'Allow', Action: 'kms:CreateKey', Resource: '*' }] }),
          },
        },
      },
    }),
  },
};
