import { GetCommand, PutCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import {
  DEFAULT_SETTINGS,
  MAX_FAILURES_SHOWN,
  type ProgressPart,
  type ReconcileSummary,
  type RunSummary,
  type SyncAction,
  type SyncFailure,
  type SyncProgress,
  type SyncState,
  type UserSyncSettings,
  type UserSyncSettingsStore,
  addProgress,
  emptyProgress,
} from '../../domain/sync/user-sync-state.js';
import { queryAll } from './query-page.js';
import { expiringSeenItem, tableName } from './table-schema.js';
import { writeIf } from './write-if.js';

const SETTINGS_KEY = { pk: 'SETTINGS', sk: 'USER_SYNC' };
/** A run's parts: counts and a few failures each (small, read on every progress poll). */
const runPk = (runId: string): string => `RUN#${runId}`;
/**
 * A reconcile's mark: per part, the ids of the accounts it saw (up to 1000 a part, about 64 KB), kept
 * apart from the counts so that polling progress never reads them. One write per part, not per account.
 */
const seenPk = (runId: string): string => `RUNSEEN#${runId}`;

interface PartItem {
  progress?: SyncProgress;
  failures?: SyncFailure[];
  /** An estimate part (`ESTIMATE#<source>`): one source's measured size of the run. */
  estimate?: number;
}

const estimateSk = (source: string): string => `ESTIMATE#${source}`;

export class DynamoDbUserSyncStore implements UserSyncSettingsStore {
  /** The seen parts already read for one run (desk steps run one after another, each after the last). */
  private seenCache: { runId: string; throughPart: string; accountIds: Set<string> } | undefined;

  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly table: string = tableName(),
  ) {}

  async get(): Promise<UserSyncSettings> {
    const result = await this.client.send(
      new GetCommand({ TableName: this.table, Key: SETTINGS_KEY, ConsistentRead: true }),
    );
    if (!result.Item) return DEFAULT_SETTINGS;
    const item = result.Item as Partial<UserSyncSettings>;
    return {
      state: item.state ?? 'DISABLED',
      runId: item.runId ?? null,
      action: item.action ?? null,
      startedAt: item.startedAt ?? null,
      error: item.error ?? null,
      updatedAt: item.updatedAt ?? null,
      lastReconcile: item.lastReconcile ?? null,
    };
  }

  async transition(move: {
    from: SyncState;
    to: SyncState;
    runId: string;
    action: SyncAction;
    expectedRunId?: string | null;
  }): Promise<boolean> {
    const fromDefault = move.from === 'DISABLED' ? 'attribute_not_exists(#state) OR ' : '';
    const now = new Date().toISOString();
    const values: Record<string, unknown> = {
      ':from': move.from,
      ':to': move.to,
      ':run': move.runId,
      ':action': move.action,
      ':now': now,
    };
    let condition = `(${fromDefault}#state = :from)`;
    if (move.expectedRunId) {
      condition += ' AND runId = :expectedRun';
      values[':expectedRun'] = move.expectedRunId;
    }
    // A new run starts its clock; the end of a run keeps the clock of its start.
    const startsRun = move.runId !== move.expectedRunId;
    const moved = await writeIf(
      this.client,
      new UpdateCommand({
        TableName: this.table,
        Key: SETTINGS_KEY,
        UpdateExpression:
          `SET #state = :to, runId = :run, #action = :action, updatedAt = :now` +
          `${startsRun ? ', startedAt = :now' : ''} REMOVE #error`,
        ConditionExpression: condition,
        ExpressionAttributeNames: { '#state': 'state', '#error': 'error', '#action': 'action' },
        ExpressionAttributeValues: values,
      }),
    );
    return moved.written;
  }

  async recordError(runId: string, message: string | null): Promise<void> {
    await this.updateIfRun(runId, {
      expression: message === null ? 'SET updatedAt = :now REMOVE #error' : 'SET #error = :message, updatedAt = :now',
      names: { '#error': 'error' },
      values: message === null ? {} : { ':message': message },
    });
  }

  async recordReconcile(runId: string, summary: ReconcileSummary): Promise<void> {
    await this.updateIfRun(runId, {
      expression: 'SET lastReconcile = :summary, updatedAt = :now',
      names: {},
      values: { ':summary': summary },
    });
  }

  async saveProgressPart(runId: string, part: string, value: ProgressPart): Promise<void> {
    const counts: PartItem = { progress: value.progress, failures: value.failures.slice(0, MAX_FAILURES_SHOWN) };
    await this.client.send(new PutCommand({ TableName: this.table, Item: { pk: runPk(runId), sk: part, ...counts } }));
    if (value.seenAccountIds) {
      const seen = { pk: seenPk(runId), sk: part, accountIds: value.seenAccountIds, unreadable: value.unreadable ?? 0 };
      await this.client.send(new PutCommand({ TableName: this.table, Item: expiringSeenItem(seen) }));
    }
  }

  async saveEstimate(
    runId: string,
    source: string,
    estimate: number,
    options?: { keepExisting?: boolean },
  ): Promise<void> {
    const put = new PutCommand({
      TableName: this.table,
      Item: { pk: runPk(runId), sk: estimateSk(source), estimate },
      ...(options?.keepExisting ? { ConditionExpression: 'attribute_not_exists(sk)' } : {}),
    });
    // A part already there (the run learned it first) is kept: refused by the condition, not a failure.
    await writeIf(this.client, put);
  }

  async summary(runId: string): Promise<RunSummary> {
    let progress = emptyProgress();
    const failures: SyncFailure[] = [];
    let estimatedTotal: number | null = null;
    for await (const item of this.query(runPk(runId))) {
      const part = item as PartItem;
      if (part.progress) progress = addProgress(progress, part.progress);
      if (typeof part.estimate === 'number') estimatedTotal = (estimatedTotal ?? 0) + part.estimate;
      for (const failure of part.failures ?? []) if (failures.length < MAX_FAILURES_SHOWN) failures.push(failure);
    }
    return { progress, failures, estimatedTotal };
  }

  async seenAccounts(runId: string): Promise<{ accountIds: Set<string>; unreadable: number }> {
    const accountIds = new Set<string>();
    let unreadable = 0;
    for await (const item of this.query(seenPk(runId))) {
      for (const accountId of (item.accountIds as string[] | undefined) ?? []) accountIds.add(accountId);
      unreadable += Number(item.unreadable ?? 0);
    }
    return { accountIds, unreadable };
  }

  async seenAccountsBefore(runId: string, part: string): Promise<ReadonlySet<string>> {
    // Parts are written in name order (users/search first, then each desk step): read only the new ones.
    let cache = this.seenCache;
    if (!cache || cache.runId !== runId || cache.throughPart >= part)
      cache = { runId, throughPart: '', accountIds: new Set<string>() };
    const from = cache.throughPart;
    const items = queryAll(this.client, {
      TableName: this.table,
      KeyConditionExpression: from ? 'pk = :pk AND sk BETWEEN :from AND :to' : 'pk = :pk AND sk < :to',
      ExpressionAttributeValues: { ':pk': seenPk(runId), ':to': part, ...(from ? { ':from': from } : {}) },
      ConsistentRead: true,
    });
    let throughPart = cache.throughPart;
    for await (const item of items) {
      const sk = String(item.sk);
      if (sk === part || sk === from) continue;
      for (const accountId of (item.accountIds as string[] | undefined) ?? []) cache.accountIds.add(accountId);
      throughPart = sk;
    }
    cache.throughPart = throughPart;
    this.seenCache = cache;
    return cache.accountIds;
  }

  /** Every item of one partition (a run's parts), strongly consistent. */
  private query(pk: string): AsyncGenerator<Record<string, unknown>> {
    return queryAll(this.client, {
      TableName: this.table,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': pk },
      ConsistentRead: true,
    });
  }

  /** Writes to the settings only while `runId` is still the current run: an older run no longer describes the state. */
  private async updateIfRun(
    runId: string,
    update: { expression: string; names: Record<string, string>; values: Record<string, unknown> },
  ): Promise<void> {
    // A run that is no longer current is simply not written: its state has moved on.
    await writeIf(
      this.client,
      new UpdateCommand({
        TableName: this.table,
        Key: SETTINGS_KEY,
        UpdateExpression: update.expression,
        ConditionExpression: 'runId = :run',
        ...(Object.keys(update.names).length ? { ExpressionAttributeNames: update.names } : {}),
        ExpressionAttributeValues: { ':run': runId, ':now': new Date().toISOString(), ...update.values },
      }),
    );
  }
}
