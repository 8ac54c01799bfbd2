/**
 * The access evaluation skips a call no Allow statement could apply to (model/access.ts, `couldMatch` for the action
 * and `couldCover` for the resource): a shortcut for speed that must never deny what the simulator allows. Each
 * pattern below is a way to write a statement's Resource or Action that a naive comparison gets wrong (the text before
 * the first colon, short patterns the simulator pads with `*`, case, `?`, wildcards across segments, a request resource
 * with a wildcard, policy variables); every one the simulator allows must count as covered.
 */
import { couldCover, couldMatch } from '../../model/access';
import { evaluateRequest } from '../../model/iam-evaluator';

const ACCOUNT = '222222222222';
const CALLER = `arn:aws:iam::${ACCOUNT}:role/caller`;
const CALLS: { action: string; resource: string }[] = [
  { action: 's3:DeleteObject', resource: 'arn:aws:s3:::telemetry-prod-222222222222-eu-central-1/data/*' },
  { action: 's3:ListBucket', resource: 'arn:aws:s3:::telemetry-prod-222222222222-eu-central-1' },
  { action: 'kms:Decrypt', resource: `arn:aws:kms:eu-central-1:${ACCOUNT}:key/0a1b2c3d-0000-4000-8000-000000000000` },
  { action: 'glue:GetTable', resource: `arn:aws:glue:eu-central-1:${ACCOUNT}:table/telemetry_prod/events` },
  { action: 'logs:PutLogEvents', resource: `arn:aws:logs:eu-central-1:${ACCOUNT}:log-group:/aws/firehose/x:*` },
];

/** Ways to write a Resource that may or may not cover `arn`. */
function resourcePatterns(arn: string): string[] {
  const segments = arn.split(':');
  const rest = segments.slice(5).join(':');
  const patterns = new Set<string>([
    arn,
    arn.toUpperCase(),
    `foo${arn.slice(3)}`,
    '*',
    '**',
    '',
    ' *',
    'x*',
    'my-bucket',
    ...segments.map((_, k) => segments.slice(0, k + 1).join(':')),
    ...segments.map((_, k) => segments.map((s, i) => (i === k ? '*' : s)).join(':')),
    ...segments.map((_, k) => `${segments.slice(0, k + 1).join(':')}*`),
    ...[1, 3, 8].map((n) => `${segments.slice(0, 5).join(':')}:${rest.slice(0, n)}*`),
    `${segments.slice(0, 5).join(':')}:${rest.replace(/[a-z0-9]/g, '?')}`,
    `${segments.slice(0, 5).join(':')}:${rest}-other`,
    `${segments.slice(0, 5).join(':')}:other-${rest}`,
    `${segments.slice(0, 5).join(':')}:\${aws:username}/*`,
    'arn:aws:s3:::another-bucket/*',
    `arn:aws:sqs:eu-central-1:${ACCOUNT}:queue`,
    'arn:*:*:*:*:*',
    'arn:aws:*',
  ]);
  return [...patterns];
}

/**
 * Whether the simulator allows the call under a policy of the statement; false for a document its validator refuses
 * (evaluating it throws, so the shortcut never skips such a document silently).
 */
function allowed(type: 'identity' | 'resource', action: string, resource: string, statement: object): boolean {
  try {
    return (
      evaluateRequest(
        {
          principal: CALLER,
          action,
          resource,
          resourceAccount: ACCOUNT,
          context: { 'aws:SecureTransport': 'true', 'aws:PrincipalAccount': ACCOUNT, 'aws:PrincipalArn': CALLER },
          identity: type === 'identity' ? [{ Version: '2012-10-17', Statement: [statement] }] : [],
          ...(type === 'resource'
            ? {
                resourcePolicy: {
                  Version: '2012-10-17',
                  Statement: [{ ...statement, Principal: { AWS: CALLER } }],
                },
              }
            : {}),
        },
        'Strict',
      ).result === 'Allowed'
    );
  } catch {
    return false;
  }
}

// Every call under an identity policy and a resource policy; KMS only under its key policy, since an identity policy
// alone never grants use of a key ("No AWS principal has any permissions to a KMS key unless that permission is
// explicitly allowed in the key policy": https://docs.aws.amazon.com/kms/latest/developerguide/key-policies.html).
const CASES = CALLS.flatMap((call) =>
  (['identity', 'resource'] as const)
    .filter((type) => !(type === 'identity' && call.action.startsWith('kms:')))
    .map((type) => ({ ...call, type })),
);

it.each(CASES)(
  '$action on $resource: every Resource the simulator allows in a $type policy counts as covering',
  ({ action, resource, type }) => {
    const missed: string[] = [];
    let allowedCount = 0;
    for (const pattern of resourcePatterns(resource)) {
      const statement = { Effect: 'Allow', Action: action, Resource: pattern };
      const isAllowed = allowed(type, action, resource, statement);
      if (isAllowed) allowedCount++;
      if (isAllowed && !couldCover(statement, resource)) missed.push(pattern);
    }
    expect(missed).toEqual([]);
    // Not vacuous: the simulator allows patterns beyond the resource itself.
    expect(allowedCount).toBeGreaterThan(5);
  },
);

describe.each(CALLS)('$action on $resource', ({ action, resource }) => {
  it('a NotResource the simulator applies counts as covering', () => {
    for (const pattern of resourcePatterns(resource)) {
      const statement = { Effect: 'Allow', Action: action, NotResource: pattern };
      if (allowed('identity', action, resource, statement))
        expect([pattern, couldCover(statement, resource)]).toEqual([pattern, true]);
    }
  });

  it('every Action the simulator matches counts as matching', () => {
    const [service, name] = action.split(':');
    const patterns = [
      action,
      action.toUpperCase(),
      '*',
      `${service}:*`,
      `${service}:${name.slice(0, 3)}*`,
      `${service}:${name.replace(/[a-z]/g, '?')}`,
      `*:${name}`,
      `${service.toUpperCase()}:${name.toLowerCase()}`,
    ];
    for (const pattern of patterns) {
      const statement = { Effect: 'Allow', Action: pattern, Resource: '*' };
      if (allowed('identity', action, resource, statement))
        expect([pattern, couldMatch(statement, action)]).toEqual([pattern, true]);
    }
  });
});

describe('the shortcut skips what certainly does not match', () => {
  it('another service, region, account or bucket: not covered', () => {
    const object = CALLS[0].resource;
    for (const pattern of [
      `arn:aws:kms:eu-central-1:${ACCOUNT}:key/*`,
      'arn:aws:s3:::another-bucket/*',
      'arn:aws:s3:::telemetry-prod-222222222222-eu-central-1/results/*',
    ])
      expect([pattern, couldCover({ Effect: 'Allow', Action: '*', Resource: pattern }, object)]).toEqual([
        pattern,
        false,
      ]);
  });
});
