import type { JiraAccountType } from '../contact.js';
import type { JiraAccount } from '../jira-account.js';

/** What a contact takes from its Jira account, as of `eventTs` (ms, the event's own time). */
export interface AccountSnapshot {
  accountId: string;
  accountType: JiraAccountType;
  /** Undefined when Jira did not say: an existing contact keeps its name, a new one is named after its email. */
  displayName: string | undefined;
  email: string;
  eventTs: number;
}

/** Why an account has no contact; `progress.skippedBy` counts each. */
export type SkipReason = 'hiddenEmail' | 'app' | 'inactive' | 'other';

export type Eligibility =
  | { kind: 'sync'; snapshot: AccountSnapshot }
  /** Not eligible: a contact it has becomes a regular contact. */
  | { kind: 'unsync'; reason: 'app' | 'inactive' }
  /** Nothing to do now: its email is hidden, or Jira describes it in a way we cannot use. */
  | { kind: 'skip'; reason: 'hiddenEmail' | 'other' };

/** Jira's id of a corrupted record: it names no real account. */
const UNKNOWN_ACCOUNT_ID = 'unknown';

/**
 * The product's rule for which accounts have a contact: active Jira users and JSM customers with a
 * visible email. Apps never sync; an account that becomes inactive is treated as deleted. An
 * account of a type Jira calls `unknown` (or any other) is left alone.
 */
export function eligibility(account: JiraAccount, eventTs: number): Eligibility {
  if (account.accountId === UNKNOWN_ACCOUNT_ID) return { kind: 'skip', reason: 'other' };
  if (account.accountType === 'app') return { kind: 'unsync', reason: 'app' };
  if (account.accountType !== 'atlassian' && account.accountType !== 'customer')
    return { kind: 'skip', reason: 'other' };
  if (!account.active) return { kind: 'unsync', reason: 'inactive' };
  const email = account.emailAddress?.trim();
  if (!email) return { kind: 'skip', reason: 'hiddenEmail' };
  return {
    kind: 'sync',
    snapshot: {
      accountId: account.accountId,
      accountType: account.accountType,
      displayName: account.displayName?.trim() || undefined,
      email,
      eventTs,
    },
  };
}

/** The name of a new contact whose Jira account has no display name: the email's local part. */
export function nameForNewContact(snapshot: Pick<AccountSnapshot, 'displayName' | 'email'>): string {
  return snapshot.displayName ?? (snapshot.email.split('@')[0] || snapshot.email);
}
