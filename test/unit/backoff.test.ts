import { jest } from '@jest/globals';
import { requestedWaitMs, retryAfterMs } from '../../lambdas/adapters/jira/requested-wait.js';
import {
  SYNC_RETRY_POLICY as DEFAULT_RETRY_POLICY,
  type RetryPolicy,
} from '../../lambdas/adapters/jira/retry-policy.js';
import { jitteredDelayMs, sleep } from '../../lambdas/shared/jittered-backoff.js';

const POLICY: RetryPolicy = {
  maxAttempts: 5,
  maxRateLimitedAttempts: 10,
  baseDelayMs: 100,
  maxDelayMs: 1_000,
  requestTimeoutMs: 1_000,
  budgetMs: 10_000,
};

describe('jitteredDelayMs', () => {
  it('doubles the ceiling with each attempt', () => {
    // Prepare: the largest draw shows the ceiling
    const top = () => 1;
    // Act
    const delays = [0, 1, 2, 3].map((attempt) => jitteredDelayMs(attempt, POLICY, top));
    // Assess
    expect(delays).toEqual([100, 200, 400, 800]);
  });

  it('never exceeds the maximum delay', () => {
    // Act
    const delay = jitteredDelayMs(30, POLICY, () => 1);
    // Assess
    expect(delay).toBe(POLICY.maxDelayMs);
  });

  it('draws anywhere between zero and the ceiling (full jitter)', () => {
    // Act
    const lowest = jitteredDelayMs(2, POLICY, () => 0);
    const middle = jitteredDelayMs(2, POLICY, () => 0.5);
    // Assess
    expect(lowest).toBe(0);
    expect(middle).toBe(200);
  });

  it('stays within bounds with real randomness', () => {
    // Act
    const delays = Array.from({ length: 200 }, (_, attempt) => jitteredDelayMs(attempt % 12, DEFAULT_RETRY_POLICY));
    // Assess
    for (const delay of delays) {
      expect(Number.isInteger(delay)).toBe(true);
      expect(delay).toBeGreaterThanOrEqual(0);
      expect(delay).toBeLessThanOrEqual(DEFAULT_RETRY_POLICY.maxDelayMs);
    }
  });
});

describe('retryAfterMs', () => {
  const NOW = Date.parse('2026-11-25T10:00:00.000Z');

  it('reads seconds', () => {
    // Act / Assess
    expect(retryAfterMs('3', 50, NOW)).toBe(3_000);
    expect(retryAfterMs('0', 50, NOW)).toBe(0);
  });

  it('reads an HTTP date relative to now', () => {
    // Act
    const wait = retryAfterMs('Wed, 25 Nov 2026 10:00:05 GMT', 50, NOW);
    // Assess
    expect(wait).toBe(5_000);
  });

  it('never waits a negative time', () => {
    // Act / Assess
    expect(retryAfterMs('-4', 50, NOW)).toBe(0);
    expect(retryAfterMs('Wed, 25 Nov 2026 09:59:00 GMT', 50, NOW)).toBe(0);
  });

  it('falls back to backoff when the header is missing or unreadable', () => {
    // Act / Assess
    expect(retryAfterMs(null, 750, NOW)).toBe(750);
    expect(retryAfterMs('', 750, NOW)).toBe(750);
    expect(retryAfterMs('soon', 750, NOW)).toBe(750);
  });
});

describe('sleep', () => {
  beforeEach(() => {
    jest.useFakeTimers();
  });
  afterEach(() => {
    jest.useRealTimers();
  });

  it('waits at least the given time', async () => {
    // Prepare
    const started = performance.now();
    let woke = false;
    // Act
    const slept = sleep(25).then(() => {
      woke = true;
    });
    await jest.advanceTimersByTimeAsync(24);
    const wokeEarly = woke;
    await jest.advanceTimersByTimeAsync(1);
    await slept;
    // Assess
    expect(wokeEarly).toBe(false);
    expect(performance.now() - started).toBeGreaterThanOrEqual(20);
  });
});

describe('requestedWaitMs', () => {
  const NOW = Date.parse('2026-11-25T10:00:00Z');

  it.each([
    ['Retry-After in seconds', { 'Retry-After': '7' }, 7_000],
    ['Retry-After as an HTTP date', { 'Retry-After': 'Wed, 25 Nov 2026 10:00:03 GMT' }, 3_000],
    ['X-RateLimit-Reset as an ISO time', { 'X-RateLimit-Reset': '2026-11-25T10:00:12Z' }, 12_000],
    [
      'Retry-After before X-RateLimit-Reset',
      { 'Retry-After': '2', 'X-RateLimit-Reset': '2026-11-25T10:00:12Z' },
      2_000,
    ],
    ['neither: the backoff', {}, 321],
    ['a reset in the past: no wait', { 'X-RateLimit-Reset': '2026-11-25T09:59:00Z' }, 0],
  ])('%s', (_name, headers, expected) => {
    // Act
    const wait = requestedWaitMs(new Headers(headers), 321, NOW);
    // Assess
    expect(wait).toBe(expected);
  });
});
