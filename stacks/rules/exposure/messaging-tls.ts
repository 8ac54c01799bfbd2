import { resources, type TerraformJson } from '../../../terraform-json/stack-json';
import { deniesInsecureTransport } from '../../../terraform-json/policy';
import { fixture, type PolicyRule } from '../rule';

/**
 * Each topic and queue, with the policy documents that govern it: the policy resource references it (synth), or names
 * it literally (a plan, where references are resolved): a topic ARN ends in `:<name>`, a queue URL in `/<name>`.
 */
function governed(tf: TerraformJson, type: 'aws_sns_topic' | 'aws_sqs_queue'): { name: string; policies: unknown[] }[] {
  const [policyType, field, separator] =
    type === 'aws_sns_topic' ? ['aws_sns_topic_policy', 'arn', ':'] : ['aws_sqs_queue_policy', 'queue_url', '/'];
  const all = resources(tf);
  const names = (target: string, name: string, body: Record<string, unknown>) =>
    target.includes(`${type}.${name}.`) ||
    (typeof body.name === 'string' && body.name !== '' && target.endsWith(`${separator}${body.name}`));
  return all
    .filter(([t]) => t === type)
    .map(([, name, topic]) => ({
      name,
      policies: all
        .filter(([t, , body]) => t === policyType && names(String(body[field]), name, topic))
        .map(([, , body]) => body.policy),
    }));
}

export const messagingTlsOnly: PolicyRule = {
  id: 'exposure-messaging-tls-only',
  check: 'exposure',
  level: 'error',
  controls: ['sns-tls-only', 'sqs-tls-only'],
  appliesTo: 'aws_sns_topic, aws_sqs_queue',
  explanation:
    'A topic or queue policy denying aws:SecureTransport false refuses every request without ' +
    'TLS (SNS and SQS developer guides, security best practices: "Enforce encryption of data ' +
    'in transit"); AWS services deliver over TLS, so publishers keep working.',
  evaluate: ({ tf }) =>
    (['aws_sns_topic', 'aws_sqs_queue'] as const).flatMap((type) =>
      governed(tf, type)
        .filter((g) => !g.policies.some(deniesInsecureTransport))
        .map((g) => ({
          resource: `${type}.${g.name}`,
          message: `${type === 'aws_sns_topic' ? 'topic' : 'queue'} policy does not deny requests without TLS`,
        })),
    ),
  fixtures: {
    failing: fixture({
      resource: {
        aws_sns_topic: { t: { name: 't' } },
        aws_sns_topic_policy: { p: { arn: '${aws_sns_topic.t.arn}', policy: JSON.stringify({ Statement: [] }) } },
      },
    }),
    passing: fixture({
      resource: {
        aws_sqs_queue: { q: { name: 'q' } },
        aws_sqs_queue_policy: {
          p: {
            queue_url: '${aws_sqs_queue.q.url}',
            policy: JSON.stringify({
              Statement: [
                {
                  Effect: 'Deny',
                  Principal: '*',
                  Action: 'sqs:*',
                  Resource: '*',
                  Condition: { Bool: { 'aws:SecureTransport': 'false' } },
                },
              ],
            }),
          },
        },
      },
    }),
  },
};
