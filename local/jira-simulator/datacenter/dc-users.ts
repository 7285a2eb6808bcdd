import type { AccountDirectory, SimulatedAccount } from '../accounts.js';

/** The first key the site hands out (`JIRAUSER10000`), as a fresh Data Center does. */
const FIRST_KEY = 10_000;

/**
 * Data Center's names for the simulator's accounts: a stable `key` (`JIRAUSER10123`, kept across
 * renames and after deletion) and a username (`name`), which is the email's local part, so a
 * rename that changes the email changes the username too. Data Center has no apps and no hidden
 * emails: only `atlassian` and `customer` accounts exist here, every email shown.
 */
export class DataCenterUsers {
  private readonly keys = new Map<string, string>();
  private readonly accountIds = new Map<string, string>();
  private nextKey = FIRST_KEY;

  constructor(
    private readonly directory: AccountDirectory,
    private readonly baseUrl: string,
  ) {
    // Keys in listing order, so the same seed gives the same keys.
    for (const account of directory.all()) this.keyOf(account.accountId);
  }

  /** The user's key, handed out on first sight and never changed. */
  keyOf(accountId: string): string {
    let key = this.keys.get(accountId);
    if (!key) {
      key = `JIRAUSER${this.nextKey++}`;
      this.keys.set(accountId, key);
      this.accountIds.set(key, accountId);
    }
    return key;
  }

  /** The live account a key names. */
  byKey(key: string): SimulatedAccount | undefined {
    const accountId = this.accountIds.get(key);
    const account = accountId === undefined ? undefined : this.directory.get(accountId);
    return account && exists(account) ? account : undefined;
  }

  /** The live account a username names (case-insensitive, as Data Center matches usernames). */
  byUsername(username: string): SimulatedAccount | undefined {
    const wanted = username.toLowerCase();
    return this.all().find((account) => this.usernameOf(account) === wanted);
  }

  usernameOf(account: SimulatedAccount): string {
    const local = account.emailAddress?.split('@')[0]?.toLowerCase();
    return local || this.keyOf(account.accountId).toLowerCase();
  }

  /** Every user Data Center holds, in listing order. */
  all(): SimulatedAccount[] {
    return this.directory.all().filter(exists);
  }

  /** A REST API v2 user, as `user/list`, `user/search`, `user` and `myself` show it. */
  restUser(account: SimulatedAccount): Record<string, unknown> {
    const key = this.keyOf(account.accountId);
    const name = this.usernameOf(account);
    return {
      self: `${this.baseUrl}/rest/api/2/user?username=${encodeURIComponent(name)}`,
      key,
      name,
      emailAddress: account.emailAddress ?? '',
      avatarUrls: { '48x48': `${this.baseUrl}/secure/useravatar?avatarId=10122` },
      displayName: account.displayName ?? name,
      active: account.active,
      deleted: false,
      timeZone: 'Europe/London',
      locale: 'en_UK',
    };
  }

  /** The v2 user a webhook carries: `active` as the string `"true"` or `"false"`. */
  webhookUser(account: SimulatedAccount): Record<string, unknown> {
    const { avatarUrls: _avatars, deleted: _deleted, ...user } = this.restUser(account);
    return { ...user, active: String(account.active) };
  }
}

function exists(account: SimulatedAccount): boolean {
  return account.accountType === 'atlassian' || account.accountType === 'customer';
}
