import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { demotionDeps, userSyncStore } from '../composition.js';
import {
  type DemotionMode,
  type ShardCounts,
  demoteLinksBatch,
  reconcileSweep,
} from '../domain/sync/demote-links-batch.js';
import { sweepSince } from '../domain/sync/user-sync-runs.js';
import { METRIC } from '../shared/metric-names.js';
import { logger, metrics } from '../shared/powertools.js';
import { taskHandler } from '../shared/task-handler.js';

export interface DemoteBatchInput {
  runId: string;
  /** `disable` demotes every synced contact; `reconcile` sweeps those of accounts the run did not see. */
  action?: 'disable' | 'reconcile';
  shard: number;
  cursor: string | null;
  /** What the shard's earlier batches counted (the previous batch's answer). */
  soFar?: ShardCounts;
}

/** The accounts a reconcile saw, read once per container and run (shards share it). */
let sweepCache: { runId: string; mode: Promise<DemotionMode | undefined> } | undefined;

/** Undefined when nothing may be swept. */
function sweepMode(runId: string): Promise<DemotionMode | undefined> {
  if (sweepCache?.runId !== runId) {
    const mode = (async (): Promise<DemotionMode | undefined> => {
      const store = userSyncStore();
      const [{ accountIds, unreadable }, since] = await Promise.all([
        store.seenAccounts(runId),
        sweepSince(store, runId),
      ]);
      const sweep = reconcileSweep({ accountIds, unreadable, since });
      if (!sweep)
        logger.warn('Reconcile sweeps nothing: Jira listed records without an account id', { runId, unreadable });
      return sweep;
    })();
    mode.catch(() => (sweepCache = undefined));
    sweepCache = { runId, mode };
  }
  return sweepCache.mode;
}

/** (Step Functions "Demote contacts batch") --> synced contacts become regular --> (DynamoDB) */
export const handler = taskHandler(async (input: DemoteBatchInput): Promise<DemoteBatchInput> => {
  const action = input.action ?? 'disable';
  const mode = action === 'reconcile' ? await sweepMode(input.runId) : { kind: 'disable' as const };
  if (!mode) return { runId: input.runId, action, shard: input.shard, cursor: null };
  const { cursor, progress, soFar } = await demoteLinksBatch(demotionDeps(), {
    runId: input.runId,
    shard: input.shard,
    cursor: input.cursor,
    soFar: input.soFar,
    mode,
  });
  metrics.addMetadata('runId', input.runId);
  metrics.addMetric(
    METRIC.ContactsUnlinked,
    MetricUnit.Count,
    action === 'reconcile' ? progress.unlinked : progress.processed,
  );
  metrics.addMetric(METRIC.AccountsFailed, MetricUnit.Count, progress.failed);
  return { runId: input.runId, action, shard: input.shard, cursor, soFar };
});
