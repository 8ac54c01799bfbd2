import { CloudwatchEventRule } from '@cdktf/provider-aws/lib/cloudwatch-event-rule';
import { CloudwatchMetricAlarm } from '@cdktf/provider-aws/lib/cloudwatch-metric-alarm';
import { SnsTopic } from '@cdktf/provider-aws/lib/sns-topic';
import { staticFolder } from '../../config/names';
import { parsePolicy } from '../../stacks/policy-checks';
import { only, singleDeployment, synthMatrix } from '../helpers';

describe.each(synthMatrix().map((s) => [s.stack.node.id, s] as const))('%s monitoring', (_id, { deployment: d, tf, synthesized }) => {
  const m = d.settings.monitoring;

  it('alerts into one KMS-encrypted topic', () => {
    expect(synthesized).toHaveResourceWithProperties(SnsTopic, { name: d.names.alertTopic, kms_master_key_id: expect.stringContaining('aws_kms_key') });
  });

  it.each([
    ['DeliveryToS3.DataFreshness', 'GreaterThanThreshold', () => m.freshnessThresholdSeconds],
    ['DeliveryToS3.Success', 'LessThanThreshold', () => 1],
    ['ThrottledRecords', 'GreaterThanThreshold', () => 0],
  ])('alarms on Firehose %s with missing data not breaching', (metric, comparison, threshold) => {
    expect(synthesized).toHaveResourceWithProperties(CloudwatchMetricAlarm, {
      namespace: 'AWS/Firehose',
      metric_name: metric,
      comparison_operator: comparison,
      threshold: threshold(),
      period: m.alarmPeriodSeconds,
      dimensions: { DeliveryStreamName: d.names.deliveryStream },
      treat_missing_data: 'notBreaching',
      alarm_actions: [expect.stringContaining('aws_sns_topic')],
    });
  });

  it('notifies the topic of objects under the errors folder, after the topic policy allows S3', () => {
    const notification = only(tf, 'aws_s3_bucket_notification');
    expect(notification.topic).toEqual([expect.objectContaining({ events: ['s3:ObjectCreated:*'], filter_prefix: staticFolder(d.settings.firehose.errorPrefix) })]);
    expect(notification.depends_on).toEqual([expect.stringContaining('aws_sns_topic_policy')]);
    const statements = parsePolicy(only(tf, 'aws_sns_topic_policy').policy) ?? [];
    expect(statements.find((s) => s.Sid === 'FailedRecordsFromDataBucket')?.Condition).toEqual({
      StringEquals: { 'aws:SourceAccount': d.accountId },
      ArnLike: { 'aws:SourceArn': `arn:aws:s3:::${d.names.dataBucket}` },
    });
  });

  it('sends Glue crawler failures to the topic through EventBridge', () => {
    expect(synthesized).toHaveResourceWithProperties(CloudwatchEventRule, {
      event_pattern: JSON.stringify({ source: ['aws.glue'], 'detail-type': ['Glue Crawler State Change'], detail: { crawlerName: [d.names.crawler], state: ['Failed'] } }),
    });
    expect(only(tf, 'aws_cloudwatch_event_target').arn).toContain('aws_sns_topic');
  });

  it('shows Athena queries by outcome, cancelled ones included, on the dashboard', () => {
    const body = JSON.parse(String(only(tf, 'aws_cloudwatch_dashboard').dashboard_body));
    expect(JSON.stringify(body)).toContain('"QueryState","CANCELED"');
  });

  it('lets the alert publishers use the key only from this account', () => {
    const key = parsePolicy(only(tf, 'aws_kms_key').policy) ?? [];
    expect(key.find((s) => s.Sid === 'AlertPublishersUseKeyForEncryptedTopic')?.Condition).toEqual({ StringEquals: { 'aws:SourceAccount': d.accountId } });
  });
});

describe('monitoring config', () => {
  it('subscribes every configured email address', () => {
    const [s] = synthMatrix(singleDeployment({ monitoring: { alarmEmails: ['oncall@example.com', 'data@example.com'] } }));
    expect(Object.values(s.tf.resource.aws_sns_topic_subscription).map((x) => [x.protocol, x.endpoint])).toEqual([
      ['email', 'oncall@example.com'],
      ['email', 'data@example.com'],
    ]);
  });

  it('takes the freshness threshold from config', () => {
    const [s] = synthMatrix(singleDeployment({ monitoring: { freshnessThresholdSeconds: 1800 } }));
    const freshness = Object.values(s.tf.resource.aws_cloudwatch_metric_alarm).find((a) => a.metric_name === 'DeliveryToS3.DataFreshness');
    expect(freshness?.threshold).toBe(1800);
  });
});
