import { eligibility } from '../../lambdas/domain/sync/account-eligibility.js';
import { nameForNewContact } from '../../lambdas/domain/sync/account-snapshot.js';
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
      snapshot: {
        accountId: '712020:0f1e',
        accountType: 'atlassian',
        displayName: 'Ada Lovelace',
        email: 'Ada@Example.com',
        eventTs: EVENT_TS,
      },
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

  it.each([
    ['an account type Jira calls unknown', { accountType: 'unknown' }],
    ['an account type it does not document', { accountType: 'bot' }],
    ['a corrupted record (accountId "unknown")', { accountId: 'unknown' }],
  ])('skips %s with the reason "other", touching no contact', (_name, overrides) => {
    // Act
    const result = eligibility(account(overrides), EVENT_TS);
    // Assess
    expect(result).toEqual({ kind: 'skip', reason: 'other' });
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
    expect(missing).toEqual({ kind: 'skip', reason: 'hiddenEmail' });
    expect(blank).toEqual({ kind: 'skip', reason: 'hiddenEmail' });
  });

  it('trims the email, and leaves a blank or missing display name unsaid (the store keeps or derives the name)', () => {
    // Act
    const blank = eligibility(account({ displayName: '  ', emailAddress: ' grace@example.com ' }), EVENT_TS);
    const missing = eligibility(account({ displayName: undefined }), EVENT_TS);
    // Assess
    expect(blank.kind === 'sync' && blank.snapshot).toMatchObject({
      displayName: undefined,
      email: 'grace@example.com',
    });
    expect(missing.kind === 'sync' && missing.snapshot.displayName).toBeUndefined();
  });

  it('names a new contact after the email`s local part when Jira gives no display name', () => {
    // Act
    const named = nameForNewContact({ displayName: undefined, email: 'grace.hopper@example.com' });
    const kept = nameForNewContact({ displayName: 'Grace Hopper', email: 'grace.hopper@example.com' });
    // Assess
    expect(named).toBe('grace.hopper');
    expect(kept).toBe('Grace Hopper');
  });

  it('trims the display name', () => {
    // Act
    const result = eligibility(account({ displayName: '  Grace Hopper ' }), EVENT_TS);
    // Assess
    expect(result.kind === 'sync' && result.snapshot.displayName).toBe('Grace Hopper');
  });
});

describe('display names a contact can hold', () => {
  it("keeps Jira's longest display names (255 characters) whole", () => {
    // Act
    const result = eligibility(account({ displayName: 'é'.repeat(255) }), EVENT_TS);
    // Assess
    expect(result).toMatchObject({ kind: 'sync', snapshot: { displayName: 'é'.repeat(255) } });
    expect(result).not.toHaveProperty('cutFrom');
  });

  it('cuts a name Jira could never produce to 255 characters, and says how long it was', () => {
    // Act
    const result = eligibility(account({ displayName: 'n'.repeat(100_000) }), EVENT_TS);
    // Assess
    expect(result).toMatchObject({ kind: 'sync', snapshot: { displayName: 'n'.repeat(255) }, cutFrom: 100_000 });
  });

  it('never cuts inside a surrogate pair', () => {
    // Act: 254 letters, then emoji (two UTF-16 units each)
    const result = eligibility(account({ displayName: `${'a'.repeat(254)}${'😀'.repeat(10)}` }), EVENT_TS);
    // Assess
    expect(result.kind === 'sync' && result.snapshot.displayName).toBe('a'.repeat(254));
  });
});
