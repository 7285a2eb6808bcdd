import { UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { normalizeEmail } from '../../domain/email.js';
import type { AccountSnapshot } from '../../domain/sync/account-snapshot.js';
import type {
  LinkContactResult,
  SyncedContactStore,
  SyncedContactValues,
  UnlinkContactResult,
} from '../../domain/sync/synced-contact-store.js';
import { batchGetAll } from './batch-get.js';
import { ContactItems, contactKey, getContactRecord } from './contact-items.js';
import type { ContactRecord } from './contact-record.js';
import { LinkableEmailHints } from './linkable-email-hints.js';
import { queryAll } from './query-page.js';
import { EMAIL_INDEX, tableName } from './table-schema.js';
import { writeIf } from './write-if.js';

/**
 * The writes the sync makes to contacts (the same records the contacts API reads, wherever they are
 * kept: see contact-items.ts): each conditional on the contact's own Jira event time.
 */
export class DynamoDbSyncedContactStore implements SyncedContactStore {
  private readonly hints: LinkableEmailHints;
  private readonly contactItems: ContactItems;

  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly table: string = tableName(),
  ) {
    this.hints = new LinkableEmailHints(client, table);
    this.contactItems = new ContactItems(client, table, this.hints);
  }

  linkableEmails(emails: readonly string[]): Promise<Set<string>> {
    return this.hints.hinted(emails);
  }

  async findLinkableContactId(
    email: string,
    options: { accountId?: string; excluding?: ReadonlySet<string> } = {},
  ): Promise<string | undefined> {
    const free = queryAll(this.client, {
      TableName: this.table,
      IndexName: EMAIL_INDEX.name,
      KeyConditionExpression: '#email = :email',
      FilterExpression: 'attribute_not_exists(jiraAccountId)',
      ExpressionAttributeNames: { '#email': EMAIL_INDEX.partitionKey },
      ExpressionAttributeValues: { ':email': normalizeEmail(email) },
      ProjectionExpression: 'id, lastJiraAccountId',
    });
    // Oldest first; rarely more than one or two free contacts share an email.
    let oldest: string | undefined;
    for await (const item of free) {
      const id = String(item.id);
      if (options.excluding?.has(id)) continue;
      // The account's own former contact, when its link forgot it (tombstones written before they kept it).
      if (options.accountId !== undefined && item.lastJiraAccountId === options.accountId) return id;
      oldest ??= id;
      if (options.accountId === undefined) break;
    }
    return oldest;
  }

  async syncedContacts(contactIds: readonly string[]): Promise<Map<string, SyncedContactValues>> {
    const keys = [...new Set(contactIds)].map(contactKey);
    const items = await batchGetAll(this.client, this.table, keys, {
      consistentRead: true,
      projection: 'id, #name, email, jiraAccountId, jiraAccountType',
      names: { '#name': 'name' },
    });
    return new Map(
      items
        .filter((item) => item.id !== undefined)
        .map((item) => [
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

  async linkContact(
    contactId: string,
    snapshot: AccountSnapshot,
    options: { asFormer?: boolean } = {},
  ): Promise<LinkContactResult> {
    // Without a display name from Jira, the contact keeps the name it has.
    const keepsName = snapshot.displayName === undefined;
    // Reclaimed by its former account: only if no CRM user gave it another email since.
    const notReaddressed = options.asFormer ? ' AND attribute_not_exists(readdressedAt)' : '';
    const update = await writeIf(
      this.client,
      new UpdateCommand({
        TableName: this.table,
        Key: contactKey(contactId),
        UpdateExpression:
          `SET ${keepsName ? '' : '#name = :name, '}email = :email, emailKey = :emailKey, ` +
          'jiraAccountId = :account, jiraAccountType = :type, jiraEventTs = :ts, lastJiraAccountId = :account, ' +
          'updatedAt = :now REMOVE readdressedAt',
        // Either this account's contact holding an older event, or a free contact that does not hold
        // a newer event of this account (`id`, not `pk`: a link item without a contact is no contact).
        // Written without parentheses: AND binds tighter than OR, and dynalite's expression parser
        // slows down sharply with nesting.
        ConditionExpression: [
          'jiraAccountId = :account AND jiraEventTs < :ts',
          `attribute_exists(id) AND attribute_not_exists(jiraAccountId) AND attribute_not_exists(lastJiraAccountId)${notReaddressed}`,
          `attribute_exists(id) AND attribute_not_exists(jiraAccountId) AND lastJiraAccountId <> :account${notReaddressed}`,
          `attribute_exists(id) AND attribute_not_exists(jiraAccountId) AND jiraEventTs < :ts${notReaddressed}`,
        ].join(' OR '),
        ...(keepsName ? {} : { ExpressionAttributeNames: { '#name': 'name' } }),
        ExpressionAttributeValues: {
          ...(keepsName ? {} : { ':name': snapshot.displayName }),
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
    if (update.written) return update.attributes?.jiraAccountId === snapshot.accountId ? 'updated' : 'linked';
    const current = await getContactRecord(this.client, this.table, contactId);
    if (!current) return 'missing';
    if (current.jiraAccountId !== undefined && current.jiraAccountId !== snapshot.accountId) return 'taken';
    if (options.asFormer && current.jiraAccountId === undefined && current.readdressedAt !== undefined) return 'taken';
    return 'stale';
  }

  createLinkedContact(contactId: string, snapshot: AccountSnapshot, createdAt: string): Promise<boolean> {
    return this.contactItems.createSynced(contactId, snapshot, createdAt);
  }

  async unlinkContact(
    contactId: string,
    unlink: { accountId: string; eventTs: number; force?: boolean },
  ): Promise<UnlinkContactResult> {
    const { accountId, eventTs, force = false } = unlink;
    const update = await writeIf(
      this.client,
      new UpdateCommand({
        TableName: this.table,
        Key: contactKey(contactId),
        UpdateExpression:
          'SET jiraEventTs = :ts, lastJiraAccountId = :account, updatedAt = :now REMOVE jiraAccountId, jiraAccountType',
        ConditionExpression: force ? 'jiraAccountId = :account' : 'jiraAccountId = :account AND jiraEventTs < :ts',
        ExpressionAttributeValues: { ':account': accountId, ':ts': eventTs, ':now': new Date().toISOString() },
        ReturnValues: 'ALL_NEW',
      }),
    );
    const unlinked = update.written ? (update.attributes as unknown as ContactRecord | undefined) : undefined;
    if (unlinked) {
      // Regular again, so linkable by its email: say so to the sync's batched email check.
      if (unlinked.email) await this.hints.add(unlinked.email);
      return 'unlinked';
    }
    const current = await getContactRecord(this.client, this.table, contactId);
    return current?.jiraAccountId === accountId ? 'stale' : 'not-linked';
  }
}
