import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { type DeskCursor, syncServiceDeskStep } from '../domain/sync/sync-desk-customers.js';
import { dependencies } from '../shared/dependencies.js';
import { logger, metrics } from '../shared/powertools.js';
import { taskDeadline, taskHandler } from '../shared/task-handler.js';

export interface SyncDeskCustomersInput {
  runId: string;
  action: 'enable' | 'reconcile';
  desks?: Partial<DeskCursor>;
}

/** (Step Functions "Sync service desk customers") --> one step of the desks' customers --> (JSM, DynamoDB) */
export const handler = taskHandler(async (input: SyncDeskCustomersInput, context): Promise<DeskCursor> => {
  const deadline = taskDeadline(context);
  const cursor = await syncServiceDeskStep(
    {
      serviceDesks: dependencies.serviceDesks().until(deadline),
      userListing: dependencies.userListing(deadline),
      links: dependencies.links(),
      syncedContacts: dependencies.syncedContacts(),
      settings: dependencies.userSync(),
      log: (message, details) => logger.warn(message, details),
    },
    { runId: input.runId, action: input.action ?? 'enable', cursor: input.desks },
  );
  metrics.addMetadata('runId', input.runId);
  metrics.addMetric('ServiceDeskSteps', MetricUnit.Count, 1);
  return cursor;
});
