import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { ServiceFunction } from '../stateless/service-function.js';
import { METRIC } from '../../lambdas/shared/metric-names.js';
import { FORGED_DELIVERIES_METRIC, serviceMetric } from './sync-metrics.js';

/** A delivery waiting this long means the consumer is stuck or failing (it normally takes seconds). */
export const QUEUE_AGE_ALARM_SECONDS = 600;

/**
 * Forged deliveries in five minutes that mean someone is probing the webhook, or the secret is out of step with
 * Jira's.
 */
export const FORGED_SURGE_THRESHOLD = 100;

export interface SyncAlarmsProps {
  /** Where alarm notifications go (the `AlarmEmail` stack parameter). */
  readonly alarmEmail: string;
  /** The webhook queue: an alarm when its oldest delivery has waited too long. */
  readonly queue: sqs.IQueue;
  /** The webhook queue's dead letters: an alarm on a single one. */
  readonly deadLetterQueue: sqs.IQueue;
  /** The sync workflow: an alarm on a failed execution. */
  readonly stateMachine: sfn.IStateMachine;
  /** Every function, by a short name: an alarm on any error of each. */
  readonly functions: Readonly<Record<string, ServiceFunction>>;
}

/**
 * The alarms an operator must act on, sent to one encrypted SNS topic: a dead-lettered delivery,
 * deliveries waiting too long, a surge of forged deliveries, any function's errors, a failed sync execution.
 */
export class SyncAlarms extends Construct {
  readonly topic: sns.Topic;
  readonly alarms: cloudwatch.Alarm[] = [];

  constructor(scope: Construct, id: string, props: SyncAlarmsProps) {
    super(scope, id);
    // A customer-managed key: CloudWatch may not use the AWS-managed SNS key to publish.
    const key = new kms.Key(this, 'TopicKey', {
      description: 'Contact Sync: encrypts the alarm topic.',
      enableKeyRotation: true,
    });
    key.grant(new iam.ServicePrincipal('cloudwatch.amazonaws.com'), 'kms:Decrypt', 'kms:GenerateDataKey*');
    this.topic = new sns.Topic(this, 'Topic', { displayName: 'Contact Sync alarms', masterKey: key, enforceSSL: true });
    this.topic.addSubscription(new subscriptions.EmailSubscription(props.alarmEmail));

    const minute = Duration.minutes(1);
    this.add('DeadLetters', {
      alarmDescription:
        'A webhook delivery failed every retry and is in the dead-letter queue. Fix the cause, then replay it ' +
        '(docs/DEPLOY.md).',
      metric: props.deadLetterQueue.metricApproximateNumberOfMessagesVisible({
        period: minute,
        statistic: cloudwatch.Stats.MAXIMUM,
      }),
      threshold: 1,
      evaluationPeriods: 1,
    });
    this.add('QueueAge', {
      alarmDescription:
        `A webhook delivery has waited over ${QUEUE_AGE_ALARM_SECONDS} s: ` +
        'the consumer is failing, throttled or stopped.',
      metric: props.queue.metricApproximateAgeOfOldestMessage({ period: minute, statistic: cloudwatch.Stats.MAXIMUM }),
      threshold: QUEUE_AGE_ALARM_SECONDS,
      evaluationPeriods: 3,
    });
    this.add('ForgedDeliveriesSurge', {
      alarmDescription:
        `Over ${FORGED_SURGE_THRESHOLD} webhook deliveries in 5 minutes had a missing or wrong X-Hub-Signature: ` +
        'someone is probing the webhook, ' +
        "or JIRA_WEBHOOK_SECRET no longer matches the Jira webhook's secret " +
        '(then genuine changes are being dropped).',
      metric: serviceMetric(FORGED_DELIVERIES_METRIC, Duration.minutes(5)),
      threshold: FORGED_SURGE_THRESHOLD,
      evaluationPeriods: 1,
    });
    for (const [name, fn] of Object.entries(props.functions)) {
      this.add(`${name}Errors`, {
        alarmDescription: `The ${name} function failed (see its log group and X-Ray traces).`,
        metric: fn.function.metricErrors({ period: Duration.minutes(5), statistic: cloudwatch.Stats.SUM }),
        threshold: 1,
        evaluationPeriods: 1,
      });
    }
    this.add('SyncExecutionsFailed', {
      alarmDescription:
        "A user sync execution failed: the toggle's state shows the error; the workflow's log group has each step.",
      metric: props.stateMachine.metricFailed({ period: Duration.minutes(5), statistic: cloudwatch.Stats.SUM }),
      threshold: 1,
      evaluationPeriods: 1,
    });
    this.add('ReconcileFailed', {
      alarmDescription:
        'A reconcile (scheduled or asked for) failed and swept nothing: see lastReconcile.error in GET ' +
        '/settings/user-sync; the next run starts afresh.',
      metric: serviceMetric(METRIC.ReconcileRunsFailed, Duration.minutes(5)),
      threshold: 1,
      evaluationPeriods: 1,
    });
  }

  private add(id: string, props: Omit<cloudwatch.AlarmProps, 'comparisonOperator' | 'treatMissingData'>): void {
    const alarm = new cloudwatch.Alarm(this, id, {
      ...props,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      // No data means nothing happened: no deliveries, no invocations, no executions.
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    alarm.addAlarmAction(new actions.SnsAction(this.topic));
    this.alarms.push(alarm);
  }
}
