/**
 * What the policy rules (stacks/rules/) read and return: the Terraform JSON of one stack, its context, findings,
 * and the helpers rules share to walk it.
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
  /** The rule that found it (stacks/rules/). */
  rule?: string;
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

export interface Statement {
  Sid?: string;
  Effect?: string;
  Principal?: unknown;
  NotPrincipal?: unknown;
  Action?: string | string[];
  /** Every action but these: in an Allow, a grant of every present and future action of every service but these. */
  NotAction?: string | string[];
  Resource?: string | string[];
  NotResource?: string | string[];
  Condition?: Record<string, Record<string, unknown>>;
}

/** Every resource of the stack as [type, name, body]. */
export function resources(tf: TerraformJson): [string, string, Record<string, unknown>][] {
  return Object.entries(tf.resource ?? {}).flatMap(([type, byName]) =>
    Object.entries(byName).map(([name, body]) => [type, name, body] as [string, string, Record<string, unknown>]),
  );
}

/** The resources of one type, as [name, body], sorted by name. */
export const resourcesOfType = (tf: TerraformJson, type: string): [string, Record<string, unknown>][] => Object.entries(tf.resource?.[type] ?? {}).sort(([a], [b]) => a.localeCompare(b));

export function parsePolicy(policy: unknown): Statement[] | undefined {
  if (typeof policy !== 'string') return undefined;
  try {
    const doc = JSON.parse(policy) as { Statement?: Statement | Statement[] };
    return doc.Statement === undefined ? [] : Array.isArray(doc.Statement) ? doc.Statement : [doc.Statement];
  } catch {
    return undefined;
  }
}

const wildcardPatterns = new Map<string, RegExp>();

/**
 * IAM's wildcard match: `*` any run of characters, `?` one; actions case-insensitively. Each pattern is compiled once:
 * the access evaluation and the policy-grammar rule match the same few patterns many thousand times.
 */
export function iamWildcardMatch(pattern: string, text: string, caseInsensitive = false): boolean {
  const key = `${caseInsensitive ? 'i' : 's'}${pattern}`;
  let regex = wildcardPatterns.get(key);
  if (!regex) {
    const source = `^${pattern
      .split('')
      .map((ch) => (ch === '*' ? '.*' : ch === '?' ? '.' : ch.replace(/[.+^${}()|[\]\\]/g, '\\$&')))
      .join('')}$`;
    regex = new RegExp(source, caseInsensitive ? 'i' : '');
    wildcardPatterns.set(key, regex);
  }
  return regex.test(text);
}

/** A value or a list of values, as a list (IAM allows both for Action, Resource, Principal values). */
export const asList = <T>(value: T | T[] | undefined): T[] => (value === undefined ? [] : Array.isArray(value) ? value : [value]);

/** All strings inside a value, with the JSON path they were found at. */
export function* strings(value: unknown, path = ''): Generator<[string, string]> {
  if (typeof value === 'string') yield [path, value];
  else if (Array.isArray(value)) for (let i = 0; i < value.length; i++) yield* strings(value[i], `${path}[${i}]`);
  else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) if (k !== '//') yield* strings(v, path ? `${path}.${k}` : k);
  }
}

/** Whether a policy document refuses everyone's requests without TLS: a Deny to `*` when `aws:SecureTransport` is false. */
export function deniesInsecureTransport(policy: unknown): boolean {
  return (parsePolicy(policy) ?? []).some((s) => s.Effect === 'Deny' && JSON.stringify(s.Principal) === '"*"' && s.Condition?.Bool?.['aws:SecureTransport'] === 'false');
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
  const tlsOnly = attached('aws_s3_bucket_policy').some((p) => deniesInsecureTransport(p.policy));
  return { kmsKey: kmsRule ? String(kmsRule.kms_master_key_id ?? 'aws/s3') : undefined, publicAccessBlocked, tlsOnly };
}

