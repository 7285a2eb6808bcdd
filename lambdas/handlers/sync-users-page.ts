import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { segmentDeps } from '../composition.js';
import type { SegmentResult } from '../domain/sync/page-plan.js';
import { syncUsersSegment } from '../domain/sync/sync-users-segment.js';
import { metrics } from '../shared/powertools.js';
import { taskHandler } from '../shared/task-handler.js';

export interface SyncSegmentInput {
  runId: string;
  action: 'enable' | 'reconcile';
  startAt: number;
}

/** (Step Functions "Sync users page") --> sync of one segment of Jira's user list --> (Jira, DynamoDB) */
export const handler = taskHandler(async (input: SyncSegmentInput, context): Promise<SegmentResult> => {
  const result = await syncUsersSegment(segmentDeps(context), {
    runId: input.runId,
    action: input.action ?? 'enable',
    startAt: input.startAt,
  });
  const { progress } = result;
  metrics.addMetadata('runId', input.runId);
  metrics.addMetric('AccountsProcessed', MetricUnit.Count, progress.processed);
  metrics.addMetric('ContactsCreated', MetricUnit.Count, progress.created);
  metrics.addMetric('ContactsLinked', MetricUnit.Count, progress.linked);
  metrics.addMetric('ContactsUpdated', MetricUnit.Count, progress.updated);
  metrics.addMetric('ContactsUnlinked', MetricUnit.Count, progress.unlinked);
  metrics.addMetric('AccountsSkipped', MetricUnit.Count, progress.skipped);
  metrics.addMetric('AccountsFailed', MetricUnit.Count, progress.failed);
  return { startAt: result.startAt, count: result.count, reachedEnd: result.reachedEnd };
});
