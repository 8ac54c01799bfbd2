import { CloudwatchDashboard } from '@cdktf/provider-aws/lib/cloudwatch-dashboard';
import { CloudwatchEventRule } from '@cdktf/provider-aws/lib/cloudwatch-event-rule';
import { CloudwatchEventTarget } from '@cdktf/provider-aws/lib/cloudwatch-event-target';
import { CloudwatchMetricAlarm } from '@cdktf/provider-aws/lib/cloudwatch-metric-alarm';
import { SnsTopic } from '@cdktf/provider-aws/lib/sns-topic';
import { SnsTopicPolicy } from '@cdktf/provider-aws/lib/sns-topic-policy';
import { SnsTopicSubscription } from '@cdktf/provider-aws/lib/sns-topic-subscription';
import { Construct } from 'constructs';
import { DEFAULT_SETTINGS } from '../../config/defaults';
import { staticFolder, type ResourceNames } from '../../config/names';
import { assertNever } from '../../config/assert-never';
import type { CatalogMode, MonitoringSettings } from '../../config/schema';
import {
  arnsOf,
  denyInsecureTransport,
  jsonDocument,
  policyDocument,
  principalIn,
  type AwsEnvironment,
  type PolicyStatement,
} from '../iam';
import type { BucketNotifications, KeyPolicyContributions } from './storage';

export interface MonitoringProps {
  /** Account, region and partition of the topic, alarms and rules. */
  readonly env: AwsEnvironment;
  /** The topic, the stack (alarm and dashboard names), and the stream, bucket, crawler, queue and workgroup watched. */
  readonly names: Pick<
    ResourceNames,
    'alertTopic' | 'stack' | 'deliveryStream' | 'dataBucket' | 'crawler' | 'dataEventsDlq' | 'workgroup'
  >;
  /** Alarm thresholds, periods and the email addresses subscribed. */
  readonly monitoring: MonitoringSettings;
  /** The error prefix, whose objects (failed records) alert. */
  readonly errorPrefix: string;
  /**
   * How partitions are catalogued: a crawler is watched for failures (and, in `crawler-events`, its dead letters).
   * @default DEFAULT_SETTINGS.catalog.mode ('crawler')
   */
  readonly catalogMode?: CatalogMode;
  /** The stack key the alert topic is encrypted with; Monitoring lets its publishers use it. */
  readonly encryption: KeyPolicyContributions;
  /** The data bucket, whose failed records Monitoring is notified of. */
  readonly bucket: BucketNotifications;
}

/**
 * Key-policy statements letting the services that publish into the stack's encrypted alert topic use the stack key,
 * each scoped by the encryption context SNS sets for this one topic. Only CloudWatch also gets `aws:SourceAccount`:
 * EventBridge's KMS requests carry neither `aws:SourceAccount` nor `aws:SourceArn` (SNS developer guide), so with
 * them every crawler-failure notification would be dropped without an error, and S3's are not documented to carry
 * them. The topic policy holds the confused-deputy conditions. In a key policy, "*" means this key.
 */
export function alertPublisherKeyStatements(env: AwsEnvironment, alertTopic: string): PolicyStatement[] {
  const { accountId } = env;
  const arn = arnsOf(env);
  const principal = principalIn(env);
  const use = ['kms:GenerateDataKey*', 'kms:Decrypt'];
  const forAlertTopic = { 'kms:EncryptionContext:aws:sns:topicArn': arn.snsTopic(alertTopic) };
  return [
    {
      Sid: 'AlarmsUseKeyForAlertTopic',
      Effect: 'Allow',
      Principal: { Service: principal('cloudwatch') },
      Action: use,
      Resource: '*',
      Condition: { StringEquals: { 'aws:SourceAccount': accountId, ...forAlertTopic } },
    },
    {
      Sid: 'EventBridgeUsesKeyForAlertTopic',
      Effect: 'Allow',
      Principal: { Service: principal('events') },
      Action: use,
      Resource: '*',
      Condition: { StringEquals: forAlertTopic },
    },
    {
      Sid: 'S3NotificationsUseKeyForAlertTopic',
      Effect: 'Allow',
      Principal: { Service: principal('s3') },
      Action: use,
      Resource: '*',
      Condition: { StringEquals: forAlertTopic },
    },
  ];
}

/** Firehose metrics the alarms and dashboard read (namespace AWS/Firehose, dimension DeliveryStreamName). */
const FIREHOSE = 'AWS/Firehose';

/** What a catalog mode gives to watch: a crawler (its failures), and S3 events' dead letters (event mode). */
export function watchedCatalog(mode: CatalogMode): { crawler: boolean; deadLetters: boolean } {
  switch (mode) {
    case 'crawler':
      return { crawler: true, deadLetters: false };
    case 'crawler-events':
      return { crawler: true, deadLetters: true };
    case 'projection':
      return { crawler: false, deadLetters: false };
    default:
      return assertNever(mode, 'catalog mode');
  }
}

/**
 * Alerts for the stack, all into one KMS-encrypted SNS topic: Firehose freshness, delivery success and
 * throttling alarms, objects under `errors/`, Glue crawler failures (and dead-lettered crawler events); plus a
 * dashboard that also shows Athena queries by outcome, where queries cancelled by the scan cutoff appear
 * (informational, so no alarm pages).
 */
export class Monitoring extends Construct {
  readonly topic: SnsTopic;
  /** Created before anything that publishes (S3 checks its permission when the notification is set). */
  readonly topicPolicy: SnsTopicPolicy;
  readonly alarms: CloudwatchMetricAlarm[] = [];

  constructor(scope: Construct, id: string, props: MonitoringProps) {
    super(scope, id);
    const { names, env } = props;
    const { region, accountId } = env;
    const arn = arnsOf(env);
    const principal = principalIn(env);
    const m = props.monitoring;
    const catalogMode = props.catalogMode ?? DEFAULT_SETTINGS.catalog.mode;
    const topicArn = arn.snsTopic(names.alertTopic);
    const crawlerRules = crawlerFailureRules(names.crawler);

    for (const statement of alertPublisherKeyStatements(env, names.alertTopic))
      props.encryption.addToKeyPolicy(statement);
    this.topic = new SnsTopic(this, 'alerts', {
      name: names.alertTopic,
      kmsMasterKeyId: props.encryption.key.arn,
      displayName: `${names.stack} alerts`,
    });
    const publish = (sid: string, service: string, sourceArn: string | string[]): PolicyStatement => ({
      Sid: sid,
      Effect: 'Allow',
      Principal: { Service: principal(service) },
      Action: 'sns:Publish',
      Resource: topicArn,
      Condition: { StringEquals: { 'aws:SourceAccount': accountId }, ArnLike: { 'aws:SourceArn': sourceArn } },
    });
    const { crawler: hasCrawler, deadLetters } = watchedCatalog(catalogMode);
    this.topicPolicy = new SnsTopicPolicy(this, 'alerts-policy', {
      arn: this.topic.arn,
      policy: policyDocument([
        publish('FailedRecordsFromDataBucket', 's3', arn.bucket(names.dataBucket)),
        ...(hasCrawler
          ? [
              publish(
                'CrawlerFailuresFromEventBridge',
                'events',
                crawlerRules.map((r) => arn.eventRule(r.name)),
              ),
            ]
          : []),
        publish('AlarmsOfThisStack', 'cloudwatch', arn.alarm(`${names.stack}-*`)),
        denyInsecureTransport('sns:Publish', topicArn),
      ]),
    });
    // Keyed by the address, not its position: reordering the list must not destroy and re-create a subscription
    // (each new one sends a confirmation email that a person has to click).
    for (const email of m.alarmEmails) {
      new SnsTopicSubscription(this, `email-${email.replaceAll('/', '_')}`, {
        topicArn: this.topic.arn,
        protocol: 'email',
        endpoint: email,
      });
    }

    const stream = { DeliveryStreamName: names.deliveryStream };
    const alarm = (
      suffix: string,
      description: string,
      spec: Partial<ConstructorParameters<typeof CloudwatchMetricAlarm>[2]>,
    ) =>
      this.alarms.push(
        new CloudwatchMetricAlarm(this, suffix, {
          alarmName: `${names.stack}-${suffix}`,
          alarmDescription: description,
          namespace: FIREHOSE,
          dimensions: stream,
          period: m.alarmPeriodSeconds,
          evaluationPeriods: m.evaluationPeriods,
          alarmActions: [this.topic.arn],
          okActions: [this.topic.arn],
          // Firehose emits these metrics only while records flow. No traffic is not a delivery failure, so
          // missing data is "not breaching"; a silent app is a product question, not a pipeline alarm.
          treatMissingData: 'notBreaching',
          ...spec,
        } as ConstructorParameters<typeof CloudwatchMetricAlarm>[2]),
      );
    alarm(
      'firehose-data-freshness',
      `Oldest record in ${names.deliveryStream} is older ` +
        `than ${m.freshnessThresholdSeconds} s: delivery to S3 is stuck`,
      {
        metricName: 'DeliveryToS3.DataFreshness',
        statistic: 'Maximum',
        comparisonOperator: 'GreaterThanThreshold',
        threshold: m.freshnessThresholdSeconds,
      },
    );
    alarm(
      'firehose-delivery-success',
      `Some deliveries of ${names.deliveryStream} to S3 failed (success ratio below 1)`,
      {
        metricName: 'DeliveryToS3.Success',
        statistic: 'Minimum',
        comparisonOperator: 'LessThanThreshold',
        threshold: 1,
      },
    );
    alarm('firehose-throttled-records', `Apps are being throttled putting records into ${names.deliveryStream}`, {
      metricName: 'ThrottledRecords',
      statistic: 'Sum',
      comparisonOperator: 'GreaterThanThreshold',
      threshold: 0,
    });
    if (deadLetters) {
      alarm(
        'crawler-events-dead-letters',
        `S3 events for ${names.crawler} land in the dead-letter queue: partitions are not being catalogued`,
        {
          namespace: 'AWS/SQS',
          dimensions: { QueueName: names.dataEventsDlq },
          metricName: 'ApproximateNumberOfMessagesVisible',
          statistic: 'Maximum',
          comparisonOperator: 'GreaterThanThreshold',
          threshold: 0,
        },
      );
    }

    if (hasCrawler) {
      for (const { id: ruleId, name, description, pattern } of crawlerRules) {
        const rule = new CloudwatchEventRule(this, ruleId, { name, description, eventPattern: jsonDocument(pattern) });
        new CloudwatchEventTarget(this, `${ruleId}-to-topic`, {
          rule: rule.name,
          arn: this.topic.arn,
          dependsOn: [this.topicPolicy],
        });
      }
    }

    props.bucket.addNotification({
      topic: {
        id: 'failed-records-to-alerts',
        topicArn: this.topic.arn,
        events: ['s3:ObjectCreated:*'],
        filterPrefix: staticFolder(props.errorPrefix),
      },
      after: this.topicPolicy,
    });

    new CloudwatchDashboard(this, 'dashboard', {
      dashboardName: names.stack,
      dashboardBody: jsonDocument(dashboard(region, names.deliveryStream, names.workgroup)),
    });
  }
}

/**
 * EventBridge rules for a crawler's failures (EventBridge events reference, AWS Glue): a run that failed
 * (`Glue Crawler State Change`, state Failed) and a scheduled start that failed before any run
 * (`Glue Scheduled Crawler Invocation Failure`). Two rules, because the second event carries no `state`.
 */
export function crawlerFailureRules(crawler: string) {
  return [
    {
      id: 'crawler-failed',
      name: `${crawler}-failed`,
      description: `Glue crawler ${crawler} failed`,
      pattern: {
        source: ['aws.glue'],
        'detail-type': ['Glue Crawler State Change'],
        detail: { crawlerName: [crawler], state: ['Failed'] },
      },
    },
    {
      id: 'crawler-schedule-failed',
      name: `${crawler}-schedule-failed`,
      description: `The scheduled start of Glue crawler ${crawler} failed`,
      pattern: {
        source: ['aws.glue'],
        'detail-type': ['Glue Scheduled Crawler Invocation Failure'],
        detail: { crawlerName: [crawler] },
      },
    },
  ];
}

/** CloudWatch search for the number of queries of a workgroup, one series per published dimension set. */
export function athenaQueriesByState(workgroup: string): string {
  return (
    `SEARCH('Namespace="AWS/Athena" MetricName="TotalExecutionTime" ` + `WorkGroup="${workgroup}"', 'SampleCount', 300)`
  );
}

/** One page for operators: Firehose flow and health, and Athena queries by outcome (cancelled = cutoff hits). */
function dashboard(region: string, stream: string, workgroup: string) {
  const metric = (namespace: string, name: string, dims: string[], stat: string) => [
    namespace,
    name,
    ...dims,
    { stat },
  ];
  const widget = (x: number, y: number, title: string, metrics: unknown[]) => ({
    type: 'metric',
    x,
    y,
    width: 12,
    height: 6,
    properties: { title, region, view: 'timeSeries', period: 300, metrics },
  });
  const byStream = ['DeliveryStreamName', stream];
  return {
    widgets: [
      widget(0, 0, 'Records in / delivered', [
        metric(FIREHOSE, 'IncomingRecords', byStream, 'Sum'),
        metric(FIREHOSE, 'DeliveryToS3.Records', byStream, 'Sum'),
      ]),
      widget(12, 0, 'Delivery health', [
        metric(FIREHOSE, 'DeliveryToS3.DataFreshness', byStream, 'Maximum'),
        metric(FIREHOSE, 'DeliveryToS3.Success', byStream, 'Minimum'),
        metric(FIREHOSE, 'ThrottledRecords', byStream, 'Sum'),
      ]),
      // A search instead of fixed dimensions: one line per query state Athena publishes for the workgroup
      // (cancelled ones include the scan-cutoff hits), whatever the state's spelling or extra dimensions.
      widget(0, 6, 'Athena queries by outcome (cancelled includes scan-cutoff hits)', [
        [{ expression: athenaQueriesByState(workgroup), id: 'queries' }],
      ]),
      widget(12, 6, 'Athena bytes scanned', [metric('AWS/Athena', 'ProcessedBytes', ['WorkGroup', workgroup], 'Sum')]),
    ],
  };
}
