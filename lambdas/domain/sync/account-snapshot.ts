import type { JiraAccountType } from '../contact.js';
import type { JiraAccount } from '../jira-account.js';

/** What a contact takes from its Jira account, as of `eventTs` (ms, the event's own time). */
export interface AccountSnapshot {
  accountId: string;
  accountType: JiraAccountType;
  displayName: string;
  email: string;
  eventTs: number;
}

export type Eligibility =
  | { kind: 'sync'; snapshot: AccountSnapshot }
  | { kind: 'unsync'; reason: 'app' | 'inactive' }
  | { kind: 'hidden-email' };

/**
 * The product's rule for which accounts have a contact: active Jira users and JSM customers with a
 * visible email. Apps never sync; an account that becomes inactive is treated as deleted.
 */
export function eligibility(account: JiraAccount, eventTs: number): Eligibility {
  if (account.accountType !== 'atlassian' && account.accountType !== 'customer') return { kind: 'unsync', reason: 'app' };
  if (!account.active) return { kind: 'unsync', reason: 'inactive' };
  const email = account.emailAddress?.trim();
  if (!email) return { kind: 'hidden-email' };
  return {
    kind: 'sync',
    snapshot: {
      accountId: account.accountId,
      accountType: account.accountType,
      displayName: account.displayName?.trim() || email,
      email,
      eventTs,
    },
  };
}
