import { strings } from '../../../terraform-json/stack-json';
import { fixture, type PolicyRule, type Violation } from '../rule';

/** Each pattern with the text every match contains: most strings of a stack hold neither, and are not searched. */
const PATTERNS: [RegExp, string][] = [
  [/arn:aws[a-z-]*:[a-z0-9-]+:([a-z]{2}(?:-gov)?-[a-z]+-\d+):/g, 'arn:aws'],
  [/\.([a-z]{2}(?:-gov)?-[a-z]+-\d+)\.amazonaws\.com/g, '.amazonaws.com'],
];

/** No resource, data source or output references an ARN or endpoint of another region. */
export const referencedRegion: PolicyRule = {
  id: 'residency-referenced-region',
  check: 'residency',
  level: 'error',
  appliesTo: 'every resource, data source and output',
  explanation: 'A key, bucket or endpoint of another region would move or process data there.',
  evaluate: ({ tf, context }) => {
    const allowed = new Set([context.region, ...context.allowedRegions]);
    const violations: Violation[] = [];
    for (const [section, body] of Object.entries({ resource: tf.resource, data: tf.data, output: tf.output })) {
      for (const [path, text] of strings(body)) {
        for (const [pattern, literal] of PATTERNS) {
          if (!text.includes(literal)) continue;
          for (const match of text.matchAll(pattern)) {
            if (allowed.has(match[1])) continue;
            const [type, name, ...field] = path.split('.');
            violations.push({
              resource: `${section}.${type}.${name}`,
              message:
                `${field.join('.') || path} references ${match[0]} — ` +
                `region ${match[1]}, outside ${[...allowed].join(', ')}`,
            });
          }
        }
      }
    }
    return violations;
  },
  fixtures: {
    failing: fixture({
      resource: { aws_cloudwatch_log_group: { g: { kms_key_id: 'arn:aws:kms:us-west-2:222222222222:key/x' } } },
    }),
    passing: fixture({
      resource: { aws_cloudwatch_log_group: { g: { kms_key_id: 'arn:aws:kms:eu-central-1:222222222222:key/x' } } },
    }),
  },
};
