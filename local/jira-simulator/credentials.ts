import { createHash } from 'node:crypto';
import type { AccountDirectory } from './accounts.js';

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
}

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

  constructor(
    seed: number,
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
    // A deleted or deactivated account's tokens stop working, as on a real site.
    return credential && this.directory.get(credential.accountId)?.active ? credential : undefined;
  }
}
