import { fixture, type PolicyRule } from '../rule';
import { allowStatements, label } from '../least-privilege/documents';

export const anyPrincipal: PolicyRule = {
  id: 'exposure-any-principal',
  check: 'exposure',
  level: 'error',
  controls: ['KMS.5', 'SNS.4', 'SQS.3'],
  appliesTo: 'Allow statements of resource policies',
  explanation:
    'Principal "*" opens the resource to every AWS account and anonymous callers unless conditions close it again.',
  evaluate: ({ tf }) =>
    allowStatements(tf)
      .filter(({ statement: s }) => s.Principal === '*' || (s.Principal as Record<string, unknown>)?.AWS === '*')
      .map(({ document, statement }) => ({
        resource: document.address,
        message: `${label(statement)} allows any principal`,
      })),
  fixtures: {
    failing: fixture({
      resource: {
        aws_sns_topic_policy: {
          p: {
            policy: JSON.stringify({
              Statement: [
                { Effect: 'Allow', Principal: '*', Action: 'sns:Publish', Resource: 'arn:aws:sns:eu-central-1:1:t' },
              ],
            }),
          },
        },
      },
    }),
    passing: fixture({
      resource: {
        aws_s3_bucket_policy: {
          p: {
            policy: JSON.stringify({
              Statement: [{ Effect: 'Deny', Principal: '*', Action: 's3:*', Resource: 'arn:aws:s3:::b' }],
            }),
          },
        },
      },
    }),
  },
};
