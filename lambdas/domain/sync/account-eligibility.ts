import { NAME_MAX_LENGTH } from '../contact.js';
import { CORRUPTED_ACCOUNT_ID, type JiraAccount } from '../jira-account.js';
import type { AccountSnapshot } from './account-snapshot.js';

/** Why an account has no contact; `progress.skippedBy` counts each. */
export type SkipReason = 'hiddenEmail' | 'app' | 'inactive' | 'other';

export type Eligibility =
  /** `cutFrom`: the display name was longer than a contact's name may be, and was cut (its length). */
  | { kind: 'sync'; snapshot: AccountSnapshot; cutFrom?: number }
  /** Not eligible: a contact it has becomes a regular contact. */
  | { kind: 'unsync'; reason: 'app' | 'inactive' }
  /** Nothing to do now: its email is hidden, or Jira describes it in a way we cannot use. */
  | { kind: 'skip'; reason: 'hiddenEmail' | 'other' };

/**
 * The product's rule for which accounts have a contact: active Jira users and JSM customers with a
 * visible email. Apps never sync; an account that becomes inactive is treated as deleted. An
 * account of a type Jira calls `unknown` (or any other) is left alone.
 */
export function eligibility(account: JiraAccount, eventTs: number): Eligibility {
  if (account.accountId === CORRUPTED_ACCOUNT_ID) return { kind: 'skip', reason: 'other' };
  if (account.accountType === 'app') return { kind: 'unsync', reason: 'app' };
  if (account.accountType !== 'atlassian' && account.accountType !== 'customer')
    return { kind: 'skip', reason: 'other' };
  if (!account.active) return { kind: 'unsync', reason: 'inactive' };
  const email = account.emailAddress?.trim();
  if (!email) return { kind: 'skip', reason: 'hiddenEmail' };
  const displayName = account.displayName?.trim() || undefined;
  const fitted = displayName === undefined ? undefined : fitName(displayName);
  return {
    kind: 'sync',
    snapshot: { accountId: account.accountId, accountType: account.accountType, displayName: fitted, email, eventTs },
    ...(fitted !== displayName && displayName !== undefined ? { cutFrom: displayName.length } : {}),
  };
}

/**
 * A display name as a contact can hold it: Jira's are at most 255 characters, so only a value Jira
 * could never produce is cut (never inside a surrogate pair), and the contact stays editable.
 */
function fitName(name: string): string {
  if (name.length <= NAME_MAX_LENGTH) return name;
  const cut = name.slice(0, NAME_MAX_LENGTH);
  return (/[\uD800-\uDBFF]$/.test(cut) ? cut.slice(0, -1) : cut).trimEnd();
}

/** The log line for a display name `eligibility` cut. */
export function nameCutMessage(accountId: string, cutFrom: number): string {
  return `Jira's display name of account ${accountId} has ${cutFrom} characters: its contact keeps the first ${NAME_MAX_LENGTH}`;
}
