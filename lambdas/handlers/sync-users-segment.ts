import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { segmentDeps } from '../composition.js';
import type { SegmentResult } from '../domain/sync/page-plan.js';
import { syncUsersSegment } from '../domain/sync/sync-users-segment.js';
import { METRIC } from '../shared/metric-names.js';
import { metrics } from '../shared/powertools.js';
import { taskHandler } from '../shared/task-handler.js';

export interface SyncSegmentInput {
  runId: string;
  action: 'enable' | 'reconcile';
  startAt: number;
}

/** (Step Functions "Sync users segment") --> sync of one segment of Jira's user list --> (Jira, DynamoDB) */
export const handler = taskHandler(async (input: SyncSegmentInput, context): Promise<SegmentResult> => {
  const result = await syncUsersSegment(await segmentDeps(context), {
    runId: input.runId,
    action: input.action ?? 'enable',
    startAt: input.startAt,
  });
  const { progress } = result;
  metrics.addMetadata('runId', input.runId);
  metrics.addMetric(METRIC.AccountsProcessed, MetricUnit.Count, progress.processed);
  metrics.addMetric(METRIC.ContactsCreated, MetricUnit.Count, progress.created);
  metrics.addMetric(METRIC.ContactsLinked, MetricUnit.Count, progress.linked);
  metrics.addMetric(METRIC.ContactsUpdated, MetricUnit.Count, progress.updated);
  metrics.addMetric(METRIC.ContactsUnlinked, MetricUnit.Count, progress.unlinked);
  metrics.addMetric(METRIC.AccountsSkipped, MetricUnit.Count, progress.skipped);
  metrics.addMetric(METRIC.AccountsFailed, MetricUnit.Count, progress.failed);
  return { startAt: result.startAt, count: result.count, reachedEnd: result.reachedEnd };
});
