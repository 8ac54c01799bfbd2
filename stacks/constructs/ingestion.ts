import { CognitoIdentityPool } from '@cdktf/provider-aws/lib/cognito-identity-pool';
import { CognitoIdentityPoolRolesAttachment } from '@cdktf/provider-aws/lib/cognito-identity-pool-roles-attachment';
import { addCustomSynthesis } from '../cdktf-internals';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stackEventSchema } from '../../config/event-contract';
import { stackDirectory } from '../checked-stack';
import { Construct } from 'constructs';
import type { ResourceNames } from '../../config/names';
import type { ContractColumn } from '../../config/schema';
import { ServiceRole } from './identity';

export interface IngestionProps {
  /** The stack (its event schema file), the identity pool, the guest role and the stream it may write to. */
  readonly names: Pick<ResourceNames, 'stack' | 'identityPool' | 'roles' | 'deliveryStream'>;
  /**
   * App-specific columns of the event contract, for the stack's event schema.
   * @default none: the envelope only
   */
  readonly extraColumns?: ContractColumn[];
  /** ARN of the Firehose stream events go into (built from config); the only resource ingestion may write to. */
  readonly streamArn: string;
}

/** File written beside each stack's cdk.tf.json: the JSON Schema of the events this stack accepts. */
export const EVENT_SCHEMA_FILE = 'event-schema.json';

/** Only these two calls: an app can add events, never read, change or delete the stream. */
const PUT_RECORDS = ['firehose:PutRecord', 'firehose:PutRecordBatch'];

/**
 * The front door: apps get Cognito guest credentials that can only put records into this stack's stream. (The
 * former `pinpoint` mode is refused by config validation: Amazon Pinpoint ended on 2026-10-30.)
 */
export class Ingestion extends Construct {
  /** Cognito identity pool id — what the iOS app configures. */
  readonly identityPoolId: string;

  constructor(scope: Construct, id: string, props: IngestionProps) {
    super(scope, id);
    const { names } = props;

    // The event contract as JSON Schema, for app teams and for validating sample events; written at synth.
    const schema = stackEventSchema(names.stack, props.extraColumns ?? []);
    addCustomSynthesis(this, {
      onSynthesize: (session) => {
        const dir = stackDirectory(session.outdir, names.stack);
        mkdirSync(dir, { recursive: true });
        writeFileSync(join(dir, EVENT_SCHEMA_FILE), `${JSON.stringify(schema, null, 2)}\n`);
      },
    });

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
      description:
        `Guest (unauthenticated) app identities of ${names.identityPool} ` + `put events into ${names.deliveryStream}`,
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
  }
}
