import type { Contact, JiraAccountType } from '../../domain/contact.js';
import { type AccountSnapshot, nameForNewContact } from '../../domain/sync/account-snapshot.js';
import { visibleTags } from '../../domain/contact.js';
import { normalizeEmail } from '../../domain/email.js';

/**
 * A contact as stored. `tags` holds only the user's own tags; `Jira User` is derived from the link.
 * Where it is stored (its `pk` and `sk`) is contact-items.ts's decision alone.
 */
export interface ContactRecord {
  pk: string;
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

/** A contact's attributes besides its key. */
export type ContactFields = Omit<ContactRecord, 'pk' | 'sk'>;

/** The attributes (index attributes included) of a new contact, wherever it is stored. */
export function newContactFields(fields: {
  id: string;
  name: string;
  email: string | null;
  phone: string | null;
  companyIds: string[];
  tags: string[];
  now: string;
}): ContactFields {
  const createdKey = `${fields.now}#${fields.id}`;
  return {
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
export function syncedContactFields(contactId: string, snapshot: AccountSnapshot, createdAt: string): ContactFields {
  return {
    ...newContactFields({
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

/** The contact as clients see it. */
export function toContact(record: ContactFields): Contact {
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

/** Every attribute of a contact besides its key: what taking a contact out of an item removes. */
export const CONTACT_ATTRIBUTES: ReadonlyArray<keyof ContactFields> = [
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
