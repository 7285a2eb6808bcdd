import { eligibility } from '../../lambdas/domain/sync/account-snapshot.js';
import type { JiraAccount } from '../../lambdas/domain/jira-account.js';

const EVENT_TS = 1_700_000_000_000;

function account(overrides: Partial<JiraAccount> = {}): JiraAccount {
  return {
    accountId: '712020:0f1e',
    accountType: 'atlassian',
    displayName: 'Ada Lovelace',
    emailAddress: 'Ada@Example.com',
    active: true,
    ...overrides,
  };
}

describe('eligibility', () => {
  it('syncs an active Jira user with a visible email, keeping the email as Jira spells it', () => {
    // Act
    const result = eligibility(account(), EVENT_TS);
    // Assess
    expect(result).toEqual({
      kind: 'sync',
      snapshot: { accountId: '712020:0f1e', accountType: 'atlassian', displayName: 'Ada Lovelace', email: 'Ada@Example.com', eventTs: EVENT_TS },
    });
  });

  it('syncs an active JSM customer', () => {
    // Act
    const result = eligibility(account({ accountId: 'qm:1', accountType: 'customer' }), EVENT_TS);
    // Assess
    expect(result.kind).toBe('sync');
    expect(result.kind === 'sync' && result.snapshot.accountType).toBe('customer');
  });

  it('never syncs an app account, even an active one with an email', () => {
    // Act
    const result = eligibility(account({ accountType: 'app' }), EVENT_TS);
    // Assess
    expect(result).toEqual({ kind: 'unsync', reason: 'app' });
  });

  it('treats an unknown account type like an app', () => {
    // Act
    const result = eligibility(account({ accountType: 'unknown' }), EVENT_TS);
    // Assess
    expect(result).toEqual({ kind: 'unsync', reason: 'app' });
  });

  it('unsyncs an inactive account', () => {
    // Act
    const user = eligibility(account({ active: false }), EVENT_TS);
    const customer = eligibility(account({ accountType: 'customer', active: false }), EVENT_TS);
    // Assess
    expect(user).toEqual({ kind: 'unsync', reason: 'inactive' });
    expect(customer).toEqual({ kind: 'unsync', reason: 'inactive' });
  });

  it('reports a hidden email instead of syncing without one', () => {
    // Act
    const missing = eligibility(account({ emailAddress: undefined }), EVENT_TS);
    const blank = eligibility(account({ emailAddress: '   ' }), EVENT_TS);
    // Assess
    expect(missing).toEqual({ kind: 'hidden-email' });
    expect(blank).toEqual({ kind: 'hidden-email' });
  });

  it('trims the email and falls back to it when the display name is blank', () => {
    // Act
    const result = eligibility(account({ displayName: '  ', emailAddress: ' grace@example.com ' }), EVENT_TS);
    // Assess
    expect(result.kind === 'sync' && result.snapshot).toMatchObject({ displayName: 'grace@example.com', email: 'grace@example.com' });
  });

  it('trims the display name', () => {
    // Act
    const result = eligibility(account({ displayName: '  Grace Hopper ' }), EVENT_TS);
    // Assess
    expect(result.kind === 'sync' && result.snapshot.displayName).toBe('Grace Hopper');
  });
});
