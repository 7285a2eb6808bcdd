import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { METRIC, type MetricName } from '../../lambdas/shared/metric-names.js';
import { METRICS_NAMESPACE, SERVICE_NAME } from '../../lambdas/shared/service-identity.js';

/** The EMF metrics the sync's task handlers emit (per page or batch; summed per run and over time). */
export const SYNC_PROGRESS_METRICS = [
  METRIC.AccountsProcessed,
  METRIC.ContactsCreated,
  METRIC.ContactsLinked,
  METRIC.AccountsSkipped,
  METRIC.AccountsFailed,
  METRIC.ContactsUnlinked,
  METRIC.ContactsUpdated,
] as const;

/** The drift one reconcile repaired, emitted once per run when it finishes. */
export const RECONCILE_METRICS = [METRIC.ReconcileCreated, METRIC.ReconcileUpdated, METRIC.ReconcileUnlinked] as const;

/** Reconcile runs: finished, failed, and scheduled ones skipped because syncing was off or busy. */
export const RECONCILE_RUN_METRICS = [
  METRIC.ReconcileRunsSucceeded,
  METRIC.ReconcileRunsFailed,
  METRIC.ScheduledReconcilesSkipped,
] as const;

/** The EMF metrics of whole runs and of the workflow's planning. */
export const SYNC_RUN_METRICS = [METRIC.SyncRunsSucceeded, METRIC.SyncRunsFailed, METRIC.SyncPagesPlanned] as const;

/** The EMF metrics the webhook consumer emits, one per delivery. */
export const WEBHOOK_METRICS = [
  METRIC.DeliveriesReceived,
  METRIC.DeliveriesProcessed,
  METRIC.DeliveriesIgnored,
  METRIC.WebhookContactsCreated,
  METRIC.WebhookContactsLinked,
  METRIC.WebhookContactsUpdated,
  METRIC.WebhookContactsUnlinked,
  METRIC.DeadLettered,
] as const;

/** Deliveries without Jira's signature (missing, malformed or wrong), one per delivery: shown and alarmed apart. */
export const FORGED_DELIVERIES_METRIC = METRIC.ForgedDeliveries;

/** One of the service's own metrics: namespace ContactSync, Powertools' `service` dimension. */
export function serviceMetric(metricName: MetricName, period: Duration = Duration.minutes(5)): cloudwatch.Metric {
  return new cloudwatch.Metric({
    namespace: METRICS_NAMESPACE,
    metricName,
    dimensionsMap: { service: SERVICE_NAME },
    statistic: cloudwatch.Stats.SUM,
    period,
  });
}
