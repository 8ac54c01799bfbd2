import { GlueCatalogDatabase } from '@cdktf/provider-aws/lib/glue-catalog-database';
import { GlueCrawler } from '@cdktf/provider-aws/lib/glue-crawler';
import type { KmsKey } from '@cdktf/provider-aws/lib/kms-key';
import { Construct } from 'constructs';
import { staticFolder } from '../../config/names';
import type { CrawlerSettings } from '../../config/schema';
import type { StackContext } from '../context';
import { ServiceRole } from './identity';

export interface CatalogProps {
  /** The stack's deployment, partition and ARN builders. */
  readonly context: StackContext;
  /** Key the data objects are encrypted with; the crawler decrypts through S3 only. */
  readonly key: KmsKey;
}

/**
 * Crawler output configuration (Glue guide, "Setting crawler configuration options"): partitions inherit the
 * table's schema, and compatible schemas across folders are combined into one table. Unknown keys fail at apply.
 */
export const CRAWLER_CONFIGURATION = {
  Version: 1.0,
  CrawlerOutput: { Partitions: { AddOrUpdateBehavior: 'InheritFromTable' } },
  Grouping: { TableGroupingPolicy: 'CombineCompatibleSchemas' },
};

/** The schema-change policy a crawler variant allows: "new folders only" is LOG/LOG by AWS's rule. */
export function schemaChangePolicy(c: CrawlerSettings): { updateBehavior: string; deleteBehavior: string } {
  return c.recrawlBehavior === 'CRAWL_NEW_FOLDERS_ONLY'
    ? { updateBehavior: 'LOG', deleteBehavior: 'LOG' }
    : { updateBehavior: c.updateBehavior, deleteBehavior: c.deleteBehavior };
}

/** Glue database and the crawler that turns the data folder into a partitioned table. */
export class Catalog extends Construct {
  readonly database: GlueCatalogDatabase;
  readonly crawler: GlueCrawler;

  constructor(scope: Construct, id: string, props: CatalogProps) {
    super(scope, id);
    const { deployment, arn, principal } = props.context;
    const { names, settings, region, accountId } = deployment;
    const dataFolder = staticFolder(settings.firehose.dataPrefix);
    const bucketArn = arn.bucket(names.dataBucket);

    this.database = new GlueCatalogDatabase(this, 'database', {
      name: names.glueDatabase,
      description: `iOS app telemetry of ${deployment.environment} in ${region}`,
    });

    const role = new ServiceRole(this, 'role', {
      roleName: names.roles.crawler,
      description: `Glue crawler ${names.crawler} reads s3://${names.dataBucket}/${dataFolder}`,
      principal: { Service: principal('glue') },
      trustConditions: { StringEquals: { 'aws:SourceAccount': accountId } },
      // Catalog writes and the crawler's own logs; AWS's managed policy for Glue service roles.
      managedPolicyArns: [arn.managedPolicy('service-role/AWSGlueServiceRole')],
      statements: [
        { Sid: 'ReadEventObjects', Effect: 'Allow', Action: 's3:GetObject', Resource: `${bucketArn}/${dataFolder}*` },
        {
          Sid: 'ListEventFolder',
          Effect: 'Allow',
          Action: 's3:ListBucket',
          Resource: bucketArn,
          Condition: { StringLike: { 's3:prefix': [`${dataFolder}*`, dataFolder] } },
        },
        {
          Sid: 'DecryptEventObjectsThroughS3',
          Effect: 'Allow',
          Action: 'kms:Decrypt',
          Resource: props.key.arn,
          Condition: { StringEquals: { 'kms:ViaService': principal(`s3.${region}`) } },
        },
      ],
    });

    const c = settings.crawler;
    this.crawler = new GlueCrawler(this, 'crawler', {
      name: names.crawler,
      databaseName: this.database.name,
      role: role.role.arn,
      dependsOn: [role.policy],
      schedule: c.schedule,
      tablePrefix: settings.catalog.tablePrefix,
      s3Target: [{ path: `s3://${names.dataBucket}/${dataFolder}` }],
      recrawlPolicy: { recrawlBehavior: c.recrawlBehavior },
      schemaChangePolicy: schemaChangePolicy(c),
      configuration: JSON.stringify(CRAWLER_CONFIGURATION),
    });
  }
}
