import { GetCommand, PutCommand, ScanCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { AccountLink, AccountLinkStore, LinkClaim, LinkPage } from '../../domain/sync/account-link-store.js';
import { batchGetAll } from './batch-get.js';
import { decodeCursor, encodeCursor } from './cursor.js';
import { LINK_SHARDS, tableName } from './table-schema.js';
import { writeIf } from './write-if.js';

const SCAN_CURSOR_ATTRIBUTES = ['pk', 'sk'];

const LINK_SK = 'LINK';
const linkKey = (accountId: string) => ({ pk: `JIRA#${accountId}`, sk: LINK_SK }) as const;

/** Links are in no index: each is written once per claim, and demotion finds them with a parallel scan. */
type LinkRecord = AccountLink & { pk: string; sk: typeof LINK_SK };

/** The link as the domain sees it: no key attributes leave the adapter. */
function toLink(record: Record<string, unknown>): AccountLink {
  const { accountId, status, contactId, origin, eventTs, runId, claimedAt } = record as unknown as LinkRecord;
  return {
    accountId,
    status,
    eventTs,
    ...(contactId === undefined ? {} : { contactId }),
    ...(origin === undefined ? {} : { origin }),
    ...(runId === undefined ? {} : { runId }),
    ...(claimedAt === undefined ? {} : { claimedAt }),
  };
}

/** `JIRA#<accountId> / LINK`: one item per Jira account, naming its only contact (or its tombstone). */
export class DynamoDbAccountLinkStore implements AccountLinkStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly table: string = tableName(),
  ) {}

  async getLink(accountId: string): Promise<AccountLink | undefined> {
    const result = await this.client.send(
      new GetCommand({ TableName: this.table, Key: linkKey(accountId), ConsistentRead: true }),
    );
    return result.Item && toLink(result.Item);
  }

  async getLinks(accountIds: readonly string[]): Promise<Map<string, AccountLink>> {
    const keys = [...new Set(accountIds)].map(linkKey);
    const items = await batchGetAll(this.client, this.table, keys, { consistentRead: true });
    return new Map(items.map((item) => [String(item.accountId), toLink(item)]));
  }

  async claimLink(claim: LinkClaim): Promise<boolean> {
    const item: LinkRecord = { ...claim, ...linkKey(claim.accountId) };
    const put = await writeIf(
      this.client,
      new PutCommand({
        TableName: this.table,
        Item: item,
        ConditionExpression: 'attribute_not_exists(pk) OR #status = :unlinked AND eventTs < :ts',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':unlinked': 'unlinked', ':ts': claim.eventTs },
      }),
    );
    return put.written;
  }

  async retargetLink(accountId: string, change: { fromContactId: string; toContactId: string }): Promise<boolean> {
    const update = await writeIf(
      this.client,
      new UpdateCommand({
        TableName: this.table,
        Key: linkKey(accountId),
        UpdateExpression: 'SET contactId = :to, origin = :created',
        ConditionExpression: 'contactId = :from AND #status = :linked',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: {
          ':to': change.toContactId,
          ':from': change.fromContactId,
          ':created': 'created',
          ':linked': 'linked',
        },
      }),
    );
    return update.written;
  }

  async markUnlinked(
    accountId: string,
    mark: { eventTs: number; runId?: string | undefined; expectedContactId?: string | undefined },
  ): Promise<boolean> {
    const { eventTs, runId, expectedContactId } = mark;
    const values: Record<string, unknown> = { ':unlinked': 'unlinked', ':ts': eventTs };
    let condition = 'attribute_not_exists(pk) OR #status = :unlinked AND eventTs < :ts';
    if (expectedContactId) {
      condition = 'contactId = :contact AND #status = :linked';
      values[':contact'] = expectedContactId;
      values[':linked'] = 'linked';
    }
    if (runId) values[':run'] = runId;
    const update = await writeIf(
      this.client,
      new UpdateCommand({
        TableName: this.table,
        Key: linkKey(accountId),
        UpdateExpression: runId
          ? 'SET #status = :unlinked, eventTs = :ts, runId = :run REMOVE contactId, origin'
          : 'SET #status = :unlinked, eventTs = :ts REMOVE contactId, origin, runId',
        ConditionExpression: condition,
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: values,
      }),
    );
    return update.written;
  }

  async listLinks(shard: number, page: { limit: number; cursor?: string | undefined }): Promise<LinkPage> {
    // A strongly consistent parallel scan: segment `shard` of LINK_SHARDS, `limit` items read per call
    // (bounded work), links kept. It reads the whole table once per demotion, which costs less than
    // keeping every link in an index on every claim.
    const result = await this.client.send(
      new ScanCommand({
        TableName: this.table,
        Segment: shard,
        TotalSegments: LINK_SHARDS,
        FilterExpression: 'sk = :link',
        ExpressionAttributeValues: { ':link': LINK_SK },
        ConsistentRead: true,
        Limit: page.limit,
        ExclusiveStartKey: decodeCursor(page.cursor, SCAN_CURSOR_ATTRIBUTES),
      }),
    );
    return { links: (result.Items ?? []).map(toLink), cursor: encodeCursor(result.LastEvaluatedKey) };
  }
}
