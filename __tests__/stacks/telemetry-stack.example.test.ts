/**
 * Example tests: exact values against the tests' own example matrix (__tests__/fixtures/example-matrix.ts), never
 * the product config. What must hold for the user's matrix is in telemetry-stack.invariants.test.ts.
 */
import { Testing } from 'cdktf';
import { CloudwatchEventRule } from '@cdktf/provider-aws/lib/cloudwatch-event-rule';
import { GlueCrawler } from '@cdktf/provider-aws/lib/glue-crawler';
import { CRAWLER_CONFIGURATION } from '../../stacks/constructs/catalog';
import { PINPOINT_END_OF_SUPPORT } from '../../config/aws';
import { NAMED_QUERIES } from '../../config/queries';
import { configCheck } from '../../scripts/config-check';
import { parsePolicy } from '../../terraform-json/policy';
import { EXAMPLE_MATRIX } from '../fixtures/example-matrix';
import { dataKey, hcpMatrix, only, singleDeployment, synthMatrix } from '../helpers';

const stacks = synthMatrix();
/** Metadata type cdktf gives warning annotations. */
const WARNING = '@cdktf/warn';

describe('default matrix', () => {
  it('has dev and prod, prod in two regions, the EU one on the compliance profile', () => {
    expect(stacks.map((s) => s.stack.node.id)).toEqual([
      'telemetry-dev-us-east-1',
      'telemetry-prod-us-east-1',
      'telemetry-prod-eu-central-1',
    ]);
    expect(stacks.find((s) => s.deployment.region === 'eu-central-1')?.deployment.profile).toBe('compliance');
  });
});

describe.each(stacks.map((s) => [s.stack.node.id, s] as const))('%s', (_id, s) => {
  const { deployment: d, tf, synthesized } = s;
  const { settings, names } = d;

  it(
    'keeps state in an encrypted S3 backend in its own region, ' + 'one key per environment/region, with a lock file',
    () => {
      expect(tf.terraform?.backend?.s3).toEqual({
        bucket: `telemetry-tfstate-${d.accountId}-${d.region}`,
        key: `telemetry/${d.environment}/${d.region}/terraform.tfstate`,
        region: d.region,
        encrypt: true,
        kms_key_id: `arn:aws:kms:${d.region}:${d.accountId}:alias/telemetry-tfstate`,
        use_lockfile: true,
      });
    },
  );

  it('crawls the events table (catalog target) on the configured schedule, LOG/LOG, combining schemas', () => {
    const { catalog } = settings;
    if (catalog.mode !== 'crawler') throw new Error(`the example matrix crawls; ${d.names.stack} has ${catalog.mode}`);
    expect(synthesized).toHaveResourceWithProperties(GlueCrawler, {
      schedule: catalog.crawler.schedule,
      catalog_target: [
        { database_name: expect.stringContaining('aws_glue_catalog_database'), tables: [expect.any(String)] },
      ],
      // The default: AWS documents incremental crawls for S3 data sources, not the catalog target crawled here.
      recrawl_policy: { recrawl_behavior: 'CRAWL_EVERYTHING' },
      schema_change_policy: { update_behavior: 'LOG', delete_behavior: 'LOG' },
    });
    const table = Object.values(tf.resource.aws_glue_catalog_table).find((t) => t.name === names.table);
    expect(table?.storage_descriptor).toMatchObject({
      location: `s3://${names.dataBucket}/data/`,
      ser_de_info: { parameters: { 'ignore.malformed.json': 'TRUE', 'use.null.for.invalid.data': 'TRUE' } },
    });
    expect(JSON.parse(String(only(tf, 'aws_glue_crawler').configuration))).toEqual(CRAWLER_CONFIGURATION);
    expect(CRAWLER_CONFIGURATION.Grouping.TableGroupingPolicy).toBe('CombineCompatibleSchemas');
    expect(only(tf, 'aws_glue_catalog_database').name).toMatch(/^[a-z0-9_]+$/);
  });

  it('grants IAM permissions on ARNs only, never "*"', () => {
    const policies = Object.values(tf.resource.aws_iam_role_policy);
    expect(policies).toHaveLength(3);
    for (const policy of policies) {
      for (const statement of parsePolicy(policy.policy) ?? []) {
        for (const resource of ([] as string[]).concat(statement.Resource ?? [])) {
          expect(resource).not.toBe('*');
          expect(resource).toMatch(/^(arn:aws:|\$\{aws_[a-z_]+\.[^}]+\.arn\})/);
        }
      }
    }
  });

  it('lets app guests put records into this stream only (direct ingestion)', () => {
    const guestPolicy = Object.values(tf.resource.aws_iam_role_policy).find((p) =>
      String(p.role).includes('ingestion'),
    );
    expect(parsePolicy(guestPolicy?.policy)).toEqual([
      {
        Sid: 'PutEventsIntoThisStream',
        Effect: 'Allow',
        Action: ['firehose:PutRecord', 'firehose:PutRecordBatch'],
        Resource: `arn:aws:firehose:${d.region}:${d.accountId}:deliverystream/${names.deliveryStream}`,
      },
    ]);
    expect(only(tf, 'aws_cognito_identity_pool')).toMatchObject({
      allow_unauthenticated_identities: true,
      allow_classic_flow: false,
    });
    expect(tf.output).toHaveProperty('identity_pool_id');
  });

  it('outputs what the app, analysts and on-call need', () => {
    expect(Object.keys(tf.output ?? {}).sort()).toEqual(
      [
        'alert_topic_arn',
        'athena_workgroup',
        'data_bucket',
        'delivery_stream_name',
        'glue_database',
        'identity_pool_id',
        'kms_key_arn',
        'region',
      ].sort(),
    );
    const outputs = tf.output as Record<string, { value: string }>;
    expect(outputs.kms_key_arn.value).toContain('aws_kms_key');
    expect(outputs.athena_workgroup.value).toBe(names.workgroup);
    expect(outputs.delivery_stream_name.value).toBe(names.deliveryStream);
  });
});

describe('named queries', () => {
  it('"last 7 days" covers seven calendar days, today included (BETWEEN includes both ends)', () => {
    const sql = NAMED_QUERIES.find((q) => q.name === 'daily-event-counts-last-7-days')!.sql;
    expect(sql).toContain(
      "BETWEEN date_format(current_date - interval '6' day, '%Y-%m-%d') AND date_format(current_date, '%Y-%m-%d')",
    );
  });
});

describe('configured values reach their resources', () => {
  it('overrides of one deployment change only that stack', () => {
    const [dev, prodUs] = stacks.map((s) => only(s.tf, 'aws_kinesis_firehose_delivery_stream'));
    expect((dev.extended_s3_configuration as Record<string, unknown>).buffering_interval).toBe(
      EXAMPLE_MATRIX.deployments[0].overrides?.firehose?.bufferIntervalSeconds,
    );
    expect((prodUs.extended_s3_configuration as Record<string, unknown>).buffering_interval).toBe(
      EXAMPLE_MATRIX.defaults.firehose.bufferIntervalSeconds,
    );
  });

  it('a cutoff, a schedule and a buffer size set in config appear in the JSON', () => {
    const [s] = synthMatrix(
      singleDeployment({
        athena: { bytesScannedCutoffPerQuery: 52428800 },
        crawler: { schedule: 'cron(15 3 * * ? *)' },
        firehose: { bufferSizeMb: 64 },
      }),
    );
    // Both workgroups, the analysts' and the erasure's, scan no more than the configured cutoff.
    expect(
      Object.values(s.tf.resource.aws_athena_workgroup).map(
        (w) => (w.configuration as Record<string, unknown>).bytes_scanned_cutoff_per_query,
      ),
    ).toEqual([52428800, 52428800]);
    expect(only(s.tf, 'aws_glue_crawler').schedule).toBe('cron(15 3 * * ? *)');
    expect(
      (only(s.tf, 'aws_kinesis_firehose_delivery_stream').extended_s3_configuration as Record<string, unknown>)
        .buffering_size,
    ).toBe(64);
  });

  it(
    'CRAWL_EVERYTHING crawls the events table with LOG/LOG (the ' + 'only policy the configuration check lets through)',
    () => {
      const [s] = synthMatrix(
        singleDeployment({
          crawler: { recrawlBehavior: 'CRAWL_EVERYTHING', updateBehavior: 'LOG', deleteBehavior: 'LOG' },
        }),
      );
      expect(only(s.tf, 'aws_glue_crawler')).toMatchObject({
        recrawl_policy: { recrawl_behavior: 'CRAWL_EVERYTHING' },
        schema_change_policy: { update_behavior: 'LOG', delete_behavior: 'LOG' },
      });
    },
  );

  it(
    'dynamic partitioning has no valid prefix: a key from the ' + 'record is one the events table has no column for',
    () => {
      // The events table's partition keys are year/month/day in every catalog mode; a partitionKeyFromQuery folder
      // (which dynamic partitioning needs) would be a folder level the table cannot describe. The construct's
      // processing configuration is tested on its own (constructs/constructs.test.ts).
      const result = configCheck({
        matrix: singleDeployment({
          firehose: {
            dynamicPartitioning: true,
            bufferSizeMb: 64,
            dataPrefix:
              'data/event_type=!{partitionKeyFromQuery:event_type}/year=' +
              '!{timestamp:yyyy}/month=!{timestamp:MM}/day=!{timestamp:dd}/',
          },
        }),
      });
      expect(result.exitCode).toBe(1);
      expect(result.errors.join('\n')).toContain('remove the others (event_type)');
    },
  );
});

describe('ingestion modes', () => {
  it('pinpoint is refused: it ended, and the message says when and the one-line change', () => {
    const result = configCheck({ matrix: singleDeployment({ ingestion: { mode: 'pinpoint' } }) });
    expect(result.exitCode).toBe(1);
    expect(result.errors).toContain(
      `  - prod/eu-central-1 ingestion.mode: "pinpoint" — Amazon Pinpoint reached end of ` +
        `support on ${PINPOINT_END_OF_SUPPORT}: its apps and event streams can no longer be ` +
        `created or reached. Set ingestion: { mode: "direct" } (Cognito guest credentials → ` +
        `Firehose); the event contract still takes Pinpoint-format records`,
    );
  });

  it('direct mode emits no Pinpoint resources and no warning', () => {
    const [s] = synthMatrix(singleDeployment());
    expect(s.tf.resource.aws_pinpoint_app).toBeUndefined();
    expect(
      s.stack.node
        .findAll()
        .flatMap((n) => n.node.metadata)
        .filter((m) => m.type === WARNING),
    ).toEqual([]);
  });
});

describe('backends', () => {
  it(
    'Terraform Cloud: one workspace per stack, named from ' + 'config, the EU deployment in an HCP Europe organization',
    () => {
      const matrix = hcpMatrix();
      const synthesized = synthMatrix(matrix);
      expect(synthesized.map((s) => s.tf.terraform?.cloud)).toEqual(
        synthesized.map((s) => ({
          hostname: s.deployment.jurisdiction === 'EU' ? 'app.eu.terraform.io' : 'app.terraform.io',
          organization: s.deployment.jurisdiction === 'EU' ? 'acme-telemetry-eu' : 'acme-telemetry',
          workspaces: {
            name: `ios-telemetry-${s.deployment.environment}-${s.deployment.region}`,
            project: `${matrix.project}-${s.deployment.environment}`,
          },
        })),
      );
      expect(synthesized.every((s) => s.tf.terraform?.backend === undefined)).toBe(true);
    },
  );

  it('a deployment can override the backend on its own', () => {
    const [s] = synthMatrix(singleDeployment({}, { backend: { keyPrefix: 'eu/telemetry' } }));
    expect(s.tf.terraform?.backend?.s3).toMatchObject({
      key: 'eu/telemetry/prod/eu-central-1/terraform.tfstate',
      region: 'eu-central-1',
    });
  });
});

describe('Testing.synth and the full app agree', () => {
  it('Testing.synth sees the same resources the app writes', () => {
    const app = Testing.app();
    const [s] = synthMatrix(singleDeployment(), app);
    expect(Object.keys(s.tf.resource).sort()).toContain('aws_kinesis_firehose_delivery_stream');
  });
});

describe.each(stacks.map((s) => [s.stack.node.id, s] as const))(
  '%s monitoring',
  (_id, { deployment: d, tf, synthesized }) => {
    it('sends Glue crawler failures to the topic through EventBridge: failed runs and failed scheduled starts', () => {
      expect(synthesized).toHaveResource(CloudwatchEventRule);
      const rules = Object.values(tf.resource.aws_cloudwatch_event_rule);
      expect(rules.map((r) => JSON.parse(String(r.event_pattern)))).toEqual([
        {
          source: ['aws.glue'],
          'detail-type': ['Glue Crawler State Change'],
          detail: { crawlerName: [d.names.crawler], state: ['Failed'] },
        },
        {
          source: ['aws.glue'],
          'detail-type': ['Glue Scheduled Crawler Invocation Failure'],
          detail: { crawlerName: [d.names.crawler] },
        },
      ]);
      const targets = Object.values(tf.resource.aws_cloudwatch_event_target);
      expect(targets.map((t) => t.arn)).toEqual([
        expect.stringContaining('aws_sns_topic'),
        expect.stringContaining('aws_sns_topic'),
      ]);
      const topicPolicy = parsePolicy(only(tf, 'aws_sns_topic_policy').policy) ?? [];
      expect(topicPolicy.find((x) => x.Sid === 'CrawlerFailuresFromEventBridge')?.Condition?.ArnLike).toEqual({
        'aws:SourceArn': rules.map((r) => `arn:aws:events:${d.region}:${d.accountId}:rule/${r.name}`),
      });
    });

    it(
      'lets each alert publisher use the key for this stack’s topic ' +
        'only, with no condition key EventBridge cannot send',
      () => {
        const key = parsePolicy(dataKey(tf)[1].policy) ?? [];
        const topicArn = `arn:aws:sns:${d.region}:${d.accountId}:${d.names.alertTopic}`;
        const forService = (service: string) =>
          key.filter((s) => JSON.stringify(s.Principal) === JSON.stringify({ Service: `${service}.amazonaws.com` }));
        expect(forService('cloudwatch').map((s) => s.Condition)).toEqual([
          { StringEquals: { 'aws:SourceAccount': d.accountId, 'kms:EncryptionContext:aws:sns:topicArn': topicArn } },
        ]);
        // EventBridge's KMS requests carry no aws:SourceAccount / aws:SourceArn: with them, crawler-failure
        // alerts would vanish.
        expect(forService('events').map((s) => s.Condition)).toEqual([
          { StringEquals: { 'kms:EncryptionContext:aws:sns:topicArn': topicArn } },
        ]);
        expect(forService('s3').map((s) => s.Condition)).toEqual([
          { StringEquals: { 'kms:EncryptionContext:aws:sns:topicArn': topicArn } },
        ]);
        for (const s of [...forService('cloudwatch'), ...forService('events'), ...forService('s3')])
          expect(s.Action).toEqual(['kms:GenerateDataKey*', 'kms:Decrypt']);
      },
    );
  },
);

describe('monitoring config', () => {
  it('subscribes every configured email address', () => {
    const [s] = synthMatrix(
      singleDeployment({ monitoring: { alarmEmails: ['oncall@example.com', 'data@example.com'] } }),
    );
    expect(
      Object.values(s.tf.resource.aws_sns_topic_subscription)
        .map((x) => [x.protocol, x.endpoint])
        .sort(),
    ).toEqual([
      ['email', 'data@example.com'],
      ['email', 'oncall@example.com'],
    ]);
  });

  it(
    'reordering the addresses changes nothing Terraform would ' +
      'plan: subscriptions are keyed by address, not position',
    () => {
      const subscriptions = (emails: string[]) =>
        synthMatrix(singleDeployment({ monitoring: { alarmEmails: emails } }))[0].tf.resource
          .aws_sns_topic_subscription;
      expect(subscriptions(['data@example.com', 'oncall@example.com'])).toEqual(
        subscriptions(['oncall@example.com', 'data@example.com']),
      );
    },
  );

  it('takes the freshness threshold from config', () => {
    const [s] = synthMatrix(singleDeployment({ monitoring: { freshnessThresholdSeconds: 1800 } }));
    const freshness = Object.values(s.tf.resource.aws_cloudwatch_metric_alarm).find(
      (a) => a.metric_name === 'DeliveryToS3.DataFreshness',
    );
    expect(freshness?.threshold).toBe(1800);
  });
});
