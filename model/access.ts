/**
 * Who can do what to the stack's data, decided as AWS decides it: every (principal, request, target) of the stack is
 * evaluated by `@cloud-copilot/iam-simulate` against every policy that applies — the principal's identity policies
 * (inline, managed, attached by separate resources, live inline policies of a plan), its permissions boundary,
 * Cognito's session scope-down for guests, the target's resource policy (bucket, key, topic, queue, a role's trust),
 * bucket ACLs translated to the grants they make, and organization policies (SCP, RCP) when given. Nothing here
 * matches policy shapes: `NotAction`, `NotResource`, `NotPrincipal`, wildcards inside action names and every
 * condition operator are the evaluator's to read.
 *
 * Each request is first evaluated in the simulator's Strict mode with what a real request carries (TLS, the
 * caller's account, S3's `kms:ViaService`): allowed there is `allowed`. Otherwise Discovery mode asks whether some
 * value of the keys this project cannot know (source IP, a web identity's audience, tags) would allow it:
 * `conditional`, with those keys. Else `denied`. Only cells that are not denied are kept: a pair not in `cells`
 * was evaluated and denied.
 *
 * The simulator is AGPL-3.0: it runs here, at synth, review and test time, and is never deployed (docs/compliance.md).
 */
import type { AllowedConditionExpression } from '@cloud-copilot/iam-simulate';
import { isPermissionsBoundaryName } from '../config/names';
import { evaluateRequest } from './iam-evaluator';
import { resourcesOfType, type TerraformJson } from '../terraform-json/stack-json';
import { asList, iamWildcardMatch, type PolicyDocumentJson } from '../terraform-json/policy';
import type { DeployPolicyJson } from '../terraform-json/synth-output';
import type { DeploymentFacts } from '../terraform-json/facts';
import type { Store } from './types';

/** How far a principal gets with a request. Order matters: a change up this list widens access. */
export const ACCESS_LEVELS = ['denied', 'conditional', 'allowed'] as const;
export type AccessLevel = (typeof ACCESS_LEVELS)[number];

export type AccessPrincipalKind =
  | 'stack-role'
  | 'guest'
  | 'policy-holder'
  | 'deploy-plan'
  | 'deploy-apply'
  | 'account-principal'
  | 'named-external'
  | 'other-account'
  | 'anyone'
  | 'web-identity'
  | 'service-for-another-account';

/**
 * Principals outside the stack's account: who "external access" means (the report's exposure rule, the review's gate on
 * a new stack, a store's reachability).
 */
export const OUTSIDER_KINDS: readonly AccessPrincipalKind[] = [
  'named-external',
  'other-account',
  'anyone',
  'service-for-another-account',
];

/**
 * The principals the matrix asks for on behalf of everyone of a kind, not one principal: any other principal of the
 * stack's account, a principal of another account, anyone unauthenticated. Each is one principal of the matrix, its
 * id its kind; none has a name (scripts/report/words/access.ts says who it stands for).
 */
export const STAND_IN_PRINCIPALS = ['account-principal', 'other-account', 'anyone'] as const;
export type StandInPrincipalKind = (typeof STAND_IN_PRINCIPALS)[number];

/** Who asks. `id` is stable across a move to another account (addresses, not ARNs), except for named outsiders. */
export type AccessPrincipal = NamedPrincipal | StandInPrincipal;

/**
 * A principal with a name: a role, a policy's holder, a deploy role, a named outsider, an identity provider, a service.
 */
export interface NamedPrincipal {
  id: string;
  kind: Exclude<AccessPrincipalKind, StandInPrincipalKind>;
  /**
   * The role or policy name, the stack of a deploy role, the outside principal as written, or the identity provider.
   */
  name: string;
  /** The account the principal belongs to; null for web identities. */
  account: string | null;
}

/** Everyone of a kind (`STAND_IN_PRINCIPALS`), asked for as one principal. */
export interface StandInPrincipal {
  id: StandInPrincipalKind;
  kind: StandInPrincipalKind;
  /** The stack's account, the stand-in other account (OTHER_ACCOUNT), or null for anyone. */
  account: string | null;
}

export type AccessTargetKind =
  'store' | 'bucket' | 'key' | 'topic' | 'queue' | 'stream' | 'catalog' | 'workgroup' | 'role' | 'policy' | 'outside';

/** What is asked about: a resource of the stack, or everything outside it. */
export type AccessTarget = StackTarget | OutsideTarget;

export interface StackTarget {
  /** A store's id; `policy:` and a bucket's address; the address of the key, topic, queue, stream, database or role. */
  id: string;
  kind: Exclude<AccessTargetKind, 'outside'>;
  name: string;
  /** For a store: its role (event data, failed records, query results, …). */
  storeRole?: Store['role'];
}

/**
 * Anything beyond the stack — another bucket's objects, a new IAM user, another role — as one target, with no name
 * (scripts/report/words/access.ts says what it stands for).
 */
export interface OutsideTarget {
  id: 'outside-the-stack';
  kind: 'outside';
}

export const ACCESS_REQUESTS = [
  'read',
  'write',
  'delete',
  'list',
  'decrypt',
  'administer',
  'change-policy',
  'put-records',
  'read-catalog',
  'change-catalog',
  'read-history',
  'mac',
  'assume',
  'act-outside',
] as const;
export type AccessRequest = (typeof ACCESS_REQUESTS)[number];

export interface AccessCell {
  principal: string;
  request: AccessRequest;
  target: string;
  level: Exclude<AccessLevel, 'denied'>;
  /** The actions allowed (one is enough for the request), as asked. */
  actions: string[];
  /** For `conditional`: the condition keys a request must satisfy. */
  conditionKeys: string[];
}

/** The access matrix of one stack: what was asked of whom, and every answer that was not a denial. */
export interface AccessMatrix {
  principals: AccessPrincipal[];
  targets: AccessTarget[];
  cells: AccessCell[];
  /** What the evaluation could not see, as data (managed policies it cannot read, organization policies not given). */
  unseen: { kind: 'managed-policy' | 'unreadable-policy'; principal: string; arn: string }[];
}

/** Organization policies to include (issue: generated guardrails), as policy documents. */
export interface OrganizationPolicies {
  scps: PolicyDocumentJson[];
  rcps: PolicyDocumentJson[];
}

export interface AccessOptions {
  /** The deploy roles' policies of a pipeline stack (deploy-policy.json), when the tool has them. */
  deployPolicies?: Pick<DeployPolicyJson, 'plan' | 'apply' | 'applyIam'>;
  organization?: OrganizationPolicies;
}

type Body = Record<string, unknown>;
type Doc = { Version: string; Statement: unknown[] };

/** An account id no configuration uses, standing for "an account of someone else". */
export const OTHER_ACCOUNT = '999999999990';

/**
 * The session policy Cognito applies to every guest of an identity pool in the enhanced (simplified) flow:
 * AmazonCognitoUnAuthedIdentitiesSessionPolicy, v3 (edited 2024-11-01), from
 * https://docs.aws.amazon.com/aws-managed-policy/latest/reference/AmazonCognitoUnAuthedIdentitiesSessionPolicy.html
 * (the basic flow, `allow_classic_flow`, applies none).
 */
const COGNITO_GUEST_SCOPE_DOWN: Doc = {
  Version: '2012-10-17',
  Statement: [
    {
      Effect: 'Allow',
      Action: [
        'rum:PutRumEvents',
        'sagemaker:InvokeEndpoint',
        'polly:*',
        'comprehend:*',
        'translate:*',
        'transcribe:*',
        'rekognition:*',
        'mobiletargeting:*',
        'firehose:*',
        'personalize:*',
        'geo:GetMap*',
        'geo:SearchPlaceIndex*',
        'geo:GetPlace',
        'geo:CalculateRoute*',
        'geo:*Geofence',
        'geo:*Geofences',
        'geo:*DevicePosition*',
        'kms:Encrypt',
        'kms:Decrypt',
        'kms:ReEncryptTo',
        'kms:ReEncryptFrom',
        'kms:GenerateDataKey',
        'kms:GenerateDataKeyPair',
        'kms:GenerateDataKeyPairWithoutPlaintext',
        'kms:GenerateDataKeyWithoutPlaintext',
      ],
      Resource: '*',
    },
  ],
};

/** AWS managed policies whose content is known here; any other attached by ARN is listed in `unseen`. */
const KNOWN_MANAGED: Record<string, Doc> = {
  'arn:aws:iam::aws:policy/AdministratorAccess': {
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }],
  },
};

const ADMIN: Doc = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] };

interface Home {
  account: string;
  region: string;
}

const all = resourcesOfType;
const literal = (v: unknown): v is string => typeof v === 'string' && v !== '' && !v.includes('${');

/** The ARN of a resource of the stack: its own (a plan's values), or built the way AWS builds it. */
function arnOf(tf: TerraformJson, type: string, name: string, home: Home): string {
  const b = tf.resource?.[type]?.[name] ?? {};
  if (literal(b.arn)) return b.arn;
  const { account: a, region: r } = home;
  const path = literal(b.path) ? b.path : '/';
  switch (type) {
    case 'aws_s3_bucket':
      return `arn:aws:s3:::${String(b.bucket)}`;
    case 'aws_kms_key':
      return `arn:aws:kms:${r}:${a}:key/${name}`;
    case 'aws_iam_role':
      return `arn:aws:iam::${a}:role${path}${String(b.name)}`;
    case 'aws_iam_policy':
      return `arn:aws:iam::${a}:policy${path}${String(b.name)}`;
    case 'aws_sns_topic':
      return `arn:aws:sns:${r}:${a}:${String(b.name)}`;
    case 'aws_sqs_queue':
      return `arn:aws:sqs:${r}:${a}:${String(b.name)}`;
    case 'aws_kinesis_firehose_delivery_stream':
      return `arn:aws:firehose:${r}:${a}:deliverystream/${String(b.name)}`;
    case 'aws_cloudwatch_log_group':
      return `arn:aws:logs:${r}:${a}:log-group:${String(b.name)}`;
    case 'aws_glue_catalog_database':
      return `arn:aws:glue:${r}:${a}:database/${String(b.name)}`;
    case 'aws_athena_workgroup':
      return `arn:aws:athena:${r}:${a}:workgroup/${String(b.name)}`;
    case 'aws_iam_openid_connect_provider':
      return `arn:aws:iam::${a}:oidc-provider/${String(b.url).replace(/^https:\/\//, '')}`;
    case 'aws_cognito_identity_pool':
      return `arn:aws:cognito-identity:${r}:${a}:identitypool/${r}:${name}`;
    default:
      return `arn:aws:unresolved:${r}:${a}:${type}/${name}`;
  }
}

/** The value a reference `${type.name.attribute}` stands for, as far as it can be known before apply. */
function resolveReference(tf: TerraformJson, ref: string, home: Home): string {
  const parts = ref.split('.');
  if (parts[0] === 'data') {
    const [, type, , attribute] = parts;
    if (type === 'aws_caller_identity' && attribute === 'account_id') return home.account;
    if (type === 'aws_region' && (attribute === 'name' || attribute === 'region' || attribute === 'id'))
      return home.region;
    if (type === 'aws_partition' && attribute === 'partition') return 'aws';
    return `unresolved-${ref}`;
  }
  const [type, name, attribute] = parts;
  const b = tf.resource?.[type]?.[name];
  if (!b) return `unresolved-${ref}`;
  if (literal(b[attribute])) return b[attribute];
  if (attribute === 'arn') return arnOf(tf, type, name, home);
  if (attribute === 'id') {
    if (type === 'aws_iam_role') return String(b.name);
    if (type === 'aws_s3_bucket') return String(b.bucket);
    if (type === 'aws_kms_key') return name;
    if (type === 'aws_cognito_identity_pool') return `${home.region}:${name}`;
    if (type === 'aws_sqs_queue') return `https://sqs.${home.region}.amazonaws.com/${home.account}/${String(b.name)}`;
    return arnOf(tf, type, name, home);
  }
  if (attribute === 'key_id') return name;
  if (attribute === 'url' && type === 'aws_sqs_queue')
    return `https://sqs.${home.region}.amazonaws.com/${home.account}/${String(b.name)}`;
  return `unresolved-${ref}`;
}

/** A value of the JSON with its references resolved. */
const resolveText = (tf: TerraformJson, text: string, home: Home): string =>
  text.replace(/(?<!\$)\$\{([a-zA-Z0-9_.-]+)\}/g, (_, ref: string) => resolveReference(tf, ref, home));

/**
 * A statement whose principal is an S3 canonical user id: someone the evaluator cannot place, asked about as an
 * account other than this one (a canonical id is not an ARN; S3 user guide, "Finding the canonical user ID").
 */
function withoutCanonicalUsers(statement: unknown): unknown {
  const s = statement as Body;
  const principal = s.Principal as Body | undefined;
  if (!principal || typeof principal !== 'object' || principal.CanonicalUser === undefined) return s;
  const { CanonicalUser: _canonical, ...rest } = principal;
  return { ...s, Principal: { ...rest, AWS: [...asList(rest.AWS as string[]), `arn:aws:iam::${OTHER_ACCOUNT}:root`] } };
}

/** A policy document of the JSON (text with `${…}` references) as the document AWS would hold; null if unreadable. */
export function resolvedPolicy(tf: TerraformJson, policy: unknown, home: Home): Doc | null {
  if (typeof policy !== 'string') return null;
  // References resolved; then Terraform's escape of a literal `${` (`$${aws:username}`, a policy variable) undone,
  // so the evaluator sees the variable AWS will (Terraform docs, "String Templates": `$${` for a literal `${`).
  const text = resolveText(tf, policy, home).split('$${').join('${');
  try {
    const doc = JSON.parse(text) as { Statement?: unknown };
    return { Version: '2012-10-17', ...(doc as object), Statement: asList(doc.Statement as unknown[]) } as Doc;
  } catch {
    return null;
  }
}

const pointsAt = (tf: TerraformJson, value: unknown, type: string, name: string, home: Home): boolean => {
  if (value === undefined || value === null) return false;
  const text = String(value);
  if (text.includes(`\${${type}.${name}.`)) return true;
  const b = tf.resource?.[type]?.[name] ?? {};
  return [arnOf(tf, type, name, home), ...['id', 'bucket', 'name', 'key_id'].map((k) => b[k]).filter(literal)].some(
    (v) => text === v || text.startsWith(`${String(v)}/`),
  );
};

/** S3 ACL grants as the bucket-policy statements that grant the same (ACLs are disabled under BucketOwnerEnforced). */
function aclStatements(tf: TerraformJson, bucketName: string, home: Home): unknown[] {
  const enforced = all(tf, 'aws_s3_bucket_ownership_controls').some(
    ([, o]) =>
      pointsAt(tf, o.bucket, 'aws_s3_bucket', bucketName, home) &&
      asList(o.rule as Body[]).some((r) => r.object_ownership === 'BucketOwnerEnforced'),
  );
  if (enforced) return [];
  const arn = arnOf(tf, 'aws_s3_bucket', bucketName, home);
  const grants: { grantee: unknown; permission: string }[] = [];
  const canned: Record<string, [string, string][]> = {
    'public-read': [['*', 'READ']],
    'public-read-write': [
      ['*', 'READ'],
      ['*', 'WRITE'],
    ],
    'authenticated-read': [['*', 'READ']],
  };
  const bucketBody = tf.resource?.aws_s3_bucket?.[bucketName] ?? {};
  const acls = [
    ...all(tf, 'aws_s3_bucket_acl')
      .filter(([, a]) => pointsAt(tf, a.bucket, 'aws_s3_bucket', bucketName, home))
      .map(([, a]) => a),
    ...(bucketBody.acl ? [{ acl: bucketBody.acl }] : []),
  ];
  for (const acl of acls) {
    for (const [grantee, permission] of canned[String(acl.acl)] ?? []) grants.push({ grantee, permission });
    for (const policy of asList(acl.access_control_policy as Body[])) {
      const owner = (asList(policy.owner as Body[])[0] ?? {}).id;
      for (const g of asList(policy.grant as Body[])) {
        const who = (asList(g.grantee as Body[])[0] ?? {}) as Body;
        if (who.type === 'CanonicalUser' && who.id === owner) continue;
        // A group URI (AllUsers, AuthenticatedUsers) is anyone; a canonical user or e-mail is another account's.
        const grantee = who.type === 'Group' ? '*' : { AWS: `arn:aws:iam::${OTHER_ACCOUNT}:root` };
        grants.push({ grantee, permission: String(g.permission) });
      }
    }
  }
  const ACTIONS: Record<string, string[]> = {
    READ: ['s3:ListBucket', 's3:GetObject'],
    WRITE: ['s3:PutObject', 's3:DeleteObject'],
    READ_ACP: ['s3:GetBucketAcl'],
    WRITE_ACP: ['s3:PutBucketAcl'],
    FULL_CONTROL: [
      's3:ListBucket',
      's3:GetObject',
      's3:PutObject',
      's3:DeleteObject',
      's3:GetBucketAcl',
      's3:PutBucketAcl',
    ],
  };
  return grants.map((g) => ({
    Effect: 'Allow',
    Principal: g.grantee === '*' ? '*' : g.grantee,
    Action: ACTIONS[g.permission] ?? ['s3:*'],
    Resource: [arn, `${arn}/*`],
  }));
}

/**
 * Whether the bucket's own public access block restricts public bucket policies (and ignores public ACLs): then S3
 * refuses anyone outside the account what a public policy grants. The account's own setting is not in the stack.
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-control-block-public-access.html
 */
function restrictsPublicBuckets(tf: TerraformJson, bucketName: string, home: Home): boolean {
  return all(tf, 'aws_s3_bucket_public_access_block').some(
    ([, b]) =>
      pointsAt(tf, b.bucket, 'aws_s3_bucket', bucketName, home) &&
      b.restrict_public_buckets === true &&
      b.ignore_public_acls === true,
  );
}

/** The resource policy a request meets at a target, or undefined. */
function resourcePolicyOf(tf: TerraformJson, type: string, name: string, home: Home): Doc | undefined {
  // A policy this model cannot read (a reference, a Terraform function) stands for one that grants outsiders anything:
  // unknown is not none (the synth gate refuses such policies; a plan always has the text).
  // Another account by name, not "*": a public policy is stopped whole by a public access block, a named grant is not.
  const readable = (policy: unknown): Doc =>
    resolvedPolicy(tf, policy, home) ?? {
      Version: '2012-10-17',
      Statement: [
        {
          Sid: 'UnreadablePolicy',
          Effect: 'Allow',
          Principal: { AWS: `arn:aws:iam::${OTHER_ACCOUNT}:root` },
          Action: '*',
          Resource: '*',
        },
      ],
    };
  const merge = (docs: (Doc | null)[], extra: unknown[] = []): Doc | undefined => {
    const statements = [...docs.flatMap((d) => d?.Statement ?? []), ...extra].map(withoutCanonicalUsers);
    return statements.length ? { Version: '2012-10-17', Statement: statements } : undefined;
  };
  switch (type) {
    case 'aws_s3_bucket':
      return merge(
        all(tf, 'aws_s3_bucket_policy')
          .filter(([, p]) => pointsAt(tf, p.bucket, 'aws_s3_bucket', name, home))
          .map(([, p]) => readable(p.policy)),
        aclStatements(tf, name, home),
      );
    case 'aws_kms_key': {
      const key = tf.resource?.aws_kms_key?.[name] ?? {};
      const policies = [
        key.policy,
        ...all(tf, 'aws_kms_key_policy')
          .filter(([, p]) => pointsAt(tf, p.key_id, 'aws_kms_key', name, home))
          .map(([, p]) => p.policy),
      ];
      const given = policies.filter((p) => p !== undefined);
      // A key created without a policy gets AWS's default key policy: the account may use IAM for it.
      // https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-default.html
      const defaultPolicy: Doc = {
        Version: '2012-10-17',
        Statement: [
          { Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${home.account}:root` }, Action: 'kms:*', Resource: '*' },
        ],
      };
      // Grants (aws_kms_grant) give their grantee the operations on the key, as a key policy statement would.
      // https://docs.aws.amazon.com/kms/latest/developerguide/grants.html
      const grants = all(tf, 'aws_kms_grant')
        .filter(([, g]) => pointsAt(tf, g.key_id, 'aws_kms_key', name, home))
        .map(([, g]) => ({
          Effect: 'Allow',
          Principal: { AWS: resolveText(tf, String(g.grantee_principal), home) },
          Action: asList(g.operations as string[]).map((o) => `kms:${String(o)}`),
          Resource: '*',
        }));
      return merge(given.length === 0 ? [defaultPolicy] : given.map(readable), grants);
    }
    case 'aws_sns_topic': {
      // A topic policy resource replaces the topic's own `policy` (which a plan reads back as the same document, or
      // as the service's default before the policy resource is applied): one of them, never both.
      const own = all(tf, 'aws_sns_topic_policy')
        .filter(([, p]) => pointsAt(tf, p.arn, 'aws_sns_topic', name, home))
        .map(([, p]) => readable(p.policy));
      return merge(own.length ? own : [resolvedPolicy(tf, tf.resource?.aws_sns_topic?.[name]?.policy, home)]);
    }
    case 'aws_sqs_queue': {
      const own = all(tf, 'aws_sqs_queue_policy')
        .filter(([, p]) => pointsAt(tf, p.queue_url, 'aws_sqs_queue', name, home))
        .map(([, p]) => readable(p.policy));
      return merge(own.length ? own : [resolvedPolicy(tf, tf.resource?.aws_sqs_queue?.[name]?.policy, home)]);
    }
    case 'aws_glue_catalog_database':
      // The Data Catalog's resource policy is the account's and region's, one for every database.
      return merge(all(tf, 'aws_glue_resource_policy').map(([, p]) => readable(p.policy)));
    case 'aws_iam_role':
      return merge([readable(tf.resource?.aws_iam_role?.[name]?.assume_role_policy)]);
    default:
      return undefined;
  }
}

type Asker = AccessPrincipal & {
  arn: string | { type: 'Anonymous' };
  identity: Doc[];
  boundary?: Doc;
  session?: Doc;
  /** Asks only to assume roles (a web identity), or never acts outside the stack (an outsider already can). */
  only?: AccessRequest[];
  /** What its requests carry besides the defaults (a service acting for another account). */
  context?: Record<string, string>;
};

/** The identity policies of a role of the stack: inline, in-line blocks of a plan, attached (by any resource). */
function roleIdentity(
  tf: TerraformJson,
  name: string,
  home: Home,
  unseen: AccessMatrix['unseen'],
  id: string,
): { identity: Doc[]; boundary?: Doc } {
  const role = tf.resource?.aws_iam_role?.[name] ?? {};
  const onRole = (v: unknown) => pointsAt(tf, v, 'aws_iam_role', name, home) || v === role.name;
  // A policy this model cannot read (a reference, a Terraform function) is taken as granting everything: unknown is
  // not none. The synth gate refuses such policies (least-privilege-policy-parseable); a plan always has the text.
  const readable = (policy: unknown, where: string): Doc => {
    const doc = resolvedPolicy(tf, policy, home);
    if (doc) return doc;
    unseen.push({ kind: 'unreadable-policy', principal: id, arn: where });
    return ADMIN;
  };
  const identity: (Doc | null)[] = [
    ...all(tf, 'aws_iam_role_policy')
      .filter(([, p]) => onRole(p.role))
      .map(([n, p]) => readable(p.policy, `aws_iam_role_policy.${n}`)),
    ...asList(role.inline_policy as Body[]).map((p) => readable(p.policy, `inline policy ${String(p.name ?? '')}`)),
  ];
  const arns = [
    ...all(tf, 'aws_iam_role_policy_attachment')
      .filter(([, a]) => onRole(a.role))
      .map(([, a]) => a.policy_arn),
    ...all(tf, 'aws_iam_policy_attachment')
      .filter(([, a]) => asList(a.roles as unknown[]).some(onRole))
      .map(([, a]) => a.policy_arn),
    ...asList(role.managed_policy_arns as unknown[]),
  ];
  const policyDoc = (arn: unknown): Doc | null | undefined => {
    const own = all(tf, 'aws_iam_policy').find(([n]) => pointsAt(tf, arn, 'aws_iam_policy', n, home));
    if (own)
      return (
        resolvedPolicy(tf, own[1].policy, home) ??
        (unseen.push({ kind: 'unreadable-policy', principal: id, arn: `aws_iam_policy.${own[0]}` }), ADMIN)
      );
    return KNOWN_MANAGED[String(arn)];
  };
  for (const arn of arns) {
    const doc = policyDoc(arn);
    if (doc) identity.push(doc);
    else unseen.push({ kind: 'managed-policy', principal: id, arn: String(arn) });
  }
  const boundaryDoc =
    role.permissions_boundary !== undefined && role.permissions_boundary !== null && role.permissions_boundary !== ''
      ? policyDoc(role.permissions_boundary)
      : undefined;
  return { identity: identity.filter((d): d is Doc => d !== null), ...(boundaryDoc ? { boundary: boundaryDoc } : {}) };
}

/** Principals named in trust and resource policies that belong to another account: each asked about by name. */
function namedOutsiders(docs: Doc[], home: Home): { arn: string; account: string; name: string }[] {
  const found = new Map<string, { arn: string; account: string; name: string }>();
  // An account a condition names (kms:CallerAccount, aws:PrincipalAccount, aws:SourceAccount = 999999999999 with
  // Principal "*") is asked about by name too: one stand-in for "any other account" could be the one excluded.
  for (const doc of docs) {
    for (const s of doc.Statement as Body[]) {
      for (const m of JSON.stringify(s.Condition ?? {}).matchAll(/\b(\d{12})\b/g)) {
        if (m[1] !== home.account && m[1] !== OTHER_ACCOUNT && !found.has(m[1]))
          found.set(m[1], { arn: `arn:aws:iam::${m[1]}:role/any-principal`, account: m[1], name: m[1] });
      }
    }
  }
  for (const doc of docs) {
    for (const s of doc.Statement as Body[]) {
      const principal = (s.Principal ?? s.NotPrincipal) as Body | string | undefined;
      if (!principal || typeof principal === 'string') continue;
      for (const v of asList(principal.AWS as string[])) {
        const text = String(v);
        const account = /^\d{12}$/.test(text) ? text : /^arn:aws[a-z-]*:(?:iam|sts)::(\d{12}):/.exec(text)?.[1];
        if (!account || account === home.account || account === OTHER_ACCOUNT) continue;
        const arn = /:role\/|:user\/|:assumed-role\/|:federated-user\//.test(text)
          ? text
          : `arn:aws:iam::${account}:role/any-principal`;
        found.set(text, { arn, account, name: text });
      }
    }
  }
  return [...found.values()].sort((a, b) => a.name.localeCompare(b.name));
}

interface Ask {
  target: AccessTarget;
  request: AccessRequest;
  /** Alternatives: any one allowed is enough. Each is a list of calls that must all be allowed. */
  ways: {
    action: string;
    resource: string;
    policy?: Doc;
    context?: Record<string, string>;
    blockPublicAccess?: boolean;
  }[][];
}

/** What is asked of each target. */
function asks(tf: TerraformJson, stores: Store[], home: Home): Ask[] {
  const result: Ask[] = [];
  const bucketOfName = new Map(all(tf, 'aws_s3_bucket').map(([n, b]) => [String(b.bucket), n]));
  const keyArnOf = (store: Store): string | undefined => {
    if (store.encryption.kind !== 'kms') return undefined;
    const key = store.encryption.key;
    if (key.kind === 'own') return arnOf(tf, 'aws_kms_key', key.address.split('.')[1], home);
    return undefined;
  };
  const keyPolicyOf = (arn: string | undefined) => {
    const key = all(tf, 'aws_kms_key').find(([n]) => arnOf(tf, 'aws_kms_key', n, home) === arn);
    return key ? resourcePolicyOf(tf, 'aws_kms_key', key[0], home) : undefined;
  };
  for (const store of stores.filter((s) => s.kind === 's3')) {
    const [bucket, ...rest] = store.name.split('/');
    const prefix = rest.join('/');
    const bucketName = bucketOfName.get(bucket);
    if (!bucketName) continue;
    const bucketArn = arnOf(tf, 'aws_s3_bucket', bucketName, home);
    const object = `${bucketArn}/${prefix}any-object`;
    const policy = resourcePolicyOf(tf, 'aws_s3_bucket', bucketName, home);
    const keyArn = keyArnOf(store);
    const keyPolicy = keyPolicyOf(keyArn);
    const viaS3 = {
      'kms:ViaService': `s3.${home.region}.amazonaws.com`,
      'kms:EncryptionContext:aws:s3:arn': bucketArn,
    };
    const blockPublicAccess = restrictsPublicBuckets(tf, bucketName, home);
    const s3 = (action: string, resource = object, context: Record<string, string> = {}) => ({
      action,
      resource,
      ...(policy ? { policy } : {}),
      context,
      blockPublicAccess,
    });
    const kms = (action: string) => ({
      action,
      resource: keyArn!,
      ...(keyPolicy ? { policy: keyPolicy } : {}),
      context: viaS3,
    });
    const target: AccessTarget = { id: store.id, kind: 'store', name: store.name, storeRole: store.role };
    result.push(
      {
        target,
        request: 'read',
        ways: [
          [s3('s3:GetObject'), ...(keyArn ? [kms('kms:Decrypt')] : [])],
          [s3('s3:GetObjectVersion'), ...(keyArn ? [kms('kms:Decrypt')] : [])],
        ],
      },
      {
        target,
        request: 'write',
        ways: [[s3('s3:PutObject'), ...(keyArn ? [kms('kms:GenerateDataKey')] : [])], [s3('s3:PutObjectAcl')]],
      },
      {
        target,
        request: 'delete',
        ways: [
          [s3('s3:DeleteObject')],
          [s3('s3:DeleteObjectVersion')],
          [s3('s3:PutLifecycleConfiguration', bucketArn)],
        ],
      },
      {
        target,
        request: 'list',
        ways: [
          [s3('s3:ListBucket', bucketArn, { 's3:prefix': prefix })],
          [s3('s3:ListBucketVersions', bucketArn, { 's3:prefix': prefix })],
        ],
      },
    );
  }
  for (const [name, b] of all(tf, 'aws_s3_bucket')) {
    const arn = arnOf(tf, 'aws_s3_bucket', name, home);
    const policy = resourcePolicyOf(tf, 'aws_s3_bucket', name, home);
    const blockPublicAccess = restrictsPublicBuckets(tf, name, home);
    const ways = [
      's3:PutBucketPolicy',
      's3:DeleteBucketPolicy',
      's3:PutBucketAcl',
      's3:PutBucketPublicAccessBlock',
      's3:PutBucketOwnershipControls',
      's3:PutReplicationConfiguration',
    ].map((action) => [{ action, resource: arn, ...(policy ? { policy } : {}), blockPublicAccess }]);
    // `policy:`: a bucket's own target, apart from a store that is the whole bucket (a state bucket), same address.
    result.push({
      target: { id: `policy:aws_s3_bucket.${name}`, kind: 'bucket', name: String(b.bucket) },
      request: 'change-policy',
      ways,
    });
  }
  for (const [name, k] of all(tf, 'aws_kms_key')) {
    const arn = arnOf(tf, 'aws_kms_key', name, home);
    const policy = resourcePolicyOf(tf, 'aws_kms_key', name, home);
    const call = (action: string) => [{ action, resource: arn, ...(policy ? { policy } : {}) }];
    const alias = all(tf, 'aws_kms_alias').find(([, a]) =>
      pointsAt(tf, a.target_key_id, 'aws_kms_key', name, home),
    )?.[1].name;
    const target: AccessTarget = { id: `aws_kms_key.${name}`, kind: 'key', name: String(alias ?? name) };
    // An HMAC key (the erasure receipts'): whoever may make or check a MAC with it can test a guessed id against
    // the MACs it keyed (KMS API reference, GenerateMac, VerifyMac).
    if (k.key_usage === 'GENERATE_VERIFY_MAC')
      result.push({ target, request: 'mac', ways: [call('kms:GenerateMac'), call('kms:VerifyMac')] });
    result.push(
      { target, request: 'decrypt', ways: [call('kms:Decrypt')] },
      {
        target,
        request: 'administer',
        ways: ['kms:PutKeyPolicy', 'kms:ScheduleKeyDeletion', 'kms:DisableKey', 'kms:CreateGrant'].map(call),
      },
    );
  }
  for (const [type, action] of [
    ['aws_sns_topic', 'sns:SetTopicAttributes'],
    ['aws_sqs_queue', 'sqs:SetQueueAttributes'],
  ] as const) {
    for (const [name, b] of all(tf, type)) {
      const policy = resourcePolicyOf(tf, type, name, home);
      const target: AccessTarget = {
        id: `${type}.${name}`,
        kind: type === 'aws_sns_topic' ? 'topic' : 'queue',
        name: String(b.name),
      };
      const call = (a: string) => [{ action: a, resource: arnOf(tf, type, name, home), ...(policy ? { policy } : {}) }];
      // Reading a topic is subscribing to it; writing, publishing (a queue: receiving and sending).
      result.push({
        target,
        request: 'read',
        ways: [call(type === 'aws_sns_topic' ? 'sns:Subscribe' : 'sqs:ReceiveMessage')],
      });
      result.push({
        target,
        request: 'write',
        ways: [call(type === 'aws_sns_topic' ? 'sns:Publish' : 'sqs:SendMessage')],
      });
      result.push({
        target,
        request: 'change-policy',
        ways: [
          [{ action, resource: arnOf(tf, type, name, home), ...(policy ? { policy } : {}) }],
          [
            {
              action: type === 'aws_sns_topic' ? 'sns:DeleteTopic' : 'sqs:DeleteQueue',
              resource: arnOf(tf, type, name, home),
              ...(policy ? { policy } : {}),
            },
          ],
        ],
      });
    }
  }
  for (const [name, b] of all(tf, 'aws_kinesis_firehose_delivery_stream')) {
    const arn = arnOf(tf, 'aws_kinesis_firehose_delivery_stream', name, home);
    const target: AccessTarget = {
      id: `aws_kinesis_firehose_delivery_stream.${name}`,
      kind: 'stream',
      name: String(b.name),
    };
    // PutRecordBatch first: what the app's SDKs send, so the action a reader sees named.
    result.push({
      target,
      request: 'put-records',
      ways: [[{ action: 'firehose:PutRecordBatch', resource: arn }], [{ action: 'firehose:PutRecord', resource: arn }]],
    });
    // Redirecting or stopping the stream moves or drops every event after it.
    result.push({
      target,
      request: 'administer',
      ways: [
        'firehose:UpdateDestination',
        'firehose:DeleteDeliveryStream',
        'firehose:StopDeliveryStreamEncryption',
      ].map((action) => [{ action, resource: arn }]),
    });
  }
  for (const [name, b] of all(tf, 'aws_glue_catalog_database')) {
    const tableArn = (t: string) => `arn:aws:glue:${home.region}:${home.account}:table/${String(b.name)}/${t}`;
    // Any table of the database, and each table the stack keeps in it by name: a principal scoped to one table (the
    // crawler to the events table) still reads or changes the catalog.
    const ownTables = all(tf, 'aws_glue_catalog_table')
      .filter(([, t]) => String(t.database_name).includes(`aws_glue_catalog_database.${name}.`))
      .map(([, t]) => String(t.name));
    const tables = ['any-table', ...ownTables].map(tableArn);
    const database = arnOf(tf, 'aws_glue_catalog_database', name, home);
    const target: AccessTarget = { id: `aws_glue_catalog_database.${name}`, kind: 'catalog', name: String(b.name) };
    const policy = resourcePolicyOf(tf, 'aws_glue_catalog_database', name, home);
    const call = (action: string, resource: string) => [{ action, resource, ...(policy ? { policy } : {}) }];
    result.push(
      {
        target,
        request: 'read-catalog',
        ways: tables.flatMap((table) => [call('glue:GetTable', table), call('glue:GetPartitions', table)]),
      },
      {
        target,
        request: 'change-catalog',
        ways: tables
          .flatMap((table) =>
            ['glue:UpdateTable', 'glue:DeleteTable', 'glue:CreateTable', 'glue:BatchDeletePartition'].map((action) =>
              call(action, table),
            ),
          )
          .concat([call('glue:DeleteDatabase', database)]),
      },
    );
  }
  // Every workgroup's query history: a query's SQL and execution parameters (GetQueryExecution, ListQueryExecutions
  // list and return them for 45 days) and its results (GetQueryResults), each authorized on the workgroup's ARN
  // (Service Authorization Reference, Amazon Athena: resource type workgroup). Athena has no resource policies.
  for (const [name, b] of all(tf, 'aws_athena_workgroup')) {
    const arn = arnOf(tf, 'aws_athena_workgroup', name, home);
    result.push({
      target: { id: `aws_athena_workgroup.${name}`, kind: 'workgroup', name: String(b.name) },
      request: 'read-history',
      ways: [
        'athena:GetQueryExecution',
        'athena:ListQueryExecutions',
        'athena:BatchGetQueryExecution',
        'athena:GetQueryResults',
      ].map((action) => [{ action, resource: arn }]),
    });
  }
  for (const [name, b] of all(tf, 'aws_iam_role')) {
    const arn = arnOf(tf, 'aws_iam_role', name, home);
    const policy = resourcePolicyOf(tf, 'aws_iam_role', name, home);
    const target: AccessTarget = { id: `aws_iam_role.${name}`, kind: 'role', name: String(b.name) };
    result.push({
      target,
      request: 'assume',
      ways: ['sts:AssumeRole', 'sts:AssumeRoleWithWebIdentity', 'sts:AssumeRoleWithSAML'].map((action) => [
        { action, resource: arn, ...(policy ? { policy } : {}) },
      ]),
    });
    // Whoever may change a role's policies or trust may take whatever the role could reach (privilege escalation).
    result.push({
      target,
      request: 'administer',
      ways: [
        'iam:PutRolePolicy',
        'iam:AttachRolePolicy',
        'iam:UpdateAssumeRolePolicy',
        'iam:DeleteRolePermissionsBoundary',
        'iam:PutRolePermissionsBoundary',
      ].map((action) => [{ action, resource: arn }]),
    });
  }
  for (const [name, b] of all(tf, 'aws_iam_policy')) {
    const arn = arnOf(tf, 'aws_iam_policy', name, home);
    result.push({
      target: { id: `aws_iam_policy.${name}`, kind: 'policy', name: String(b.name) },
      request: 'administer',
      ways: ['iam:CreatePolicyVersion', 'iam:SetDefaultPolicyVersion'].map((action) => [{ action, resource: arn }]),
    });
  }
  // Anything beyond the stack: another bucket's objects, creating an IAM user, another key. A role of the stack
  // allowed one of them has more than least privilege (IAM.1, IAM.21).
  const outside: AccessTarget = { id: 'outside-the-stack', kind: 'outside' };
  result.push({
    target: outside,
    request: 'act-outside',
    ways: [
      [{ action: 's3:GetObject', resource: 'arn:aws:s3:::a-bucket-outside-the-stack/any-object' }],
      [{ action: 's3:PutBucketPolicy', resource: 'arn:aws:s3:::a-bucket-outside-the-stack' }],
      [{ action: 'iam:CreateUser', resource: `arn:aws:iam::${home.account}:user/any-user` }],
      [{ action: 'iam:PutRolePolicy', resource: `arn:aws:iam::${home.account}:role/a-role-outside-the-stack` }],
      [{ action: 'iam:PassRole', resource: `arn:aws:iam::${home.account}:role/a-role-outside-the-stack` }],
      [{ action: 'sts:AssumeRole', resource: `arn:aws:iam::${home.account}:role/a-role-outside-the-stack` }],
      [
        {
          action: 'secretsmanager:GetSecretValue',
          resource: `arn:aws:secretsmanager:${home.region}:${home.account}:secret:any-secret-AbCdEf`,
        },
      ],
      [
        {
          action: 'firehose:PutRecordBatch',
          resource: `arn:aws:firehose:${home.region}:${home.account}:deliverystream/a-stream-outside-the-stack`,
        },
      ],
      [
        {
          action: 'kms:Decrypt',
          resource: `arn:aws:kms:${home.region}:${home.account}:key/a-key-outside-the-stack`,
          policy: {
            Version: '2012-10-17',
            Statement: [
              {
                Effect: 'Allow',
                Principal: { AWS: `arn:aws:iam::${home.account}:root` },
                Action: 'kms:*',
                Resource: '*',
              },
            ],
          },
        },
      ],
    ],
  });
  return result;
}

/** Who is asked about. */
function askers(tf: TerraformJson, home: Home, options: AccessOptions, unseen: AccessMatrix['unseen']): Asker[] {
  const result: Asker[] = [];
  const pool = all(tf, 'aws_cognito_identity_pool')[0]?.[1];
  const guestRoles = new Set(
    all(tf, 'aws_cognito_identity_pool_roles_attachment').flatMap(([, a]) => {
      const roles = (asList(a.roles as Body | Body[])[0] ?? {}) as Body;
      return all(tf, 'aws_iam_role')
        .filter(([n]) => pointsAt(tf, roles.unauthenticated, 'aws_iam_role', n, home))
        .map(([n]) => n);
    }),
  );
  const attached = new Set<string>();
  for (const [name, role] of all(tf, 'aws_iam_role')) {
    const id = `aws_iam_role.${name}`;
    const { identity, boundary } = roleIdentity(tf, name, home, unseen, id);
    const guest = guestRoles.has(name);
    // Cognito's scope-down applies in the enhanced flow only; with the basic flow allowed, a guest gets the role whole.
    const session = guest && pool?.allow_classic_flow !== true ? COGNITO_GUEST_SCOPE_DOWN : undefined;
    const arn = guest
      ? `arn:aws:sts::${home.account}:assumed-role/${String(role.name)}/CognitoIdentityCredentials`
      : arnOf(tf, 'aws_iam_role', name, home);
    result.push({
      id,
      kind: guest ? 'guest' : 'stack-role',
      name: String(role.name),
      account: home.account,
      arn,
      identity,
      ...(boundary ? { boundary } : {}),
      ...(session ? { session } : {}),
    });
  }
  for (const [, a] of [...all(tf, 'aws_iam_role_policy_attachment'), ...all(tf, 'aws_iam_policy_attachment')])
    attached.add(String(a.policy_arn));
  for (const [name, policy] of all(tf, 'aws_iam_policy')) {
    const attachedToStackRole = [...attached].some((arn) => pointsAt(tf, arn, 'aws_iam_policy', name, home));
    const doc = resolvedPolicy(tf, policy.policy, home);
    // A permissions boundary (made here for a pipeline stack's roles) caps them and is held by nobody.
    const boundary =
      isPermissionsBoundaryName(String(policy.name)) ||
      all(tf, 'aws_iam_role').some(([, r]) => pointsAt(tf, r.permissions_boundary, 'aws_iam_policy', name, home));
    if (attachedToStackRole || boundary || !doc) continue;
    // A policy for people outside the stack (SSO permission sets, federation): whoever holds it.
    result.push({
      id: `aws_iam_policy.${name}`,
      kind: 'policy-holder',
      name: String(policy.name),
      account: home.account,
      arn: `arn:aws:iam::${home.account}:role/holder-of-${String(policy.name)}`,
      identity: [doc],
    });
  }
  const stackName = (tf.provider?.aws?.[0]?.default_tags as Body[] | undefined)?.[0]?.tags as
    Record<string, string> | undefined;
  if (options.deployPolicies) {
    for (const phase of ['plan', 'apply'] as const) {
      const docs: Doc[] = [
        options.deployPolicies[phase],
        ...(phase === 'apply' && options.deployPolicies.applyIam ? [options.deployPolicies.applyIam] : []),
      ];
      result.push({
        id: `deploy:${phase}`,
        kind: phase === 'plan' ? 'deploy-plan' : 'deploy-apply',
        name: `${stackName?.Stack ?? 'stack'} ${phase} role`,
        account: home.account,
        arn: `arn:aws:iam::${home.account}:role/deploy-${phase}`,
        identity: docs,
      });
    }
  }
  result.push({
    id: 'account-principal',
    kind: 'account-principal',
    account: home.account,
    arn: `arn:aws:iam::${home.account}:role/another-principal-of-this-account`,
    identity: [ADMIN],
    only: [...ACCESS_REQUESTS].filter((r) => r !== 'act-outside'),
  });
  const resourceDocs = [
    ...all(tf, 'aws_iam_role').map(([n]) => resourcePolicyOf(tf, 'aws_iam_role', n, home)),
    ...all(tf, 'aws_s3_bucket').map(([n]) => resourcePolicyOf(tf, 'aws_s3_bucket', n, home)),
    ...all(tf, 'aws_kms_key').map(([n]) => resourcePolicyOf(tf, 'aws_kms_key', n, home)),
    ...all(tf, 'aws_sns_topic').map(([n]) => resourcePolicyOf(tf, 'aws_sns_topic', n, home)),
    ...all(tf, 'aws_sqs_queue').map(([n]) => resourcePolicyOf(tf, 'aws_sqs_queue', n, home)),
    ...all(tf, 'aws_glue_catalog_database').map(([n]) => resourcePolicyOf(tf, 'aws_glue_catalog_database', n, home)),
  ].filter((d): d is Doc => d !== undefined);
  const noOutside = [...ACCESS_REQUESTS].filter((r) => r !== 'act-outside');
  for (const o of namedOutsiders(resourceDocs, home)) {
    result.push({
      id: `named:${o.name}`,
      kind: 'named-external',
      name: o.name,
      account: o.account,
      arn: o.arn,
      identity: [ADMIN],
      only: noOutside,
    });
  }
  result.push({
    id: 'other-account',
    kind: 'other-account',
    account: OTHER_ACCOUNT,
    arn: `arn:aws:iam::${OTHER_ACCOUNT}:role/any-principal`,
    identity: [ADMIN],
    only: noOutside,
  });
  result.push({
    id: 'anyone',
    kind: 'anyone',
    account: null,
    arn: { type: 'Anonymous' },
    identity: [],
    only: noOutside,
  });
  // An AWS service trusted by a role, acting for someone else's resource (the confused deputy): what
  // aws:SourceAccount, aws:SourceArn or sts:ExternalId conditions are there to refuse.
  // https://docs.aws.amazon.com/IAM/latest/UserGuide/confused-deputy.html
  const services = new Set<string>();
  for (const doc of all(tf, 'aws_iam_role').map(([n]) => resourcePolicyOf(tf, 'aws_iam_role', n, home))) {
    for (const s of (doc?.Statement ?? []) as Body[])
      for (const p of asList(((s.Principal ?? {}) as Body).Service as string[])) services.add(String(p));
  }
  for (const service of [...services].sort()) {
    const relativeService = service.split(home.region).join('<region>');
    result.push({
      id: `service:${relativeService}`,
      kind: 'service-for-another-account',
      name: service,
      account: OTHER_ACCOUNT,
      arn: service,
      identity: [],
      only: ['assume'],
      context: {
        'aws:SourceAccount': OTHER_ACCOUNT,
        'aws:SourceArn': `arn:aws:${service.split('.')[0]}:${home.region}:${OTHER_ACCOUNT}:any-resource`,
        'sts:ExternalId': OTHER_ACCOUNT,
      },
    });
  }
  const providers = new Set<string>();
  for (const doc of all(tf, 'aws_iam_role').map(([n]) => resourcePolicyOf(tf, 'aws_iam_role', n, home))) {
    for (const s of (doc?.Statement ?? []) as Body[])
      for (const p of asList(((s.Principal ?? {}) as Body).Federated as string[])) providers.add(String(p));
  }
  for (const provider of [...providers].sort()) {
    const relativeProvider = provider.split(home.account).join('<account>');
    result.push({
      id: `web-identity:${relativeProvider}`,
      kind: 'web-identity',
      name: provider,
      account: null,
      arn: provider,
      identity: [],
      only: ['assume'],
    });
  }
  return result;
}

const cache = new Map<string, { level: AccessLevel; keys: string[] }>();

/**
 * Whether some Allow statement of the policies could apply to the call: its `Action` matching the action (or
 * `NotAction` not matching it) and its `Resource` possibly covering the resource (`couldCover`). Without one, AWS
 * denies implicitly whatever the rest says ("an implicit deny … if no applicable policy includes an Allow
 * statement", https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html), so the
 * evaluation is skipped: a shortcut for speed only, never a decision to allow.
 */
function someAllowCouldMatch(docs: (Doc | undefined)[], action: string, resource: string): boolean {
  // Loops, not closures: this runs for every call of every matrix, cached answers included.
  for (const doc of docs)
    for (const s of (doc?.Statement ?? []) as Body[])
      if (s.Effect === 'Allow' && couldMatch(s, action) && couldCover(s, resource)) return true;
  return false;
}

const statementMatches = new WeakMap<Body, Map<string, boolean>>();

/** Whether a statement's `Action` (or `NotAction`) could cover the action; kept per statement object and action. */
export function couldMatch(s: Body, action: string): boolean {
  let answers = statementMatches.get(s);
  if (!answers) statementMatches.set(s, (answers = new Map()));
  let answer = answers.get(action);
  if (answer === undefined) {
    const names = (value: unknown) => asList(value as string[]).some((p) => iamWildcardMatch(String(p), action, true));
    answer = s.Action !== undefined ? names(s.Action) : s.NotAction !== undefined ? !names(s.NotAction) : false;
    answers.set(action, answer);
  }
  return answer;
}

const statementCovers = new WeakMap<Body, Map<string, boolean>>();

/**
 * An ARN (or ARN pattern) as the simulator compares it: partition, service, region, account and the rest, the text
 * before the first colon ignored and missing segments taken as `*` (how iam-simulate reads a short pattern, where it
 * reads it at all: resource/resource.js, `singleResourceMatchesRequest`).
 */
function arnParts(arn: string): string[] {
  const segments = arn.split(':');
  while (segments.length < 6) segments.push('*');
  return [...segments.slice(1, 5), segments.slice(5).join(':')];
}

/**
 * Whether two parts of ARN patterns could have a text in common, judged only by their literal beginnings (up to the
 * first wildcard: `*` and `?` in a policy, `*` in a request resource), compared without case: when one is not the
 * beginning of the other, nothing matches both. Two parts without wildcards must be equal.
 */
function partsMayMeet(policyPart: string, requestPart: string): boolean {
  // Beyond printable ASCII, the simulator's case-insensitive regular expressions equate letters that toLowerCase
  // keeps apart (σ, ς, Σ).
  if (/[^ -~]/.test(policyPart + requestPart)) return true;
  const p = policyPart.toLowerCase();
  const r = requestPart.toLowerCase();
  const literalP = p.split(/[*?]/)[0];
  const literalR = r.split('*')[0];
  if (literalP === p && literalR === r) return p === r;
  const n = Math.min(literalP.length, literalR.length);
  return literalP.slice(0, n) === literalR.slice(0, n);
}

/**
 * Whether a statement's `Resource` could cover the resource. Only a certain mismatch counts as not covering: some
 * part of the pattern (partition, service, region, account or the rest) whose literal beginning disagrees with the
 * resource's. That is wider than the simulator, which matches each part from its start (without case for the first
 * four, by overlap for a request resource with wildcards), so every resource it covers counts; a pattern with a policy
 * variable, or that is not text, counts as covering. An empty `Resource` covers it (the validator refuses the
 * document when it is evaluated); a `NotResource` excludes only when it is all wildcards; a statement with neither (a
 * trust policy) covers it. Kept per statement and resource.
 */
export function couldCover(s: Body, resource: string): boolean {
  let answers = statementCovers.get(s);
  if (!answers) statementCovers.set(s, (answers = new Map()));
  let answer = answers.get(resource);
  if (answer === undefined) {
    const target = arnParts(resource);
    const covers = (p: unknown) =>
      typeof p !== 'string' || p.includes('${') || arnParts(p).every((part, i) => partsMayMeet(part, target[i]));
    const resources = asList(s.Resource as unknown[]);
    answer =
      s.Resource !== undefined
        ? resources.length === 0 || resources.some(covers)
        : s.NotResource !== undefined
          ? !asList(s.NotResource as unknown[]).some((p) => typeof p === 'string' && /^\*+$/.test(p))
          : true;
    answers.set(resource, answer);
  }
  return answer;
}

/**
 * Whether Discovery mode could answer otherwise than Strict: some statement that could cover the action has a
 * condition (an unknown key's value may change the answer), or names a role session as its principal
 * (`arn:aws:sts::…:assumed-role/<role>/<session>`): an asker stands for every session of its role, and Discovery
 * treats the session's name as unknown (iam-simulate's principal/principal.js, `ignoredRoleSessionName`), so "some
 * session of the role may" shows as conditional instead of denied. Without either, Discovery would only repeat
 * Strict's answer (a shortcut for speed, never a decision).
 */
const namesSession = (s: Body): boolean =>
  [s.Principal, s.NotPrincipal].some((p) => p !== undefined && JSON.stringify(p).includes(':assumed-role/'));
const discoveryCouldDiffer = (docs: unknown[], action: string): boolean =>
  docs.some((doc) =>
    (((doc as Doc | undefined)?.Statement ?? []) as Body[]).some(
      (s) => (s.Condition !== undefined || namesSession(s)) && couldMatch(s, action),
    ),
  );

const textIds = new Map<string, number>();
const ids = new WeakMap<object, string>();
/**
 * A document's number in cache keys: one per distinct JSON text, so equal documents in different objects (a stack
 * parsed again, the same policy in another stack) share their cached answers, and a key holds a number where it would
 * hold the document's whole text (building and hashing those keys was ~3% of the test suite's CPU, 2026-12-07).
 */
const idOf = (doc: object | undefined): string => {
  if (!doc) return '';
  let id = ids.get(doc);
  if (id === undefined) {
    const text = JSON.stringify(doc);
    let n = textIds.get(text);
    if (n === undefined) textIds.set(text, (n = textIds.size));
    ids.set(doc, (id = `#${n}`));
  }
  return id;
};

function conditionKeys(expression: AllowedConditionExpression | undefined): string[] {
  if (!expression) return [];
  if (expression.conditionType === 'condition') return [expression.key];
  if (expression.conditionType === 'group') return expression.conditions.flatMap(conditionKeys);
  return [];
}

const askerKeys = new WeakMap<Asker, string>();
/** What an asker brings to a request, as JSON (its documents by number): kept per asker object. */
function askerKey(asker: Asker): string {
  let key = askerKeys.get(asker);
  if (key === undefined) {
    key = JSON.stringify([
      asker.arn,
      asker.kind,
      asker.account,
      asker.identity.map(idOf),
      idOf(asker.boundary),
      idOf(asker.session),
      asker.context ?? null,
    ]);
    askerKeys.set(asker, key);
  }
  return key;
}

/** One call, evaluated: Strict with what a real request carries, then Discovery for what cannot be known here. */
function evaluate(
  asker: Asker,
  call: Ask['ways'][number][number],
  home: Home,
  organization?: OrganizationPolicies,
): { level: AccessLevel; keys: string[] } {
  // From another account, or anonymously, only a resource policy can grant: the caller's own policies are not enough.
  // https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic-cross-account.html
  const outside = asker.account !== home.account;
  if (
    !someAllowCouldMatch([call.policy], call.action, call.resource) &&
    (outside || !someAllowCouldMatch(asker.identity, call.action, call.resource))
  )
    return { level: 'denied', keys: [] };
  // Everything the evaluation reads (the request is a function of the asker, the call, the stack's home and the
  // organization's policies), each document by its number: JSON, so no two inputs share a key. Built before the
  // request itself, which only a first evaluation needs.
  const key = `${askerKey(asker)}\u0000${JSON.stringify([
    home.account,
    home.region,
    call.action,
    call.resource,
    idOf(call.policy),
    call.context ?? null,
    idOf(organization),
    Boolean(call.blockPublicAccess),
  ])}`;
  let result = cache.get(key);
  if (!result) {
    const principalAccount = typeof asker.arn === 'string' ? /::(\d{12}):/.exec(asker.arn)?.[1] : undefined;
    // Facts of who asks: the account always; the ARN only where the principal is a real one (not "any principal").
    // "Any other account" is no account in particular: its account id is left unknown, so a policy that excludes one
    // account id (StringNotEquals kms:CallerAccount) is not judged by the stand-in's.
    const anyAccount = asker.kind === 'other-account';
    const who: Record<string, string> = {
      ...(principalAccount && !anyAccount ? { 'aws:PrincipalAccount': principalAccount } : {}),
      ...(typeof asker.arn === 'string' &&
      ['stack-role', 'guest', 'named-external'].includes(asker.kind) &&
      principalAccount
        ? { 'aws:PrincipalArn': asker.arn }
        : {}),
    };
    const input = {
      principal: asker.arn,
      action: call.action,
      resource: call.resource,
      resourceAccount: home.account,
      context: {
        'aws:SecureTransport': 'true',
        'aws:RequestedRegion': home.region,
        ...who,
        ...(principalAccount && !anyAccount && call.action.startsWith('kms:')
          ? { 'kms:CallerAccount': principalAccount }
          : {}),
        ...(asker.context ?? {}),
        ...(call.context ?? {}),
      },
      identity: asker.identity,
      known: [
        'aws:RequestedRegion',
        ...Object.keys(who),
        ...Object.keys(asker.context ?? {}),
        ...Object.keys(call.context ?? {}),
        ...(call.action.startsWith('kms:') ? ['kms:ViaService', ...(anyAccount ? [] : ['kms:CallerAccount'])] : []),
      ],
      ...(call.policy
        ? {
            resourcePolicy: call.policy,
            resourcePolicyType: call.action.startsWith('sts:AssumeRole') ? ('trust' as const) : ('resource' as const),
          }
        : {}),
      ...(asker.boundary ? { boundary: asker.boundary } : {}),
      ...(asker.session ? { session: asker.session } : {}),
      ...(organization ? { scps: organization.scps, rcps: organization.rcps } : {}),
      ...(call.blockPublicAccess ? { s3BlockPublicAccess: true } : {}),
    };
    const docs = [
      ...asker.identity,
      call.policy,
      asker.boundary,
      asker.session,
      ...(organization?.scps ?? []),
      ...(organization?.rcps ?? []),
    ];
    if (evaluateRequest(input, 'Strict').result === 'Allowed') result = { level: 'allowed', keys: [] };
    else if (!discoveryCouldDiffer(docs, call.action)) result = { level: 'denied', keys: [] };
    else {
      const discovery = evaluateRequest(input, 'Discovery');
      result =
        discovery.result === 'Allowed'
          ? { level: 'conditional', keys: [...new Set(conditionKeys(discovery.conditions))].sort() }
          : { level: 'denied', keys: [] };
    }
    cache.set(key, result);
  }
  return result;
}

const rank = (level: AccessLevel) => ACCESS_LEVELS.indexOf(level);

/** The access matrix of a stack from its Terraform JSON (synthesized, or a plan's values shaped like it). */
export function accessMatrix(
  tf: TerraformJson,
  facts: Pick<DeploymentFacts, 'account' | 'region'>,
  stores: Store[],
  options: AccessOptions = {},
): AccessMatrix {
  const home: Home = { account: facts.account, region: facts.region };
  const unseen: AccessMatrix['unseen'] = [];
  const people = askers(tf, home, options, unseen);
  const questions = asks(tf, stores, home);
  const cells: AccessCell[] = [];
  for (const asker of people) {
    for (const ask of questions) {
      if (asker.only && !asker.only.includes(ask.request)) continue;
      if (
        ask.request === 'act-outside' &&
        !['stack-role', 'guest', 'policy-holder', 'deploy-plan', 'deploy-apply'].includes(asker.kind)
      )
        continue;
      let best: { level: AccessLevel; keys: string[]; actions: string[] } = { level: 'denied', keys: [], actions: [] };
      for (const way of ask.ways) {
        // One allowed way is enough: the rest are not asked once a request is allowed outright.
        if (best.level === 'allowed') break;
        const results = way.map((call) => evaluate(asker, call, home, options.organization));
        const level = ACCESS_LEVELS[Math.min(...results.map((r) => rank(r.level)))];
        if (rank(level) > rank(best.level))
          best = { level, keys: results.flatMap((r) => r.keys), actions: [way[0].action] };
        else if (rank(level) === rank(best.level) && level !== 'denied')
          best = {
            ...best,
            keys: [...best.keys, ...results.flatMap((r) => r.keys)],
            actions: [...best.actions, way[0].action],
          };
      }
      if (best.level !== 'denied') {
        cells.push({
          principal: asker.id,
          request: ask.request,
          target: ask.target.id,
          level: best.level,
          actions: [...new Set(best.actions)].sort(),
          conditionKeys: [...new Set(best.keys)].sort(),
        });
      }
    }
  }
  const targets = [...new Map(questions.map((q) => [q.target.id, q.target])).values()];
  return {
    principals: people.map((a): AccessPrincipal =>
      'name' in a
        ? { id: a.id, kind: a.kind, name: a.name, account: a.account }
        : { id: a.id, kind: a.kind, account: a.account },
    ),
    targets,
    cells,
    unseen: unseen.sort((a, b) => `${a.principal}${a.arn}`.localeCompare(`${b.principal}${b.arn}`)),
  };
}
