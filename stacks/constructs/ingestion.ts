import { CognitoIdentityPool } from '@cdktf/provider-aws/lib/cognito-identity-pool';
import { CognitoIdentityPoolRolesAttachment } from '@cdktf/provider-aws/lib/cognito-identity-pool-roles-attachment';
import type { KinesisFirehoseDeliveryStream } from '@cdktf/provider-aws/lib/kinesis-firehose-delivery-stream';
import { PinpointApp } from '@cdktf/provider-aws/lib/pinpoint-app';
import { PinpointEventStream } from '@cdktf/provider-aws/lib/pinpoint-event-stream';
import { Annotations } from 'cdktf';
import { addCustomSynthesis } from 'cdktf/lib/synthesize/synthesizer';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stackEventSchema } from '../../config/event-contract';
import { stackDirectory } from '../checked-stack';
import { Construct } from 'constructs';
import type { StackContext } from '../context';
import { ServiceRole } from './identity';

export interface IngestionProps {
  /** The stack's deployment, partition and ARN builders. */
  readonly context: StackContext;
  /** ARN of the Firehose stream events go into (built from config); the only resource ingestion may write to. */
  readonly streamArn: string;
  /** The stream itself, so the Pinpoint event stream is created after it. */
  readonly stream: KinesisFirehoseDeliveryStream;
}

/** Amazon Pinpoint's end of support; after it the console and API no longer serve Pinpoint resources. */
export const PINPOINT_END_OF_SUPPORT = '2026-10-30';

/** File written beside each stack's cdk.tf.json: the JSON Schema of the events this stack accepts. */
export const EVENT_SCHEMA_FILE = 'event-schema.json';

/** Only these two calls: an app can add events, never read, change or delete the stream. */
const PUT_RECORDS = ['firehose:PutRecord', 'firehose:PutRecordBatch'];

/**
 * The front door: `direct` (default) gives apps Cognito guest credentials that can only put records into this
 * stack's stream; `pinpoint` (legacy) streams a Pinpoint app's events into Firehose.
 */
export class Ingestion extends Construct {
  /** Cognito identity pool id (direct mode) — what the iOS app configures. */
  readonly identityPoolId?: string;
  /** Pinpoint application id (pinpoint mode). */
  readonly pinpointAppId?: string;

  constructor(scope: Construct, id: string, props: IngestionProps) {
    super(scope, id);
    const { deployment, principal } = props.context;
    const { names, region, accountId } = deployment;

    // The event contract as JSON Schema, for app teams and for validating sample events; written at synth.
    const schema = stackEventSchema(names.stack, deployment.settings.contract.extraColumns);
    addCustomSynthesis(this, {
      onSynthesize: (session) => {
        const dir = stackDirectory(session.outdir, names.stack);
        mkdirSync(dir, { recursive: true });
        writeFileSync(join(dir, EVENT_SCHEMA_FILE), `${JSON.stringify(schema, null, 2)}\n`);
      },
    });

    if (deployment.settings.ingestion.mode === 'direct') {
      const pool = new CognitoIdentityPool(this, 'identity-pool', {
        identityPoolName: names.identityPool,
        allowUnauthenticatedIdentities: true,
        // The enhanced (simplified) flow only: the classic flow lets clients pick any role the pool trusts. Guest
        // credentials of that flow are cut down by Cognito's AmazonCognitoUnAuthedIdentitiesSessionPolicy, which
        // keeps firehose:*, so PutRecordBatch works.
        allowClassicFlow: false,
      });
      const guest = new ServiceRole(this, 'guest-role', {
        roleName: names.roles.ingestion,
        description: `Guest (unauthenticated) app identities of ${names.identityPool} put events into ${names.deliveryStream}`,
        principal: { Federated: 'cognito-identity.amazonaws.com' },
        assumeAction: 'sts:AssumeRoleWithWebIdentity',
        // Only identities of this pool, and only unauthenticated ones.
        trustConditions: {
          StringEquals: { 'cognito-identity.amazonaws.com:aud': pool.id },
          'ForAnyValue:StringLike': { 'cognito-identity.amazonaws.com:amr': 'unauthenticated' },
        },
        statements: [{ Sid: 'PutEventsIntoThisStream', Effect: 'Allow', Action: PUT_RECORDS, Resource: props.streamArn }],
      });
      new CognitoIdentityPoolRolesAttachment(this, 'roles', {
        identityPoolId: pool.id,
        roles: { unauthenticated: guest.role.arn },
      });
      this.identityPoolId = pool.id;
      return;
    }

    Annotations.of(this).addWarning(
      `${names.stack}: ingestion mode "pinpoint" is legacy — Amazon Pinpoint reached end of support on ${PINPOINT_END_OF_SUPPORT}; ` +
        'switch ingestion.mode to "direct" (Cognito guest credentials → Firehose).',
    );
    const app = new PinpointApp(this, 'app', { name: `${names.deliveryStream}-legacy` });
    const role = new ServiceRole(this, 'pinpoint-role', {
      roleName: names.roles.ingestion,
      description: `Pinpoint apps of ${accountId} stream events into ${names.deliveryStream}`,
      principal: { Service: principal('pinpoint') },
      trustConditions: {
        StringEquals: { 'aws:SourceAccount': accountId },
        ArnLike: { 'aws:SourceArn': `arn:${props.context.partition}:mobiletargeting:${region}:${accountId}:apps/*` },
      },
      statements: [{ Sid: 'PutEventsIntoThisStream', Effect: 'Allow', Action: PUT_RECORDS, Resource: props.streamArn }],
    });
    new PinpointEventStream(this, 'event-stream', {
      applicationId: app.applicationId,
      destinationStreamArn: props.stream.arn,
      roleArn: role.role.arn,
      dependsOn: [role.policy],
    });
    this.pinpointAppId = app.applicationId;
  }
}
