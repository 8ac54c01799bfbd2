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
 */
import { DEFAULT_ENGINE, ENGINES, installedEngine, type EngineName } from '../stacks/engine';

/** JSON as cdktf 0.21.0 writes cdk.tf.json: json-stable-stringify with `space: 2` (sorted keys, empty `{` newline `}`). */
export function cdktfJson(value: unknown, level = 0): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  const indent = `\n${'  '.repeat(level)}`;
  if (Array.isArray(value)) return `[${value.map((item) => `${indent}  ${cdktfJson(item ?? null, level + 1)}`).join(',')}${indent}]`;
  const entries = Object.keys(value)
    .sort()
    .filter((key) => (value as Record<string, unknown>)[key] !== undefined)
    .map((key) => `${indent}  ${JSON.stringify(key)}: ${cdktfJson((value as Record<string, unknown>)[key], level + 1)}`);
  return `{${entries.join(',')}${indent}}`;
}

interface StackJson {
  '//'?: { metadata?: { version?: string } };
  terraform?: { required_providers?: { aws?: { source?: string; version?: string } } };
}

/** One stack's cdk.tf.json text as the default engine would have written it, given it was written by `engine`. */
export function inRecordedEngineForm(json: string, engine: EngineName = installedEngine()): string {
  if (engine === DEFAULT_ENGINE) return json;
  const from = ENGINES[engine];
  const to = ENGINES[DEFAULT_ENGINE];
  const tf = JSON.parse(json) as StackJson;
  const metadata = tf['//']?.metadata;
  if (metadata?.version === from.version) metadata.version = to.version;
  const aws = tf.terraform?.required_providers?.aws;
  if (aws?.source === from.awsProvider.source && aws.version === from.awsProvider.version) {
    aws.source = to.awsProvider.source;
    aws.version = to.awsProvider.version;
  }
  return cdktfJson(tf);
}
