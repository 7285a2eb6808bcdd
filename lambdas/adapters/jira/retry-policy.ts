import type { BackoffBounds } from '../../shared/jittered-backoff.js';

/** How a Jira call waits and how often it tries again. */
export interface RetryPolicy extends BackoffBounds {
  /** Attempts in all for transient failures (5xx, resets, timeouts), the first included. */
  maxAttempts: number;
  /** Attempts in all for 429 and 503 with a wait Jira names; rate limits never fail a sync, time does. */
  maxRateLimitedAttempts: number;
  /** One request's own timeout. */
  requestTimeoutMs: number;
  /** The whole call, retries included, ends within this long (and never past the caller's deadline). */
  budgetMs: number;
}

/** The sync's reads: patient, bounded by the Lambda's remaining time rather than by a count. */
export const SYNC_RETRY_POLICY: RetryPolicy = {
  maxAttempts: 8,
  maxRateLimitedAttempts: 1_000,
  baseDelayMs: 250,
  maxDelayMs: 10_000,
  requestTimeoutMs: 20_000,
  budgetMs: 14 * 60_000,
};

/** Login checks (`myself`, `mypermissions`): a person is waiting, so one short retry and then 503. */
export const LOGIN_RETRY_POLICY: RetryPolicy = {
  maxAttempts: 2,
  maxRateLimitedAttempts: 2,
  baseDelayMs: 100,
  maxDelayMs: 500,
  requestTimeoutMs: 2_500,
  budgetMs: 4_000,
};
