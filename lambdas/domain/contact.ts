import { ConflictError } from './errors.js';

/** A CRM contact as clients see it (see CONTRACT.md). */
export interface Contact {
  id: string;
  name: string;
  email: string | null;
  phone: string | null;
  companyIds: string[];
  tags: string[];
  jiraUser: JiraUserLink | null;
  createdAt: string;
  updatedAt: string;
}

export type JiraAccountType = 'atlassian' | 'customer' | 'app';

export interface JiraUserLink {
  accountId: string;
  accountType: JiraAccountType;
}

/** The longest contact name: Jira's display names are at most 255 characters. */
export const NAME_MAX_LENGTH = 255;

/** The tag a synced contact carries. It is derived from the link, never stored, so it cannot drift. */
export const JIRA_USER_TAG = 'Jira User';

export interface NewContact {
  name: string;
  email?: string | null;
  phone?: string | null;
  companyIds?: string[];
  tags?: string[];
}

export type ContactChanges = Partial<NewContact>;

/** Fields of a synced contact that belong to Jira and cannot be changed through the CRM. */
export const JIRA_OWNED_FIELDS = ['name', 'email'] as const;

export function isSynced(contact: Pick<Contact, 'jiraUser'>): boolean {
  return contact.jiraUser !== null;
}

/** The tags clients see: the user's own tags, with `Jira User` first while the contact is synced. */
export function visibleTags(userTags: readonly string[], linked: boolean): string[] {
  const own = userTags.filter((tag) => tag !== JIRA_USER_TAG);
  return linked ? [JIRA_USER_TAG, ...own] : own;
}

/** Which Jira-owned fields a change would touch on a synced contact (the 409 rule). */
export function jiraOwnedFieldsChanged(contact: Contact, changes: ContactChanges): string[] {
  if (!isSynced(contact)) return [];
  return JIRA_OWNED_FIELDS.filter((field) => field in changes && changes[field] !== contact[field]);
}

/**
 * A synced contact cannot be deleted: it exists as long as its Jira account syncs. Throws the 409 a
 * person can act on. The store keeps the same rule as a condition, against a sync linking it meanwhile.
 */
export function assertDeletionAllowed(contact: Pick<Contact, 'jiraUser'>): void {
  if (isSynced(contact)) throw syncedContactDeletionConflict();
}

export function syncedContactDeletionConflict(): ConflictError {
  return new ConflictError(
    'This contact is synced with a Jira user and cannot be deleted. ' +
      'Turn user syncing off, or delete the user in Jira, first.',
  );
}
