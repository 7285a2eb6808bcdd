import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { demoteLinksBatch } from '../domain/sync/demote-links-batch.js';
import { dependencies } from '../shared/dependencies.js';
import { logger, metrics } from '../shared/powertools.js';
import { taskHandler } from '../shared/task-handler.js';

export interface DemoteBatchInput {
  runId: string;
  shard: number;
  cursor: string | null;
}

/** (Step Functions "Demote contacts batch") --> synced contacts become regular --> (DynamoDB) */
export const handler = taskHandler(async (input: DemoteBatchInput): Promise<DemoteBatchInput> => {
  const { cursor, progress } = await demoteLinksBatch(
    { links: dependencies.links(), settings: dependencies.userSync(), log: (message, details) => logger.warn(message, details) },
    input.runId,
    input.shard,
    input.cursor,
  );
  metrics.addMetadata('runId', input.runId);
  metrics.addMetric('ContactsUnlinked', MetricUnit.Count, progress.processed);
  metrics.addMetric('AccountsFailed', MetricUnit.Count, progress.failed);
  return { runId: input.runId, shard: input.shard, cursor };
});
