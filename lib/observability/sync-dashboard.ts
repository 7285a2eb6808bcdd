import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { METRIC } from '../../lambdas/shared/metric-names.js';
import type { ServiceFunction } from '../stateless/service-function.js';
import {
  FORGED_DELIVERIES_METRIC,
  RECONCILE_METRICS,
  RECONCILE_RUN_METRICS,
  SYNC_PROGRESS_METRICS,
  SYNC_RUN_METRICS,
  WEBHOOK_METRICS,
  serviceMetric,
} from './sync-metrics.js';

export interface SyncDashboardProps {
  /** The webhook queue: its depth and its oldest delivery's age. */
  readonly queue: sqs.IQueue;
  /** The webhook queue's dead letters. */
  readonly deadLetterQueue: sqs.IQueue;
  /** The sync workflow: its executions running, succeeded and failed. */
  readonly stateMachine: sfn.IStateMachine;
  /** Every function, by a short name for the legends. */
  readonly functions: Readonly<Record<string, ServiceFunction>>;
  /** Where the sync tasks log their EMF lines, each with its `runId`: the per-run table reads them. */
  readonly syncTaskLogGroups: readonly logs.ILogGroup[];
}

const WIDTH = 24;
const HALF = WIDTH / 2;
const THIRD = WIDTH / 3;
const QUARTER = WIDTH / 4;

/**
 * One page for the sync's progress and health: the sync's own counts per run and over time, the
 * webhook path (deliveries, queue depth and age, dead letters), the functions and the workflow.
 */
export class SyncDashboard extends Construct {
  readonly dashboard: cloudwatch.Dashboard;

  constructor(scope: Construct, id: string, props: SyncDashboardProps) {
    super(scope, id);
    this.dashboard = new cloudwatch.Dashboard(this, 'Dashboard', {
      defaultInterval: Duration.days(1),
      periodOverride: cloudwatch.PeriodOverride.AUTO,
    });
    this.dashboard.addWidgets(
      new cloudwatch.TextWidget({
        markdown:
          '# Contact Sync\nInitial sync (per run and over time), reconcile runs and the drift they repaired, ' +
          'webhook deliveries, functions and the sync workflow.',
        width: WIDTH,
        height: 2,
      }),
    );
    this.dashboard.addWidgets(...syncProgressWidgets(props.syncTaskLogGroups));
    this.dashboard.addWidgets(...reconcileWidgets());
    this.dashboard.addWidgets(...webhookWidgets(props.queue, props.deadLetterQueue));
    this.dashboard.addWidgets(...functionWidgets(props.functions));
    this.dashboard.addWidgets(...workflowWidgets(props.stateMachine));
  }
}

function syncProgressWidgets(syncTaskLogGroups: readonly logs.ILogGroup[]): cloudwatch.IWidget[] {
  const progress = SYNC_PROGRESS_METRICS.map((name) => serviceMetric(name));
  const sums = SYNC_PROGRESS_METRICS.map((name) => `sum(${name}) as ${name}`).join(', ');
  return [
    new cloudwatch.SingleValueWidget({
      title: 'Sync totals (time range)',
      metrics: [...progress, ...SYNC_RUN_METRICS.map((name) => serviceMetric(name))],
      setPeriodToTimeRange: true,
      width: WIDTH,
      height: 4,
    }),
    new cloudwatch.GraphWidget({
      title: 'Sync progress over time',
      left: progress,
      stacked: false,
      width: HALF,
      height: 6,
    }),
    new cloudwatch.LogQueryWidget({
      title: 'Sync progress per run',
      logGroupNames: syncTaskLogGroups.map((group) => group.logGroupName),
      view: cloudwatch.LogQueryVisualizationType.TABLE,
      // Powertools writes each EMF line with the run id added as metadata beside the counts.
      queryLines: [
        'filter ispresent(runId)',
        `stats ${sums}, min(@timestamp) as started, max(@timestamp) as lastUpdate by runId`,
        'sort lastUpdate desc',
        'limit 20',
      ],
      width: HALF,
      height: 6,
    }),
  ];
}

function reconcileWidgets(): cloudwatch.IWidget[] {
  // One data point per run: a day's period shows each daily reconcile as one bar of repaired drift.
  const perRun = Duration.days(1);
  return [
    new cloudwatch.GraphWidget({
      title: 'Reconcile runs',
      left: RECONCILE_RUN_METRICS.map((name) => serviceMetric(name, perRun)),
      view: cloudwatch.GraphWidgetView.BAR,
      width: HALF,
      height: 6,
    }),
    new cloudwatch.GraphWidget({
      title: 'Drift repaired per reconcile (created, updated, unlinked)',
      left: RECONCILE_METRICS.map((name) => serviceMetric(name, perRun)),
      view: cloudwatch.GraphWidgetView.BAR,
      width: HALF,
      height: 6,
    }),
  ];
}

function webhookWidgets(queue: sqs.IQueue, deadLetterQueue: sqs.IQueue): cloudwatch.IWidget[] {
  const minute = { period: Duration.minutes(1) };
  return [
    new cloudwatch.GraphWidget({
      title: 'Webhook deliveries',
      left: WEBHOOK_METRICS.map((name) => serviceMetric(name)),
      width: QUARTER,
      height: 6,
    }),
    forgedDeliveriesWidget(),
    new cloudwatch.GraphWidget({
      title: 'Webhook queue: depth and age of the oldest message',
      left: [
        queue.metricApproximateNumberOfMessagesVisible({ ...minute, label: 'visible' }),
        queue.metricApproximateNumberOfMessagesNotVisible({ ...minute, label: 'in flight' }),
      ],
      right: [queue.metricApproximateAgeOfOldestMessage({ ...minute, label: 'oldest message age (s)' })],
      width: QUARTER,
      height: 6,
    }),
    new cloudwatch.GraphWidget({
      title: 'Dead-letter queue depth',
      left: [deadLetterQueue.metricApproximateNumberOfMessagesVisible({ ...minute, label: 'dead letters' })],
      width: QUARTER,
      height: 6,
    }),
  ];
}

/**
 * Unsigned or wrongly signed deliveries per minute, and their share of all deliveries: a probe or a secret out of
 * step.
 */
function forgedDeliveriesWidget(): cloudwatch.IWidget {
  const minute = Duration.minutes(1);
  const forged = serviceMetric(FORGED_DELIVERIES_METRIC, minute);
  const received = serviceMetric(METRIC.DeliveriesReceived, minute);
  return new cloudwatch.GraphWidget({
    title: 'Forged deliveries',
    left: [forged.with({ label: 'forged per minute' })],
    right: [
      new cloudwatch.MathExpression({
        label: '% of deliveries',
        expression: '100 * FILL(forged, 0) / received',
        usingMetrics: { forged, received },
        period: minute,
      }),
    ],
    width: QUARTER,
    height: 6,
  });
}

function functionWidgets(functions: Record<string, ServiceFunction>): cloudwatch.IWidget[] {
  const entries = Object.entries(functions);
  const perFunction = (title: string, metric: (fn: ServiceFunction, label: string) => cloudwatch.IMetric) =>
    new cloudwatch.GraphWidget({
      title,
      left: entries.map(([label, fn]) => metric(fn, label)),
      width: THIRD,
      height: 6,
    });
  return [
    perFunction('Lambda errors', (fn, label) => fn.function.metricErrors({ label, statistic: cloudwatch.Stats.SUM })),
    perFunction('Lambda throttles', (fn, label) =>
      fn.function.metricThrottles({ label, statistic: cloudwatch.Stats.SUM }),
    ),
    perFunction('Lambda duration p99 (ms)', (fn, label) =>
      fn.function.metricDuration({ label, statistic: cloudwatch.Stats.p(99) }),
    ),
  ];
}

function workflowWidgets(stateMachine: sfn.IStateMachine): cloudwatch.IWidget[] {
  const started = stateMachine.metricStarted({ statistic: cloudwatch.Stats.SUM });
  const succeeded = stateMachine.metricSucceeded({ statistic: cloudwatch.Stats.SUM });
  const failed = stateMachine.metricFailed({ statistic: cloudwatch.Stats.SUM });
  const timedOut = stateMachine.metricTimedOut({ statistic: cloudwatch.Stats.SUM });
  const aborted = stateMachine.metricAborted({ statistic: cloudwatch.Stats.SUM });
  // Step Functions publishes no per-machine "running" count: started minus finished, summed over the range.
  const running = new cloudwatch.MathExpression({
    label: 'running',
    expression:
      'RUNNING_SUM(FILL(started, 0) - FILL(succeeded, 0) - FILL(failed, 0) - FILL(timedOut, 0) - FILL(aborted, 0))',
    usingMetrics: { started, succeeded, failed, timedOut, aborted },
  });
  return [
    new cloudwatch.GraphWidget({
      title: 'Sync workflow executions',
      left: [
        running,
        succeeded.with({ label: 'succeeded' }),
        failed.with({ label: 'failed' }),
        timedOut.with({ label: 'timed out' }),
      ],
      width: HALF,
      height: 6,
    }),
    new cloudwatch.GraphWidget({
      title: 'Sync runs (as the workflow records them)',
      left: SYNC_RUN_METRICS.map((name) => serviceMetric(name)),
      width: HALF,
      height: 6,
    }),
  ];
}
