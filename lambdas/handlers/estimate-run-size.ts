import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { estimateRunSize } from '../domain/sync/run-size.js';
import type { SyncAction } from '../domain/sync/user-sync-state.js';
import { dependencies } from '../shared/dependencies.js';
import { logger, metrics } from '../shared/powertools.js';
import { taskDeadline, taskHandler } from '../shared/task-handler.js';

export interface EstimateRunSizeInput {
  runId: string;
  action: SyncAction;
}

/** (Step Functions "Estimate run size", beside the run) --> the run's measured size --> (Jira or DynamoDB) */
export const handler = taskHandler(async (input: EstimateRunSizeInput, context) => {
  const links = dependencies.links();
  const deadline = taskDeadline(context);
  const measured = await estimateRunSize(
    {
      jira: dependencies.jira().until(deadline),
      serviceDesks: dependencies.serviceDesks().until(deadline),
      countLinkedAccounts: () => links.countLinked(),
      settings: dependencies.userSync(),
      log: (message, details) => logger.warn(message, details),
    },
    { runId: input.runId, action: input.action },
  );
  metrics.addMetadata('runId', input.runId);
  const deskCustomers = (measured.serviceDesks ?? []).reduce((sum, desk) => sum + desk.estimate, 0);
  metrics.addMetric('RunSizeEstimated', MetricUnit.Count, measured.estimate + deskCustomers);
  // Counts only: a site's many desks must not grow the task's output.
  return { runId: input.runId, source: measured.source, estimate: measured.estimate, deskCustomers };
});
