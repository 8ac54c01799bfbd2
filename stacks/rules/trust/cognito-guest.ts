import { fixture, type PolicyRule } from '../rule';
import { trustPolicy, trustStatements } from './statements';

export const cognitoGuest: PolicyRule = {
  id: 'trust-cognito-audience',
  check: 'trust',
  level: 'error',
  appliesTo: 'aws_iam_role trust policies for cognito-identity.amazonaws.com',
  explanation:
    'Without cognito-identity.amazonaws.com:aud and :amr, identities of any ' +
    'identity pool could assume the role (Cognito developer guide, role trust).',
  evaluate: ({ tf }) =>
    trustStatements(tf).flatMap(({ address, statements }) =>
      (statements ?? [])
        .filter(
          (s) => (s.Principal as Record<string, unknown> | undefined)?.Federated === 'cognito-identity.amazonaws.com',
        )
        .filter((s) => {
          const keys = Object.values(s.Condition ?? {}).flatMap((block) => Object.keys(block));
          return (
            !keys.includes('cognito-identity.amazonaws.com:aud') || !keys.includes('cognito-identity.amazonaws.com:amr')
          );
        })
        .map(() => ({
          resource: address,
          message: 'Cognito trust needs conditions on cognito-identity.amazonaws.com:aud and :amr',
        })),
    ),
  fixtures: {
    failing: fixture({
      resource: {
        aws_iam_role: {
          r: {
            assume_role_policy: trustPolicy({
              Principal: { Federated: 'cognito-identity.amazonaws.com' },
              Condition: { StringEquals: { 'cognito-identity.amazonaws.com:aud': 'p' } },
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
              Principal: { Federated: 'cognito-identity.amazonaws.com' },
              Condition: {
                StringEquals: { 'cognito-identity.amazonaws.com:aud': 'p' },
                'ForAnyValue:StringLike': { 'cognito-identity.amazonaws.com:amr': 'unauthenticated' },
              },
            }),
          },
        },
      },
    }),
  },
};
