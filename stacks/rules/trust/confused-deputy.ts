import { fixture, type PolicyRule } from '../rule';
import { CONFUSED_DEPUTY_KEYS, deputyGuards, trustPolicy, trustStatements } from './statements';

export const confusedDeputy: PolicyRule = {
  id: 'trust-confused-deputy',
  check: 'trust',
  level: 'error',
  appliesTo: 'aws_iam_role trust policies (service principals)',
  explanation:
    'Without aws:SourceAccount / aws:SourceArn / sts:ExternalId, another account could make ' +
    'the service act with this role (IAM user guide, "The confused deputy problem").',
  evaluate: ({ tf }) =>
    trustStatements(tf).flatMap(({ address, statements }) =>
      statements === undefined
        ? [{ resource: address, message: 'trust policy is not plain JSON and cannot be checked' }]
        : statements
            // Only a service acts for others: a role trusted by named IAM principals (or a web identity) has no deputy.
            .filter(
              (s) =>
                (s.Principal as Record<string, unknown> | undefined)?.Service !== undefined &&
                deputyGuards(s.Condition).length === 0,
            )
            .map((s) => ({
              resource: address,
              message:
                `trust policy for ${JSON.stringify(s.Principal)} has no ` +
                `confused-deputy condition (${CONFUSED_DEPUTY_KEYS.join(' / ')})`,
            })),
    ),
  fixtures: {
    failing: fixture({
      resource: {
        aws_iam_role: { r: { assume_role_policy: trustPolicy({ Principal: { Service: 'glue.amazonaws.com' } }) } },
      },
    }),
    passing: fixture({
      resource: {
        aws_iam_role: {
          r: {
            assume_role_policy: trustPolicy({
              Principal: { Service: 'firehose.amazonaws.com' },
              Condition: { StringEquals: { 'sts:ExternalId': '1' } },
            }),
          },
        },
      },
    }),
  },
};
