/**
 * The numbers and names the deployed stack and the local runtime share. Plain values, no CDK import:
 * the local runtime and the domain never load aws-cdk-lib (the CDK side turns seconds into Durations).
 */

/** Receives before a delivery moves to the dead-letter queue; the consumer reads the same number (MAX_RECEIVE_COUNT). */
export const MAX_RECEIVE_COUNT = 5;

/**
 * The consumer's timeout. A batch of ten, applied one after the other, looks up at most ten users in
 * Jira (with back-off on 429) and writes a few items each: well inside a minute. The queue's
 * visibility timeout is six times this.
 */
export const CONSUMER_TIMEOUT_SECONDS = 60;

/**
 * How the consumer reads the queue.
 * - batch size 10, window 5 s: deliveries come in bursts (a bulk import in Jira fires one per user);
 *   gathering them for up to 5 s costs little latency and cuts invocations tenfold.
 * - at most 5 concurrent consumers of up to 10 deliveries each: at most 50 deliveries in flight, so
 *   Jira sees few calls from webhooks (only payloads without an email need one), leaving its rate
 *   limit to the sync's PAGES_PER_WAVE pages, and DynamoDB on-demand absorbs the writes easily.
 * - partial batch responses: one bad delivery is retried (and finally dead-lettered) alone.
 */
export const CONSUMER_BATCHING = {
  batchSize: 10,
  maxBatchingWindowSeconds: 5,
  maxConcurrency: 5,
  reportBatchItemFailures: true,
} as const;

/**
 * Task state names. The local runner binds each to its handler by this name, so the deployed and
 * the local workflow are one definition.
 */
export const SYNC_TASKS = {
  planWave: 'Plan sync wave',
  syncUsersSegment: 'Sync users segment',
  syncDeskCustomers: 'Sync service desk customers',
  continueSyncRun: 'Continue in new execution',
  beginScheduledRun: 'Begin scheduled reconcile',
  demoteLinksBatch: 'Demote contacts batch',
  finishSyncRun: 'Finish sync run',
  recordFailure: 'Record sync failure',
  syncOrganizations: 'Sync organizations',
  demoteCompaniesBatch: 'Demote companies batch',
  estimateRunSize: 'Estimate run size',
} as const;

/** The functions behind the workflow's tasks, by the name the stack and the local runner give them. */
export type SyncTaskFunctionName =
  | 'planWave'
  | 'syncUsersSegment'
  | 'syncDeskCustomers'
  | 'continueSyncRun'
  | 'beginScheduledRun'
  | 'demoteLinksBatch'
  | 'finishSyncRun'
  | 'syncOrganizations'
  | 'demoteCompaniesBatch'
  | 'estimateRunSize';

/**
 * Each task function's Lambda timeout, in seconds. The state machine gives each task a little longer
 * (TASK_TIMEOUT_MARGIN_SECONDS), so a step is retried only once its function can no longer be running
 * (the local runner's default of 60 s would otherwise retry a slow page while the first attempt still writes).
 */
export const TASK_FUNCTION_TIMEOUT_SECONDS: Record<SyncTaskFunctionName, number> = {
  planWave: 10,
  // A segment is up to 1,000 accounts, with Jira's 429 back-off in the worst case.
  syncUsersSegment: 10 * 60,
  // Up to 1,000 customers in JSM's small pages, at its burst limit of 5 requests a second.
  syncDeskCustomers: 10 * 60,
  continueSyncRun: 30,
  beginScheduledRun: 30,
  demoteLinksBatch: 5 * 60,
  finishSyncRun: 30,
  // A page of organizations with all their members, at JSM's 5 requests a second and its 429s.
  syncOrganizations: 10 * 60,
  demoteCompaniesBatch: 5 * 60,
  // About 1.5·log₂(N) tiny users/search calls (some 40 at a million), or a counting scan of the links.
  estimateRunSize: 60,
};

/** How much longer than its function's timeout a task state waits. */
export const TASK_TIMEOUT_MARGIN_SECONDS = 30;
