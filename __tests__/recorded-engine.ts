/**
 * The synth snapshots are recorded on the default engine (CDKTF 0.21.0 with AWS provider 5.100.0). On CDK Terrain the
 * same code writes the same Terraform but for three things, which this module puts back in the recorded engine's form
 * before the comparison — and nothing else, so any other difference still fails the snapshot test:
 *  - the engine's version label (`//.metadata.version`, 0.24.0 for 0.21.0);
 *  - the AWS provider requirement its bindings pin (`terraform.required_providers.aws`: `hashicorp/aws` 6.40.0 for
 *    `aws` 5.100.0 — `aws` and `hashicorp/aws` are the same registry address, registry.terraform.io/hashicorp/aws);
 *  - the layout of empty objects and arrays (`{}` from cdktn's safe-stable-stringify, `{` newline `}` from cdktf's
 *    json-stable-stringify); both sort keys and indent by two spaces.
 * A label or provider other than the engine's own (stacks/engines.json) is left as it is, and fails the comparison.
 * Either engine can be the recorded one (DEFAULT_ENGINE): each engine's layout is in stacks/engines.json.
 */
import { DEFAULT_ENGINE, ENGINES, installedEngine, type Engine, type EngineName } from '../stacks/engine';

/**
 * JSON as cdktf 0.21.0 writes cdk.tf.json: json-stable-stringify with `space: 2` (sorted keys, empty `{` newline `}`).
 */
export function cdktfJson(value: unknown, level = 0): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  const indent = `\n${'  '.repeat(level)}`;
  if (Array.isArray(value))
    return `[${value.map((item) => `${indent}  ${cdktfJson(item ?? null, level + 1)}`).join(',')}${indent}]`;
  const entries = Object.keys(value)
    .sort()
    .filter((key) => (value as Record<string, unknown>)[key] !== undefined)
    .map(
      (key) => `${indent}  ${JSON.stringify(key)}: ${cdktfJson((value as Record<string, unknown>)[key], level + 1)}`,
    );
  return `{${entries.join(',')}${indent}}`;
}

interface StackJson {
  '//'?: { metadata?: { version?: string } };
  terraform?: { required_providers?: { aws?: { source?: string; version?: string } } };
}

/**
 * JSON as cdktn 0.24.0 writes cdk.tf.json: safe-stable-stringify with indent 2, i.e. sorted keys, empty `{}` and `[]`.
 */
export function cdktnJson(value: unknown): string {
  const sorted = (v: unknown): unknown =>
    Array.isArray(v)
      ? v.map(sorted)
      : v !== null && typeof v === 'object'
        ? Object.fromEntries(
            Object.keys(v)
              .sort()
              .map((k) => [k, sorted((v as Record<string, unknown>)[k])]),
          )
        : v;
  return JSON.stringify(sorted(value), null, 2);
}

const LAYOUTS: Record<Engine['jsonLayout'], (value: unknown) => string> = {
  'json-stable-stringify': (value) => cdktfJson(value),
  'safe-stable-stringify': cdktnJson,
};

/** One stack's cdk.tf.json text, written by engine `from`, as engine `to` would have written it. */
export function inEngineForm(json: string, from: EngineName, to: EngineName): string {
  const source = ENGINES[from];
  const target = ENGINES[to];
  const tf = JSON.parse(json) as StackJson;
  const metadata = tf['//']?.metadata;
  if (metadata?.version === source.version) metadata.version = target.version;
  const aws = tf.terraform?.required_providers?.aws;
  if (aws?.source === source.awsProvider.source && aws.version === source.awsProvider.version) {
    aws.source = target.awsProvider.source;
    aws.version = target.awsProvider.version;
  }
  return LAYOUTS[target.jsonLayout](tf);
}

/** One stack's cdk.tf.json text as the default engine (the snapshots') would have written it, given `engine` did. */
export function inRecordedEngineForm(json: string, engine: EngineName = installedEngine()): string {
  return engine === DEFAULT_ENGINE ? json : inEngineForm(json, engine, DEFAULT_ENGINE);
}
