import type { JiraAccountType } from '../contact.js';

/** What a contact takes from its Jira account, as of `eventTs` (ms, the event's own time). */
export interface AccountSnapshot {
  accountId: string;
  accountType: JiraAccountType;
  /** Undefined when Jira did not say: an existing contact keeps its name, a new one is named after its email. */
  displayName: string | undefined;
  email: string;
  eventTs: number;
}

/** The name of a new contact whose Jira account has no display name: the email's local part. */
export function nameForNewContact(snapshot: Pick<AccountSnapshot, 'displayName' | 'email'>): string {
  return snapshot.displayName ?? (snapshot.email.split('@')[0] || snapshot.email);
}
