import { createHash } from 'node:crypto';
import { type AccountDirectory, UnknownAccountError } from './accounts.js';

export interface SimulatorCredentials {
  email: string;
  apiToken: string;
  /** The `Authorization` header value (Basic). */
  authorization: string;
}

/** Whose token a request carries, and whether that account administers Jira. */
export interface Caller {
  accountId: string;
  administrator: boolean;
}

interface Credential extends Caller {
  apiToken: string;
  /** A token issued for testing keeps working after its account is deactivated, as some real tokens do. */
  outlivesDeactivation?: boolean;
}

/** Global permissions an account may hold besides ADMINISTER (which only the administrator has). */
export type GrantablePermission = 'USER_PICKER';

const basicAuthorization = (email: string, apiToken: string): string =>
  `Basic ${Buffer.from(`${email}:${apiToken}`).toString('base64')}`;

const tokenFor = (seed: number, who: string): string => {
  const digest = createHash('sha256').update(`jira-simulator:${seed}:${who}`).digest('hex');
  return `ATATT3xFfGF0${digest.slice(0, 48).toUpperCase()}`;
};

/** Parse `Basic base64(email:token)`; undefined when the header is absent or malformed. */
function parseBasic(header: string | undefined): { email: string; apiToken: string } | undefined {
  const match = header ? /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header) : null;
  if (!match?.[1]) return undefined;
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon <= 0) return undefined;
  return { email: decoded.slice(0, colon), apiToken: decoded.slice(colon + 1) };
}

/**
 * The site's API tokens: the administrator's (plus a second one, the service's) and the agent's,
 * derived from the seed, so the same seed gives the same tokens.
 */
export class SiteCredentials {
  readonly admin: SimulatorCredentials;
  readonly agent: SimulatorCredentials;
  readonly service: { email: string; apiToken: string };
  /** Keyed by lower-case email: Atlassian treats the login email case-insensitively. */
  private readonly byEmail: Map<string, Credential[]>;
  /** Accounts whose "Browse users and groups" was revoked (every active Jira user has it otherwise). */
  private readonly revokedPickers = new Set<string>();

  constructor(
    private readonly seed: number,
    private readonly directory: AccountDirectory,
  ) {
    const adminAccount = directory.atSlot(0);
    const agentAccount = directory.atSlot(1);
    if (!adminAccount?.emailAddress || !agentAccount?.emailAddress)
      throw new Error('The simulator could not seed its administrator and agent.');
    const adminToken = tokenFor(seed, 'admin');
    const agentToken = tokenFor(seed, 'agent');
    const serviceToken = tokenFor(seed, 'service');
    this.byEmail = new Map<string, Credential[]>([
      [
        adminAccount.emailAddress.toLowerCase(),
        [
          { apiToken: adminToken, accountId: adminAccount.accountId, administrator: true },
          { apiToken: serviceToken, accountId: adminAccount.accountId, administrator: true },
        ],
      ],
      [
        agentAccount.emailAddress.toLowerCase(),
        [{ apiToken: agentToken, accountId: agentAccount.accountId, administrator: false }],
      ],
    ]);
    this.admin = {
      email: adminAccount.emailAddress,
      apiToken: adminToken,
      authorization: basicAuthorization(adminAccount.emailAddress, adminToken),
    };
    this.agent = {
      email: agentAccount.emailAddress,
      apiToken: agentToken,
      authorization: basicAuthorization(agentAccount.emailAddress, agentToken),
    };
    this.service = { email: adminAccount.emailAddress, apiToken: serviceToken };
  }

  /** The caller a Basic `Authorization` header names, or undefined when it is not a live account's token. */
  authenticate(authorization: string | undefined): Caller | undefined {
    const basic = parseBasic(authorization);
    if (!basic) return undefined;
    const credential = this.byEmail
      .get(basic.email.toLowerCase())
      ?.find((candidate) => candidate.apiToken === basic.apiToken);
    // A deleted account's tokens stop working; a deactivated one's too, unless issued to outlive it.
    const account = credential && this.directory.get(credential.accountId);
    if (!credential || !account) return undefined;
    return account.active || credential.outlivesDeactivation ? credential : undefined;
  }

  /**
   * A working API token for any account (a customer, an app, a user to deactivate later), so
   * tests can sign in as it. The login email is the account's, or `<accountId>@apps.simulator.invalid`
   * for an account without one. The same seed and account give the same token.
   */
  issue(accountId: string): SimulatorCredentials {
    const account = this.directory.get(accountId);
    if (!account) throw new UnknownAccountError(accountId);
    const email = account.emailAddress ?? `${accountId.replace(/[^A-Za-z0-9.-]/g, '-')}@apps.simulator.invalid`;
    const apiToken = tokenFor(this.seed, `account:${accountId}`);
    const key = email.toLowerCase();
    const tokens = this.byEmail.get(key) ?? [];
    if (!tokens.some((candidate) => candidate.apiToken === apiToken))
      tokens.push({ apiToken, accountId, administrator: false, outlivesDeactivation: true });
    this.byEmail.set(key, tokens);
    return { email, apiToken, authorization: basicAuthorization(email, apiToken) };
  }

  /** Grants or revokes a global permission of one account. */
  setPermission(accountId: string, permission: GrantablePermission, granted: boolean): void {
    if (!this.directory.get(accountId)) throw new UnknownAccountError(accountId);
    if (permission === 'USER_PICKER') {
      if (granted) this.revokedPickers.delete(accountId);
      else this.revokedPickers.add(accountId);
    }
  }

  /**
   * Whether `caller` holds a global permission, as Jira would answer `mypermissions`: the
   * administrator holds all; an active Jira user "Browse users and groups" unless revoked; a
   * customer or an app none.
   */
  holds(caller: Caller, permission: string): boolean {
    if (caller.administrator) return true;
    const account = this.directory.get(caller.accountId);
    if (account?.accountType !== 'atlassian' || !account.active) return false;
    return (
      (permission === 'USER_PICKER' || permission === 'BROWSE_USERS') && !this.revokedPickers.has(caller.accountId)
    );
  }
}
