import { GetCommand, PutCommand, type QueryCommandOutput, QueryCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import {
  DEFAULT_SETTINGS,
  EMPTY_PROGRESS,
  type SyncProgress,
  type SyncState,
  type UserSyncSettings,
  type UserSyncSettingsStore,
  addProgress,
} from '../../domain/sync/user-sync-state.js';
import { isConditionFailure } from './conditional.js';
import { tableName } from './table-schema.js';

const SETTINGS_KEY = { pk: 'SETTINGS', sk: 'USER_SYNC' };
const runPk = (runId: string): string => `RUN#${runId}`;

export class DynamoDbUserSyncStore implements UserSyncSettingsStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly table: string = tableName(),
  ) {}

  async get(): Promise<UserSyncSettings> {
    const result = await this.client.send(new GetCommand({ TableName: this.table, Key: SETTINGS_KEY, ConsistentRead: true }));
    if (!result.Item) return DEFAULT_SETTINGS;
    const item = result.Item as Partial<UserSyncSettings>;
    return {
      state: item.state ?? 'DISABLED',
      runId: item.runId ?? null,
      error: item.error ?? null,
      updatedAt: item.updatedAt ?? null,
    };
  }

  async transition(from: SyncState, to: SyncState, runId: string, expectedRunId?: string | null): Promise<boolean> {
    const fromDefault = from === 'DISABLED' ? 'attribute_not_exists(#state) OR ' : '';
    const values: Record<string, unknown> = { ':from': from, ':to': to, ':run': runId, ':now': new Date().toISOString() };
    let condition = `(${fromDefault}#state = :from)`;
    if (expectedRunId) {
      condition += ' AND runId = :expectedRun';
      values[':expectedRun'] = expectedRunId;
    }
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.table,
          Key: SETTINGS_KEY,
          UpdateExpression: 'SET #state = :to, runId = :run, updatedAt = :now REMOVE #error',
          ConditionExpression: condition,
          ExpressionAttributeNames: { '#state': 'state', '#error': 'error' },
          ExpressionAttributeValues: values,
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  async recordError(runId: string, message: string | null): Promise<void> {
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.table,
          Key: SETTINGS_KEY,
          UpdateExpression: message === null ? 'SET updatedAt = :now REMOVE #error' : 'SET #error = :message, updatedAt = :now',
          ConditionExpression: 'runId = :run',
          ExpressionAttributeNames: { '#error': 'error' },
          ExpressionAttributeValues: { ':run': runId, ':now': new Date().toISOString(), ...(message === null ? {} : { ':message': message }) },
        }),
      );
    } catch (error) {
      // Another run has started since: this run's error no longer describes the state.
      if (!isConditionFailure(error)) throw error;
    }
  }

  async saveProgressPart(runId: string, part: string, progress: SyncProgress): Promise<void> {
    await this.client.send(new PutCommand({ TableName: this.table, Item: { pk: runPk(runId), sk: part, ...progress } }));
  }

  async progress(runId: string): Promise<SyncProgress> {
    let total = EMPTY_PROGRESS;
    let startKey: Record<string, unknown> | undefined;
    do {
      const result: QueryCommandOutput = await this.client.send(
        new QueryCommand({
          TableName: this.table,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': runPk(runId) },
          ExclusiveStartKey: startKey,
        }),
      );
      for (const item of result.Items ?? []) total = addProgress(total, item as SyncProgress);
      startKey = result.LastEvaluatedKey;
    } while (startKey);
    return total;
  }
}
