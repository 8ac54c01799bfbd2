import { asList } from '../../policy-checks';
import { fixture, type PolicyRule } from '../rule';
import { isKeyPolicy, label, policyDocuments } from './documents';

export const wildcardResource: PolicyRule = {
  id: 'least-privilege-wildcard-resource',
  check: 'least-privilege',
  level: 'error',
  appliesTo: 'Allow statements of policy documents (not KMS key policies, where "*" means the key)',
  explanation: 'Resource "*" grants on every resource of the account, now and later (IAM user guide, least privilege).',
  evaluate: ({ tf }) =>
    policyDocuments(tf)
      .filter((d) => d.statements && !isKeyPolicy(d.type))
      .flatMap((d) => d.statements!.filter((s) => s.Effect === 'Allow' && asList(s.Resource).includes('*')).map((s) => ({ resource: d.address, message: `${label(s)} allows ${asList(s.Action).join(', ')} on Resource "*"` }))),
  fixtures: {
    failing: fixture({ resource: { aws_iam_role_policy: { p: { policy: JSON.stringify({ Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }] }) } } } }),
    passing: fixture({ resource: { aws_iam_role_policy: { p: { policy: JSON.stringify({ Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::b/*' }] }) } } } }),
  },
};
