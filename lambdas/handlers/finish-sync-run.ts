import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { userSyncStore } from '../composition.js';
import type { SyncAction } from '../domain/sync/user-sync-state.js';
import { finishSyncRun } from '../domain/sync/finish-sync-run.js';
import { METRIC } from '../shared/metric-names.js';
import { logger, metrics } from '../shared/powertools.js';
import { taskHandler } from '../shared/task-handler.js';

export interface FinishRunInput {
  action: SyncAction;
  runId: string;
  /** Set by the state machine's Catch: `{Error, Cause}`. */
  failure?: { Error?: string; Cause?: string };
}

/** (Step Functions "Finish sync run" / "Record sync failure") --> the run's final state --> (DynamoDB) */
export const handler = taskHandler(async (input: FinishRunInput): Promise<{ runId: string }> => {
  const failure = input.failure
    ? `${input.failure.Error ?? 'Error'}: ${(input.failure.Cause ?? '').slice(0, 500)}`
    : undefined;
  const reconcile = await finishSyncRun(userSyncStore(), input.action, input.runId, failure);
  if (failure) logger.error('Sync run failed', { runId: input.runId, action: input.action, failure });
  metrics.addMetric(failure ? METRIC.SyncRunsFailed : METRIC.SyncRunsSucceeded, MetricUnit.Count, 1);
  if (reconcile) {
    // The drift one reconcile repaired, per run (the dashboard's reconcile widgets and alarm).
    metrics.addMetric(failure ? METRIC.ReconcileRunsFailed : METRIC.ReconcileRunsSucceeded, MetricUnit.Count, 1);
    metrics.addMetric(
      METRIC.ReconcileCreated,
      MetricUnit.Count,
      reconcile.progress.created + reconcile.progress.linked,
    );
    metrics.addMetric(METRIC.ReconcileUpdated, MetricUnit.Count, reconcile.progress.updated);
    metrics.addMetric(METRIC.ReconcileUnlinked, MetricUnit.Count, reconcile.progress.unlinked);
  }
  return { runId: input.runId };
});
