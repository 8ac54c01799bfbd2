/**
 * The telemetry event, defined once: a Pinpoint-compatible envelope plus the app-specific columns an
 * environment adds (`contract.extraColumns`). From this one definition come the Glue table columns, the JSON
 * Schema app teams validate against, and the column check of every named query.
 */
import type { ContractColumn } from './schema';

/** A field of the contract; `struct` and `map` nest. */
export type FieldType = 'string' | 'bigint' | 'double' | 'boolean' | { struct: Field[] } | { map: 'string' | 'double' };

export interface Field {
  name: string;
  type: FieldType;
  description: string;
  /** Events without it fail JSON Schema validation. Default: optional. */
  required?: boolean;
}

const str = (name: string, description: string, required = false): Field => ({
  name,
  type: 'string',
  description,
  required,
});
const epochMs = (name: string, description: string, required = false): Field => ({
  name,
  type: 'bigint',
  description: `${description} (epoch milliseconds)`,
  required,
});

/**
 * The envelope of the Amazon Pinpoint event stream format, so queries written for Pinpoint exports keep
 * working after the move to direct ingestion, and historical exports copied under `data/` are queryable by the same
 * table: every field of Pinpoint's app event (Pinpoint developer guide, "App event data stream") has a column.
 * Timestamps are epoch milliseconds, as Pinpoint wrote them.
 */
export const ENVELOPE: Field[] = [
  str('event_type', 'Name of the event, e.g. `_session.start`, `purchase`', true),
  epochMs('event_timestamp', 'When the event happened on the device', true),
  epochMs('arrival_timestamp', 'When the app sent the batch (Pinpoint: when it arrived)'),
  str('event_version', 'Version of the event format'),
  {
    name: 'application',
    description: 'The app that sent the event',
    type: {
      struct: [
        str('app_id', 'Application id'),
        str(
          'cognito_identity_pool_id',
          'Cognito identity pool the app got its credentials from (Pinpoint SDKs send it)',
        ),
        str('package_name', 'Bundle identifier'),
        {
          name: 'sdk',
          description: 'SDK that recorded the event (Pinpoint SDKs send it)',
          type: { struct: [str('name', 'SDK name'), str('version', 'SDK version')] },
        },
        str('version_name', 'Marketing version (CFBundleShortVersionString)'),
        str('version_code', 'Build number (CFBundleVersion)'),
        str('title', 'App name'),
      ],
    },
  },
  {
    name: 'client',
    description: 'The app installation',
    required: true,
    type: {
      struct: [
        str('client_id', 'Random per-installation id (not the IDFA)', true),
        str('cognito_id', 'Cognito identity id of the guest credentials'),
      ],
    },
  },
  {
    name: 'device',
    description: 'Device and OS',
    type: {
      struct: [
        str('model', 'Hardware model, e.g. iPhone16,2'),
        str('make', 'Manufacturer'),
        {
          name: 'platform',
          description: 'Operating system',
          type: { struct: [str('name', 'e.g. iOS'), str('version', 'e.g. 26.1')] },
        },
        {
          name: 'locale',
          description: 'Locale',
          type: { struct: [str('code', 'e.g. en_US'), str('country', 'ISO country'), str('language', 'ISO language')] },
        },
      ],
    },
  },
  {
    name: 'session',
    description: 'The app session the event belongs to',
    type: {
      struct: [
        str('session_id', 'Random per-session id'),
        epochMs('start_timestamp', 'Session start'),
        epochMs('stop_timestamp', 'Session stop; set on _session.stop events'),
        {
          name: 'duration',
          type: 'bigint',
          description: 'Session length in milliseconds; set on _session.stop events',
        },
      ],
    },
  },
  { name: 'attributes', type: { map: 'string' }, description: 'String attributes of the event' },
  { name: 'metrics', type: { map: 'double' }, description: 'Numeric metrics of the event' },
];

/** The contract of a deployment: the envelope, then its app-specific columns. */
export function contractFields(extraColumns: ContractColumn[]): Field[] {
  return [...ENVELOPE, ...extraColumns.map((c) => ({ name: c.name, type: c.type, description: c.description }))];
}

/** Hive/Glue type string: `struct<a:string,b:bigint>`, `map<string,double>`. */
export function glueType(type: FieldType): string {
  if (typeof type === 'string') return type;
  if ('map' in type) return `map<string,${type.map}>`;
  return `struct<${type.struct.map((f) => `${f.name}:${glueType(f.type)}`).join(',')}>`;
}

type JsonSchema = Record<string, unknown>;

function jsonSchemaOf(type: FieldType, description?: string): JsonSchema {
  const withDescription = (schema: JsonSchema) => (description ? { description, ...schema } : schema);
  if (type === 'string') return withDescription({ type: 'string' });
  if (type === 'bigint') return withDescription({ type: 'integer' });
  if (type === 'double') return withDescription({ type: 'number' });
  if (type === 'boolean') return withDescription({ type: 'boolean' });
  if ('map' in type)
    return withDescription({
      type: 'object',
      additionalProperties: { type: type.map === 'string' ? 'string' : 'number' },
    });
  return withDescription(objectSchema(type.struct));
}

function objectSchema(fields: Field[]): JsonSchema {
  const required = fields.filter((f) => f.required).map((f) => f.name);
  return {
    type: 'object',
    properties: Object.fromEntries(fields.map((f) => [f.name, jsonSchemaOf(f.type, f.description)])),
    ...(required.length > 0 ? { required } : {}),
    // A field the contract lacks would be dropped silently by the table; reject it where it is sent.
    additionalProperties: false,
  };
}

/** The JSON Schema (draft 2020-12) of one event: what an app must send, one JSON object per record. */
export function eventJsonSchema(fields: Field[], id: string): JsonSchema {
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    $id: id,
    title: 'Telemetry event',
    description: 'One record put into the Firehose stream: a JSON object followed by a newline.',
    ...objectSchema(fields),
  };
}

/** The JSON Schema of the events one stack accepts: the envelope plus its extra columns, with the stack's id. */
export function stackEventSchema(stack: string, extraColumns: ContractColumn[]): JsonSchema {
  return eventJsonSchema(contractFields(extraColumns), `urn:telemetry:${stack}:event`);
}

/** Whether a dotted column path (`session.session_id`) exists in the contract. */
export function hasColumn(fields: Field[], path: string): boolean {
  const [head, ...rest] = path.split('.');
  const field = fields.find((f) => f.name === head);
  if (!field) return false;
  if (rest.length === 0) return true;
  return typeof field.type === 'object' && 'struct' in field.type && hasColumn(field.type.struct, rest.join('.'));
}

/**
 * A contract field that identifies a data subject, with the shape its ids have. Both are UUIDs underneath, and a UUID
 * is case-insensitive (RFC 9562, section 4: "UUIDs ... are to be treated as case insensitive"; Apple's
 * `identifierForVendor.uuidString` writes it upper case, Cognito lower case), so ids in these fields are compared
 * without regard to ASCII case — the rule an erasure states and tests (scripts/erase/records.ts).
 */
export interface IdField {
  /** Dotted path of the field in the event. */
  path: string;
  /** What an id of this field looks like (checked on every id of an erasure request). */
  shape: RegExp;
  /** The shape, in words, for errors and docs. */
  shapeText: string;
}

const UUID = '[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}';

/**
 * The fields of the envelope that identify a data subject: the installation (an IDFV-style UUID) and its guest
 * identity (a Cognito identity id, `REGION:GUID`: Cognito Identity API reference, GetId, "IdentityId … A unique
 * identifier in the format REGION:GUID", pattern `[\w-]+:[0-9a-f-]+`, 1–55 characters).
 */
export const ID_FIELDS: IdField[] = [
  {
    path: 'client.client_id',
    shape: new RegExp(`^${UUID}$`),
    shapeText: 'a UUID (8-4-4-4-12 hex digits, e.g. an IDFV)',
  },
  {
    path: 'client.cognito_id',
    shape: new RegExp(`^[a-z]{2}(-[a-z]+)+-\\d:${UUID}$`, 'i'),
    shapeText: 'a Cognito identity id (REGION:GUID, e.g. us-east-1:…)',
  },
];

/** The contract type of a dotted path (`client.client_id` → `string`), or undefined when it is no column. */
export function columnType(fields: Field[], path: string): FieldType | undefined {
  const [head, ...rest] = path.split('.');
  const field = fields.find((f) => f.name === head);
  if (!field) return undefined;
  if (rest.length === 0) return field.type;
  return typeof field.type === 'object' && 'struct' in field.type
    ? columnType(field.type.struct, rest.join('.'))
    : undefined;
}
