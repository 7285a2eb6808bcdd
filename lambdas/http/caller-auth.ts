import { createHash } from 'node:crypto';
import type { JiraCaller, JiraCallerCheck, JiraCallerPermissions } from '../domain/jira-account.js';
import { ForbiddenError, TooManyRequestsError, UnauthorizedError } from '../domain/errors.js';
import { FailedLoginLimit, type FailedLoginLimitOptions } from './failed-login-limit.js';

export type AccessLevel = 'public' | 'user' | 'admin';

export interface AuthorizeOptions {
  level: Exclude<AccessLevel, 'public'>;
  /** The caller's address (API Gateway's `requestContext.identity.sourceIp`): failed logins are limited per address. */
  sourceIp?: string | undefined;
  /** A state-changing request: its admin check is asked of Jira every time, never served from the cache. */
  change?: boolean;
  /** What the caller asked for (`/settings/user-sync`), for a message that says what was refused. */
  resource?: string;
}

export interface CallerAuthOptions {
  /** How long a login Jira accepted is remembered. @default 60000 */
  ttlMs?: number;
  /**
   * How long a login Jira refused is remembered: long enough to blunt a flood, short enough that a
   * fixed token works at once.
   * @default 5000
   */
  failedTtlMs?: number;
  /** Logins remembered at most, accepted and refused alike (the oldest is forgotten first). @default 10000 */
  maxEntries?: number;
  failedLogins?: FailedLoginLimitOptions;
  now?: () => number;
}

type CachedLogin =
  | { caller: JiraCaller; permissions: JiraCallerPermissions; refusal: string | undefined; expiresAt: number }
  | { caller: undefined; expiresAt: number };

const REFUSED =
  'Jira did not accept these credentials. Check the email and API token (on Jira Data Center: the personal access token, or the username and password).';
const NO_PERMISSIONS: JiraCallerPermissions = { administer: false, browseUsers: false };
const SIGN_IN_AS_USER = "Sign in with a Jira user's email and API token.";

/**
 * Why a login Jira accepted may still not open the CRM, which holds people's names, emails and
 * phones: only an active Jira user (`atlassian`) with "Browse users and groups" may see them.
 */
export function crmRefusal(caller: JiraCaller, permissions: JiraCallerPermissions): string | undefined {
  if (caller.accountType === 'customer')
    return `This is a Jira Service Management customer's account, and the CRM is for Jira users only. ${SIGN_IN_AS_USER}`;
  if (caller.accountType === 'app')
    return `This is an app's account, and the CRM is for Jira users (people) only. ${SIGN_IN_AS_USER}`;
  if (caller.accountType !== 'atlassian')
    return `Jira does not describe this account as a Jira user (its type is ${caller.accountType}). ${SIGN_IN_AS_USER}`;
  if (!caller.active)
    return 'This Jira account is deactivated. Ask a Jira administrator to reactivate it, or sign in as another user.';
  if (!permissions.browseUsers)
    return (
      'Your Jira account lacks the global permission "Browse users and groups" (USER_PICKER), which the CRM ' +
      "needs because it shows people's details. Ask a Jira administrator to grant it."
    );
  return undefined;
}

/**
 * Checks a caller's `Authorization` header with Jira (a Jira login is the CRM login: `myself`, then
 * `mypermissions` for ADMINISTER and USER_PICKER in one request) and remembers the answer briefly,
 * keyed by a SHA-256 of the header (never the header itself), so a busy client, or a flood of
 * junk, does not cost one Jira call per request. Refusals are remembered for a few seconds only,
 * and each address may spend only so many Jira calls on failed logins; a login Jira accepted
 * before is never refused by that limit.
 */
export class CallerAuth {
  private readonly cache = new Map<string, CachedLogin>();
  /** Checks in flight, so concurrent requests with one header ask Jira once. */
  private readonly pending = new Map<string, Promise<CachedLogin>>();
  private readonly failedLogins: FailedLoginLimit;
  private readonly ttlMs: number;
  private readonly failedTtlMs: number;
  private readonly maxEntries: number;
  private readonly now: () => number;

  constructor(
    private readonly jira: JiraCallerCheck,
    options: CallerAuthOptions = {},
  ) {
    this.ttlMs = options.ttlMs ?? 60_000;
    this.failedTtlMs = options.failedTtlMs ?? 5_000;
    this.maxEntries = options.maxEntries ?? 10_000;
    this.now = options.now ?? Date.now;
    this.failedLogins = new FailedLoginLimit({ now: this.now, ...options.failedLogins });
  }

  async authorize(authorization: string | undefined, options: AuthorizeOptions): Promise<JiraCaller> {
    if (!authorization?.trim()) {
      throw new UnauthorizedError(
        'Send your Jira credentials in the Authorization header (Basic email:API token; on Jira Data Center, Bearer <personal access token> or Basic username:password).',
      );
    }
    const key = createHash('sha256').update(authorization).digest('hex');
    const source = options.sourceIp ?? 'unknown';
    // A change always asks Jira; a read may use (and fills) the remembered answer.
    const fresh = options.level === 'admin' && options.change === true;
    const login = (!fresh && this.fresh(key)) || (await this.check(key, authorization, source));
    if (!login.caller) throw new UnauthorizedError(REFUSED);
    if (login.refusal) throw new ForbiddenError(login.refusal);
    if (options.level === 'admin' && !login.permissions.administer) {
      const action = options.change ? 'change' : 'read';
      throw new ForbiddenError(
        `Only Jira administrators can ${action} ${options.resource ?? 'this'}. Sign in as one, or ask one to do it.`,
      );
    }
    return login.caller;
  }

  /** Forgets every remembered login of `accountId` (deactivated or deleted in Jira): its next request asks Jira. */
  revoke(accountId: string): void {
    for (const [key, login] of this.cache) if (login.caller?.accountId === accountId) this.cache.delete(key);
  }

  private async check(key: string, authorization: string, source: string): Promise<CachedLogin> {
    const inFlight = this.pending.get(key);
    if (inFlight) return inFlight;
    const waitSeconds = this.failedLogins.waitSeconds(source, key);
    if (waitSeconds > 0) {
      throw new TooManyRequestsError(
        `Too many failed logins from your address. Try again in ${waitSeconds} s with valid Jira credentials.`,
        { retryAfterSeconds: waitSeconds },
      );
    }
    const asking = this.askJira(authorization)
      .then((answer): CachedLogin => {
        if (answer) this.failedLogins.succeeded(key);
        else this.failedLogins.failed(source, key);
        return this.remember(
          key,
          answer
            ? { ...answer, expiresAt: this.now() + this.ttlMs }
            : { caller: undefined, expiresAt: this.now() + this.failedTtlMs },
        );
      })
      .finally(() => this.pending.delete(key));
    this.pending.set(key, asking);
    return asking;
  }

  /** Who the caller is and, for a Jira user who may open the CRM at all, both permissions in one request. */
  private async askJira(
    authorization: string,
  ): Promise<{ caller: JiraCaller; permissions: JiraCallerPermissions; refusal: string | undefined } | undefined> {
    const caller = await this.jira.whoIs(authorization);
    if (!caller) return undefined;
    // A customer's, an app's or a deactivated account is refused whatever it may do in Jira.
    const mayAsk = crmRefusal(caller, { administer: false, browseUsers: true }) === undefined;
    const permissions = mayAsk ? await this.jira.permissions(authorization) : NO_PERMISSIONS;
    return { caller, permissions, refusal: crmRefusal(caller, permissions) };
  }

  private fresh(key: string): CachedLogin | undefined {
    const entry = this.cache.get(key);
    if (entry && entry.expiresAt > this.now()) return entry;
    if (entry) this.cache.delete(key);
    return undefined;
  }

  private remember(key: string, entry: CachedLogin): CachedLogin {
    this.cache.delete(key);
    if (this.cache.size >= this.maxEntries) {
      const oldest = this.cache.keys().next().value;
      if (oldest !== undefined) this.cache.delete(oldest);
    }
    this.cache.set(key, entry);
    return entry;
  }
}
