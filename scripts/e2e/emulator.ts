/**
 * Everything that points Terraform and the AWS SDK at the local AWS API emulator (moto server), and every gap of
 * the emulator worked around — in this one file, each with why. Nothing here changes the stacks: it is written as
 * a Terraform override file into a scratch copy of a synthesized stack, never into cdktf.out/.
 */
import type { TerraformJson } from '../../terraform-json/stack-json';

/** Services the stacks use, by the AWS provider's `endpoints` key (provider 5.x). */
export const PROVIDER_ENDPOINT_SERVICES = [
  'athena',
  'cloudwatch',
  'cloudwatchevents',
  'cloudwatchlogs',
  'cognitoidentity',
  'firehose',
  'glue',
  'iam',
  'kms',
  's3',
  'sns',
  'sqs',
  'sts',
] as const;

/** Fake credentials: moto accepts any; they keep the provider and SDK from looking for real ones. */
export const EMULATOR_CREDENTIALS = { accessKeyId: 'test', secretAccessKey: 'test' };

/** A gap of the emulator and how the scratch copy handles it; docs/e2e.md lists these. */
export interface EmulatorGap {
  gap: string;
  handling: string;
}

export const EMULATOR_GAPS: EmulatorGap[] = [
  {
    gap:
      'Cognito SetIdentityPoolRoles is not implemented: aws_cognito_identity_pool_roles_attachment never finishes ' +
      'creating',
    handling:
      'the scratch copy sets its count to 0; GetId and ' +
      "GetCredentialsForIdentity still answer, with moto's default " +
      'role',
  },
  {
    gap:
      'bucket policies are evaluated, and moto never sees a request as TLS (even ' +
      'served with --ssl): the TLS-only deny refuses every object read and write',
    handling:
      'the scratch copy drops the TLS-only statement from each bucket policy (a policy with ' +
      'nothing else is left out; the access-log bucket keeps the statement letting S3 ' +
      'logging write, which moto checks at PutBucketLogging); the stacks keep it',
  },
  {
    gap: 'deleting an aws_athena_named_query never completes',
    handling:
      'before destroy, the named queries are removed from the state with ' +
      '`terraform state rm` (the emulator is thrown away anyway)',
  },
  {
    gap: 'one moto server is one account (123456789012 unless MOTO_ACCOUNT_ID says otherwise)',
    handling:
      'one server per account of the matrix, started with MOTO_ACCOUNT_ID, so ' +
      'allowed_account_ids and every ARN stay as synthesized; ' +
      'skip_requesting_account_id stays false so the provider builds ARNs with the account',
  },
  {
    gap:
      "deleting an S3 delete marker fails inside moto (AttributeError: 'FakeDeleteMarker' " +
      "object has no attribute 'dispose'), so force_destroy cannot empty a versioned bucket " +
      'holding delete markers — the state bucket, where every lock file leaves one',
    handling:
      "a bootstrap stack's destroy is shown refused by prevent_destroy, and not carried out (the " +
      'emulator is discarded); the data buckets show the opted-out, bucket-before-key destroy',
  },
  {
    gap: 'Firehose ignores !{…} prefix expressions (objects land under the literal prefix plus its own date folders)',
    handling:
      'the event check finds objects anywhere under the data folder; ' +
      'the Hive layout is tested with npm run sample-events',
  },
  {
    gap: 'Athena BatchGetNamedQuery answers HTTP 500',
    handling: 'the query check reads each named query with GetNamedQuery (which real AWS serves as well)',
  },
  {
    gap:
      'IAM is not enforced unless moto starts with INITIAL_NO_AUTH_ACTION_COUNT: the matrix run lets any credentials ' +
      'call anything',
    handling:
      'the deploy-role run (scripts/e2e/deploy-role.ts) has a moto server of its own that ' +
      'enforces IAM; docs/e2e.md says which mistakes only a real account shows',
  },
  {
    gap:
      'with IAM enforced, moto matches a statement\'s Resource against "*" for every service ' +
      'but S3 (TODO in moto/iam/access_control.py, 5.2.1), so a statement scoped to ARNs never ' +
      'allows a non-S3 call; conditions of identity policies are not evaluated',
    handling:
      "the deploy-role run's copies give the non-S3 statements of the deploy and " +
      'analyst policies Resource "*" (policyAsMotoChecksIt): the actions are proven, ' +
      'and the S3 statements keep their bucket ARNs, which moto checks',
  },
  {
    gap:
      'moto 5.2.1 verifies only StringEquals conditions of identity policies, and only ' +
      'against keys a request carries (none but sts:ExternalId): every other condition ' +
      "reads as met, so a conditioned Deny (a role written without the stack's boundary, an " +
      'attachment of another policy) would refuse every call of its actions',
    handling:
      "the deploy-role run's copies leave conditioned Deny statements out (policyAsMotoChecksIt); the " +
      'conditions are decided by policy evaluation in __tests__/stacks/deploy-escalation.invariants.test.ts, ' +
      "and the e2e shows an unconditioned Deny refusing (removing a role's permissions boundary)",
  },
  {
    gap:
      "moto names an action by the signing name of the request (CloudWatch's is monitoring:, not " +
      'cloudwatch:), authorizes some S3 calls under names that are not IAM actions (HeadBucket, ' +
      'Get/Put/DeletePublicAccessBlock) or under another action (HeadObject of a version as ' +
      'GetObject), and calls it has no name for (encryption, ownership controls, replication, ' +
      'object lock, request payment) as ListBucket, CreateBucket or DeleteBucket',
    handling:
      "the deploy-role run's copy adds moto's names beside the IAM actions they stand " +
      'for; the unnamed S3 calls are not proven by the emulator (docs/e2e.md)',
  },
  {
    gap:
      'with IAM enforced, moto rejects the signature (SignatureDoesNotMatch) of S3 requests whose key or query ' +
      'holds characters the SDK percent-encodes: a ListObjectVersions Prefix with "/", a key with "="',
    handling:
      "the erasure (npm run erase) is run on the matrix's emulator, without IAM enforcement; its " +
      'policy is tested permission by permission (__tests__/stacks/constructs/erasure.test.ts)',
  },
  {
    gap:
      'AssumeRoleWithWebIdentity fails with HTTP 500 once IAM is enforced (an ' +
      'unsigned call; moto looks for its signature: KeyError HTTP_AUTHORIZATION)',
    handling:
      "the deploy-role run takes the apply role's session among the calls moto answers before it enforces " +
      "IAM, before the role exists; moto resolves a session's permissions from its role at each call",
  },
];

/** Credentials of a caller on the emulator: its fake keys, or those of a user or assumed role it made. */
export interface EmulatorCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

/**
 * The AWS provider block of the override: the emulator's endpoints, the caller's (by default fake) keys, path-style S3.
 */
export function providerOverride(
  endpoint: string,
  credentials: EmulatorCredentials = EMULATOR_CREDENTIALS,
): Record<string, unknown> {
  return {
    access_key: credentials.accessKeyId,
    secret_key: credentials.secretAccessKey,
    ...(credentials.sessionToken ? { token: credentials.sessionToken } : {}),
    s3_use_path_style: true,
    skip_credentials_validation: true,
    skip_metadata_api_check: true,
    // Must stay false: with it, the provider builds ARNs without the account and lookups fail.
    skip_requesting_account_id: false,
    endpoints: [Object.fromEntries(PROVIDER_ENDPOINT_SERVICES.map((service) => [service, endpoint]))],
  };
}

/** A bucket policy's statements, split into the TLS-only ones (which moto always matches) and the rest. */
function splitTlsOnly(policy: unknown): { document: Record<string, unknown>; tlsOnly: number; rest: unknown[] } {
  const document = JSON.parse(String(policy)) as { Statement: { Condition?: { Bool?: Record<string, string> } }[] };
  const rest = document.Statement.filter((s) => s.Condition?.Bool?.['aws:SecureTransport'] === undefined);
  return { document, tlsOnly: document.Statement.length - rest.length, rest };
}

const bucketPolicies = (tf: TerraformJson) =>
  Object.entries(tf.resource?.aws_s3_bucket_policy ?? {}).map(([name, body]) => ({
    name,
    ...splitTlsOnly((body as Record<string, unknown>).policy),
  }));

/** Addresses of the resources the scratch copy leaves out, by gap. */
export function resourcesToSkip(tf: TerraformJson): string[] {
  return [
    ...Object.keys(tf.resource?.aws_cognito_identity_pool_roles_attachment ?? {}).map(
      (name) => `aws_cognito_identity_pool_roles_attachment.${name}`,
    ),
    ...bucketPolicies(tf)
      .filter((p) => p.tlsOnly > 0 && p.rest.length === 0)
      .map((p) => `aws_s3_bucket_policy.${p.name}`),
  ];
}

/** Bucket policies the scratch copy keeps with their TLS-only statements dropped, by resource name. */
export function policiesWithoutTlsOnly(tf: TerraformJson): Record<string, string> {
  return Object.fromEntries(
    bucketPolicies(tf)
      .filter((p) => p.tlsOnly > 0 && p.rest.length > 0)
      .map((p) => [p.name, JSON.stringify({ ...p.document, Statement: p.rest })]),
  );
}

/**
 * The override file of a scratch copy: provider pointed at the emulator, the emulator's gaps left out, and — for
 * stacks whose state is local or in Terraform Cloud — a local state file in the scratch directory.
 */
export function overrideFile(
  tf: TerraformJson,
  endpoint: string,
  localState?: string,
  credentials?: EmulatorCredentials,
): Record<string, unknown> {
  const resource: Record<string, Record<string, Record<string, unknown>>> = {};
  for (const address of resourcesToSkip(tf)) {
    const [type, name] = address.split('.');
    (resource[type] ??= {})[name] = { count: 0 };
  }
  for (const [name, policy] of Object.entries(policiesWithoutTlsOnly(tf)))
    (resource.aws_s3_bucket_policy ??= {})[name] = { policy };
  return {
    provider: { aws: [providerOverride(endpoint, credentials)] },
    ...(Object.keys(resource).length > 0 ? { resource } : {}),
    ...(localState ? { terraform: { backend: { local: { path: localState } } } } : {}),
  };
}

/** `-backend-config` file for a stack's S3 backend: only the emulator's endpoint, path style and the skip flags. */
export function s3BackendConfig(endpoint: string): string {
  return [
    `endpoints = { s3 = "${endpoint}", sts = "${endpoint}", iam = "${endpoint}", kms = "${endpoint}" }`,
    'use_path_style = true',
    `access_key = "${EMULATOR_CREDENTIALS.accessKeyId}"`,
    `secret_key = "${EMULATOR_CREDENTIALS.secretAccessKey}"`,
    'skip_credentials_validation = true',
    'skip_metadata_api_check = true',
    'skip_requesting_account_id = true',
    '',
  ].join('\n');
}

/**
 * The opt-out of destroy protection, for the emulator's clean-up after the protection has been shown to stop a
 * destroy: what `protection.allowDestroy` synthesizes (no prevent_destroy, force_destroy on buckets).
 */
export function allowDestroyOverride(tf: TerraformJson): Record<string, Record<string, Record<string, unknown>>> {
  const resource: Record<string, Record<string, Record<string, unknown>>> = {};
  for (const [name] of Object.entries(tf.resource?.aws_s3_bucket ?? {}))
    (resource.aws_s3_bucket ??= {})[name] = { force_destroy: true, lifecycle: { prevent_destroy: false } };
  for (const [name] of Object.entries(tf.resource?.aws_kms_key ?? {}))
    (resource.aws_kms_key ??= {})[name] = { lifecycle: { prevent_destroy: false } };
  return resource;
}

/**
 * S3 calls moto authorizes under another name than the IAM action AWS checks (ACTION_MAP in moto/s3/responses.py,
 * 5.2.1; AWS: Service Authorization Reference, Amazon S3): the IAM action → moto's names for it.
 */
const MOTO_S3_ACTION_NAMES: Record<string, string[]> = {
  's3:ListBucket': ['s3:HeadBucket'],
  // HeadObject is authorized as GetObject, with or without a version id.
  's3:GetObjectVersion': ['s3:GetObject'],
  's3:GetBucketPublicAccessBlock': ['s3:GetPublicAccessBlock'],
  's3:PutBucketPublicAccessBlock': ['s3:PutPublicAccessBlock', 's3:DeletePublicAccessBlock'],
};

/**
 * A policy document as moto can check it (EMULATOR_GAPS): statements of other services than S3 on Resource "*", and
 * S3 actions also under moto's own names for them.
 */
export function policyAsMotoChecksIt(policy: string): string {
  const document = JSON.parse(policy) as {
    Statement: { Effect: string; Action: string | string[]; Resource: string | string[]; Condition?: unknown }[];
  };
  // moto takes every condition as met (EMULATOR_GAPS): a conditioned Deny would refuse what it only narrows (a role
  // written without the boundary), so it is left out; an unconditioned one on "*" (removing the boundary) is kept as
  // it is, and one on ARNs of other services than S3 can never match there.
  document.Statement = document.Statement.filter((s) => s.Effect !== 'Deny' || s.Condition === undefined);
  for (const statement of document.Statement) {
    if (statement.Effect === 'Deny') continue;
    const actions = [statement.Action].flat();
    if (!actions.every((a) => a.startsWith('s3:'))) statement.Resource = '*';
    // moto names an action by the request's signing name: CloudWatch signs as `monitoring`.
    const motoNames = actions.flatMap((a) => [
      ...(MOTO_S3_ACTION_NAMES[a] ?? []),
      ...(a.startsWith('cloudwatch:') ? [a.replace(/^cloudwatch:/, 'monitoring:')] : []),
    ]);
    statement.Action = [...actions, ...motoNames];
  }
  return JSON.stringify(document);
}
