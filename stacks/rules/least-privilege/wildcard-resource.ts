import { ACTIONS_WITHOUT_RESOURCE_TYPES } from '../../../config/aws';
import { asList } from '../../policy-checks';
import { fixture, type PolicyRule } from '../rule';
import { allowStatements, isKeyPolicy, label } from './documents';

export const wildcardResource: PolicyRule = {
  id: 'least-privilege-wildcard-resource',
  check: 'least-privilege',
  level: 'error',
  controls: ['IAM.1', 'KMS.1', 'KMS.2'],
  appliesTo: 'Allow statements of policy documents (not KMS key policies, where "*" means the key; not statements of only actions AWS gives no resource type, config/aws.ts ACTIONS_WITHOUT_RESOURCE_TYPES)',
  explanation: 'Resource "*" grants on every resource of the account, now and later (IAM user guide, least privilege).',
  evaluate: ({ tf }) =>
    allowStatements(tf)
      .filter(({ document, statement }) => !isKeyPolicy(document.type) && asList(statement.Resource).includes('*') && !asList(statement.Action).every((a) => ACTIONS_WITHOUT_RESOURCE_TYPES.has(a)))
      .map(({ document, statement }) => ({ resource: document.address, message: `${label(statement)} allows ${asList(statement.Action).join(', ')} on Resource "*"` })),
  fixtures: {
    failing: fixture({ resource: { aws_iam_role_policy: { p: { policy: JSON.stringify({ Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }] }) } } } }),
    passing: fixture({
      resource: {
        aws_iam_role_policy: {
          p: { policy: JSON.stringify({ Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::b/*' }] }) },
          create: { policy: JSON.stringify({ Statement: [{ Effect: 'Allow', Action: 'kms:CreateKey', Resource: '*' }] }) },
        },
      },
    }),
  },
};
