/** How a Jira call waits and how often it tries again. */
export interface RetryPolicy {
  /** Attempts for 5xx and network errors. */
  maxAttempts: number;
  /** Attempts for 429 (rate limits never fail a sync, but a Lambda's time is finite). */
  maxRateLimitedAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  maxAttempts: 6,
  maxRateLimitedAttempts: 60,
  baseDelayMs: 200,
  maxDelayMs: 10_000,
};

/** Exponential backoff with full jitter (the AWS Architecture Blog's recommendation). */
export function jitteredDelayMs(attempt: number, policy: RetryPolicy, random: () => number = Math.random): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** attempt);
  return Math.round(random() * ceiling);
}

/** Jira's `Retry-After` is seconds (or an HTTP date); fall back to backoff when it is missing. */
export function retryAfterMs(header: string | null, fallbackMs: number, now: number = Date.now()): number {
  if (!header) return fallbackMs;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(header);
  return Number.isNaN(date) ? fallbackMs : Math.max(0, date - now);
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
