import { FIREHOSE_DIRECT_PUT_RETENTION_HOURS } from '../../../config/aws';
import { resources } from '../../../terraform-json/stack-json';
import { fixture, type PolicyRule } from '../rule';

/** Firehose metrics a stack must alarm on: delivery failures are silent unless someone watches. */
export const REQUIRED_FIREHOSE_ALARMS = ['DeliveryToS3.DataFreshness', 'DeliveryToS3.Success'];

export const firehoseAlarms: PolicyRule = {
  id: 'monitoring-firehose-alarms',
  check: 'monitoring',
  level: 'warning',
  appliesTo: 'aws_kinesis_firehose_delivery_stream',
  explanation:
    `Firehose keeps records ${FIREHOSE_DIRECT_PUT_RETENTION_HOURS} h while S3 is unreachable, then drops ` +
    `them; freshness and success alarms are the only early signal (Firehose guide, monitoring).`,
  evaluate: ({ tf }) => {
    const alarms = resources(tf)
      .filter(([t]) => t === 'aws_cloudwatch_metric_alarm')
      .map(([, , body]) => body);
    return resources(tf)
      .filter(([t]) => t === 'aws_kinesis_firehose_delivery_stream')
      .flatMap(([type, name]) =>
        REQUIRED_FIREHOSE_ALARMS.filter(
          (metric) =>
            !alarms.some((a) => a.metric_name === metric && (a.alarm_actions as unknown[] | undefined)?.length),
        ).map((metric) => ({ resource: `${type}.${name}`, message: `no alarm with an action on ${metric}` })),
      );
  },
  fixtures: {
    failing: fixture({ resource: { aws_kinesis_firehose_delivery_stream: { s: {} } } }),
    passing: fixture({
      resource: {
        aws_kinesis_firehose_delivery_stream: { s: {} },
        aws_cloudwatch_metric_alarm: {
          f: { metric_name: 'DeliveryToS3.DataFreshness', alarm_actions: ['t'] },
          s: { metric_name: 'DeliveryToS3.Success', alarm_actions: ['t'] },
        },
      },
    }),
  },
};

export const topicSubscribed: PolicyRule = {
  id: 'monitoring-topic-subscribed',
  check: 'monitoring',
  level: 'info',
  appliesTo: 'aws_sns_topic',
  explanation: 'An alert topic nobody subscribed to alerts nobody.',
  evaluate: ({ tf }) => {
    const topics = resources(tf).filter(([t]) => t === 'aws_sns_topic');
    const subscribed = resources(tf).some(([t]) => t === 'aws_sns_topic_subscription');
    return topics.length > 0 && !subscribed
      ? [
          {
            resource: `aws_sns_topic.${topics[0][1]}`,
            message: 'alert topic has no subscriptions yet (monitoring.alarmEmails); subscribe on-call tooling to it',
          },
        ]
      : [];
  },
  fixtures: {
    failing: fixture({ resource: { aws_sns_topic: { t: {} } } }),
    passing: fixture({ resource: { aws_sns_topic: { t: {} }, aws_sns_topic_subscription: { s: {} } } }),
  },
};
