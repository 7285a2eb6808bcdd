/** The bounds of an exponential backoff. */
export interface BackoffBounds {
  /** The ceiling of the first retry's wait; each further retry doubles it. */
  baseDelayMs: number;
  /** No wait is longer than this. */
  maxDelayMs: number;
}

/**
 * Exponential backoff with full jitter (the AWS Architecture Blog's recommendation): anywhere
 * between zero and `baseDelayMs * 2^attempt`, capped at `maxDelayMs`, so that callers failing
 * together do not retry together.
 */
export function jitteredDelayMs(attempt: number, bounds: BackoffBounds, random: () => number = Math.random): number {
  const ceiling = Math.min(bounds.maxDelayMs, bounds.baseDelayMs * 2 ** attempt);
  return Math.round(random() * ceiling);
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
