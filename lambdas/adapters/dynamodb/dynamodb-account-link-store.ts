import {
  GetCommand,
  PutCommand,
  QueryCommand,
  ScanCommand,
  UpdateCommand,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import { normalizeEmail } from '../../domain/email.js';
import type {
  AccountLink,
  AccountLinkStore,
  LinkContactResult,
  SyncedContactValues,
  UnlinkContactResult,
} from '../../domain/sync/account-link-store.js';
import { type AccountSnapshot, nameForNewContact } from '../../domain/sync/account-snapshot.js';
import { batchGetAll } from './batch-get.js';
import { isConditionFailure } from './conditional.js';
import { CONTACT_SK, type ContactRecord, contactPk, newContactRecord } from './contact-record.js';
import { decodeCursor, encodeCursor } from './cursor.js';
import { LinkableEmailHints } from './linkable-email-hints.js';
import { EMAIL_INDEX, LINK_SHARDS, tableName } from './table-schema.js';

const SCAN_CURSOR_ATTRIBUTES = ['pk', 'sk'];

const linkPk = (accountId: string): string => `JIRA#${accountId}`;
const LINK_SK = 'LINK';

/** Links are in no index: each is written once per claim, and demotion finds them with a parallel scan. */
interface LinkRecord extends AccountLink {
  pk: string;
  sk: typeof LINK_SK;
}

export class DynamoDbAccountLinkStore implements AccountLinkStore {
  private readonly hints: LinkableEmailHints;

  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly table: string = tableName(),
  ) {
    this.hints = new LinkableEmailHints(client, table);
  }

  linkableEmails(emails: readonly string[]): Promise<Set<string>> {
    return this.hints.hinted(emails);
  }

  async getLink(accountId: string): Promise<AccountLink | undefined> {
    const result = await this.client.send(
      new GetCommand({ TableName: this.table, Key: { pk: linkPk(accountId), sk: LINK_SK }, ConsistentRead: true }),
    );
    return result.Item as AccountLink | undefined;
  }

  async getLinks(accountIds: readonly string[]): Promise<Map<string, AccountLink>> {
    const keys = [...new Set(accountIds)].map((accountId) => ({ pk: linkPk(accountId), sk: LINK_SK }));
    const items = await batchGetAll(this.client, this.table, keys, { consistentRead: true });
    return new Map(items.map((item) => [String(item.accountId), item as unknown as AccountLink]));
  }

  async claimLink(link: AccountLink & { contactId: string; status: 'linked' }): Promise<boolean> {
    const item: LinkRecord = {
      ...link,
      pk: linkPk(link.accountId),
      sk: LINK_SK,
    };
    return this.conditionally(
      new PutCommand({
        TableName: this.table,
        Item: item,
        ConditionExpression: 'attribute_not_exists(pk) OR #status = :unlinked AND eventTs < :ts',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':unlinked': 'unlinked', ':ts': link.eventTs },
      }),
    );
  }

  async retargetLink(accountId: string, fromContactId: string, toContactId: string): Promise<boolean> {
    return this.conditionally(
      new UpdateCommand({
        TableName: this.table,
        Key: { pk: linkPk(accountId), sk: LINK_SK },
        UpdateExpression: 'SET contactId = :to, origin = :created',
        ConditionExpression: 'contactId = :from AND #status = :linked',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: {
          ':to': toContactId,
          ':from': fromContactId,
          ':created': 'created',
          ':linked': 'linked',
        },
      }),
    );
  }

  async markUnlinked(
    accountId: string,
    eventTs: number,
    runId: string | undefined,
    expectedContactId: string | undefined,
  ): Promise<boolean> {
    const values: Record<string, unknown> = { ':unlinked': 'unlinked', ':ts': eventTs };
    let condition = 'attribute_not_exists(pk) OR #status = :unlinked AND eventTs < :ts';
    if (expectedContactId) {
      condition = 'contactId = :contact AND #status = :linked';
      values[':contact'] = expectedContactId;
      values[':linked'] = 'linked';
    }
    if (runId) values[':run'] = runId;
    return this.conditionally(
      new UpdateCommand({
        TableName: this.table,
        Key: { pk: linkPk(accountId), sk: LINK_SK },
        UpdateExpression: `SET #status = :unlinked, eventTs = :ts${runId ? ', runId = :run' : ''} REMOVE contactId, origin${runId ? '' : ', runId'}`,
        ConditionExpression: condition,
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: values,
      }),
    );
  }

  async findLinkableContactId(email: string): Promise<string | undefined> {
    let startKey: Record<string, unknown> | undefined;
    do {
      const result = await this.client.send(
        new QueryCommand({
          TableName: this.table,
          IndexName: EMAIL_INDEX.name,
          KeyConditionExpression: '#email = :email',
          FilterExpression: 'attribute_not_exists(jiraAccountId)',
          ExpressionAttributeNames: { '#email': EMAIL_INDEX.partitionKey },
          ExpressionAttributeValues: { ':email': normalizeEmail(email) },
          ProjectionExpression: 'id',
          ExclusiveStartKey: startKey,
        }),
      );
      const first = result.Items?.[0];
      if (first) return String(first.id);
      startKey = result.LastEvaluatedKey;
    } while (startKey);
    return undefined;
  }

  async syncedContacts(contactIds: readonly string[]): Promise<Map<string, SyncedContactValues>> {
    const keys = [...new Set(contactIds)].map((contactId) => ({ pk: contactPk(contactId), sk: CONTACT_SK }));
    const items = await batchGetAll(this.client, this.table, keys, {
      consistentRead: true,
      projection: 'id, #name, email, jiraAccountId, jiraAccountType',
      names: { '#name': 'name' },
    });
    return new Map(
      items.map((item) => [
        String(item.id),
        {
          name: String(item.name ?? ''),
          email: (item.email as string | null | undefined) ?? null,
          jiraAccountId: item.jiraAccountId as string | undefined,
          jiraAccountType: item.jiraAccountType as string | undefined,
        },
      ]),
    );
  }

  async listLinks(
    shard: number,
    limit: number,
    cursor?: string,
  ): Promise<{ links: AccountLink[]; cursor: string | null }> {
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
        Limit: limit,
        ExclusiveStartKey: decodeCursor(cursor, SCAN_CURSOR_ATTRIBUTES),
      }),
    );
    return { links: (result.Items ?? []) as AccountLink[], cursor: encodeCursor(result.LastEvaluatedKey) };
  }

  async linkContact(contactId: string, snapshot: AccountSnapshot): Promise<LinkContactResult> {
    try {
      const result = await this.client.send(
        new UpdateCommand({
          TableName: this.table,
          Key: { pk: contactPk(contactId), sk: CONTACT_SK },
          // Without a display name from Jira, the contact keeps the name it has.
          UpdateExpression:
            `SET ${snapshot.displayName === undefined ? '' : '#name = :name, '}email = :email, emailKey = :emailKey, ` +
            'jiraAccountId = :account, jiraAccountType = :type, jiraEventTs = :ts, lastJiraAccountId = :account, updatedAt = :now',
          // Either this account's contact holding an older event, or a free contact that does not hold
          // a newer event of this account. Written without parentheses: AND binds tighter than OR, and
          // dynalite's expression parser slows down sharply with nesting.
          ConditionExpression: [
            'jiraAccountId = :account AND jiraEventTs < :ts',
            'attribute_exists(pk) AND attribute_not_exists(jiraAccountId) AND attribute_not_exists(lastJiraAccountId)',
            'attribute_exists(pk) AND attribute_not_exists(jiraAccountId) AND lastJiraAccountId <> :account',
            'attribute_exists(pk) AND attribute_not_exists(jiraAccountId) AND jiraEventTs < :ts',
          ].join(' OR '),
          ...(snapshot.displayName === undefined ? {} : { ExpressionAttributeNames: { '#name': 'name' } }),
          ExpressionAttributeValues: {
            ...(snapshot.displayName === undefined ? {} : { ':name': snapshot.displayName }),
            ':email': snapshot.email,
            ':emailKey': normalizeEmail(snapshot.email),
            ':account': snapshot.accountId,
            ':type': snapshot.accountType,
            ':ts': snapshot.eventTs,
            ':now': new Date().toISOString(),
          },
          ReturnValues: 'UPDATED_OLD',
        }),
      );
      return result.Attributes?.jiraAccountId === snapshot.accountId ? 'updated' : 'linked';
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
    }
    const current = await this.getContactRecord(contactId);
    if (!current) return 'missing';
    if (current.jiraAccountId !== undefined && current.jiraAccountId !== snapshot.accountId) return 'taken';
    return 'stale';
  }

  async createLinkedContact(contactId: string, snapshot: AccountSnapshot, createdAt: string): Promise<boolean> {
    const record: ContactRecord = {
      ...newContactRecord({
        id: contactId,
        name: nameForNewContact(snapshot),
        email: snapshot.email,
        phone: null,
        companyIds: [],
        tags: [],
        now: createdAt,
      }),
      jiraAccountId: snapshot.accountId,
      jiraAccountType: snapshot.accountType,
      jiraEventTs: snapshot.eventTs,
      lastJiraAccountId: snapshot.accountId,
    };
    return this.conditionally(
      new PutCommand({ TableName: this.table, Item: record, ConditionExpression: 'attribute_not_exists(pk)' }),
    );
  }

  async unlinkContact(
    contactId: string,
    accountId: string,
    eventTs: number,
    force = false,
  ): Promise<UnlinkContactResult> {
    let unlinked: ContactRecord | undefined;
    try {
      const result = await this.client.send(
        new UpdateCommand({
          TableName: this.table,
          Key: { pk: contactPk(contactId), sk: CONTACT_SK },
          UpdateExpression:
            'SET jiraEventTs = :ts, lastJiraAccountId = :account, updatedAt = :now REMOVE jiraAccountId, jiraAccountType',
          ConditionExpression: force ? 'jiraAccountId = :account' : 'jiraAccountId = :account AND jiraEventTs < :ts',
          ExpressionAttributeValues: { ':account': accountId, ':ts': eventTs, ':now': new Date().toISOString() },
          ReturnValues: 'ALL_NEW',
        }),
      );
      unlinked = result.Attributes as ContactRecord | undefined;
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
    }
    if (unlinked) {
      // Regular again, so linkable by its email: say so to the sync's batched email check.
      if (unlinked.email) await this.hints.add(unlinked.email);
      return 'unlinked';
    }
    const current = await this.getContactRecord(contactId);
    return current?.jiraAccountId === accountId ? 'stale' : 'not-linked';
  }

  private async getContactRecord(contactId: string): Promise<ContactRecord | undefined> {
    const result = await this.client.send(
      new GetCommand({
        TableName: this.table,
        Key: { pk: contactPk(contactId), sk: CONTACT_SK },
        ConsistentRead: true,
      }),
    );
    return result.Item as ContactRecord | undefined;
  }

  private async conditionally(command: PutCommand | UpdateCommand): Promise<boolean> {
    try {
      await this.client.send(command as PutCommand);
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }
}
