import type { BackoffBounds } from '../../shared/backoff.js';

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

/** Jira's `Retry-After` is seconds (or an HTTP date); fall back to backoff when it is missing. */
export function retryAfterMs(header: string | null, fallbackMs: number, now: number = Date.now()): number {
  if (!header?.trim()) return fallbackMs;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(header);
  return Number.isNaN(date) ? fallbackMs : Math.max(0, date - now);
}

/**
 * The wait a busy Jira asks for: `Retry-After` first, then `X-RateLimit-Reset` (an ISO time),
 * else the jittered backoff. Retrying earlier only earns the same or a longer wait.
 */
export function requestedWaitMs(headers: Headers, fallbackMs: number, now: number = Date.now()): number {
  const retryAfter = headers.get('Retry-After');
  if (retryAfter?.trim()) return retryAfterMs(retryAfter, fallbackMs, now);
  const reset = Date.parse(headers.get('X-RateLimit-Reset') ?? '');
  return Number.isNaN(reset) ? fallbackMs : Math.max(0, reset - now);
}
