import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { PageResult } from '../domain/sync/page-plan.js';
import { USERS_PAGE_SIZE } from '../domain/sync/page-plan.js';
import { syncUsersPage } from '../domain/sync/sync-users-page.js';
import { dependencies } from '../shared/dependencies.js';
import { logger, metrics } from '../shared/powertools.js';
import { taskHandler } from '../shared/task-handler.js';

export interface SyncPageInput {
  runId: string;
  startAt: number;
}

/** (Step Functions "Sync users page") --> initial sync of one page --> (Jira, DynamoDB) */
export const handler = taskHandler(async (input: SyncPageInput): Promise<PageResult> => {
  const result = await syncUsersPage(
    { jira: dependencies.jira(), links: dependencies.links(), settings: dependencies.userSync(), log: (message, details) => logger.warn(message, details) },
    input.runId,
    input.startAt,
    USERS_PAGE_SIZE,
  );
  const { progress } = result;
  metrics.addMetadata('runId', input.runId);
  metrics.addMetric('AccountsProcessed', MetricUnit.Count, progress.processed);
  metrics.addMetric('ContactsCreated', MetricUnit.Count, progress.created);
  metrics.addMetric('ContactsLinked', MetricUnit.Count, progress.linked);
  metrics.addMetric('AccountsSkipped', MetricUnit.Count, progress.skipped);
  metrics.addMetric('AccountsFailed', MetricUnit.Count, progress.failed);
  return { startAt: result.startAt, count: result.count, full: result.full };
});
