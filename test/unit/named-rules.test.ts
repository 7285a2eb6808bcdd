import { assertDeletionAllowed } from '../../lambdas/domain/contact.js';
import { ConflictError } from '../../lambdas/domain/errors.js';
import { reconcileSweep } from '../../lambdas/domain/sync/demote-links-batch.js';

describe('assertDeletionAllowed (contacts)', () => {
  it('refuses a synced contact with a 409 that says what to do', () => {
    // Act
    const deleting = () => assertDeletionAllowed({ jiraUser: { accountId: '712020:abc', accountType: 'atlassian' } });
    // Assess
    expect(deleting).toThrow(ConflictError);
    expect(deleting).toThrow(/synced with a Jira user and cannot be deleted/);
  });

  it('lets a regular contact go', () => {
    // Act / Assess
    expect(() => assertDeletionAllowed({ jiraUser: null })).not.toThrow();
  });
});

describe('reconcileSweep', () => {
  it('sweeps the accounts the run did not see, as of its start', () => {
    // Prepare
    const accountIds = new Set(['a', 'b']);
    // Act
    const sweep = reconcileSweep({ accountIds, unreadable: 0, since: 1_000 });
    // Assess
    expect(sweep).toEqual({ kind: 'sweep', seen: accountIds, since: 1_000 });
  });

  it('sweeps nobody when Jira listed a record without an account id', () => {
    // Act
    const sweep = reconcileSweep({ accountIds: new Set(['a']), unreadable: 1, since: 1_000 });
    // Assess
    expect(sweep).toBeUndefined();
  });
});
