import { AthenaNamedQuery } from '@cdktf/provider-aws/lib/athena-named-query';
import { AthenaWorkgroup } from '@cdktf/provider-aws/lib/athena-workgroup';
import type { KmsKey } from '@cdktf/provider-aws/lib/kms-key';
import { Construct } from 'constructs';
import { NAMED_QUERIES, renderSql } from '../../config/queries';
import type { ResourceNames } from '../../config/names';
import type { AthenaSettings, NamedQuerySettings } from '../../config/schema';

export interface QueryProps {
  /** Names of the workgroup, the stack (for its description), the database and table the queries read. */
  readonly names: Pick<ResourceNames, 'workgroup' | 'stack' | 'glueDatabase' | 'table'>;
  /** Scan cutoff and enforcement. */
  readonly athena: Pick<AthenaSettings, 'bytesScannedCutoffPerQuery' | 'enforceWorkgroupConfiguration'>;
  /**
   * Named queries saved beside the reference design's three.
   * @default none
   */
  readonly extraQueries?: NamedQuerySettings[];
  /** Key query results are encrypted with (SSE-KMS). */
  readonly key: KmsKey;
  /** `s3://…/` location for results, in the stack's own bucket and region. */
  readonly resultsLocation: string;
  /** Glue database the queries read. */
  readonly database: string;
}

/** Athena workgroup with enforced settings and a scan cutoff, plus the example named queries. */
export class Query extends Construct {
  readonly workgroup: AthenaWorkgroup;

  constructor(scope: Construct, id: string, props: QueryProps) {
    super(scope, id);
    const { names } = props;
    const a = props.athena;

    this.workgroup = new AthenaWorkgroup(this, 'workgroup', {
      name: names.workgroup,
      description: `Telemetry queries of ${names.stack}; results in ${props.resultsLocation}`,
      state: 'ENABLED',
      configuration: {
        enforceWorkgroupConfiguration: a.enforceWorkgroupConfiguration,
        publishCloudwatchMetricsEnabled: true,
        bytesScannedCutoffPerQuery: a.bytesScannedCutoffPerQuery,
        resultConfiguration: {
          outputLocation: props.resultsLocation,
          encryptionConfiguration: { encryptionOption: 'SSE_KMS', kmsKeyArn: props.key.arn },
        },
      },
    });

    for (const query of [...NAMED_QUERIES, ...(props.extraQueries ?? [])]) {
      new AthenaNamedQuery(this, query.name, {
        name: query.name,
        description: query.description,
        workgroup: this.workgroup.name,
        database: props.database,
        query: renderSql(query, { database: names.glueDatabase, table: names.table }),
      });
    }
  }
}
