import { fixture, type PolicyRule } from '../rule';
import { deputyGuards, trustPolicy, trustStatements } from './statements';

export const ifExistsGuard: PolicyRule = {
  id: 'trust-if-exists-guard',
  check: 'trust',
  level: 'error',
  appliesTo: 'aws_iam_role trust policies',
  explanation:
    'An …IfExists operator lets a request without the key through; it is the right ' +
    'guard only for a service that does not send the key, and then needs a ' +
    'suppression with that reason. Beside a strict guard it is harmless.',
  evaluate: ({ tf }) =>
    trustStatements(tf).flatMap(({ address, statements }) =>
      (statements ?? []).flatMap((s) => {
        const guards = deputyGuards(s.Condition);
        const ifExists = guards.filter(([operator]) => operator.endsWith('IfExists'));
        return ifExists.length > 0 && ifExists.length === guards.length
          ? [
              {
                resource: address,
                message: `confused-deputy guard uses ${ifExists.map(([o]) => o).join(', ')}`,
                risk: 'which lets requests without the key through',
              },
            ]
          : [];
      }),
    ),
  fixtures: {
    failing: fixture({
      resource: {
        aws_iam_role: {
          r: {
            assume_role_policy: trustPolicy({
              Principal: { Service: 'firehose.amazonaws.com' },
              Condition: { StringEqualsIfExists: { 'aws:SourceAccount': '1' } },
            }),
          },
        },
      },
    }),
    passing: fixture({
      resource: {
        aws_iam_role: {
          r: {
            assume_role_policy: trustPolicy({
              Principal: { Service: 'firehose.amazonaws.com' },
              Condition: {
                StringEquals: { 'sts:ExternalId': '1' },
                ArnLikeIfExists: { 'aws:SourceArn': 'arn:aws:firehose:*' },
              },
            }),
          },
        },
      },
    }),
  },
};
