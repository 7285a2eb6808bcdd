import { RecentLookups } from '../../lambdas/domain/sync/apply-account-mentions.js';

describe('RecentLookups', () => {
  it('remembers an account for ttlMs, then forgets it', () => {
    // Prepare
    let now = 1_000;
    const lookups = new RecentLookups({ ttlMs: 100, max: 10, now: () => now });
    // Act
    lookups.add('a');
    const within = lookups.has('a');
    now += 100;
    const after = lookups.has('a');
    // Assess
    expect([within, after, lookups.has('never')]).toEqual([true, false, false]);
  });

  it('keeps at most max accounts, forgetting the oldest first', () => {
    // Prepare
    const lookups = new RecentLookups({ ttlMs: 1_000, max: 2, now: () => 0 });
    // Act
    lookups.add('first');
    lookups.add('second');
    lookups.add('third');
    // Assess
    expect(['first', 'second', 'third'].map((id) => lookups.has(id))).toEqual([false, true, true]);
  });
});
