import type { IamPolicy } from '@cdktf/provider-aws/lib/iam-policy';
import type { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { Construct } from 'constructs';
import type { ResourceNames } from '../../config/names';
import { arnsOf, type AwsEnvironment, type PolicyStatement } from '../iam';
import { keyThroughS3AndAthena, peopleAccess } from './people-access';

export interface AnalystsProps {
  readonly env: AwsEnvironment;
  /** The stack (policy and role names), the workgroup, the catalog database and the data bucket. */
  readonly names: Pick<ResourceNames, 'stack' | 'workgroup' | 'glueDatabase' | 'dataBucket' | 'roles'>;
  /** The folder Firehose writes events to, e.g. `data/`. */
  readonly dataFolder: string;
  /** The folder of the workgroup's query results, e.g. `athena-results/`. */
  readonly resultsFolder: string;
  /** The stack's key (events, results). */
  readonly keyArn: string;
  /**
   * IAM principals (role or user ARNs, or an account root) allowed to assume the analyst role.
   * @default none: the policy only, to attach to an SSO permission set or a federated role
   */
  readonly principals?: string[];
}

/** The queries and reads an analyst needs, on this stack's resources only (docs/analysts.md). */
export function analystStatements(
  p: Pick<AnalystsProps, 'env' | 'names' | 'dataFolder' | 'resultsFolder' | 'keyArn'>,
): PolicyStatement[] {
  const arn = arnsOf(p.env);
  const bucket = arn.bucket(p.names.dataBucket);
  const { region } = p.env;
  return [
    {
      Sid: 'RunQueriesInTheStackWorkgroup',
      Effect: 'Allow',
      Action: [
        'athena:StartQueryExecution',
        'athena:StopQueryExecution',
        'athena:GetQueryExecution',
        'athena:GetQueryResults',
        'athena:GetQueryResultsStream',
        'athena:ListQueryExecutions',
        'athena:BatchGetQueryExecution',
        'athena:GetWorkGroup',
        'athena:ListNamedQueries',
        'athena:GetNamedQuery',
        'athena:BatchGetNamedQuery',
      ],
      Resource: `arn:${p.env.partition}:athena:${region}:${p.env.accountId}:workgroup/${p.names.workgroup}`,
    },
    {
      Sid: 'ReadTheStackCatalog',
      Effect: 'Allow',
      Action: [
        'glue:GetDatabase',
        'glue:GetTable',
        'glue:GetTables',
        'glue:GetPartition',
        'glue:GetPartitions',
        'glue:BatchGetPartition',
      ],
      Resource: [
        arn.glue('catalog'),
        arn.glue(`database/${p.names.glueDatabase}`),
        arn.glue(`table/${p.names.glueDatabase}/*`),
      ],
    },
    { Sid: 'ReadEventData', Effect: 'Allow', Action: 's3:GetObject', Resource: `${bucket}/${p.dataFolder}*` },
    {
      Sid: 'ReadAndWriteQueryResults',
      Effect: 'Allow',
      Action: ['s3:GetObject', 's3:PutObject', 's3:AbortMultipartUpload'],
      Resource: `${bucket}/${p.resultsFolder}*`,
    },
    {
      Sid: 'ListEventAndResultFolders',
      Effect: 'Allow',
      Action: 's3:ListBucket',
      Resource: bucket,
      Condition: { StringLike: { 's3:prefix': [`${p.dataFolder}*`, `${p.resultsFolder}*`] } },
    },
    { Sid: 'LocateTheBucket', Effect: 'Allow', Action: 's3:GetBucketLocation', Resource: bucket },
    keyThroughS3AndAthena(p.keyArn, region),
  ];
}

/**
 * Analysts' access to the stack's events: a customer managed policy granting exactly the queries and reads above
 * (attach it to an SSO permission set or a federated role), and, when principals are configured, a role they
 * assume that has it. Nobody else is given read access to event data.
 */
export class Analysts extends Construct {
  readonly policy: IamPolicy;
  readonly role?: IamRole;

  constructor(scope: Construct, id: string, props: AnalystsProps) {
    super(scope, id);
    ({ policy: this.policy, role: this.role } = peopleAccess(this, {
      name: props.names.roles.analyst,
      description:
        `Analysts of ${props.names.stack}: queries in ${props.names.workgroup}, the ` +
        `catalog and the event data, decrypting through S3 and Athena only`,
      statements: analystStatements(props),
      principals: props.principals ?? [],
      trustSid: 'ConfiguredAnalystsAssume',
    }));
  }
}
