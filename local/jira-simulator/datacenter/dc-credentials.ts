import { createHash } from 'node:crypto';
import { type AccountDirectory, UnknownAccountError } from '../accounts.js';
import type { Caller, SimulatorCredentials } from '../credentials.js';
import type { DataCenterUsers } from './dc-users.js';

interface Credential extends Caller {
  /** An issued token keeps working after its user is deactivated, so the service's own check is tested. */
  outlivesDeactivation: boolean;
}

/** A Data Center personal access token: 44 characters of base64, as Jira's look. */
const patFor = (seed: number, who: string): string =>
  createHash('sha256').update(`jira-simulator:dc:${seed}:${who}`).digest('base64').slice(0, 44);

/**
 * The Data Center site's logins: personal access tokens (`Authorization: Bearer <token>`) and
 * Basic `username:password`. The administrator holds two PATs (its own and the service's), the
 * agent one; any other user's is issued on demand.
 */
export class DataCenterCredentials {
  readonly admin: SimulatorCredentials;
  readonly agent: SimulatorCredentials;
  readonly service: { email: string; apiToken: string };
  private readonly tokens = new Map<string, Credential>();
  /** By account: its password (Basic `username:password`). */
  private readonly passwords = new Map<string, string>();

  constructor(
    private readonly seed: number,
    private readonly directory: AccountDirectory,
    private readonly users: DataCenterUsers,
  ) {
    const adminAccount = directory.atSlot(0);
    const agentAccount = directory.atSlot(1);
    if (!adminAccount || !agentAccount) throw new Error('The simulator could not seed its administrator and agent.');
    this.admin = this.add(adminAccount.accountId, 'admin', { administrator: true, outlivesDeactivation: false });
    this.agent = this.add(agentAccount.accountId, 'agent', { administrator: false, outlivesDeactivation: false });
    const service = this.add(adminAccount.accountId, 'service', { administrator: true, outlivesDeactivation: false });
    // No email: the service's token is a PAT, sent as Bearer.
    this.service = { email: '', apiToken: service.apiToken };
  }

  /** The caller a Bearer PAT or a Basic `username:password` names; undefined for anything else. */
  authenticate(authorization: string | undefined): Caller | undefined {
    const bearer = authorization ? /^Bearer\s+(\S+)\s*$/i.exec(authorization)?.[1] : undefined;
    if (bearer) {
      const credential = this.tokens.get(bearer);
      const account = credential && this.directory.get(credential.accountId);
      if (!credential || !account) return undefined;
      return account.active || credential.outlivesDeactivation ? credential : undefined;
    }
    const basic = authorization ? /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(authorization)?.[1] : undefined;
    if (!basic) return undefined;
    const decoded = Buffer.from(basic, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon <= 0) return undefined;
    const account = this.users.byUsername(decoded.slice(0, colon));
    if (!account?.active || this.passwords.get(account.accountId) !== decoded.slice(colon + 1)) return undefined;
    const admin = this.directory.atSlot(0);
    return { accountId: account.accountId, administrator: admin?.accountId === account.accountId };
  }

  /** A working PAT for any user (it outlives deactivation, as tests need). */
  issuePat(accountId: string): SimulatorCredentials {
    if (!this.directory.get(accountId)) throw new UnknownAccountError(accountId);
    return this.add(accountId, `account:${accountId}`, { administrator: false, outlivesDeactivation: true });
  }

  /** A user's password, for Basic `username:password` (its username as it is now). */
  passwordLogin(accountId: string): SimulatorCredentials {
    const account = this.directory.get(accountId);
    if (!account) throw new UnknownAccountError(accountId);
    const password = patFor(this.seed, `password:${accountId}`).slice(0, 16);
    this.passwords.set(accountId, password);
    const username = this.users.usernameOf(account);
    return {
      email: username,
      apiToken: password,
      authorization: `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`,
    };
  }

  private add(
    accountId: string,
    who: string,
    flags: { administrator: boolean; outlivesDeactivation: boolean },
  ): SimulatorCredentials {
    const apiToken = patFor(this.seed, who);
    this.tokens.set(apiToken, { accountId, ...flags });
    return { email: '', apiToken, authorization: `Bearer ${apiToken}` };
  }
}
