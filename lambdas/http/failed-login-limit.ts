/**
 * How fast one source address may spend Jira calls on logins that fail: a token bucket per
 * address. Each failed check costs a token; with none left, a login that would need Jira is
 * refused (429) until a token is back. A login Jira has accepted before is never refused (junk
 * from behind the same NAT cannot lock a known user or admin out), and costs nothing.
 */
export interface FailedLoginLimitOptions {
  /** Failed logins a source may spend at once. @default 10 */
  burst?: number;
  /** One token comes back every this many milliseconds. @default 6000 (ten a minute) */
  refillEveryMs?: number;
  /** Sources remembered at most (the oldest is forgotten first). @default 10000 */
  maxSources?: number;
  /** Logins Jira accepted that are remembered as known (the oldest is forgotten first). @default 10000 */
  maxKnownLogins?: number;
  now?: () => number;
}

interface Bucket {
  tokens: number;
  updatedAt: number;
}

export class FailedLoginLimit {
  private readonly buckets = new Map<string, Bucket>();
  /** Hashes of logins Jira accepted: the limit never refuses them. */
  private readonly known = new Set<string>();
  private readonly maxKnownLogins: number;
  private readonly burst: number;
  private readonly refillEveryMs: number;
  private readonly maxSources: number;
  private readonly now: () => number;

  constructor(options: FailedLoginLimitOptions = {}) {
    this.burst = options.burst ?? 10;
    this.refillEveryMs = options.refillEveryMs ?? 6_000;
    this.maxSources = options.maxSources ?? 10_000;
    this.maxKnownLogins = options.maxKnownLogins ?? 10_000;
    this.now = options.now ?? Date.now;
  }

  /** Seconds until `source` may try `login` (a hash) again, or 0 when it may ask Jira now. */
  waitSeconds(source: string, login?: string): number {
    if (login !== undefined && this.known.has(login)) return 0;
    const bucket = this.refilled(source);
    if (bucket.tokens >= 1) return 0;
    return Math.max(1, Math.ceil(((1 - bucket.tokens) * this.refillEveryMs) / 1000));
  }

  /** Jira accepted `login` (a hash): from now on the limit lets it through. */
  succeeded(login: string): void {
    this.known.delete(login);
    this.known.add(login);
    if (this.known.size > this.maxKnownLogins) {
      const oldest = this.known.values().next().value;
      if (oldest !== undefined) this.known.delete(oldest);
    }
  }

  /** `login` failed at Jira from `source`: it costs a token, and the login is no longer known. */
  failed(source: string, login: string): void {
    this.known.delete(login);
    this.spend(source);
  }

  private spend(source: string): void {
    const bucket = this.refilled(source);
    bucket.tokens = Math.max(0, bucket.tokens - 1);
    // Re-inserted so the map's order is least recently used first.
    this.buckets.delete(source);
    this.buckets.set(source, bucket);
    if (this.buckets.size > this.maxSources) {
      const oldest = this.buckets.keys().next().value;
      if (oldest !== undefined) this.buckets.delete(oldest);
    }
  }

  private refilled(source: string): Bucket {
    const now = this.now();
    const bucket = this.buckets.get(source);
    if (!bucket) return { tokens: this.burst, updatedAt: now };
    bucket.tokens = Math.min(this.burst, bucket.tokens + (now - bucket.updatedAt) / this.refillEveryMs);
    bucket.updatedAt = now;
    return bucket;
  }
}
