import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { estimateRunSize } from '../domain/sync/run-size.js';
import type { SyncAction } from '../domain/sync/user-sync-state.js';
import { dependencies } from '../shared/dependencies.js';
import { metrics } from '../shared/powertools.js';
import { taskDeadline, taskHandler } from '../shared/task-handler.js';

export interface EstimateRunSizeInput {
  runId: string;
  action: SyncAction;
}

/** (Step Functions "Estimate run size", beside the run) --> the run's measured size --> (Jira or DynamoDB) */
export const handler = taskHandler(async (input: EstimateRunSizeInput, context) => {
  const links = dependencies.links();
  const measured = await estimateRunSize(
    {
      jira: dependencies.jira().until(taskDeadline(context)),
      countLinkedAccounts: () => links.countLinked(),
      settings: dependencies.userSync(),
    },
    { runId: input.runId, action: input.action },
  );
  metrics.addMetadata('runId', input.runId);
  if (measured.estimate !== null) metrics.addMetric('RunSizeEstimated', MetricUnit.Count, measured.estimate);
  return { runId: input.runId, ...measured };
});
