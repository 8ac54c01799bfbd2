import { resources, strings } from '../../../terraform-json/stack-json';
import { fixture, type PolicyRule, type Violation } from '../rule';

/** Athena writes query results only into a bucket of this stack, whose region the stack controls. */
export const queryResultsLocation: PolicyRule = {
  id: 'residency-query-results-location',
  check: 'residency',
  level: 'error',
  appliesTo: 'aws_athena_workgroup',
  explanation:
    'Query results are copies of event data; an output location outside the ' +
    'stack could be anywhere (Athena user guide, query results location).',
  evaluate: ({ tf }) => {
    const stackBuckets = new Set(
      resources(tf)
        .filter(([t]) => t === 'aws_s3_bucket')
        .map(([, , b]) => b.bucket as string),
    );
    const violations: Violation[] = [];
    for (const [type, name, body] of resources(tf).filter(([t]) => t === 'aws_athena_workgroup')) {
      for (const [path, text] of strings(body.configuration)) {
        const bucket = /^s3:\/\/([^/]+)/.exec(text)?.[1];
        if (path.endsWith('output_location') && bucket && !stackBuckets.has(bucket))
          violations.push({
            resource: `${type}.${name}`,
            message: `query results go to s3://${bucket}, which is not a bucket of this stack`,
          });
      }
    }
    return violations;
  },
  fixtures: {
    failing: fixture({
      resource: {
        aws_athena_workgroup: {
          w: { configuration: { result_configuration: { output_location: 's3://elsewhere/r/' } } },
        },
      },
    }),
    passing: fixture({
      resource: {
        aws_s3_bucket: { b: { bucket: 'mine' } },
        aws_athena_workgroup: { w: { configuration: { result_configuration: { output_location: 's3://mine/r/' } } } },
      },
    }),
  },
};
