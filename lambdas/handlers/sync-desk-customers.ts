import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { deskStepDeps } from '../composition.js';
import { type DeskCursor, syncServiceDeskStep } from '../domain/sync/sync-desk-customers.js';
import { METRIC } from '../shared/metric-names.js';
import { metrics } from '../shared/powertools.js';
import { taskHandler } from '../shared/task-handler.js';

export interface SyncDeskCustomersInput {
  runId: string;
  action: 'enable' | 'reconcile';
  desks?: Partial<DeskCursor>;
}

/** (Step Functions "Sync service desk customers") --> one step of the desks' customers --> (JSM, DynamoDB) */
export const handler = taskHandler(async (input: SyncDeskCustomersInput, context): Promise<DeskCursor> => {
  const cursor = await syncServiceDeskStep(await deskStepDeps(context), {
    runId: input.runId,
    action: input.action ?? 'enable',
    cursor: input.desks,
  });
  metrics.addMetadata('runId', input.runId);
  metrics.addMetric(METRIC.ServiceDeskSteps, MetricUnit.Count, 1);
  return cursor;
});
