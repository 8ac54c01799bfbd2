/**
 * What an iOS app needs from a deployed stack, as the one JSON file the app bundles: region, Cognito identity pool,
 * Firehose stream, the batching limits of PutRecordBatch, and the event contract (its version and JSON Schema), from
 * the stack's Terraform outputs. `npm run app-config` writes it; the e2e run's app sends with it.
 */
import { createHash } from 'node:crypto';
import type { ResolvedDeployment } from '../config';
import { stackEventSchema } from '../config/event-contract';

/** PutRecordBatch limits (Firehose API reference): records per call, bytes per call, bytes per record. */
export const PUT_RECORD_BATCH_LIMITS = {
  maxRecords: 500,
  maxBytes: 4 * 1024 * 1024,
  maxRecordBytes: 1000 * 1024,
} as const;

export interface AppConfig {
  stack: string;
  region: string;
  identityPoolId: string;
  deliveryStreamName: string;
  /**
   * One JSON object per event, newline-terminated; several such lines may share a record (cheaper, see
   * docs/ios-app.md).
   */
  recordFormat: 'newline-delimited JSON';
  limits: typeof PUT_RECORD_BATCH_LIMITS;
  contract: { version: string; schema: Record<string, unknown> };
}

/** `terraform output -json` of a stack. */
export type Outputs = Record<string, { value: unknown }>;

/** The app's configuration from a stack's outputs; a missing or contradicting output is an error naming it. */
export function appConfig(deployment: ResolvedDeployment, outputs: Outputs): AppConfig {
  const value = (name: string) => {
    const v = outputs[name]?.value;
    if (typeof v !== 'string' || v === '')
      throw new Error(`${deployment.names.stack}: output ${name} is missing — is the stack deployed?`);
    return v;
  };
  const region = value('region');
  const deliveryStreamName = value('delivery_stream_name');
  if (region !== deployment.region || deliveryStreamName !== deployment.names.deliveryStream) {
    throw new Error(
      `${deployment.names.stack}: the outputs (${region}, ${deliveryStreamName}) are not this ` +
        `configuration's (${deployment.region}, ${deployment.names.deliveryStream}): deploy first`,
    );
  }
  const schema = stackEventSchema(deployment.names.stack, deployment.settings.contract.extraColumns);
  const version = createHash('sha256').update(JSON.stringify(schema)).digest('hex').slice(0, 12);
  return {
    stack: deployment.names.stack,
    region,
    identityPoolId: value('identity_pool_id'),
    deliveryStreamName,
    recordFormat: 'newline-delimited JSON',
    limits: PUT_RECORD_BATCH_LIMITS,
    contract: { version, schema },
  };
}
