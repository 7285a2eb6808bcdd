import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { runSizeDeps } from '../composition.js';
import { estimateRunSize } from '../domain/sync/run-size.js';
import type { SyncAction } from '../domain/sync/user-sync-state.js';
import { METRIC } from '../shared/metric-names.js';
import { metrics } from '../shared/powertools.js';
import { taskHandler } from '../shared/task-handler.js';

export interface EstimateRunSizeInput {
  runId: string;
  action: SyncAction;
}

/** (Step Functions "Estimate run size", beside the run) --> the run's measured size --> (Jira or DynamoDB) */
export const handler = taskHandler(async (input: EstimateRunSizeInput, context) => {
  const measured = await estimateRunSize(await runSizeDeps(context), { runId: input.runId, action: input.action });
  metrics.addMetadata('runId', input.runId);
  const deskCustomers = (measured.serviceDesks ?? []).reduce((sum, desk) => sum + desk.estimate, 0);
  if (measured.estimate !== null)
    metrics.addMetric(METRIC.RunSizeEstimated, MetricUnit.Count, measured.estimate + deskCustomers);
  // Counts only: a site's many desks must not grow the task's output.
  return { runId: input.runId, source: measured.source, estimate: measured.estimate, deskCustomers };
});
