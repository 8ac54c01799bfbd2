/**
 * The Terraform JSON of one stack (as cdktf writes it, or a plan's values shaped like it: plan.ts) and the helpers
 * that walk it: its resources, of one type, the strings inside a value, a bucket's attached protections. What the
 * policy rules (stacks/rules/), the model (model/) and the commands read; policy documents are policy.ts's.
 */
import { asList, deniesInsecureTransport } from './policy';

/** The Terraform JSON of one stack, as cdktf writes it. */
export interface TerraformJson {
  provider?: Record<string, Record<string, unknown>[]>;
  terraform?: { backend?: Record<string, Record<string, unknown>>; cloud?: Record<string, unknown> };
  resource?: Record<string, Record<string, Record<string, unknown>>>;
  data?: Record<string, Record<string, Record<string, unknown>>>;
  output?: Record<string, unknown>;
}

/**
 * A copy of a stack's JSON for a scratch folder, its state kept apart from the deployment's: the Terraform Cloud block
 * removed (HCP Terraform is not reached from a copy), and the `backend` block too unless `keepBackend` (the e2e keeps
 * an S3 backend and points it at the emulator). With neither, Terraform keeps local state, in the folder or where
 * an override file's local backend says.
 */
export function withoutRemoteState<T extends TerraformJson>(tf: T, options: { keepBackend?: boolean } = {}): T {
  const copy = structuredClone(tf);
  if (copy.terraform) {
    delete copy.terraform.cloud;
    if (!options.keepBackend) delete copy.terraform.backend;
  }
  return copy;
}

/** Every resource of the stack as [type, name, body]. */
export function resources(tf: TerraformJson): [string, string, Record<string, unknown>][] {
  return Object.entries(tf.resource ?? {}).flatMap(([type, byName]) =>
    Object.entries(byName).map(([name, body]) => [type, name, body] as [string, string, Record<string, unknown>]),
  );
}

/** The resources of one type, as [name, body], sorted by name. */
export const resourcesOfType = (tf: TerraformJson, type: string): [string, Record<string, unknown>][] =>
  Object.entries(tf.resource?.[type] ?? {}).sort(([a], [b]) => a.localeCompare(b));

/** All strings inside a value, with the JSON path they were found at. */
export function* strings(value: unknown, path = ''): Generator<[string, string]> {
  if (typeof value === 'string') yield [path, value];
  else if (Array.isArray(value)) for (let i = 0; i < value.length; i++) yield* strings(value[i], `${path}[${i}]`);
  else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) if (k !== '//') yield* strings(v, path ? `${path}.${k}` : k);
  }
}

/**
 * The protections attached to one bucket (by its Terraform name): default encryption key, public access block,
 * TLS-only policy.
 */
export function bucketControls(
  tf: TerraformJson,
  name: string,
): { kmsKey?: string; publicAccessBlocked: boolean; tlsOnly: boolean } {
  const all = resources(tf);
  const bucket = tf.resource?.aws_s3_bucket?.[name] ?? {};
  const refersToBucket = (value: unknown) =>
    value === bucket.bucket || value === `\${aws_s3_bucket.${name}.id}` || value === `\${aws_s3_bucket.${name}.bucket}`;
  const attached = (type: string) =>
    all.filter(([t, , body]) => t === type && refersToBucket(body.bucket)).map(([, , body]) => body);
  const kmsRule = attached('aws_s3_bucket_server_side_encryption_configuration')
    .flatMap((c) => asList(c.rule as Record<string, unknown>[]))
    .map(
      (r) =>
        asList(r.apply_server_side_encryption_by_default as Record<string, unknown>[])[0] ??
        (r.apply_server_side_encryption_by_default as Record<string, unknown>),
    )
    .find((d) => d?.sse_algorithm === 'aws:kms' || d?.sse_algorithm === 'aws:kms:dsse');
  const publicAccessBlocked = attached('aws_s3_bucket_public_access_block').some((b) =>
    ['block_public_acls', 'block_public_policy', 'ignore_public_acls', 'restrict_public_buckets'].every(
      (k) => b[k] === true,
    ),
  );
  const tlsOnly = attached('aws_s3_bucket_policy').some((p) => deniesInsecureTransport(p.policy));
  return { kmsKey: kmsRule ? String(kmsRule.kms_master_key_id ?? 'aws/s3') : undefined, publicAccessBlocked, tlsOnly };
}
