/**
 * The access matrix against hostile changes: the red-team corpus. Each row plants one change into the example's
 * prod-eu-central-1 stack, written the way an attacker words a policy around a shape check, and states the verdict
 * the review's gate (CheckNoNewAccess over the evaluated matrix) must reach: the principals that gained access, with
 * the request and the target, or none.
 */
import { resolveMatrix } from '../../config/resolve';
import { buildStackModel } from '../../model/build';
import type { StackModel } from '../../model/types';
import { STAND_IN_PRINCIPALS } from '../../model/access';
import { accessChanges } from '../../scripts/review/compare';
import { accessTarget, STAND_IN_PRINCIPAL } from '../../scripts/report/words';
import type { TerraformJson } from '../../terraform-json/stack-json';
import { singleDeployment, synthDeployments } from '../helpers';

type Json = Record<string, Record<string, Record<string, unknown>>>;
const [synthesized] = synthDeployments(resolveMatrix(singleDeployment()));
const facts = synthesized.stack.facts;
const baseText = JSON.stringify(synthesized.tf);
const model = (tf: TerraformJson): StackModel => buildStackModel(tf, facts);
const base = model(JSON.parse(baseText) as TerraformJson);

const BUCKET = 'telemetry-prod-222222222222-eu-central-1';
const VENDOR = 'arn:aws:iam::999999999999:role/vendor-analytics';

/** The one resource of a type whose name matches, in a copy of the stack's JSON. */
const one = (
  tf: { resource: Json },
  type: string,
  test: (body: Record<string, unknown>, name: string) => boolean = () => true,
) => {
  const found = Object.entries(tf.resource[type] ?? {}).find(([name, body]) => test(body, name));
  if (!found) throw new Error(`no ${type} in the fixture`);
  return found[1];
};
const editPolicy = (
  body: Record<string, unknown>,
  field: string,
  edit: (doc: { Statement: Record<string, unknown>[] }) => void,
) => {
  const doc = JSON.parse(String(body[field])) as { Statement: Record<string, unknown>[] };
  edit(doc);
  body[field] = JSON.stringify(doc);
};
const analystPolicy = (tf: { resource: Json }) => one(tf, 'aws_iam_policy', (b) => String(b.name).endsWith('-analyst'));
const bucketPolicy = (tf: { resource: Json }) =>
  one(tf, 'aws_s3_bucket_policy', (b) => String(b.bucket).includes('storage_data'));
// The stack's data key (the receipts' HMAC key is another aws_kms_key of the stack).
const stackKey = (tf: { resource: Json }) => one(tf, 'aws_kms_key', (_b, name) => name.startsWith('storage_key'));
const crawlerRole = (tf: { resource: Json }) => one(tf, 'aws_iam_role', (b) => String(b.name).endsWith('-crawler'));

/** [principal kind and name, request, target] of every cell the change widened. */
function widened(edit: (tf: { resource: Json }) => void): string[] {
  const tf = JSON.parse(baseText) as { resource: Json };
  edit(tf);
  return accessChanges(base, model(tf as TerraformJson))
    .filter((c) => c.effects.includes('widens-access'))
    .map((c) =>
      c.subject.kind === 'principal' && c.field.kind === 'access'
        ? `${c.subject.principal.kind} ` +
          `${'name' in c.subject.principal ? c.subject.principal.name : c.subject.principal.id} ` +
          `| ${c.field.request} | ${c.field.target.id} | ${c.field.after}`
        : 'not an access change',
    );
}

/** An expectation that no principal outside the account gained anything. */
const NO_OUTSIDER = 'no outsider';
const OUTSIDER = /^(other-account|anyone|named-external|service-for-another-account) /;

const CORPUS: [string, (tf: { resource: Json }) => void, (RegExp | string)[]][] = [
  [
    'NotAction allow: every S3 action on the events but reading',
    (tf) =>
      editPolicy(analystPolicy(tf), 'policy', (d) =>
        d.Statement.push({ Effect: 'Allow', NotAction: 's3:GetObject', Resource: `arn:aws:s3:::${BUCKET}/data/*` }),
      ),
    [
      /^policy-holder \S+-analyst \| delete \| aws_s3_bucket\.storage_data_\w+\/data\/ \| allowed$/,
      /^policy-holder \S+-analyst \| write \| aws_s3_bucket\.storage_data_\w+\/data\/ \| allowed$/,
    ],
  ],
  [
    'a wildcard inside an action name (s3:Delete*)',
    (tf) =>
      editPolicy(analystPolicy(tf), 'policy', (d) =>
        d.Statement.push({ Effect: 'Allow', Action: 's3:Delete*', Resource: `arn:aws:s3:::${BUCKET}/*` }),
      ),
    [
      /^policy-holder \S+-analyst \| delete \| .+\/data\/ \| allowed$/,
      /^policy-holder \S+-analyst \| delete \| .+\/errors\/ \| allowed$/,
      /^policy-holder \S+-analyst \| delete \| .+\/athena-results\/ \| allowed$/,
    ],
  ],
  [
    'a condition that can never match (another account as the principal account)',
    (tf) =>
      editPolicy(analystPolicy(tf), 'policy', (d) =>
        d.Statement.push({
          Effect: 'Allow',
          Action: '*',
          Resource: '*',
          Condition: { StringEquals: { 'aws:PrincipalAccount': '000000000000' } },
        }),
      ),
    [],
  ],
  [
    'NotPrincipal with Deny in the bucket policy: everyone else refused',
    (tf) =>
      editPolicy(bucketPolicy(tf), 'policy', (d) =>
        d.Statement.push({
          Effect: 'Deny',
          NotPrincipal: { AWS: VENDOR },
          Action: 's3:*',
          Resource: [`arn:aws:s3:::${BUCKET}`, `arn:aws:s3:::${BUCKET}/*`],
        }),
      ),
    [],
  ],
  [
    'NotPrincipal with Allow in the bucket policy: everyone but one',
    (tf) =>
      editPolicy(bucketPolicy(tf), 'policy', (d) =>
        d.Statement.push({
          Effect: 'Allow',
          NotPrincipal: { AWS: VENDOR },
          Action: 's3:GetObject',
          Resource: `arn:aws:s3:::${BUCKET}/*`,
        }),
      ),
    // The bucket policy's grant reaches the account's roles; outsiders get no plaintext: the key does not trust them.
    [/^stack-role \S+-crawler \| read \| .+\/errors\/ \| allowed$/, NO_OUTSIDER],
  ],
  [
    'an external principal in the bucket policy, without a condition (account spelled out)',
    (tf) =>
      editPolicy(bucketPolicy(tf), 'policy', (d) =>
        d.Statement.push({
          Effect: 'Allow',
          Principal: { AWS: VENDOR },
          Action: ['s3:GetObject', 's3:ListBucket'],
          Resource: [`arn:aws:s3:::${BUCKET}`, `arn:aws:s3:::${BUCKET}/data/*`],
        }),
      ),
    [/^named-external arn:aws:iam::999999999999:role\/vendor-analytics \| list \| .+\/data\/ \| allowed$/],
  ],
  [
    'an external principal in the key policy, with a source-IP condition: conditional, still new',
    (tf) =>
      editPolicy(stackKey(tf), 'policy', (d) =>
        d.Statement.push({
          Effect: 'Allow',
          Principal: { AWS: 'arn:aws:iam::999999999999:root' },
          Action: 'kms:Decrypt',
          Resource: '*',
          Condition: { IpAddress: { 'aws:SourceIp': '203.0.113.0/24' } },
        }),
      ),
    [/^named-external arn:aws:iam::999999999999:root \| decrypt \| aws_kms_key\.\w+ \| conditional$/],
  ],
  [
    'a public principal in the bucket policy while the bucket ' +
      'blocks public policies: the account gains, nobody outside',
    (tf) =>
      editPolicy(bucketPolicy(tf), 'policy', (d) =>
        d.Statement.push({
          Effect: 'Allow',
          Principal: '*',
          Action: 's3:ListBucket',
          Resource: `arn:aws:s3:::${BUCKET}`,
        }),
      ),
    [/^stack-role \S+-crawler \| list \| .+\/errors\/ \| allowed$/, NO_OUTSIDER],
  ],
  [
    'a public principal with the public access block lifted: anyone may list the events',
    (tf) => {
      editPolicy(bucketPolicy(tf), 'policy', (d) =>
        d.Statement.push({
          Effect: 'Allow',
          Principal: '*',
          Action: 's3:ListBucket',
          Resource: `arn:aws:s3:::${BUCKET}`,
        }),
      );
      Object.assign(
        one(tf, 'aws_s3_bucket_public_access_block', (b) => String(b.bucket).includes('storage_data')),
        { restrict_public_buckets: false, ignore_public_acls: false },
      );
    },
    [/^anyone .+ \| list \| .+\/data\/ \| allowed$/],
  ],
  [
    'a policy attached by a separate attachment resource',
    (tf) => {
      tf.resource.aws_iam_policy.extra = {
        name: 'extra',
        policy: JSON.stringify({
          Version: '2012-10-17',
          Statement: [{ Effect: 'Allow', Action: 's3:*', Resource: '*' }],
        }),
      };
      tf.resource.aws_iam_role_policy_attachment = {
        extra: { role: '${aws_iam_role.catalog_role_0D2DB899.name}', policy_arn: '${aws_iam_policy.extra.arn}' },
      };
    },
    [
      /^stack-role \S+-crawler \| act-outside \| outside-the-stack \| allowed$/,
      /^stack-role \S+-crawler \| delete \| .+\/data\/ \| allowed$/,
    ],
  ],
  [
    'a bucket ACL grant to another account, with ACLs enabled again',
    (tf) => {
      delete tf.resource.aws_s3_bucket_ownership_controls;
      tf.resource.aws_s3_bucket_acl = {
        grant: {
          bucket: '${aws_s3_bucket.storage_data_978B6A64.id}',
          access_control_policy: [
            {
              owner: [{ id: 'owner' }],
              grant: [
                {
                  grantee: [{ type: 'CanonicalUser', id: 'another-accounts-canonical-id' }],
                  permission: 'FULL_CONTROL',
                },
              ],
            },
          ],
        },
      };
    },
    [
      /^other-account .+ \| delete \| .+\/data\/ \| allowed$/,
      /^other-account .+ \| change-policy \| policy:aws_s3_bucket\.storage_data_\w+ \| allowed$/,
    ],
  ],
  [
    'the same ACL grant while the bucket enforces bucket-owner ownership (ACLs disabled): no effect',
    (tf) => {
      tf.resource.aws_s3_bucket_acl = {
        grant: {
          bucket: '${aws_s3_bucket.storage_data_978B6A64.id}',
          access_control_policy: [
            {
              owner: [{ id: 'owner' }],
              grant: [
                {
                  grantee: [{ type: 'CanonicalUser', id: 'another-accounts-canonical-id' }],
                  permission: 'FULL_CONTROL',
                },
              ],
            },
          ],
        },
      };
    },
    [],
  ],
  [
    'a new trust on an existing role, for another account',
    (tf) =>
      editPolicy(crawlerRole(tf), 'assume_role_policy', (d) =>
        d.Statement.push({ Effect: 'Allow', Principal: { AWS: VENDOR }, Action: 'sts:AssumeRole' }),
      ),
    [
      new RegExp(
        String.raw`^named-external arn:aws:iam::999999999999:role\/vendor-analytics \| assume \| ` +
          String.raw`aws_iam_role\.catalog_role_\w+ \| allowed$`,
      ),
    ],
  ],
  [
    "a trust naming one session of another role of the stack, with no condition anywhere in it: that role's sessions",
    (tf) =>
      editPolicy(crawlerRole(tf), 'assume_role_policy', (d) => {
        const firehose = String(one(tf, 'aws_iam_role', (b) => String(b.name).endsWith('-firehose')).name);
        d.Statement = [
          {
            Effect: 'Allow',
            Principal: { AWS: `arn:aws:sts::222222222222:assumed-role/${firehose}/alice` },
            Action: 'sts:AssumeRole',
          },
        ];
      }),
    [/^stack-role \S+-firehose \| assume \| aws_iam_role\.catalog_role_\w+ \| conditional$/],
  ],
  [
    "an inline policy added outside Terraform (a plan's live role): s3:* on *",
    (tf) =>
      Object.assign(
        one(tf, 'aws_iam_role', (b) => String(b.name).endsWith('-firehose')),
        {
          inline_policy: [
            {
              name: 'drift',
              policy: JSON.stringify({
                Version: '2012-10-17',
                Statement: [{ Effect: 'Allow', Action: 's3:*', Resource: '*' }],
              }),
            },
          ],
        },
      ),
    [
      /^stack-role \S+-firehose \| act-outside \| outside-the-stack \| allowed$/,
      /^stack-role \S+-firehose \| delete \| .+\/data\/ \| allowed$/,
    ],
  ],
  [
    'a removed Deny that never applied to the principal: nothing widened',
    (tf) =>
      editPolicy(bucketPolicy(tf), 'policy', (d) =>
        d.Statement.splice(
          d.Statement.findIndex(
            (s) => s.Effect === 'Deny' && JSON.stringify(s.Condition ?? {}).includes('SecureTransport'),
          ),
          1,
        ),
      ),
    [],
  ],
  [
    'any account but the stand-in for "another account" (StringNotEquals kms:CallerAccount): still any other account',
    (tf) =>
      editPolicy(stackKey(tf), 'policy', (d) =>
        d.Statement.push({
          Effect: 'Allow',
          Principal: { AWS: '*' },
          Action: 'kms:*',
          Resource: '*',
          Condition: { StringNotEquals: { 'kms:CallerAccount': ['222222222222', '999999999990'] } },
        }),
      ),
    [/^other-account .+ \| administer \| aws_kms_key\.\w+ \| (allowed|conditional)$/],
  ],
  [
    'AWS\'s own cross-account key pattern: Principal "*" with kms:CallerAccount naming the account',
    (tf) =>
      editPolicy(stackKey(tf), 'policy', (d) =>
        d.Statement.push({
          Effect: 'Allow',
          Principal: { AWS: '*' },
          Action: ['kms:Decrypt', 'kms:PutKeyPolicy'],
          Resource: '*',
          Condition: { StringEquals: { 'kms:CallerAccount': '999999999999' } },
        }),
      ),
    [
      /^named-external 999999999999 \| decrypt \| aws_kms_key\.\w+ \| allowed$/,
      /^named-external 999999999999 \| administer \| aws_kms_key\.\w+ \| allowed$/,
    ],
  ],
  [
    'a KMS grant to another account',
    (tf) =>
      (tf.resource.aws_kms_grant = {
        g: {
          name: 'g',
          key_id: '${aws_kms_key.storage_key_27F6C14B.key_id}',
          grantee_principal: 'arn:aws:iam::999999999999:root',
          operations: ['Decrypt', 'GenerateDataKey'],
        },
      }),
    [/^named-external arn:aws:iam::999999999999:root \| decrypt \| aws_kms_key\.\w+ \| allowed$/],
  ],
  [
    'a Data Catalog resource policy for another account',
    (tf) =>
      (tf.resource.aws_glue_resource_policy = {
        p: {
          policy: JSON.stringify({
            Version: '2012-10-17',
            Statement: [
              {
                Effect: 'Allow',
                Principal: { AWS: 'arn:aws:iam::999999999999:root' },
                Action: 'glue:*',
                Resource: '*',
              },
            ],
          }),
        },
      }),
    [/^named-external arn:aws:iam::999999999999:root \| read-catalog \| /],
  ],
  [
    'an S3 canonical user in the bucket policy: someone outside',
    (tf) =>
      editPolicy(bucketPolicy(tf), 'policy', (d) =>
        d.Statement.push({
          Effect: 'Allow',
          Principal: { CanonicalUser: '79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be' },
          Action: 's3:ListBucket',
          Resource: `arn:aws:s3:::${BUCKET}`,
        }),
      ),
    [/^other-account .+ \| list \| .+\/data\/ \| allowed$/],
  ],
  [
    'a federated user of another account',
    (tf) =>
      editPolicy(bucketPolicy(tf), 'policy', (d) =>
        d.Statement.push({
          Effect: 'Allow',
          Principal: { AWS: 'arn:aws:sts::999999999999:federated-user/bob' },
          Action: 's3:ListBucket',
          Resource: `arn:aws:s3:::${BUCKET}`,
        }),
      ),
    [/^named-external arn:aws:sts::999999999999:federated-user\/bob \| list \| .+\/data\/ \| allowed$/],
  ],
  [
    'the Cognito audience dropped from the guest trust: any identity pool may assume it',
    (tf) =>
      editPolicy(
        one(tf, 'aws_iam_role', (b) => String(b.name).endsWith('-ingestion')),
        'assume_role_policy',
        (d) => delete (d.Statement[0].Condition as Record<string, unknown>).StringEquals,
      ),
    [/^web-identity cognito-identity\.amazonaws\.com \| assume \| .+ \| conditional$/],
  ],
  [
    "privilege escalation: the analyst may rewrite the stack's roles",
    (tf) =>
      editPolicy(analystPolicy(tf), 'policy', (d) =>
        d.Statement.push({
          Effect: 'Allow',
          Action: ['iam:PutRolePolicy', 'iam:UpdateAssumeRolePolicy'],
          Resource: 'arn:aws:iam::222222222222:role/telemetry-*',
        }),
      ),
    [/^policy-holder \S+-analyst \| administer \| aws_iam_role\.catalog_role_\w+ \| allowed$/],
  ],
  [
    'the guest may redirect its stream (firehose:* passes Cognito’s scope-down)',
    (tf) =>
      editPolicy(
        one(tf, 'aws_iam_role_policy', (b) => String(b.role).includes('ingestion')),
        'policy',
        (d) => (d.Statement[0].Action = 'firehose:*'),
      ),
    [/^guest .+ \| administer \| aws_kinesis_firehose_delivery_stream\.\w+ \| allowed$/],
  ],
  [
    'anyone may subscribe to the alert topic',
    (tf) =>
      editPolicy(one(tf, 'aws_sns_topic_policy'), 'policy', (d) =>
        d.Statement.push({ Effect: 'Allow', Principal: { AWS: '*' }, Action: 'sns:Subscribe', Resource: '*' }),
      ),
    [/^anyone .+ \| read \| aws_sns_topic\.\w+ \| allowed$/],
  ],
  [
    "NotResource allow: delete anything but another bucket's objects",
    (tf) =>
      editPolicy(analystPolicy(tf), 'policy', (d) =>
        d.Statement.push({ Effect: 'Allow', Action: 's3:DeleteObject', NotResource: 'arn:aws:s3:::another-bucket/*' }),
      ),
    [/^policy-holder \S+-analyst \| delete \| aws_s3_bucket\.storage_data_\w+\/data\/ \| allowed$/],
  ],
  [
    "a Resource of single-character wildcards: the events bucket's digits, the folder's 'a'",
    (tf) =>
      editPolicy(analystPolicy(tf), 'policy', (d) =>
        d.Statement.push({
          Effect: 'Allow',
          Action: 's3:DeleteObject',
          Resource: `arn:aws:s3:::${BUCKET.replace(/\d/g, '?')}/d?ta/*`,
        }),
      ),
    [/^policy-holder \S+-analyst \| delete \| aws_s3_bucket\.storage_data_\w+\/data\/ \| allowed$/],
  ],
  [
    'Resources the simulator reads loosely: another prefix before the first colon, a short ARN it pads with *',
    (tf) =>
      editPolicy(analystPolicy(tf), 'policy', (d) =>
        d.Statement.push(
          { Effect: 'Allow', Action: 's3:DeleteObject', Resource: `foo:aws:s3:::${BUCKET}/*` },
          { Effect: 'Allow', Action: 's3:DeleteObjectVersion', Resource: 'arn:aws:s3' },
        ),
      ),
    [
      /^policy-holder \S+-analyst \| delete \| aws_s3_bucket\.storage_data_\w+\/data\/ \| allowed$/,
      /^policy-holder \S+-analyst \| delete \| aws_s3_bucket\.storage_access-logs_\w+ \| allowed$/,
    ],
  ],
  [
    'a bucket policy granting every principal through a Resource with another ' +
      "prefix before the first colon: the stack's roles read every folder",
    (tf) =>
      editPolicy(bucketPolicy(tf), 'policy', (d) =>
        d.Statement.push({
          Effect: 'Allow',
          Principal: '*',
          Action: 's3:GetObject',
          Resource: `foo:aws:s3:::${BUCKET}/*`,
        }),
      ),
    [/^stack-role \S+-crawler \| read \| aws_s3_bucket\.storage_data_\w+\/errors\/ \| allowed$/],
  ],
  [
    'a policy variable written as Terraform escapes it ($${aws:PrincipalAccount} in the bucket name)',
    (tf) =>
      editPolicy(analystPolicy(tf), 'policy', (d) =>
        d.Statement.push({
          Effect: 'Allow',
          Action: 's3:DeleteObject',
          Resource: 'arn:aws:s3:::telemetry-prod-$${aws:PrincipalAccount}-eu-central-1/*',
        }),
      ),
    [/^policy-holder \S+-analyst \| delete \| .+\/data\/ \| allowed$/],
  ],
  // The erasure's locating query: its SQL and parameters (digest prefixes of the ids) in its workgroup's history.
  [
    "the analyst's workgroup grant widened to every workgroup: the erasure's query history",
    (tf) =>
      editPolicy(analystPolicy(tf), 'policy', (d) =>
        d.Statement.filter((x) => String(x.Resource).includes(':workgroup/')).forEach(
          (x) => (x.Resource = 'arn:aws:athena:eu-central-1:222222222222:workgroup/*'),
        ),
      ),
    [/^policy-holder \S+-analyst \| read-history \| aws_athena_workgroup\.erasure_workgroup_\w+ \| allowed$/],
  ],
  [
    "the analyst may read the whole bucket: the erasure's locate results",
    (tf) =>
      editPolicy(analystPolicy(tf), 'policy', (d) =>
        d.Statement.push({ Effect: 'Allow', Action: 's3:GetObject', Resource: `arn:aws:s3:::${BUCKET}/*` }),
      ),
    [/^policy-holder \S+-analyst \| read \| aws_s3_bucket\.storage_data_\w+\/erasure-locate-results\/ \| allowed$/],
  ],
  // The receipts' HMAC key: whoever may make a MAC with it can test a guessed id against a receipt.
  [
    "the analyst given kms:GenerateMac on every key: the receipts' key",
    (tf) =>
      editPolicy(analystPolicy(tf), 'policy', (d) =>
        d.Statement.push({ Effect: 'Allow', Action: 'kms:GenerateMac', Resource: '*' }),
      ),
    [/^policy-holder \S+-analyst \| mac \| aws_kms_key\.erasure_receipt-key_\w+ \| allowed$/],
  ],
  [
    'a bucket policy given by a reference the model cannot read: taken as granting anyone',
    (tf) => (bucketPolicy(tf).policy = '${data.aws_iam_policy_document.p.json}'),
    [/^other-account .+ \| change-policy \| policy:aws_s3_bucket\.storage_data_\w+ \| allowed$/],
  ],
];

describe('access matrix: the red-team corpus, each change with the verdict the gate must reach', () => {
  it.each(CORPUS)('%s', (_name, edit, expected) => {
    const got = widened(edit);
    if (expected.length === 0) expect(got).toEqual([]);
    for (const e of expected) {
      if (e === NO_OUTSIDER) expect(got.filter((g) => OUTSIDER.test(g))).toEqual([]);
      else expect(got).toEqual(expect.arrayContaining([typeof e === 'string' ? e : expect.stringMatching(e)]));
    }
  });
});

describe('access matrix of the shipped pipeline', () => {
  const cells = (principalKind: string) =>
    base.access.cells.filter((c) => base.access.principals.find((p) => p.id === c.principal)?.kind === principalKind);

  it('no outsider and no anonymous principal reaches anything', () => {
    expect([...cells('other-account'), ...cells('anyone'), ...cells('named-external')]).toEqual([]);
  });

  it(
    "the account's other principals reach the data through the key policy's delegation to " +
      'the account (kms:* for the root) and a bucket policy without an allow-list',
    () => {
      expect(cells('account-principal').map((c) => `${c.request} ${c.target}`)).toEqual(
        expect.arrayContaining([
          expect.stringMatching(/^read aws_s3_bucket\.storage_data_\w+\/data\/$/),
          expect.stringMatching(/^administer aws_kms_key\./),
        ]),
      );
    },
  );

  it('the crawler, scoped to the events table alone, still shows as reading and changing the catalog', () => {
    // The catalog is probed on any table and on each table the stack keeps by name: a role granted only
    // table/<db>/events_data (the crawler) would otherwise vanish from the matrix while it can UpdateTable.
    const crawler = base.access.principals.find((p) => 'name' in p && p.name.endsWith('-crawler'))!;
    const catalog = base.access.targets.find((t) => t.kind === 'catalog')!;
    expect(
      base.access.cells
        .filter((c) => c.principal === crawler.id && c.target === catalog.id && c.level === 'allowed')
        .map((c) => c.request)
        .sort(),
    ).toEqual(['change-catalog', 'read-catalog']);
  });

  it('the Cognito guest may put records into its stream and nothing else', () => {
    expect(cells('guest').map((c) => `${c.request} ${c.target} ${c.level}`)).toEqual([
      expect.stringMatching(/^put-records aws_kinesis_firehose_delivery_stream\.\w+ allowed$/),
    ]);
  });

  it("the erasure's workgroup history and results: its own policy reaches them, no analyst does", () => {
    const workgroups = base.access.targets.flatMap((t) => (t.kind === 'workgroup' ? [t] : []));
    // Every workgroup of the stack is asked about, not only the first.
    expect(workgroups.map((t) => t.name).sort()).toEqual(['telemetry-prod-erasure', 'telemetry-prod-events']);
    const erasureWg = workgroups.find((t) => t.name.endsWith('-erasure'))!.id;
    const results = base.access.targets.find(
      (t) => t.kind === 'store' && t.name.endsWith('/erasure-locate-results/'),
    )!.id;
    expect(base.stores.find((s) => s.id === results)?.role).toBe('query-results');
    const who = (request: string, target: string) =>
      base.access.cells
        .filter((c) => c.request === request && c.target === target && c.level === 'allowed')
        .map((c) => base.access.principals.find((p) => p.id === c.principal)!)
        .flatMap((p) => ('name' in p && !p.kind.startsWith('deploy') ? [p] : []));
    expect(who('read-history', erasureWg).map((p) => p.name)).toEqual(['telemetry-prod-eu-central-1-erasure']);
    expect(who('read', results).map((p) => p.name)).toEqual(['telemetry-prod-eu-central-1-erasure']);
    // The analysts read their own workgroup's history, and not the erasure's.
    const analysts = base.access.principals.filter((p) => 'name' in p && p.name.endsWith('-analyst')).map((p) => p.id);
    expect(analysts.length).toBeGreaterThan(0);
    for (const a of analysts) {
      expect(
        base.access.cells.filter((c) => c.principal === a && (c.target === erasureWg || c.target === results)),
      ).toEqual([]);
      expect(
        base.access.cells.some((c) => c.principal === a && c.request === 'read-history' && c.target !== erasureWg),
      ).toBe(true);
    }
  });

  it(
    "the receipts' HMAC key: only the erasure computes or verifies " +
      'MACs; the account administers it without using it',
    () => {
      const mac = (m: StackModel) => {
        const key = m.access.targets.find((t) => t.kind === 'key' && t.name.endsWith('-erasure-receipts'))!;
        const who = (request: string) =>
          m.access.cells
            .filter((c) => c.target === key.id && c.request === request)
            .map((c) => `${m.access.principals.find((p) => p.id === c.principal)!.kind} ${c.level}`)
            .sort();
        return { mac: who('mac'), administer: who('administer'), decrypt: who('decrypt') };
      };
      // With an erasure role: the key policy names it alone for MACs; the account's principals (admins with kms:*)
      // administer only.
      const [withRole] = synthDeployments(
        resolveMatrix(singleDeployment({ erasure: { principals: ['arn:aws:iam::222222222222:role/privacy-team'] } })),
      );
      const roleModel = buildStackModel(withRole.tf as TerraformJson, withRole.stack.facts);
      expect(mac(roleModel).mac).toEqual(['stack-role allowed']);
      expect(roleModel.access.cells.find((c) => c.request === 'mac')?.principal).toMatch(
        /^aws_iam_role\.erasure_role_/,
      );
      expect(mac(roleModel).administer).toEqual(expect.arrayContaining(['account-principal allowed']));
      expect(mac(roleModel).decrypt).toEqual([]);
      // Without a role (the policy attached where operators sign in): the holders of the erasure policy, and — said
      // plainly — an account principal whose IAM allows kms:* on it; never an analyst.
      expect(mac(base).mac).toEqual(['account-principal allowed', 'policy-holder allowed']);
      expect(
        base.access.cells
          .filter((c) => c.request === 'mac')
          .map((c) => c.principal)
          .sort(),
      ).toEqual(['account-principal', expect.stringMatching(/^aws_iam_policy\.erasure_policy_/)]);
    },
  );

  it('no role of the stack acts outside it', () => {
    expect(base.access.cells.filter((c) => c.request === 'act-outside')).toEqual([]);
  });

  it(
    'the stand-ins (everyone of a kind, everything outside the stack) ' +
      'are typed ids with no words: the words module says them',
    () => {
      const standIns = base.access.principals.filter((p) =>
        (STAND_IN_PRINCIPALS as readonly string[]).includes(p.kind),
      );
      expect(standIns.map((p) => p.kind).sort()).toEqual([...STAND_IN_PRINCIPALS].sort());
      for (const p of standIns)
        expect(p).toEqual({ id: p.kind, kind: p.kind, account: p.kind === 'anyone' ? null : expect.any(String) });
      expect(base.access.targets.filter((t) => t.kind === 'outside')).toEqual([
        { id: 'outside-the-stack', kind: 'outside' },
      ]);
      expect(STAND_IN_PRINCIPALS.map((k) => STAND_IN_PRINCIPAL[k])).toEqual([
        'any other principal of this account',
        'a principal of another account',
        'anyone (anonymous)',
      ]);
      expect(accessTarget({ id: 'outside-the-stack', kind: 'outside' })).toBe('resources outside the stack');
    },
  );
});
