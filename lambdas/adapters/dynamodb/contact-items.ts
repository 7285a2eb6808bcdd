import { randomUUID } from 'node:crypto';
import {
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type { LinkClaim, NewContactClaim } from '../../domain/sync/account-link-store.js';
import type { AccountSnapshot } from '../../domain/sync/account-snapshot.js';
import { CONTACT_ATTRIBUTES, type ContactRecord, newContactFields, syncedContactFields } from './contact-record.js';
import type { LinkableEmailHints } from './linkable-email-hints.js';
import { buildUpdate } from './update-expression.js';
import { writeIf } from './write-if.js';

/**
 * Where a contact lives: the one module that knows both homes.
 * - A contact made through the CRM (or linked to an account): its own item, `CONTACT#<id> / CONTACT`,
 *   `id` a UUID.
 * - The contact the sync makes for a new account: inside the account's link item,
 *   `JIRA#<accountId> / LINK`, so that creating it is the account's claim, one write; making it regular
 *   again is one write too. Its id says so: `jira-<accountId in base64url>`.
 * The link item of an account whose contact was linked (not created) holds no contact: it is a pointer,
 * and has none of the index attributes, so the contacts API never lists or finds it. The stores ask
 * this module for a contact's key and hand it the writes that depend on the home.
 */
export type ItemKey = { readonly pk: string; readonly sk: string };

export const CONTACT_SK = 'CONTACT';
export const LINK_SK = 'LINK';
/** `pk` prefixes of items that may hold a contact (for cursors of contact listings). */
export const CONTACT_PK_PREFIXES = ['CONTACT#', 'JIRA#'] as const;

const ACCOUNT_CONTACT_ID_PREFIX = 'jira-';

/** The key of an account's link item. */
export const linkKey = (accountId: string) => ({ pk: `JIRA#${accountId}`, sk: LINK_SK }) as const;

/** Free to claim: no link, or a tombstone older than the claim (the `:unlinked` and `:claimTs` values). */
export const CLAIMABLE = 'attribute_not_exists(pk) OR #status = :unlinked AND eventTs < :claimTs';

/** The id of the contact the sync creates inside an account's link item. */
function accountContactId(accountId: string): string {
  return `${ACCOUNT_CONTACT_ID_PREFIX}${Buffer.from(accountId, 'utf8').toString('base64url')}`;
}

/** Where the contact with this id is stored. */
export function contactKey(id: string): ItemKey {
  if (id.startsWith(ACCOUNT_CONTACT_ID_PREFIX)) {
    const accountId = Buffer.from(id.slice(ACCOUNT_CONTACT_ID_PREFIX.length), 'base64url').toString('utf8');
    // Only the canonical spelling names the account's item; any other id names no contact.
    if (accountContactId(accountId) === id) return linkKey(accountId);
  }
  return { pk: `CONTACT#${id}`, sk: CONTACT_SK };
}

const isInLinkItem = (id: string): boolean => contactKey(id).sk === LINK_SK;

/** A new contact record, keyed where a contact of this id lives. */
export function newContactRecord(fields: Parameters<typeof newContactFields>[0]): ContactRecord {
  return { ...contactKey(fields.id), ...newContactFields(fields) };
}

/**
 * A tombstone's former contact as its link item records it: the contact it last named, or (items
 * written before that was kept) the contact the item keeps.
 */
export function formerContactOf(linkItem: { lastContactId?: string; id?: string }): string | undefined {
  return linkItem.lastContactId ?? linkItem.id;
}

/**
 * The contact item as stored (strongly consistent), or undefined when no contact has this id (a link
 * item without a contact in it is no contact).
 */
export async function getContactRecord(
  client: DynamoDBDocumentClient,
  table: string,
  id: string,
): Promise<ContactRecord | undefined> {
  const result = await client.send(new GetCommand({ TableName: table, Key: contactKey(id), ConsistentRead: true }));
  return result.Item?.id === undefined ? undefined : (result.Item as ContactRecord);
}

/**
 * How a link item is marked unlinked (`:unlinked`, `:ts`, and `:contact` / `:run` when used): its
 * contact kept as the account's former one, to reclaim when synced again, and the run that unlinked
 * it named (or none).
 */
export function unlinkedLinkClauses(mark: { runId?: string | undefined; keepsFormerContact: boolean }): {
  set: string;
  remove: string;
} {
  return {
    set:
      '#status = :unlinked, eventTs = :ts' +
      (mark.keepsFormerContact ? ', lastContactId = :contact' : '') +
      (mark.runId ? ', runId = :run' : ''),
    remove: `contactId, origin${mark.runId ? '' : ', runId'}`,
  };
}

/** The writes whose shape depends on where the contact lives. */
export class ContactItems {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly table: string,
    private readonly hints: LinkableEmailHints,
  ) {}

  /** Creates contact `contactId` already linked to the snapshot's account; false if it exists. */
  async createSynced(contactId: string, snapshot: AccountSnapshot, createdAt: string): Promise<boolean> {
    const fields = syncedContactFields(contactId, snapshot, createdAt);
    if (!isInLinkItem(contactId)) {
      const put = new PutCommand({
        TableName: this.table,
        Item: { ...contactKey(contactId), ...fields },
        ConditionExpression: 'attribute_not_exists(pk)',
      });
      return (await writeIf(this.client, put)).written;
    }
    // Back into its account's link item (the contact was deleted there while regular): the link stays.
    const update = new UpdateCommand({
      TableName: this.table,
      Key: contactKey(contactId),
      ...buildUpdate(fields),
      ConditionExpression: 'attribute_not_exists(id)',
    });
    return (await writeIf(this.client, update)).written;
  }

  /**
   * Deletes a regular contact; false if there is no such contact or it is synced (the race guard of
   * the domain's rule). One kept in its account's link item is taken out of it, so that the link's
   * tombstone stays and an older event of the account still cannot come back.
   */
  async deleteRegular(id: string): Promise<boolean> {
    const regular = 'attribute_exists(id) AND attribute_not_exists(jiraAccountId)';
    if (!isInLinkItem(id)) {
      const deletion = new DeleteCommand({ TableName: this.table, Key: contactKey(id), ConditionExpression: regular });
      return (await writeIf(this.client, deletion)).written;
    }
    const names = Object.fromEntries(CONTACT_ATTRIBUTES.map((attribute, index) => [`#a${index}`, attribute]));
    const removal = new UpdateCommand({
      TableName: this.table,
      Key: contactKey(id),
      UpdateExpression: `REMOVE ${Object.keys(names).join(', ')}`,
      ConditionExpression: regular,
      ExpressionAttributeNames: names,
    });
    return (await writeIf(this.client, removal)).written;
  }

  /**
   * Claims an account for a new contact. An account whose link names no former contact gets it inside
   * its link item: one put that is the claim. One whose tombstone names a former contact (the item may
   * keep it, and another account or a CRM user may have it now) claims with `claimLink`, then its
   * contact is created in an item of its own. False when the claim lost (read the link again).
   */
  async claimWithNewContact(
    claim: NewContactClaim,
    snapshot: AccountSnapshot,
    claimLink: (claim: LinkClaim) => Promise<boolean>,
  ): Promise<boolean> {
    const { asRead, ...claimed } = claim;
    if (asRead?.formerContactId !== undefined) {
      const apart: LinkClaim = { ...claimed, status: 'linked', contactId: randomUUID(), origin: 'created' };
      return (await claimLink(apart)) && this.createSynced(apart.contactId, snapshot, claim.claimedAt);
    }
    const contactId = accountContactId(claim.accountId);
    const item = {
      ...syncedContactFields(contactId, snapshot, claim.claimedAt),
      accountId: claim.accountId,
      status: 'linked',
      contactId,
      origin: 'created',
      eventTs: claim.eventTs,
      claimedAt: claim.claimedAt,
      ...(claim.runId ? { runId: claim.runId } : {}),
      ...linkKey(claim.accountId),
    };
    // A put replaces the whole item: never over a tombstone that keeps the account's former contact.
    // Read as absent, the account must still have no item (the simplest condition, for most accounts).
    const put = asRead
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

  /**
   * Makes the contact kept in the account's own link item regular and marks the link unlinked, in one
   * write (and one email hint). False when the contact lives apart or the conditions fail: then the
   * contact's and the link's own writes decide.
   */
  async unlinkOwnContact(
    accountId: string,
    unlink: { contactId: string; eventTs: number; runId?: string | undefined; force?: boolean },
  ): Promise<boolean> {
    const { contactId, eventTs, runId, force = false } = unlink;
    if (contactKey(contactId).pk !== linkKey(accountId).pk) return false;
    const clauses = unlinkedLinkClauses({ runId, keepsFormerContact: true });
    const update = await writeIf(
      this.client,
      new UpdateCommand({
        TableName: this.table,
        Key: linkKey(accountId),
        UpdateExpression:
          `SET jiraEventTs = :ts, lastJiraAccountId = :account, updatedAt = :now, ${clauses.set}` +
          ` REMOVE jiraAccountId, jiraAccountType, ${clauses.remove}`,
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
}
