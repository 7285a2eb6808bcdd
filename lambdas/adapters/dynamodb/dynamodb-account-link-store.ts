import { GetCommand, PutCommand, ScanCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type {
  AccountLink,
  AccountLinkStore,
  LinkClaim,
  LinkPage,
  NewContactClaim,
} from '../../domain/sync/account-link-store.js';
import type { AccountSnapshot } from '../../domain/sync/account-snapshot.js';
import { batchGetAll } from './batch-get.js';
import { type ContactRecord, syncedContactRecord } from './contact-record.js';
import { decodeCursor, encodeCursor } from './cursor.js';
import { LINK_SK, accountContactId, contactKey, linkKey } from './item-keys.js';
import { LinkableEmailHints } from './linkable-email-hints.js';
import { LINK_SHARDS, tableName } from './table-schema.js';
import { buildUpdate } from './update-expression.js';
import { writeIf } from './write-if.js';

const SCAN_CURSOR_ATTRIBUTES = ['pk', 'sk'];

/**
 * A link is in no index of its own: demotion finds links with a parallel scan. The link item of an
 * account whose contact the sync created also keeps that contact (and is in the contacts' indexes).
 */
type LinkRecord = Omit<AccountLink, 'formerContactId'> & {
  pk: string;
  sk: typeof LINK_SK;
  /** The contact the account was linked to when it was last unlinked. */
  lastContactId?: string;
  /** Set when the item also keeps the account's own contact (see item-keys.ts). */
  id?: string;
};

/** Free to claim: no link, or a tombstone older than the claim (the `:unlinked` and `:claimTs` values). */
const CLAIMABLE = 'attribute_not_exists(pk) OR #status = :unlinked AND eventTs < :claimTs';

/** The link as the domain sees it: no key attributes leave the adapter. */
function toLink(record: Record<string, unknown>): AccountLink {
  const { accountId, status, contactId, origin, eventTs, runId, claimedAt, lastContactId, id } =
    record as unknown as LinkRecord;
  // A tombstone's former contact: the one it last named, or (items written before it was kept) the
  // contact the item keeps.
  const formerContactId = status === 'unlinked' ? (lastContactId ?? id) : undefined;
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
  private readonly hints: LinkableEmailHints;

  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly table: string = tableName(),
  ) {
    this.hints = new LinkableEmailHints(client, table);
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

  async claimWithNewContact(claim: NewContactClaim, snapshot: AccountSnapshot): Promise<boolean> {
    const contactId = accountContactId(claim.accountId);
    const contact: ContactRecord = syncedContactRecord(contactId, snapshot, claim.claimedAt);
    const link: LinkRecord = {
      accountId: claim.accountId,
      status: 'linked',
      contactId,
      origin: 'created',
      eventTs: claim.eventTs,
      claimedAt: claim.claimedAt,
      ...(claim.runId ? { runId: claim.runId } : {}),
      ...linkKey(claim.accountId),
    };
    const item = { ...contact, ...link };
    // A put replaces the whole item: never over a tombstone that keeps the account's former contact.
    // Read as absent, the account must still have no item (the simplest condition, for most accounts).
    const put = claim.overTombstone
      ? new PutCommand({
          TableName: this.table,
          Item: item,
          ConditionExpression: `${CLAIMABLE} AND attribute_not_exists(id)`,
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':unlinked': 'unlinked', ':claimTs': claim.eventTs },
        })
      : new PutCommand({ TableName: this.table, Item: item, ConditionExpression: 'attribute_not_exists(pk)' });
    return (await writeIf(this.client, put)).written;
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
    const update = await writeIf(
      this.client,
      new UpdateCommand({
        TableName: this.table,
        Key: linkKey(accountId),
        // The contact it named stays as the account's former contact, to reclaim when synced again.
        UpdateExpression:
          `SET #status = :unlinked, eventTs = :ts${runId ? ', runId = :run' : ''}` +
          (expectedContactId ? ', lastContactId = :contact' : '') +
          ` REMOVE contactId, origin${runId ? '' : ', runId'}`,
        ConditionExpression: condition,
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: values,
      }),
    );
    return update.written;
  }

  async unlinkOwnContact(
    accountId: string,
    unlink: { contactId: string; eventTs: number; runId?: string | undefined; force?: boolean },
  ): Promise<boolean> {
    const { contactId, eventTs, runId, force = false } = unlink;
    if (contactKey(contactId).pk !== linkKey(accountId).pk) return false;
    const update = await writeIf(
      this.client,
      new UpdateCommand({
        TableName: this.table,
        Key: linkKey(accountId),
        UpdateExpression:
          'SET jiraEventTs = :ts, lastJiraAccountId = :account, updatedAt = :now, #status = :unlinked, eventTs = :ts, ' +
          'lastContactId = :contact' +
          (runId ? ', runId = :run' : '') +
          ' REMOVE jiraAccountId, jiraAccountType, contactId, origin' +
          (runId ? '' : ', runId'),
        // As the contact's own unlink and the link's mark would each require, written once.
        ConditionExpression:
          'contactId = :contact AND #status = :linked AND jiraAccountId = :account' +
          (force ? '' : ' AND jiraEventTs < :ts'),
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: {
          ':contact': contactId,
          ':linked': 'linked',
          ':unlinked': 'unlinked',
          ':account': accountId,
          ':ts': eventTs,
          ':now': new Date().toISOString(),
          ...(runId ? { ':run': runId } : {}),
        },
        ReturnValues: 'ALL_NEW',
      }),
    );
    if (!update.written) return false;
    // Regular again, so linkable by its email: say so to the sync's batched email check.
    const email = update.attributes?.email;
    if (typeof email === 'string' && email) await this.hints.add(email);
    return true;
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
