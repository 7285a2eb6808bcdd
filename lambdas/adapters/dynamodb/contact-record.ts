import { type DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import type { Contact, JiraAccountType } from '../../domain/contact.js';
import { type AccountSnapshot, nameForNewContact } from '../../domain/sync/account-snapshot.js';
import { visibleTags } from '../../domain/contact.js';
import { normalizeEmail } from '../../domain/email.js';
import { contactKey } from './item-keys.js';

/** A contact as stored. `tags` holds only the user's own tags; `Jira User` is derived from the link. */
export interface ContactRecord {
  pk: string;
  /** `CONTACT`, or `LINK` for a contact kept in its account's link item (see item-keys.ts). */
  sk: string;
  id: string;
  name: string;
  email: string | null;
  /** Normalized email; absent when there is no email, so the byEmail index stays sparse. */
  emailKey?: string;
  phone: string | null;
  companyIds: string[];
  /** The ids among `companyIds` the sync added (JSM organization memberships): only these does it ever remove. */
  syncCompanyIds?: string[];
  tags: string[];
  /** Set while the contact is synced: the Jira account it belongs to. */
  jiraAccountId?: string;
  jiraAccountType?: JiraAccountType;
  /** Timestamp (ms) of the newest Jira event applied; kept after unlinking so a late, older event cannot relink. */
  jiraEventTs?: number;
  /** The account the contact was last linked to, kept after unlinking for the same reason. */
  lastJiraAccountId?: string;
  /**
   * When a CRM user gave the regular contact another email: it is someone else's now, and no longer
   * reclaimed by the account it was last linked to. Removed when an account links it.
   */
  readdressedAt?: string;
  createdAt: string;
  updatedAt: string;
  createdKey: string;
  kindKey: 'CONTACT';
  kindSort: string;
}

/** The key attributes and index attributes of a new contact record. */
export function newContactRecord(fields: {
  id: string;
  name: string;
  email: string | null;
  phone: string | null;
  companyIds: string[];
  tags: string[];
  now: string;
}): ContactRecord {
  const createdKey = `${fields.now}#${fields.id}`;
  return {
    ...contactKey(fields.id),
    id: fields.id,
    name: fields.name,
    email: fields.email,
    ...(fields.email ? { emailKey: normalizeEmail(fields.email) } : {}),
    phone: fields.phone,
    companyIds: fields.companyIds,
    tags: fields.tags,
    createdAt: fields.now,
    updatedAt: fields.now,
    createdKey,
    kindKey: 'CONTACT',
    kindSort: createdKey,
  };
}

/** A new contact that carries the account from the start (the `Jira User` tag is derived from it). */
export function syncedContactRecord(contactId: string, snapshot: AccountSnapshot, createdAt: string): ContactRecord {
  return {
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
}

export function toContact(record: ContactRecord): Contact {
  const linked = record.jiraAccountId !== undefined;
  return {
    id: record.id,
    name: record.name,
    email: record.email ?? null,
    phone: record.phone ?? null,
    companyIds: record.companyIds ?? [],
    tags: visibleTags(record.tags ?? [], linked),
    jiraUser:
      linked && record.jiraAccountId
        ? { accountId: record.jiraAccountId, accountType: record.jiraAccountType ?? 'atlassian' }
        : null,
    createdAt: record.createdAt,
    updatedAt: record.updatedAt,
  };
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

/** Every attribute of a contact besides its key: what deleting a contact kept in a link item removes. */
export const CONTACT_ATTRIBUTES: ReadonlyArray<Exclude<keyof ContactRecord, 'pk' | 'sk'>> = [
  'id',
  'name',
  'email',
  'emailKey',
  'phone',
  'companyIds',
  'syncCompanyIds',
  'tags',
  'jiraAccountId',
  'jiraAccountType',
  'jiraEventTs',
  'lastJiraAccountId',
  'readdressedAt',
  'createdAt',
  'updatedAt',
  'createdKey',
  'kindKey',
  'kindSort',
];
