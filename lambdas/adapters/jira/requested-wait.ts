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
