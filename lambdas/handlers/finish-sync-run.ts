import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { SyncAction } from '../domain/sync/user-sync-state.js';
import { finishSyncRun } from '../domain/sync/user-sync-toggle.js';
import { dependencies } from '../shared/dependencies.js';
import { logger, metrics } from '../shared/powertools.js';
import { taskHandler } from '../shared/task-handler.js';

export interface FinishRunInput {
  action: SyncAction;
  runId: string;
  /** Set by the state machine's Catch: `{Error, Cause}`. */
  failure?: { Error?: string; Cause?: string };
}

/** (Step Functions "Finish sync run" / "Record sync failure") --> the toggle's final state --> (DynamoDB) */
export const handler = taskHandler(async (input: FinishRunInput): Promise<{ runId: string }> => {
  const failure = input.failure ? `${input.failure.Error ?? 'Error'}: ${(input.failure.Cause ?? '').slice(0, 500)}` : undefined;
  await finishSyncRun(dependencies.userSync(), input.action, input.runId, failure);
  if (failure) logger.error('Sync run failed', { runId: input.runId, action: input.action, failure });
  metrics.addMetric(failure ? 'SyncRunsFailed' : 'SyncRunsSucceeded', MetricUnit.Count, 1);
  return { runId: input.runId };
});
