import { createHash } from 'node:crypto';
import type { JiraCaller, JiraCallerCheck } from '../domain/jira-account.js';
import { ForbiddenError, UnauthorizedError } from '../domain/errors.js';

export type AccessLevel = 'public' | 'user' | 'admin';

interface CachedCaller {
  caller: JiraCaller;
  admin?: boolean;
  expiresAt: number;
}

/**
 * Checks a caller's `Authorization` header with Jira (a Jira login is the CRM login) and remembers
 * positive answers briefly, keyed by a hash of the header (never the header itself), so a busy
 * client does not cost one Jira call per request. Negative answers are not cached: a fixed token
 * works at once.
 */
export class CallerAuth {
  private readonly cache = new Map<string, CachedCaller>();

  constructor(
    private readonly jira: JiraCallerCheck,
    private readonly ttlMs = 60_000,
    private readonly maxEntries = 10_000,
    private readonly now: () => number = Date.now,
  ) {}

  async authorize(authorization: string | undefined, level: Exclude<AccessLevel, 'public'>): Promise<JiraCaller> {
    if (!authorization?.trim()) {
      throw new UnauthorizedError('Send your Jira credentials in the Authorization header (Basic email:API token).');
    }
    const key = createHash('sha256').update(authorization).digest('hex');
    let entry = this.fresh(key);
    if (!entry) {
      const caller = await this.jira.whoIs(authorization);
      if (!caller) throw new UnauthorizedError('Jira did not accept these credentials. Check the email and API token.');
      entry = this.remember(key, { caller, expiresAt: this.now() + this.ttlMs });
    }
    if (level === 'admin') {
      entry.admin ??= await this.jira.isAdministrator(authorization);
      if (!entry.admin) throw new ForbiddenError('Only Jira administrators can change user syncing.');
    }
    return entry.caller;
  }

  private fresh(key: string): CachedCaller | undefined {
    const entry = this.cache.get(key);
    if (entry && entry.expiresAt > this.now()) return entry;
    if (entry) this.cache.delete(key);
    return undefined;
  }

  private remember(key: string, entry: CachedCaller): CachedCaller {
    if (this.cache.size >= this.maxEntries) {
      const oldest = this.cache.keys().next().value;
      if (oldest !== undefined) this.cache.delete(oldest);
    }
    this.cache.set(key, entry);
    return entry;
  }
}
