import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { METRICS_NAMESPACE, SERVICE_NAME } from '../../lambdas/shared/service-identity.js';

/** The EMF metrics the sync's task handlers emit (per page or batch; summed per run and over time). */
export const SYNC_PROGRESS_METRICS = [
  'AccountsProcessed',
  'ContactsCreated',
  'ContactsLinked',
  'AccountsSkipped',
  'AccountsFailed',
  'ContactsUnlinked',
  'ContactsUpdated',
] as const;

/** The drift one reconcile repaired, emitted once per run when it finishes. */
export const RECONCILE_METRICS = ['ReconcileCreated', 'ReconcileUpdated', 'ReconcileUnlinked'] as const;

/** Reconcile runs: finished, failed, and scheduled ones skipped because syncing was off or busy. */
export const RECONCILE_RUN_METRICS = [
  'ReconcileRunsSucceeded',
  'ReconcileRunsFailed',
  'ScheduledReconcilesSkipped',
] as const;

/** The EMF metrics of whole runs and of the workflow's planning. */
export const SYNC_RUN_METRICS = ['SyncRunsSucceeded', 'SyncRunsFailed', 'SyncPagesPlanned'] as const;

/** The EMF metrics the webhook consumer emits, one per delivery. */
export const WEBHOOK_METRICS = [
  'DeliveriesReceived',
  'DeliveriesProcessed',
  'DeliveriesIgnored',
  'WebhookContactsCreated',
  'WebhookContactsLinked',
  'WebhookContactsUpdated',
  'WebhookContactsUnlinked',
  'DeadLettered',
] as const;

/** Deliveries without Jira's signature (missing, malformed or wrong), one per delivery: shown and alarmed apart. */
export const FORGED_DELIVERIES_METRIC = 'ForgedDeliveries';

/** One of the service's own metrics: namespace ContactSync, Powertools' `service` dimension. */
export function serviceMetric(metricName: string, period: Duration = Duration.minutes(5)): cloudwatch.Metric {
  return new cloudwatch.Metric({
    namespace: METRICS_NAMESPACE,
    metricName,
    dimensionsMap: { service: SERVICE_NAME },
    statistic: cloudwatch.Stats.SUM,
    period,
  });
}
