/**
 * The Analysts construct in a bare stack: a policy granting exactly what an analyst needs on the stack's resources
 * — a test per permission, allowed and refused, read through the review's own coverage test (scripts/review/grants)
 * — and, with principals configured, a role only they may assume.
 */
import { buildStackModel } from '../../../model/build';
import { factsFromTags } from '../../../terraform-json/facts';
import { Analysts } from '../../../stacks/constructs/analysts';
import { all, bareStack, ENV, KEY, one, policyOf, prefix, request, synth, viaService } from './bare';

const names = {
  stack: 'bare',
  workgroup: 'bare-wg',
  glueDatabase: 'bare_db',
  dataBucket: 'bare-data',
  roles: { firehose: 'f', crawler: 'c', ingestion: 'i', analyst: 'bare-analyst' },
};

function build(principals?: string[]) {
  const stack = bareStack();
  new Analysts(stack, 'analysts', {
    env: ENV,
    names,
    dataFolder: 'data/',
    resultsFolder: 'athena-results/',
    keyArn: KEY,
    ...(principals ? { principals } : {}),
  });
  return synth(stack);
}

describe('Analysts', () => {
  const tf = build();
  const { granted, allowed } = policyOf(tf);

  it.each([
    [
      'runs queries in the stack workgroup',
      request('athena:StartQueryExecution', 'arn:aws:athena:eu-central-1:222222222222:workgroup/bare-wg'),
    ],
    [
      'reads query results in it',
      request('athena:GetQueryResults', 'arn:aws:athena:eu-central-1:222222222222:workgroup/bare-wg'),
    ],
    [
      'reads the named queries',
      request('athena:GetNamedQuery', 'arn:aws:athena:eu-central-1:222222222222:workgroup/bare-wg'),
    ],
    [
      'reads the catalog database',
      request('glue:GetDatabase', 'arn:aws:glue:eu-central-1:222222222222:database/bare_db'),
    ],
    [
      'reads its tables and partitions',
      request('glue:GetPartitions', 'arn:aws:glue:eu-central-1:222222222222:table/bare_db/events_data'),
    ],
    ['reads event data', request('s3:GetObject', 'arn:aws:s3:::bare-data/data/year=2026/month=12/day=01/x.gz')],
    ['writes query results', request('s3:PutObject', 'arn:aws:s3:::bare-data/athena-results/q.csv')],
    ['reads query results', request('s3:GetObject', 'arn:aws:s3:::bare-data/athena-results/q.csv')],
    ['lists the event folder', request('s3:ListBucket', 'arn:aws:s3:::bare-data', prefix('data/year=2026/'))],
    ['decrypts through S3', request('kms:Decrypt', KEY, viaService('s3'))],
    ['encrypts results through Athena', request('kms:GenerateDataKey', KEY, viaService('athena'))],
  ])('may: %s', (_what, r) => expect(allowed(r)).toBe(true));

  it.each([
    [
      'query in another workgroup',
      request('athena:StartQueryExecution', 'arn:aws:athena:eu-central-1:222222222222:workgroup/other'),
    ],
    ['change the catalog', request('glue:CreateTable', 'arn:aws:glue:eu-central-1:222222222222:table/bare_db/x')],
    ['read another database', request('glue:GetTable', 'arn:aws:glue:eu-central-1:222222222222:table/other_db/x')],
    ['read failed records', request('s3:GetObject', 'arn:aws:s3:::bare-data/errors/x.gz')],
    ['write event data', request('s3:PutObject', 'arn:aws:s3:::bare-data/data/x.gz')],
    ['delete query results', request('s3:DeleteObject', 'arn:aws:s3:::bare-data/athena-results/q.csv')],
    ['read another bucket', request('s3:GetObject', 'arn:aws:s3:::other/data/x.gz')],
    ['list the whole bucket', request('s3:ListBucket', 'arn:aws:s3:::bare-data')],
    ['decrypt directly, outside S3 and Athena', request('kms:Decrypt', KEY)],
    ['decrypt through another service', request('kms:Decrypt', KEY, viaService('sqs'))],
    ['use the key for anything else', request('kms:CreateGrant', KEY, viaService('s3'))],
  ])('may not: %s', (_what, r) => expect(allowed(r)).toBe(false));

  it('without principals: the policy only, attached to nobody (for an SSO permission set or a federated role)', () => {
    expect(all(tf, 'aws_iam_role')).toEqual([]);
    const model = buildStackModel(tf, factsFromTags('bare', tf));
    expect(model.policies.map((p) => [p.name, p.attachedTo])).toEqual([['bare-analyst', []]]);
  });

  it('with principals: a role only they may assume, which has the policy', () => {
    const withRole = build(['arn:aws:iam::222222222222:role/DataAnalysts']);
    const role = one(withRole, 'aws_iam_role');
    expect(JSON.parse(String(role.assume_role_policy)).Statement).toEqual([
      {
        Sid: 'ConfiguredAnalystsAssume',
        Effect: 'Allow',
        Principal: { AWS: ['arn:aws:iam::222222222222:role/DataAnalysts'] },
        Action: 'sts:AssumeRole',
      },
    ]);
    const model = buildStackModel(withRole, {
      ...factsFromTags('bare', withRole),
      account: ENV.accountId,
      region: ENV.region,
    });
    expect(model.roles.map((r) => [r.name, r.permissions.length, r.managedPolicies])).toEqual([
      ['bare-analyst', granted.length, []],
    ]);
    expect(model.policies[0].attachedTo).toEqual([model.roles[0].address]);
  });
});
