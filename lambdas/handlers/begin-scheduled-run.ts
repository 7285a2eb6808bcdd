import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { userSyncStore } from '../composition.js';
import { beginScheduledReconcile } from '../domain/sync/request-reconcile.js';
import { METRIC } from '../shared/metric-names.js';
import { logger, metrics } from '../shared/powertools.js';
import { taskHandler } from '../shared/task-handler.js';

export interface ScheduledRunInput {
  action: 'reconcile';
}

/** (EventBridge Scheduler -> Step Functions "Begin scheduled reconcile") --> claims the run --> (DynamoDB) */
export const handler = taskHandler(
  async (input: ScheduledRunInput): Promise<{ action: 'reconcile'; runId?: string }> => {
    const outcome = await beginScheduledReconcile(userSyncStore());
    if ('declined' in outcome) {
      logger.info('Scheduled reconcile skipped', { reason: outcome.declined });
      metrics.addMetric(METRIC.ScheduledReconcilesSkipped, MetricUnit.Count, 1);
      return { action: input.action };
    }
    return { action: input.action, runId: outcome.runId };
  },
);
