/**
 * Policy checks on a synthesized stack — what will really be deployed, not the config: residency, least
 * privilege, encryption and exposure. The stack runs them as a node validation (an error fails synth) and
 * `scripts/report` runs them on `cdktf.out/` to list findings for reviewers.
 */

/** The Terraform JSON of one stack, as cdktf writes it. */
export interface TerraformJson {
  provider?: Record<string, Record<string, unknown>[]>;
  terraform?: { backend?: Record<string, Record<string, unknown>>; cloud?: Record<string, unknown> };
  resource?: Record<string, Record<string, Record<string, unknown>>>;
  data?: Record<string, Record<string, Record<string, unknown>>>;
  output?: Record<string, unknown>;
}

export type Severity = 'error' | 'warning' | 'info';

export interface Finding {
  severity: Severity;
  /** Check that produced it: residency, least-privilege, trust, encryption, exposure, protection, retention, monitoring. */
  check: string;
  /** Terraform address, e.g. `aws_s3_bucket.storage_data_978B6A64`. */
  resource: string;
  message: string;
}

export interface CheckContext {
  /** The stack's own region. */
  region: string;
  /** Other regions the deployment's jurisdiction allows. */
  allowedRegions: string[];
  /**
   * The deployment's opt-out of destroy protection (`protection.allowDestroy`). Default: inferred from the JSON — a
   * stack whose unprotected buckets all have `force_destroy` opted out (only the opt-out sets it).
   */
  allowDestroy?: boolean;
}

/**
 * AWS managed policies a role may have attached, each with why nothing narrower works. None today: they grant
 * on `*` (AWSGlueServiceRole: glue:* on every database, S3 on every bucket's aws-glue-* keys), which the inline
 * policies of this project never do. Add an entry only with a reason a reviewer can check.
 */
export const MANAGED_POLICY_ALLOWED: { policyArn: string; reason: string }[] = [];

/**
 * Statements that may use `Resource: "*"`. Each entry says why AWS allows nothing narrower.
 * - In a KMS key policy `"*"` means "this key": the policy is attached to exactly one key.
 */
export const WILDCARD_RESOURCE_ALLOWED: { resourceType: string; reason: string }[] = [
  { resourceType: 'aws_kms_key', reason: 'in a key policy "*" means the key the policy is attached to' },
];

/** Condition keys that guard a service role against the confused deputy (IAM user guide, "The confused deputy problem"). */
const CONFUSED_DEPUTY_KEYS = ['aws:SourceAccount', 'aws:SourceArn', 'aws:SourceOrgID', 'sts:ExternalId'];

/**
 * Service principals whose trust policy may guard with an `…IfExists` operator, which lets a request without the
 * key through. Each entry says why that is the strongest guard that cannot break the deployment.
 */
export const IF_EXISTS_TRUST_ALLOWED: { /** Service name, as in `<service>.amazonaws.com`. */ service: string; reason: string }[] = [
  {
    service: 'glue',
    reason:
      'Glue does not document sending aws:SourceAccount when it assumes a crawler role; a plain StringEquals would make CreateCrawler fail if it does not, and IAM roles cannot be passed to another account\'s crawler anyway',
  },
];

interface Statement {
  Sid?: string;
  Effect?: string;
  Principal?: unknown;
  Action?: string | string[];
  Resource?: string | string[];
  Condition?: Record<string, Record<string, unknown>>;
}

/** Every resource of the stack as [type, name, body]. */
export function resources(tf: TerraformJson): [string, string, Record<string, unknown>][] {
  return Object.entries(tf.resource ?? {}).flatMap(([type, byName]) =>
    Object.entries(byName).map(([name, body]) => [type, name, body] as [string, string, Record<string, unknown>]),
  );
}

export function parsePolicy(policy: unknown): Statement[] | undefined {
  if (typeof policy !== 'string') return undefined;
  try {
    const doc = JSON.parse(policy) as { Statement?: Statement | Statement[] };
    return doc.Statement === undefined ? [] : Array.isArray(doc.Statement) ? doc.Statement : [doc.Statement];
  } catch {
    return undefined;
  }
}

/** A value or a list of values, as a list (IAM allows both for Action, Resource, Principal values). */
export const asList = <T>(value: T | T[] | undefined): T[] => (value === undefined ? [] : Array.isArray(value) ? value : [value]);

/** All strings inside a value, with the JSON path they were found at. */
function* strings(value: unknown, path = ''): Generator<[string, string]> {
  if (typeof value === 'string') yield [path, value];
  else if (Array.isArray(value)) for (let i = 0; i < value.length; i++) yield* strings(value[i], `${path}[${i}]`);
  else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) if (k !== '//') yield* strings(v, path ? `${path}.${k}` : k);
  }
}

const REGION_IN_ARN = /arn:aws[a-z-]*:[a-z0-9-]+:([a-z]{2}(?:-gov)?-[a-z]+-\d+):/g;
const REGION_IN_ENDPOINT = /\.([a-z]{2}(?:-gov)?-[a-z]+-\d+)\.amazonaws\.com/g;

function residency(tf: TerraformJson, ctx: CheckContext): Finding[] {
  const allowed = new Set([ctx.region, ...ctx.allowedRegions]);
  const findings: Finding[] = [];
  const outside = (resource: string, what: string, region: unknown) =>
    findings.push({ severity: 'error', check: 'residency', resource, message: `${what} ${String(region)}, outside ${[...allowed].join(', ')}` });

  for (const [name, configs] of Object.entries(tf.provider ?? {})) {
    configs.forEach((config, i) => {
      if (name === 'aws' && !allowed.has(config.region as string)) outside(`provider.aws[${i}]`, 'provider region is', config.region);
    });
  }
  const s3 = tf.terraform?.backend?.s3;
  if (s3 && !allowed.has(s3.region as string)) outside('terraform.backend.s3', 'state backend region is', s3.region);
  if (tf.terraform?.backend?.local) {
    findings.push({ severity: 'info', check: 'residency', resource: 'terraform.backend.local', message: 'state stays on the machine that applies (bootstrap stacks; see README)' });
  } else if (tf.terraform?.backend && !s3) {
    findings.push({ severity: 'warning', check: 'residency', resource: 'terraform.backend', message: `backend ${Object.keys(tf.terraform.backend).join(', ')} cannot be checked for region` });
  }
  if (tf.terraform?.cloud) {
    findings.push({ severity: 'warning', check: 'residency', resource: 'terraform.cloud', message: 'state is stored by Terraform Cloud, outside the stack\'s AWS region; check the organization\'s data residency' });
  }
  const sections = { resource: tf.resource, data: tf.data, output: tf.output };
  for (const [section, body] of Object.entries(sections)) {
    for (const [path, text] of strings(body)) {
      for (const pattern of [REGION_IN_ARN, REGION_IN_ENDPOINT]) {
        for (const match of text.matchAll(pattern)) {
          if (allowed.has(match[1])) continue;
          const [type, name, ...field] = path.split('.');
          outside(`${section}.${type}.${name}`, `${field.join('.') || path} references ${match[0]} — region`, match[1]);
        }
      }
    }
  }
  // Athena results must land in a bucket of this stack (whose region the stack controls).
  const stackBuckets = new Set(resources(tf).filter(([t]) => t === 'aws_s3_bucket').map(([, , b]) => b.bucket as string));
  for (const [type, name, body] of resources(tf)) {
    if (type !== 'aws_athena_workgroup') continue;
    for (const [path, text] of strings(body.configuration)) {
      const bucket = /^s3:\/\/([^/]+)/.exec(text)?.[1];
      if (path.endsWith('output_location') && bucket && !stackBuckets.has(bucket)) {
        findings.push({ severity: 'error', check: 'residency', resource: `${type}.${name}`, message: `query results go to s3://${bucket}, which is not a bucket of this stack` });
      }
    }
  }
  return findings;
}

function leastPrivilege(tf: TerraformJson): Finding[] {
  const findings: Finding[] = [];
  const policyFields: Record<string, string> = {
    aws_iam_role_policy: 'policy',
    aws_iam_policy: 'policy',
    aws_s3_bucket_policy: 'policy',
    aws_kms_key: 'policy',
    aws_sns_topic_policy: 'policy',
    aws_sns_topic: 'policy',
    aws_sqs_queue_policy: 'policy',
  };
  for (const [type, name, body] of resources(tf)) {
    const field = policyFields[type];
    if (!field || body[field] === undefined) continue;
    const address = `${type}.${name}`;
    const statements = parsePolicy(body[field]);
    if (!statements) {
      findings.push({ severity: 'warning', check: 'least-privilege', resource: address, message: 'policy is not plain JSON and cannot be inspected' });
      continue;
    }
    const wildcardAllowed = WILDCARD_RESOURCE_ALLOWED.some((a) => a.resourceType === type);
    for (const s of statements) {
      if (s.Effect !== 'Allow') continue;
      const label = s.Sid ? `statement ${s.Sid}` : 'a statement';
      if (asList(s.Resource).includes('*') && !wildcardAllowed) {
        findings.push({ severity: 'error', check: 'least-privilege', resource: address, message: `${label} allows ${asList(s.Action).join(', ')} on Resource "*"` });
      }
      if (asList(s.Action).some((a) => a === '*' || (a.endsWith(':*') && !wildcardAllowed))) {
        findings.push({ severity: 'error', check: 'least-privilege', resource: address, message: `${label} allows every action (${asList(s.Action).join(', ')})` });
      }
      if (s.Principal === '*' || (s.Principal as Record<string, unknown>)?.AWS === '*') {
        findings.push({ severity: 'error', check: 'exposure', resource: address, message: `${label} allows any principal` });
      }
    }
  }
  return findings;
}

const AWS_MANAGED_POLICY = /^arn:aws[a-z-]*:iam::aws:policy\//;

/** AWS managed policies attached to roles (by attachment resource or `managed_policy_arns`): errors unless allow-listed. */
function managedPolicies(tf: TerraformJson): Finding[] {
  const findings: Finding[] = [];
  for (const [type, name, body] of resources(tf)) {
    const arns =
      type === 'aws_iam_role_policy_attachment' || type === 'aws_iam_policy_attachment'
        ? [body.policy_arn]
        : type === 'aws_iam_role'
          ? asList(body.managed_policy_arns as string[] | undefined)
          : [];
    for (const policyArn of arns.filter((a): a is string => typeof a === 'string' && AWS_MANAGED_POLICY.test(a))) {
      if (MANAGED_POLICY_ALLOWED.some((a) => a.policyArn === policyArn.replace(/^arn:aws[a-z-]*:/, 'arn:aws:'))) continue;
      findings.push({
        severity: 'error',
        check: 'least-privilege',
        resource: `${type}.${name}`,
        message: `attaches the AWS managed policy ${policyArn}, which grants beyond this stack's resources; use a scoped inline policy (or list it in MANAGED_POLICY_ALLOWED with the reason)`,
      });
    }
  }
  return findings;
}

/**
 * Data that must survive a `terraform destroy`: every bucket and KMS key carries `lifecycle.prevent_destroy`, unless
 * the deployment opted out — and then each bucket must depend on the key that encrypts it, so Terraform deletes the
 * bucket before the key is scheduled for deletion (in parallel, objects left under a deleted key become unreadable).
 */
function protection(tf: TerraformJson, ctx: CheckContext): Finding[] {
  const findings: Finding[] = [];
  const all = resources(tf);
  const stores = all.filter(([t]) => t === 'aws_s3_bucket' || t === 'aws_kms_key');
  const prevented = (body: Record<string, unknown>) => (body.lifecycle as { prevent_destroy?: boolean } | undefined)?.prevent_destroy === true;
  const unprotected = stores.filter(([, , body]) => !prevented(body));
  const optedOut = ctx.allowDestroy ?? (unprotected.length > 0 && unprotected.filter(([t]) => t === 'aws_s3_bucket').every(([, , b]) => b.force_destroy === true));
  for (const [type, name] of unprotected) {
    findings.push(
      optedOut
        ? { severity: 'info', check: 'protection', resource: `${type}.${name}`, message: 'destroyable: the deployment opted out of prevent_destroy (protection.allowDestroy)' }
        : { severity: 'error', check: 'protection', resource: `${type}.${name}`, message: 'has no lifecycle.prevent_destroy: a destroy would delete it; set protection.allowDestroy to opt out' },
    );
  }
  for (const [, name, bucket] of all.filter(([t]) => t === 'aws_s3_bucket')) {
    const key = /^\$\{(aws_kms_key\.[A-Za-z0-9_-]+)\.arn\}$/.exec(bucketControls(tf, name).kmsKey ?? '')?.[1];
    if (key && !asList(bucket.depends_on as string[] | undefined).includes(key)) {
      findings.push({ severity: 'error', check: 'protection', resource: `aws_s3_bucket.${name}`, message: `does not depend on ${key}: a destroy would schedule the key for deletion while the bucket still holds objects` });
    }
  }
  return findings;
}

function trustPolicies(tf: TerraformJson): Finding[] {
  const findings: Finding[] = [];
  for (const [type, name, body] of resources(tf)) {
    if (type !== 'aws_iam_role') continue;
    const address = `${type}.${name}`;
    const statements = parsePolicy(body.assume_role_policy);
    if (!statements) {
      findings.push({ severity: 'error', check: 'trust', resource: address, message: 'trust policy is not plain JSON and cannot be checked' });
      continue;
    }
    for (const s of statements.filter((st) => st.Effect === 'Allow')) {
      const conditions = Object.entries(s.Condition ?? {});
      const keys = conditions.flatMap(([, block]) => Object.keys(block));
      const principal = (s.Principal ?? {}) as Record<string, unknown>;
      const guards = conditions.filter(([, block]) => Object.keys(block).some((k) => CONFUSED_DEPUTY_KEYS.includes(k)));
      const ifExistsGuards = guards.filter(([operator]) => operator.endsWith('IfExists'));
      // An IfExists guard next to a strict one is harmless: the strict one already requires the key.
      if (ifExistsGuards.length > 0 && ifExistsGuards.length === guards.length) {
        const services = asList(principal.Service as string | string[] | undefined);
        const allowed = IF_EXISTS_TRUST_ALLOWED.find((a) => services.length > 0 && services.every((p) => p.startsWith(`${a.service}.`)));
        findings.push(
          allowed
            ? { severity: 'info', check: 'trust', resource: address, message: `confused-deputy guard uses ${ifExistsGuards.map(([o]) => o).join(', ')}: ${allowed.reason}` }
            : { severity: 'error', check: 'trust', resource: address, message: `confused-deputy guard uses ${ifExistsGuards.map(([o]) => o).join(', ')}, which lets requests without the key through` },
        );
      }
      if (principal.Federated === 'cognito-identity.amazonaws.com') {
        if (!keys.includes('cognito-identity.amazonaws.com:aud') || !keys.includes('cognito-identity.amazonaws.com:amr')) {
          findings.push({ severity: 'error', check: 'trust', resource: address, message: 'Cognito trust needs conditions on cognito-identity.amazonaws.com:aud and :amr' });
        }
      } else if (guards.length === 0) {
        findings.push({ severity: 'error', check: 'trust', resource: address, message: `trust policy for ${JSON.stringify(s.Principal)} has no confused-deputy condition (${CONFUSED_DEPUTY_KEYS.join(' / ')})` });
      }
    }
  }
  return findings;
}

/** The protections attached to one bucket (by its Terraform name): default encryption key, public access block, TLS-only policy. */
export function bucketControls(tf: TerraformJson, name: string): { kmsKey?: string; publicAccessBlocked: boolean; tlsOnly: boolean } {
  const all = resources(tf);
  const bucket = tf.resource?.aws_s3_bucket?.[name] ?? {};
  const refersToBucket = (value: unknown) => value === bucket.bucket || value === `\${aws_s3_bucket.${name}.id}` || value === `\${aws_s3_bucket.${name}.bucket}`;
  const attached = (type: string) => all.filter(([t, , body]) => t === type && refersToBucket(body.bucket)).map(([, , body]) => body);
  const kmsRule = attached('aws_s3_bucket_server_side_encryption_configuration')
    .flatMap((c) => asList(c.rule as Record<string, unknown>[]))
    .map((r) => asList(r.apply_server_side_encryption_by_default as Record<string, unknown>[])[0] ?? (r.apply_server_side_encryption_by_default as Record<string, unknown>))
    .find((d) => d?.sse_algorithm === 'aws:kms' || d?.sse_algorithm === 'aws:kms:dsse');
  const publicAccessBlocked = attached('aws_s3_bucket_public_access_block').some((b) =>
    ['block_public_acls', 'block_public_policy', 'ignore_public_acls', 'restrict_public_buckets'].every((k) => b[k] === true),
  );
  const tlsOnly = attached('aws_s3_bucket_policy').some((p) =>
    (parsePolicy(p.policy) ?? []).some((st) => st.Effect === 'Deny' && JSON.stringify(st.Condition ?? {}).includes('"aws:SecureTransport":"false"')),
  );
  return { kmsKey: kmsRule ? String(kmsRule.kms_master_key_id ?? 'aws/s3') : undefined, publicAccessBlocked, tlsOnly };
}

function encryptionAndExposure(tf: TerraformJson): Finding[] {
  const findings: Finding[] = [];
  const ofType = (type: string) => resources(tf).filter(([t]) => t === type);
  for (const [, name] of ofType('aws_s3_bucket')) {
    const address = `aws_s3_bucket.${name}`;
    const controls = bucketControls(tf, name);
    if (!controls.kmsKey) findings.push({ severity: 'error', check: 'encryption', resource: address, message: 'bucket has no SSE-KMS default encryption' });
    if (!controls.publicAccessBlocked) findings.push({ severity: 'error', check: 'exposure', resource: address, message: 'bucket has no full public access block' });
    if (!controls.tlsOnly) findings.push({ severity: 'error', check: 'exposure', resource: address, message: 'bucket policy does not deny requests without TLS' });
  }
  for (const [, name, key] of ofType('aws_kms_key')) {
    if (key.enable_key_rotation !== true) findings.push({ severity: 'error', check: 'encryption', resource: `aws_kms_key.${name}`, message: 'KMS key does not rotate' });
  }
  for (const [, name, group] of ofType('aws_cloudwatch_log_group')) {
    if (!group.kms_key_id) findings.push({ severity: 'warning', check: 'encryption', resource: `aws_cloudwatch_log_group.${name}`, message: 'log group is not encrypted with the stack key' });
  }
  for (const [, name, topic] of ofType('aws_sns_topic')) {
    if (!topic.kms_master_key_id) findings.push({ severity: 'error', check: 'encryption', resource: `aws_sns_topic.${name}`, message: 'SNS topic is not KMS-encrypted' });
  }
  for (const [, name, queue] of ofType('aws_sqs_queue')) {
    if (!queue.kms_master_key_id && queue.sqs_managed_sse_enabled !== true) {
      findings.push({ severity: 'error', check: 'encryption', resource: `aws_sqs_queue.${name}`, message: 'SQS queue is not encrypted' });
    }
  }
  return findings;
}

/** Firehose metrics a stack must alarm on (issue: delivery failures are silent unless someone watches). */
export const REQUIRED_FIREHOSE_ALARMS = ['DeliveryToS3.DataFreshness', 'DeliveryToS3.Success'];

function monitoring(tf: TerraformJson): Finding[] {
  const findings: Finding[] = [];
  const all = resources(tf);
  const alarms = all.filter(([t]) => t === 'aws_cloudwatch_metric_alarm').map(([, , body]) => body);
  for (const [type, name] of all.filter(([t]) => t === 'aws_kinesis_firehose_delivery_stream')) {
    for (const metric of REQUIRED_FIREHOSE_ALARMS) {
      if (!alarms.some((a) => a.metric_name === metric && (a.alarm_actions as unknown[] | undefined)?.length)) {
        findings.push({ severity: 'warning', check: 'monitoring', resource: `${type}.${name}`, message: `no alarm with an action on ${metric}` });
      }
    }
  }
  const topics = all.filter(([t]) => t === 'aws_sns_topic');
  const subscriptions = all.filter(([t]) => t === 'aws_sns_topic_subscription');
  if (topics.length > 0 && subscriptions.length === 0) {
    findings.push({ severity: 'info', check: 'monitoring', resource: `aws_sns_topic.${topics[0][1]}`, message: 'alert topic has no subscriptions yet (monitoring.alarmEmails); subscribe on-call tooling to it' });
  }
  return findings;
}

/** Every policy finding of a synthesized stack, errors first, in a stable order. */
export function checkStack(tf: TerraformJson, ctx: CheckContext): Finding[] {
  const order: Record<Severity, number> = { error: 0, warning: 1, info: 2 };
  return [...residency(tf, ctx), ...leastPrivilege(tf), ...managedPolicies(tf), ...trustPolicies(tf), ...encryptionAndExposure(tf), ...protection(tf, ctx), ...monitoring(tf)].sort(
    (a, b) => order[a.severity] - order[b.severity] || a.check.localeCompare(b.check) || a.resource.localeCompare(b.resource) || a.message.localeCompare(b.message),
  );
}
