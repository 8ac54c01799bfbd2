import { fixture, type PolicyRule } from '../rule';
import { policyDocuments } from './documents';

export const policyParseable: PolicyRule = {
  id: 'least-privilege-policy-parseable',
  check: 'least-privilege',
  level: 'warning',
  appliesTo: 'policy documents',
  explanation:
    'A policy built at apply time (a Terraform expression) cannot ' +
    'be inspected here; reviewers must read it themselves.',
  evaluate: ({ tf }) =>
    policyDocuments(tf)
      .filter((d) => !d.statements)
      .map((d) => ({ resource: d.address, message: 'policy is not plain JSON and cannot be inspected' })),
  fixtures: {
    failing: fixture({ resource: { aws_iam_policy: { p: { policy: '${data.x.json}' } } } }),
    passing: fixture({ resource: { aws_iam_policy: { p: { policy: '{"Statement":[]}' } } } }),
  },
};
