/**
 * docs/reference/configuration.md, generated from the zod schema (types, limits, descriptions and sources from
 * `.describe()`/`.meta()`), the defaults, the profiles and the deployment defaults: every field the matrix takes.
 */
import { z } from 'zod';
import { AWS_REGIONS } from '../../config/aws';
import { DEFAULT_SETTINGS, DEPLOYMENT_DEFAULTS } from '../../config/defaults';
import { overrideFileSchema } from '../../config/override-file';
import { PROFILES } from '../../config/profiles';
import { backendSchema, deploymentSchema, pipelineSettingsSchema } from '../../config/schema';

/** The part of a JSON Schema node this page reads. */
interface Node {
  type?: string;
  description?: string;
  source?: string;
  enum?: unknown[];
  const?: unknown;
  anyOf?: Node[];
  oneOf?: Node[];
  items?: Node;
  properties?: Record<string, Node>;
  additionalProperties?: Node | boolean;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  multipleOf?: number;
  minLength?: number;
  pattern?: string;
  format?: string;
}

const jsonSchema = (schema: z.ZodType) => z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as Node;
const code = (value: unknown) => `\`${typeof value === 'string' ? value : JSON.stringify(value)}\``;
/** A table cell: pipes escaped, one line. */
const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');

function numberType(node: Node): string {
  const name = node.type === 'integer' ? 'integer' : 'number';
  const min =
    node.minimum ??
    (node.exclusiveMinimum === undefined
      ? undefined
      : node.type === 'integer'
        ? node.exclusiveMinimum + 1
        : node.exclusiveMinimum);
  const max = node.maximum !== undefined && node.maximum < Number.MAX_SAFE_INTEGER ? node.maximum : undefined;
  const range =
    min !== undefined && max !== undefined
      ? ` ${min}–${max}`
      : min !== undefined
        ? ` ≥ ${min}`
        : max !== undefined
          ? ` ≤ ${max}`
          : '';
  return `${name}${range}${node.multipleOf ? `, a multiple of ${node.multipleOf}` : ''}`;
}

function stringType(node: Node): string {
  if (node.format === 'email') return 'email address';
  if (node.pattern) return `string matching ${code(node.pattern)}`;
  return node.minLength ? 'non-empty string' : 'string';
}

/** A field's type in words, with the limits the schema enforces. */
export function typeOf(node: Node): string {
  if (node.anyOf) return node.anyOf.map(typeOf).join(' or ');
  if (node.const !== undefined) return code(node.const);
  if (node.enum) {
    if (
      node.enum.length === AWS_REGIONS.length &&
      node.enum.every((v) => (AWS_REGIONS as readonly unknown[]).includes(v))
    )
      return `AWS region code (one of the ${AWS_REGIONS.length} in config/aws.ts)`;
    return `one of ${node.enum.map(code).join(', ')}`;
  }
  switch (node.type) {
    case 'null':
      return '`null`';
    case 'boolean':
      return 'boolean';
    case 'integer':
    case 'number':
      return numberType(node);
    case 'string':
      return stringType(node);
    case 'array':
      return `list of ${node.items ? typeOf(node.items) : 'values'}`;
    case 'object':
      return node.properties ? `object {${Object.keys(node.properties).join(', ')}}` : 'object';
    default:
      return 'any';
  }
}

/** The value at a dotted path of an object, or undefined. */
function at(value: unknown, path: string[]): unknown {
  return path.reduce<unknown>(
    (v, key) => (v !== null && typeof v === 'object' ? (v as Record<string, unknown>)[key] : undefined),
    value,
  );
}

interface Row {
  field: string;
  node: Node;
  default?: unknown;
  profiles?: string;
}

function table(rows: Row[], withProfiles: boolean): string[] {
  const header = withProfiles
    ? ['Field', 'Type', 'Default', 'Profiles', 'What it is', 'Source']
    : ['Field', 'Type', 'Default', 'What it is', 'Source'];
  return [
    `| ${header.join(' | ')} |`,
    `|${header.map(() => '---').join('|')}|`,
    ...rows.map((r) => {
      const values = [
        code(r.field),
        typeOf(r.node),
        r.default === undefined ? '—' : code(r.default),
        ...(withProfiles ? [r.profiles ?? ''] : []),
        r.node.description ?? '',
        r.node.source ?? '',
      ];
      return `| ${values.map(cell).join(' | ')} |`;
    }),
  ];
}

/** One row per field of a settings group (an object node), defaults and profile values read at `path`. */
function settingsRows(group: string, node: Node, path: string[]): Row[] {
  return Object.entries(node.properties ?? {}).map(([key, field]) => {
    const fieldPath = [...path, key];
    const profiles = Object.entries(PROFILES)
      .map(([name, profile]) => [name, at(profile, fieldPath)] as const)
      .filter(([, v]) => v !== undefined)
      .map(([name, v]) => `${name}: ${code(v)}`)
      .join(', ');
    return {
      field: `${group}.${key}`.replace(/^\./, ''),
      node: field,
      default: at(DEFAULT_SETTINGS, fieldPath),
      profiles,
    };
  });
}

export function renderConfigurationReference(): string {
  const settings = jsonSchema(pipelineSettingsSchema);
  const lines = [
    '<!-- Generated by `npm run docs` from config/schema.ts, config/defaults.ts, ' +
      'config/profiles.ts and config/override-file.ts; edit those, not this file. -->',
    '# Configuration reference',
    '',
    'Every field of the shared configuration, with its type and the limits the schema enforces, its default and',
    'what the profiles change. Rules that relate several fields (lifecycle order, Firehose prefixes, …) run after',
    'the schema (config/rules.ts); [the AWS rules](../aws-rules.md) lists each with its source. How values combine:',
    "defaults ← profile ← the deployment's `overrides` ← the override file; objects merge, arrays and scalars replace,",
    '`null` clears.',
    '',
    '## Pipeline settings',
    '',
    "`defaults` (config/defaults.ts), `profiles` (config/profiles.ts), a deployment's `overrides` and an override",
    "file's `defaults`/`deploymentOverrides` all take these fields.",
  ];
  for (const [group, node] of Object.entries(settings.properties ?? {})) {
    lines.push('', `### \`${group}\``, '');
    if (node.description) lines.push(node.description, '');
    if (node.oneOf) {
      const chosen = at(DEFAULT_SETTINGS, [group]) as Record<string, unknown>;
      for (const variant of node.oneOf) {
        const [discriminator, literal] =
          Object.entries(variant.properties ?? {}).find(([, p]) => p.const !== undefined) ?? [];
        const isDefault = discriminator !== undefined && chosen[discriminator] === literal?.const;
        lines.push(`With \`${discriminator} = ${String(literal?.const)}\`${isDefault ? ' (the default)' : ''}:`, '');
        lines.push(...table(settingsRows(group, variant, isDefault ? [group] : ['\0']), true), '');
      }
      lines.pop();
    } else if (node.type === 'object') {
      lines.push(...table(settingsRows(group, node, [group]), true));
    } else {
      lines.push(...table([{ field: group, node, default: at(DEFAULT_SETTINGS, [group]) }], false));
    }
  }
  const deployment = jsonSchema(deploymentSchema);
  lines.push(
    '',
    '## A deployment (`deployments[]` in config/matrix.ts)',
    '',
    'One stack per deployment. Besides these, `overrides` takes any pipeline setting above (applied after the',
    "profile) and `backend` any field of the matrix's backend.",
    '',
    ...table(
      Object.entries(deployment.properties ?? {}).map(([key, node]) => ({
        field: key,
        node,
        default: (DEPLOYMENT_DEFAULTS as Record<string, unknown>)[key],
      })),
      false,
    ),
  );
  const backend = jsonSchema(backendSchema);
  lines.push('', '## The state backend (`backend` in config/matrix.ts)', '');
  for (const variant of backend.oneOf ?? []) {
    const type = variant.properties?.type?.const;
    lines.push(
      `With \`type = ${String(type)}\`:`,
      '',
      ...table(
        Object.entries(variant.properties ?? {}).map(([key, node]) => ({ field: key, node })),
        false,
      ),
      '',
    );
  }
  const overrideFile = jsonSchema(overrideFileSchema);
  lines.push(
    "## The override file (`TELEMETRY_CONFIG` or cdktf.json's `telemetryConfig`)",
    '',
    'A JSON file with these top-level keys; what is inside each is checked by the schema above once merged.',
    '',
    ...table(
      Object.entries(overrideFile.properties ?? {}).map(([key, node]) => ({ field: key, node })),
      false,
    ),
    '',
  );
  return lines.join('\n');
}
