/**
 * Invariant tests: properties every telemetry stack of the configured matrix must have, whatever the user put in
 * config/matrix.ts or the override file. They read expected values from each deployment's resolved config.
 */
import { AthenaWorkgroup } from '@cdktf/provider-aws/lib/athena-workgroup';
import { CloudwatchMetricAlarm } from '@cdktf/provider-aws/lib/cloudwatch-metric-alarm';
import { KinesisFirehoseDeliveryStream } from '@cdktf/provider-aws/lib/kinesis-firehose-delivery-stream';
import { KmsKey } from '@cdktf/provider-aws/lib/kms-key';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { SnsTopic } from '@cdktf/provider-aws/lib/sns-topic';
import { partitionOf } from '../../config/aws';
import { backendLocation, staticFolder, stateKeyAlias } from '../../config/names';
import { NAMED_QUERIES, PARTITION_COLUMNS } from '../../config/queries';
import { arns } from '../../stacks/iam';
import { crawlerLogGroup, crawlerSecurityConfiguration } from '../../stacks/constructs/catalog';
import { athenaQueriesByState } from '../../stacks/constructs/monitoring';
import { asList, parsePolicy } from '../../terraform-json/policy';
import { CONFIGURED, configuredSynth, describeEach } from '../fixtures/configured';
import { dataKey, only, type SynthesizedStack } from '../helpers';
import { rotatable } from '../../config/controls';

// Read from `npm run synth`'s output (fixtures/commands.ts), which the policy checks (residency, encryption, least
// privilege, trust guards) already passed: a failing check fails that synth, and main.test.ts with it.
const { stacks: written } = configuredSynth();
const stacks = CONFIGURED.filter((d) => written.has(d.names.stack)).map((deployment) => {
  const synthesized = written.get(deployment.names.stack)!;
  return { deployment, synthesized, tf: JSON.parse(synthesized) as SynthesizedStack['tf'] };
});

describeEach(
  'telemetry stacks',
  stacks,
  (s) => s.deployment.names.stack,
  ({ deployment: d, tf, synthesized }) => {
    const { settings, names } = d;
    const partition = partitionOf(d.region);
    const arn = arns(partition, d.region, d.accountId);
    const resources = <T = Record<string, unknown>>(type: string) => Object.values(tf.resource[type] ?? {}) as T[];
    const bucketAddress = (bucket: string) =>
      `aws_s3_bucket.${Object.entries(tf.resource.aws_s3_bucket).find(([, b]) => b.bucket === bucket)?.[0]}.`;
    /** The lifecycle configuration of one bucket, by name. */
    const lifecycleOf = (bucket: string) => {
      const found = resources<{ bucket: string; rule: unknown[] }>('aws_s3_bucket_lifecycle_configuration').filter(
        (l) => l.bucket.includes(bucketAddress(bucket)),
      );
      expect(found).toHaveLength(1);
      return found[0];
    };

    it('pins the provider to its region and account, with residency tags', () => {
      expect(synthesized).toHaveProviderWithProperties(AwsProvider, {
        region: d.region,
        allowed_account_ids: [d.accountId],
        default_tags: [
          {
            tags: expect.objectContaining({
              Environment: d.environment,
              Region: d.region,
              DataResidency: d.jurisdiction,
              DataClassification: d.dataClassification,
              ManagedBy: 'cdktf',
            }),
          },
        ],
      });
    });

    it(
      'keeps state in its own region: an encrypted S3 backend with ' +
        'a lock file, or its own Terraform Cloud workspace',
      () => {
        if (d.backend.type === 's3') {
          const { bucket, key } = backendLocation(d.backend, d.environment, d.region, d.accountId);
          expect(tf.terraform?.backend?.s3).toEqual({
            bucket,
            key,
            region: d.region,
            encrypt: true,
            kms_key_id: arn.kmsAlias(stateKeyAlias(d.project)),
            use_lockfile: true,
          });
          expect(tf.terraform?.cloud).toBeUndefined();
        } else {
          const { workspace } = backendLocation(d.backend, d.environment, d.region, d.accountId);
          expect(tf.terraform?.cloud).toEqual({
            hostname: d.backend.hostname,
            organization: d.backend.organization,
            workspaces: { name: workspace, project: d.backend.project },
          });
          expect(tf.terraform?.backend).toBeUndefined();
        }
      },
    );

    it('delivers with the configured buffering, compression and prefixes, encrypted, logging errors', () => {
      const f = settings.firehose;
      expect(synthesized).toHaveResourceWithProperties(KinesisFirehoseDeliveryStream, {
        name: names.deliveryStream,
        destination: 'extended_s3',
        server_side_encryption: {
          enabled: true,
          key_type: 'CUSTOMER_MANAGED_CMK',
          key_arn: expect.stringContaining('aws_kms_key'),
        },
        extended_s3_configuration: expect.objectContaining({
          buffering_size: f.bufferSizeMb,
          buffering_interval: f.bufferIntervalSeconds,
          compression_format: f.compression,
          prefix: f.dataPrefix,
          error_output_prefix: f.errorPrefix,
          cloudwatch_logging_options: expect.objectContaining({ enabled: true }),
        }),
      });
    });

    it('encrypts with rotating keys only', () => {
      expect(synthesized).toHaveResourceWithProperties(KmsKey, { enable_key_rotation: true });
      // Every key KMS can rotate rotates; the receipts' HMAC key cannot be (KMS API reference, EnableKeyRotation).
      for (const key of resources('aws_kms_key')) expect(key.enable_key_rotation).toBe(rotatable(key));
      expect(
        resources('aws_kms_key')
          .filter((k) => !rotatable(k))
          .map((k) => [k.customer_master_key_spec, k.key_usage]),
      ).toEqual([['HMAC_256', 'GENERATE_VERIFY_MAC']]);
    });

    it(
      'applies the lifecycle to events and failed records in ' +
        'storage-class order, expiring last, a filter on every rule',
      () => {
        const rules = lifecycleOf(names.dataBucket).rule as {
          filter?: unknown;
          transition?: { days: number }[];
          expiration?: { days: number }[];
        }[];
        const l = settings.lifecycle;
        const expectedTransitions = [
          ...(l.standardIaDays ? [{ days: l.standardIaDays, storage_class: 'STANDARD_IA' }] : []),
          ...(l.glacierInstantRetrievalDays
            ? [{ days: l.glacierInstantRetrievalDays, storage_class: 'GLACIER_IR' }]
            : []),
          ...(l.deepArchiveDays ? [{ days: l.deepArchiveDays, storage_class: 'DEEP_ARCHIVE' }] : []),
        ];
        for (const prefix of [
          staticFolder(settings.firehose.dataPrefix),
          staticFolder(settings.firehose.errorPrefix),
        ]) {
          expect(rules).toContainEqual(
            expect.objectContaining({
              filter: [expect.objectContaining({ prefix })],
              transition: expectedTransitions,
              expiration: [{ days: l.expirationDays }],
            }),
          );
        }
        for (const rule of rules) {
          expect(rule.filter).toBeDefined();
          const days = (rule.transition ?? []).map((t) => t.days);
          expect(days).toEqual([...days].sort((a, b) => a - b));
          for (const e of rule.expiration ?? []) expect(days.every((t) => t < e.days)).toBe(true);
        }
      },
    );

    it('catalogs the data folder as configured: a crawler on its schedule, or partition projection without one', () => {
      const crawlers = resources('aws_glue_crawler');
      if (settings.catalog.mode === 'projection') {
        expect(crawlers).toEqual([]);
        return;
      }
      const [crawler] = crawlers;
      expect(crawlers).toHaveLength(1);
      // Event mode where configured; otherwise a full listing: AWS documents incremental crawls for S3 targets only.
      expect(crawler).toMatchObject({
        name: names.crawler,
        schedule: settings.catalog.crawler.schedule,
        recrawl_policy: {
          recrawl_behavior:
            settings.catalog.crawler.recrawlBehavior === 'CRAWL_EVENT_MODE' ? 'CRAWL_EVENT_MODE' : 'CRAWL_EVERYTHING',
        },
      });
      expect(only(tf, 'aws_glue_catalog_database').name).toBe(names.glueDatabase);
    });

    it(
      'queries a Terraform-managed events table at the data ' +
        'folder, whose SerDe skips malformed JSON, in every mode',
      () => {
        const tables = resources<{
          name: string;
          storage_descriptor: Record<string, unknown>;
          partition_keys: unknown;
        }>('aws_glue_catalog_table').filter((t) => t.name === names.table);
        expect(tables).toHaveLength(1);
        const sd = tables[0].storage_descriptor;
        expect(sd.location).toBe(`s3://${names.dataBucket}/${staticFolder(settings.firehose.dataPrefix)}`);
        expect(tables[0].partition_keys).toEqual(PARTITION_COLUMNS.map((name) => ({ name, type: 'string' })));
        // One guest's malformed line, or valid JSON of the wrong types (`"client":"x"`), must not fail every query
        // over its partition (analysts', the erasure's locate). Parquet objects are written by Firehose's conversion,
        // which sends what it cannot convert to the errors path.
        expect((sd.ser_de_info as { parameters?: Record<string, string> }).parameters).toEqual(
          settings.firehose.format === 'json'
            ? { 'ignore.malformed.json': 'TRUE', 'use.null.for.invalid.data': 'TRUE' }
            : undefined,
        );
      },
    );

    it(
      'crawler modes: the crawler only adds partitions to that ' +
        'table (catalog target, LOG/LOG, inherit from table)',
      () => {
        if (settings.catalog.mode === 'projection') return;
        const crawler = only(tf, 'aws_glue_crawler');
        // No S3 target: a crawler that creates its own table writes its own SerDe settings (none of the contract's).
        expect(crawler.s3_target).toBeUndefined();
        expect(crawler.table_prefix).toBeUndefined();
        const targets = crawler.catalog_target as Record<string, unknown>[];
        expect(targets).toHaveLength(1);
        expect(targets[0].database_name).toContain('aws_glue_catalog_database');
        expect(targets[0].tables).toHaveLength(1);
        const tableRef = String((targets[0].tables as string[])[0]);
        const [, address] = /aws_glue_catalog_table\.([^.]+)\.name/.exec(tableRef) ?? [];
        expect((tf.resource.aws_glue_catalog_table[address] as { name: string }).name).toBe(names.table);
        expect(targets[0].connection_name).toBeUndefined();
        expect(Boolean(targets[0].event_queue_arn)).toBe(settings.catalog.mode === 'crawler-events');
        expect(crawler.schema_change_policy).toEqual({ update_behavior: 'LOG', delete_behavior: 'LOG' });
        expect(JSON.parse(String(crawler.configuration)).CrawlerOutput).toEqual({
          Partitions: { AddOrUpdateBehavior: 'InheritFromTable' },
        });
      },
    );

    it('enforces the workgroup with the configured cutoff and SSE-KMS results in the data bucket', () => {
      expect(synthesized).toHaveResourceWithProperties(AthenaWorkgroup, {
        name: names.workgroup,
        configuration: expect.objectContaining({
          enforce_workgroup_configuration: settings.athena.enforceWorkgroupConfiguration,
          bytes_scanned_cutoff_per_query: settings.athena.bytesScannedCutoffPerQuery,
          result_configuration: {
            output_location: `s3://${names.dataBucket}/${settings.athena.resultsPrefix}`,
            encryption_configuration: {
              encryption_option: 'SSE_KMS',
              kms_key_arn: expect.stringContaining('aws_kms_key'),
            },
          },
        }),
      });
    });

    it(
      'saves every built-in and configured query, each reading ' + 'this stack’s table and filtering on the partitions',
      () => {
        const queries = resources<{ name: string; query: string; workgroup: string }>('aws_athena_named_query');
        expect(queries.map((q) => q.name).sort()).toEqual(
          [...NAMED_QUERIES, ...settings.extraQueries].map((q) => q.name).sort(),
        );
        for (const q of queries) {
          const where = q.query.split(/\bWHERE\b/i)[1] ?? '';
          for (const column of PARTITION_COLUMNS) expect(where).toContain(column);
          expect(q.query).toContain(`"${names.glueDatabase}"."${names.table}"`);
        }
      },
    );

    it('grants IAM permissions on this stack’s ARNs only, never "*"', () => {
      for (const policy of resources<{ policy: string }>('aws_iam_role_policy')) {
        for (const statement of parsePolicy(policy.policy) ?? []) {
          for (const resource of ([] as string[]).concat(statement.Resource ?? [])) {
            expect(resource).not.toBe('*');
            expect(resource).toMatch(
              new RegExp(
                `^(arn:${partition}:[a-z0-9-]+:(${d.region}|):(` +
                  `${d.accountId}|):|\\$\\{aws_[a-z0-9_]+\\.[^}]+\\.arn\\})`,
              ),
            );
          }
        }
      }
    });

    it('protects the data bucket and key from destroy, or (opted out) deletes the bucket before its key', () => {
      const [key] = dataKey(tf);
      for (const bucket of resources('aws_s3_bucket')) {
        expect(bucket.depends_on).toContain(`aws_kms_key.${key}`);
        if (settings.protection.allowDestroy) expect(bucket.force_destroy).toBe(true);
        else expect(bucket.lifecycle).toEqual({ prevent_destroy: true });
      }
      for (const k of resources('aws_kms_key'))
        expect(k.lifecycle).toEqual(settings.protection.allowDestroy ? undefined : { prevent_destroy: true });
    });

    it(
      'logs every request to the data bucket into its in-region log ' +
        'bucket, kept as long as the logs, when access logs are on',
      () => {
        const loggings = resources<{ bucket: string; target_bucket: string; target_prefix: string }>(
          'aws_s3_bucket_logging',
        );
        if (!settings.logs.bucketAccessLogs) return expect(loggings).toEqual([]);
        expect(loggings).toEqual([
          expect.objectContaining({
            bucket: expect.stringContaining(bucketAddress(names.dataBucket)),
            target_bucket: expect.stringContaining(bucketAddress(names.accessLogBucket)),
            target_prefix: `${names.dataBucket}/`,
          }),
        ]);
        expect(lifecycleOf(names.accessLogBucket).rule).toEqual([
          expect.objectContaining({ expiration: [{ days: settings.logs.retentionDays }] }),
        ]);
      },
    );

    it('versions the data bucket, expiring noncurrent versions and lone delete markers', () => {
      expect(only(tf, 'aws_s3_bucket_versioning').versioning_configuration).toEqual({ status: 'Enabled' });
      const rules = lifecycleOf(names.dataBucket).rule as Record<string, unknown>[];
      expect(rules).toContainEqual(
        expect.objectContaining({
          noncurrent_version_expiration: [{ noncurrent_days: settings.protection.noncurrentVersionExpirationDays }],
          expiration: [{ expired_object_delete_marker: true }],
        }),
      );
    });

    it('attaches no AWS managed policy to any role', () => {
      expect(resources('aws_iam_role_policy_attachment')).toEqual([]);
      for (const role of resources('aws_iam_role')) expect(role.managed_policy_arns).toBeUndefined();
    });

    it('lets Firehose write only under its data and error folders', () => {
      const firehosePolicy = resources<{ role: string; policy: string }>('aws_iam_role_policy').find((p) =>
        p.role.includes('delivery_role'),
      );
      const objectResources = (parsePolicy(firehosePolicy?.policy) ?? [])
        .filter((s) => asList(s.Action).some((a) => a.startsWith('s3:')))
        .flatMap((s) => asList(s.Resource))
        .filter((r) => r.includes('/'));
      expect(objectResources.sort()).toEqual(
        [staticFolder(settings.firehose.dataPrefix), staticFolder(settings.firehose.errorPrefix)]
          .map((f) => `${arn.bucket(names.dataBucket)}/${f}*`)
          .sort(),
      );
    });

    it('scopes the crawler role to this stack’s catalog, database, data folder and log stream', () => {
      if (settings.catalog.mode === 'projection') return;
      const crawlerPolicy = resources<{ role: string; policy: string }>('aws_iam_role_policy').find((p) =>
        p.role.includes('catalog_role'),
      );
      const granted = (parsePolicy(crawlerPolicy?.policy) ?? []).flatMap((s) => asList(s.Resource));
      const crawlerLogs = crawlerLogGroup(
        names.roles.crawler,
        settings.catalog.encryptCrawlerLogs ? crawlerSecurityConfiguration(names.crawler) : undefined,
      );
      const allowed = [
        arn.glue('catalog'),
        arn.glue(`database/${names.glueDatabase}`),
        // The events table alone: not `events_contract` (Firehose's Parquet schema), not table/<db>/*.
        arn.glue(`table/${names.glueDatabase}/${names.table}`),
        arn.bucket(names.dataBucket),
        `${arn.bucket(names.dataBucket)}/${staticFolder(settings.firehose.dataPrefix)}*`,
        arn.logGroup(crawlerLogs),
        `${arn.logGroup(crawlerLogs)}:log-stream:${names.crawler}`,
      ];
      for (const resource of granted)
        expect(allowed.includes(resource) || /^\$\{aws_(kms_key|sqs_queue)\./.test(resource)).toBe(true);
    });

    it('the crawler role creates no table and deletes nothing in the catalog (a catalog target, LOG/LOG)', () => {
      if (settings.catalog.mode === 'projection') return;
      const crawlerPolicy = resources<{ role: string; policy: string }>('aws_iam_role_policy').find((p) =>
        p.role.includes('catalog_role'),
      );
      const actions = (parsePolicy(crawlerPolicy?.policy) ?? []).flatMap((s) => asList(s.Action));
      expect(actions).toContain('glue:BatchCreatePartition');
      expect(
        actions.filter((a) => /^glue:(Create|BatchCreate|Delete|BatchDelete)Table|^glue:.*Delete/.test(a)),
      ).toEqual([]);
    });

    it('guards every trust policy against the confused deputy', () => {
      for (const role of resources<{ assume_role_policy: string }>('aws_iam_role')) {
        for (const trust of parsePolicy(role.assume_role_policy) ?? [])
          expect(Object.keys(trust.Condition ?? {}).length).toBeGreaterThan(0);
      }
    });

    it('lets app guests put records into this stream only (direct ingestion)', () => {
      if (settings.ingestion.mode !== 'direct') return;
      const guestPolicy = resources<{ role: string; policy: string }>('aws_iam_role_policy').find((p) =>
        p.role.includes('ingestion'),
      );
      expect(parsePolicy(guestPolicy?.policy)).toEqual([
        {
          Sid: 'PutEventsIntoThisStream',
          Effect: 'Allow',
          Action: ['firehose:PutRecord', 'firehose:PutRecordBatch'],
          Resource: arn.deliveryStream(names.deliveryStream),
        },
      ]);
      expect(only(tf, 'aws_cognito_identity_pool')).toMatchObject({
        allow_unauthenticated_identities: true,
        allow_classic_flow: false,
      });
    });

    it('outputs what the app, analysts and on-call need', () => {
      const outputs = tf.output as Record<string, { value: string }>;
      expect(Object.keys(outputs)).toEqual(
        expect.arrayContaining([
          'alert_topic_arn',
          'athena_workgroup',
          'data_bucket',
          'delivery_stream_name',
          'glue_database',
          'kms_key_arn',
          'region',
          'identity_pool_id',
        ]),
      );
      expect(outputs.region.value).toBe(d.region);
      expect(outputs.data_bucket.value).toBe(names.dataBucket);
      expect(outputs.athena_workgroup.value).toBe(names.workgroup);
      expect(outputs.delivery_stream_name.value).toBe(names.deliveryStream);
      expect(outputs.glue_database.value).toBe(names.glueDatabase);
    });

    it('alerts into one KMS-encrypted topic, every configured address subscribed', () => {
      expect(synthesized).toHaveResourceWithProperties(SnsTopic, {
        name: names.alertTopic,
        kms_master_key_id: expect.stringContaining('aws_kms_key'),
      });
      const emails = resources<{ protocol: string; endpoint: string }>('aws_sns_topic_subscription').filter(
        (x) => x.protocol === 'email',
      );
      expect(emails.map((x) => x.endpoint).sort()).toEqual([...settings.monitoring.alarmEmails].sort());
    });

    it.each([
      ['DeliveryToS3.DataFreshness', 'GreaterThanThreshold'],
      ['DeliveryToS3.Success', 'LessThanThreshold'],
      ['ThrottledRecords', 'GreaterThanThreshold'],
    ])('alarms on Firehose %s into the topic, missing data not breaching', (metric, comparison) => {
      expect(synthesized).toHaveResourceWithProperties(CloudwatchMetricAlarm, {
        namespace: 'AWS/Firehose',
        metric_name: metric,
        comparison_operator: comparison,
        period: settings.monitoring.alarmPeriodSeconds,
        evaluation_periods: settings.monitoring.evaluationPeriods,
        dimensions: { DeliveryStreamName: names.deliveryStream },
        treat_missing_data: 'notBreaching',
        alarm_actions: [expect.stringContaining('aws_sns_topic')],
      });
    });

    it('notifies the topic of failed records, after the topic policy allows this bucket', () => {
      const notification = only(tf, 'aws_s3_bucket_notification');
      expect(notification.topic).toEqual([
        expect.objectContaining({
          events: ['s3:ObjectCreated:*'],
          filter_prefix: staticFolder(settings.firehose.errorPrefix),
        }),
      ]);
      expect(notification.depends_on).toEqual(
        expect.arrayContaining([expect.stringContaining('aws_sns_topic_policy')]),
      );
      const statements = parsePolicy(only(tf, 'aws_sns_topic_policy').policy) ?? [];
      expect(statements.find((x) => x.Sid === 'FailedRecordsFromDataBucket')?.Condition).toEqual({
        StringEquals: { 'aws:SourceAccount': d.accountId },
        ArnLike: { 'aws:SourceArn': arn.bucket(names.dataBucket) },
      });
    });

    it('shows Athena queries by outcome for this workgroup on the dashboard', () => {
      const body = JSON.parse(String(only(tf, 'aws_cloudwatch_dashboard').dashboard_body));
      const outcomes = body.widgets.find((w: { properties: { title: string } }) =>
        w.properties.title.startsWith('Athena queries by outcome'),
      );
      expect(outcomes.properties.metrics).toEqual([
        [{ expression: athenaQueriesByState(names.workgroup), id: 'queries' }],
      ]);
    });

    it('lets each alert publisher use the key for this stack’s own topic (or crawler queue) only', () => {
      const key = parsePolicy(dataKey(tf)[1].policy) ?? [];
      const own = [arn.snsTopic(names.alertTopic), arn.sqsQueue(names.dataEventsQueue)];
      for (const service of ['cloudwatch', 'events', 's3']) {
        const statements = key.filter(
          (x) => JSON.stringify(x.Principal) === JSON.stringify({ Service: `${service}.amazonaws.com` }),
        );
        expect(statements.length).toBeGreaterThan(0);
        for (const x of statements)
          expect(own.some((ownArn) => JSON.stringify(x.Condition).includes(`"${ownArn}"`))).toBe(true);
      }
    });
  },
);
