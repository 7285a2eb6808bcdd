import { GetCommand, ScanCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type {
  AccountLink,
  AccountLinkStore,
  LinkClaim,
  LinkPage,
  NewContactClaim,
} from '../../domain/sync/account-link-store.js';
import type { AccountSnapshot } from '../../domain/sync/account-snapshot.js';
import { batchGetAll } from './batch-get.js';
import { CLAIMABLE, ContactItems, LINK_SK, formerContactOf, linkKey, unlinkedLinkClauses } from './contact-items.js';
import { decodeCursor, encodeCursor } from './cursor.js';
import { LinkableEmailHints } from './linkable-email-hints.js';
import { LINK_SHARDS, tableName } from './table-schema.js';
import { buildUpdate } from './update-expression.js';
import { writeIf } from './write-if.js';

const SCAN_CURSOR_ATTRIBUTES = ['pk', 'sk'];

/**
 * A link is in no index of its own: demotion finds links with a parallel scan. The item may also keep
 * a contact: contact-items.ts decides that, and makes the writes that touch both.
 */
type LinkRecord = Omit<AccountLink, 'formerContactId'> & {
  pk: string;
  sk: typeof LINK_SK;
  /** The contact the account was linked to when it was last unlinked. */
  lastContactId?: string;
};

/** The link as the domain sees it: no key attributes leave the adapter. */
function toLink(record: Record<string, unknown>): AccountLink {
  const { accountId, status, contactId, origin, eventTs, runId, claimedAt } = record as unknown as LinkRecord;
  const formerContactId = status === 'unlinked' ? formerContactOf(record) : undefined;
  return {
    accountId,
    status,
    eventTs,
    ...(contactId === undefined ? {} : { contactId }),
    ...(origin === undefined ? {} : { origin }),
    ...(runId === undefined ? {} : { runId }),
    ...(claimedAt === undefined ? {} : { claimedAt }),
    ...(formerContactId === undefined ? {} : { formerContactId }),
  };
}

/** `JIRA#<accountId> / LINK`: one item per Jira account, naming its only contact (or its tombstone). */
export class DynamoDbAccountLinkStore implements AccountLinkStore {
  /** The writes of a link and a contact together (a new account's contact lives in its link item). */
  private readonly contactItems: ContactItems;

  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly table: string = tableName(),
  ) {
    this.contactItems = new ContactItems(client, table, new LinkableEmailHints(client, table));
  }

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
    // An update, not a put: the item may keep the account's former contact, which stays as it is.
    const update = buildUpdate(
      {
        accountId: claim.accountId,
        status: 'linked',
        contactId: claim.contactId,
        origin: claim.origin ?? null,
        eventTs: claim.eventTs,
        runId: claim.runId ?? null,
        claimedAt: claim.claimedAt ?? null,
      },
      ['origin', 'runId', 'claimedAt'],
    );
    const written = await writeIf(
      this.client,
      new UpdateCommand({
        TableName: this.table,
        Key: linkKey(claim.accountId),
        UpdateExpression: update.UpdateExpression,
        ConditionExpression: CLAIMABLE,
        ExpressionAttributeNames: update.ExpressionAttributeNames,
        ExpressionAttributeValues: {
          ...update.ExpressionAttributeValues,
          ':unlinked': 'unlinked',
          ':claimTs': claim.eventTs,
        },
      }),
    );
    return written.written;
  }

  claimWithNewContact(claim: NewContactClaim, snapshot: AccountSnapshot): Promise<boolean> {
    // A webhook's event comes here (and to contact-items.ts) a second time: its batch's links were all
    // read at once before any event was applied (account-prefetch.ts); this is the event's own write.
    return this.contactItems.claimWithNewContact(claim, snapshot, (apart) => this.claimLink(apart));
  }

  async retargetLink(
    accountId: string,
    change: { fromContactId: string; toContactId: string; origin: 'created' | 'linked' },
  ): Promise<boolean> {
    const update = await writeIf(
      this.client,
      new UpdateCommand({
        TableName: this.table,
        Key: linkKey(accountId),
        UpdateExpression: 'SET contactId = :to, origin = :origin',
        ConditionExpression: 'contactId = :from AND #status = :linked',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: {
          ':to': change.toContactId,
          ':from': change.fromContactId,
          ':origin': change.origin,
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
    const clauses = unlinkedLinkClauses({ runId, keepsFormerContact: Boolean(expectedContactId) });
    const update = await writeIf(
      this.client,
      new UpdateCommand({
        TableName: this.table,
        Key: linkKey(accountId),
        UpdateExpression: `SET ${clauses.set} REMOVE ${clauses.remove}`,
        ConditionExpression: condition,
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: values,
      }),
    );
    return update.written;
  }

  unlinkOwnContact(
    accountId: string,
    unlink: { contactId: string; eventTs: number; runId?: string | undefined; force?: boolean },
  ): Promise<boolean> {
    return this.contactItems.unlinkOwnContact(accountId, unlink);
  }

  async countLinked(): Promise<number> {
    // Every shard in parallel, DynamoDB counting (Select COUNT: no item leaves the table), eventually
    // consistent at half the read cost: an estimate does not need the latest write.
    const counts = await Promise.all(
      Array.from({ length: LINK_SHARDS }, async (_, shard) => {
        let count = 0;
        let startKey: Record<string, unknown> | undefined;
        do {
          const result = await this.client.send(
            new ScanCommand({
              TableName: this.table,
              Segment: shard,
              TotalSegments: LINK_SHARDS,
              Select: 'COUNT',
              FilterExpression: 'sk = :link AND #status = :linked',
              ExpressionAttributeNames: { '#status': 'status' },
              ExpressionAttributeValues: { ':link': LINK_SK, ':linked': 'linked' },
              ExclusiveStartKey: startKey,
            }),
          );
          count += result.Count ?? 0;
          startKey = result.LastEvaluatedKey;
        } while (startKey);
        return count;
      }),
    );
    return counts.reduce((sum, count) => sum + count, 0);
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
