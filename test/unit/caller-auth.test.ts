import type { JiraCaller, JiraCallerCheck, JiraCallerPermissions } from '../../lambdas/domain/jira-account.js';
import { ForbiddenError, TooManyRequestsError, UnauthorizedError } from '../../lambdas/domain/errors.js';
import { CallerAuth } from '../../lambdas/http/caller-auth.js';

const ADMIN = 'Basic YWRtaW46dG9rZW4=';
const AGENT = 'Basic YWdlbnQ6dG9rZW4=';
const USER = { level: 'user', sourceIp: '192.0.2.1' } as const;
const ADMIN_READ = { level: 'admin', sourceIp: '192.0.2.1', resource: '/settings/user-sync' } as const;
const ADMIN_CHANGE = { ...ADMIN_READ, change: true } as const;

const CUSTOMER = 'Basic Y3VzdG9tZXI6dG9rZW4=';
const APP = 'Basic YXBwOnRva2Vu';
const DEACTIVATED = 'Basic Z29uZTp0b2tlbg==';
const NO_PICKER = 'Basic bm9waWNrZXI6dG9rZW4=';

const person = (accountId: string, more: Partial<JiraCaller> = {}): JiraCaller => ({
  accountId,
  displayName: accountId,
  accountType: 'atlassian',
  active: true,
  ...more,
});

/** Stands in for Jira (an outside system): knows a few logins and counts what it is asked. */
class FakeJira implements JiraCallerCheck {
  whoIsCalls: string[] = [];
  adminCalls = 0;
  accepted = new Map<string, JiraCaller>([
    [ADMIN, person('admin-1', { displayName: 'Admin' })],
    [AGENT, person('agent-1', { displayName: 'Agent' })],
    [CUSTOMER, person('customer-1', { accountType: 'customer' })],
    [APP, person('app-1', { accountType: 'app' })],
    [DEACTIVATED, person('gone-1', { active: false })],
    [NO_PICKER, person('nopicker-1')],
  ]);

  async whoIs(authorization: string): Promise<JiraCaller | undefined> {
    this.whoIsCalls.push(authorization);
    return this.accepted.get(authorization);
  }

  async permissions(authorization: string): Promise<JiraCallerPermissions> {
    this.adminCalls += 1;
    return {
      administer: authorization === ADMIN,
      browseUsers: this.accepted.has(authorization) && authorization !== NO_PICKER,
    };
  }
}

describe('CallerAuth', () => {
  let jira: FakeJira;
  let clock: number;
  let auth: CallerAuth;

  beforeEach(() => {
    jira = new FakeJira();
    clock = 1_000_000;
    auth = new CallerAuth(jira, {
      ttlMs: 60_000,
      failedTtlMs: 5_000,
      maxEntries: 3,
      failedLogins: { burst: 3, refillEveryMs: 6_000 },
      now: () => clock,
    });
  });

  it('refuses a missing or blank header without asking Jira', async () => {
    // Act / Assess
    await expect(auth.authorize(undefined, USER)).rejects.toThrow(UnauthorizedError);
    await expect(auth.authorize('  ', USER)).rejects.toThrow(/Authorization header/);
    expect(jira.whoIsCalls).toHaveLength(0);
  });

  it('refuses credentials Jira rejects, remembers the refusal a few seconds, then asks again', async () => {
    // Act
    await expect(auth.authorize('Basic bad', USER)).rejects.toThrow(UnauthorizedError);
    await expect(auth.authorize('Basic bad', USER)).rejects.toThrow(/Jira did not accept/);
    clock += 5_000;
    await expect(auth.authorize('Basic bad', USER)).rejects.toThrow(UnauthorizedError);
    // Assess
    expect(jira.whoIsCalls).toEqual(['Basic bad', 'Basic bad']);
  });

  it('asks Jira once for concurrent requests with one header', async () => {
    // Act
    const results = await Promise.allSettled(Array.from({ length: 5 }, () => auth.authorize('Basic junk', USER)));
    // Assess
    expect(results.every((result) => result.status === 'rejected')).toBe(true);
    expect(jira.whoIsCalls).toEqual(['Basic junk']);
  });

  it('limits the failed logins an address may spend on Jira, with a Retry-After; known logins work', async () => {
    // Prepare: room for every login; a known login, then the burst of three failures spent
    auth = new CallerAuth(jira, { failedLogins: { burst: 3, refillEveryMs: 6_000 }, now: () => clock });
    await auth.authorize(AGENT, USER);
    for (const header of ['Basic x1', 'Basic x2', 'Basic x3'])
      await expect(auth.authorize(header, USER)).rejects.toThrow(UnauthorizedError);
    // Act
    const limited = await auth.authorize('Basic x4', USER).catch((error: unknown) => error);
    const otherAddress = await auth
      .authorize('Basic x5', { level: 'user', sourceIp: '192.0.2.2' })
      .catch((error: unknown) => error);
    const known = await auth.authorize(AGENT, USER);
    // Assess
    expect(limited).toBeInstanceOf(TooManyRequestsError);
    expect(limited).toMatchObject({ retryAfterSeconds: 6 });
    expect(otherAddress).toBeInstanceOf(UnauthorizedError);
    expect(known.accountId).toBe('agent-1');
    expect(jira.whoIsCalls).not.toContain('Basic x4');
    // Act: a token comes back
    clock += 6_000;
    await expect(auth.authorize('Basic x4', USER)).rejects.toThrow(UnauthorizedError);
    expect(jira.whoIsCalls).toContain('Basic x4');
  });

  it('forgets every login of a revoked account at once', async () => {
    // Prepare
    await auth.authorize(AGENT, USER);
    await auth.authorize(ADMIN, USER);
    jira.accepted.delete(AGENT);
    // Act
    auth.revoke('agent-1');
    // Assess
    await expect(auth.authorize(AGENT, USER)).rejects.toThrow(UnauthorizedError);
    await expect(auth.authorize(ADMIN, USER)).resolves.toMatchObject({ accountId: 'admin-1' });
    expect(jira.whoIsCalls).toEqual([AGENT, ADMIN, AGENT]);
  });

  it('never serves the admin check of a change from the cache', async () => {
    // Act
    await auth.authorize(ADMIN, ADMIN_READ);
    await auth.authorize(ADMIN, ADMIN_CHANGE);
    await auth.authorize(ADMIN, ADMIN_CHANGE);
    // Assess
    expect(jira.adminCalls).toBe(3);
    expect(jira.whoIsCalls).toEqual([ADMIN, ADMIN, ADMIN]);
  });

  it('says what a non-administrator tried: read or change', async () => {
    // Act / Assess
    await expect(auth.authorize(AGENT, ADMIN_READ)).rejects.toThrow(
      'Only Jira administrators can read /settings/user-sync',
    );
    await expect(auth.authorize(AGENT, ADMIN_CHANGE)).rejects.toThrow(
      'Only Jira administrators can change /settings/user-sync',
    );
  });

  it('asks Jira once per header within the time to live', async () => {
    // Act
    const callers = [];
    for (let i = 0; i < 10; i += 1) callers.push(await auth.authorize(AGENT, USER));
    // Assess
    expect(jira.whoIsCalls).toEqual([AGENT]);
    expect(new Set(callers.map((caller) => caller.accountId))).toEqual(new Set(['agent-1']));
  });

  it('asks again once the time to live has passed, and notices a revoked token', async () => {
    // Prepare
    await auth.authorize(AGENT, USER);
    jira.accepted.delete(AGENT);
    // Act
    clock += 59_999;
    const stillCached = await auth.authorize(AGENT, USER);
    clock += 1;
    const afterExpiry = auth.authorize(AGENT, USER);
    // Assess
    expect(stillCached.accountId).toBe('agent-1');
    await expect(afterExpiry).rejects.toThrow(UnauthorizedError);
    expect(jira.whoIsCalls).toEqual([AGENT, AGENT]);
  });

  it('keeps different headers apart', async () => {
    // Act
    const admin = await auth.authorize(ADMIN, USER);
    const agent = await auth.authorize(AGENT, USER);
    // Assess
    expect(admin.accountId).toBe('admin-1');
    expect(agent.accountId).toBe('agent-1');
  });

  it('lets administrators through to admin routes and remembers it', async () => {
    // Act
    await auth.authorize(ADMIN, ADMIN_READ);
    await auth.authorize(ADMIN, ADMIN_READ);
    // Assess
    expect(jira.adminCalls).toBe(1);
  });

  it('refuses a non-administrator on admin routes with 403, not 401', async () => {
    // Act / Assess
    await expect(auth.authorize(AGENT, ADMIN_READ)).rejects.toThrow(ForbiddenError);
    await expect(auth.authorize(AGENT, USER)).resolves.toMatchObject({ accountId: 'agent-1' });
  });

  it('forgets the oldest entry when full', async () => {
    // Prepare: room for 3
    const headers = ['Basic a', 'Basic b', 'Basic c', 'Basic d'];
    for (const [index, header] of headers.entries()) jira.accepted.set(header, person(`u${index}`));
    // Act
    for (const header of headers) await auth.authorize(header, USER);
    await auth.authorize('Basic d', USER);
    await auth.authorize('Basic a', USER);
    // Assess: d was cached, a had been evicted
    expect(jira.whoIsCalls).toEqual([...headers, 'Basic a']);
  });

  it('opens the CRM only to active Jira users with "Browse users and groups", saying what is missing', async () => {
    // Act
    const refusals = await Promise.all(
      [CUSTOMER, APP, DEACTIVATED, NO_PICKER].map((header) =>
        auth.authorize(header, USER).catch((error: unknown) => error),
      ),
    );
    // Assess
    for (const refusal of refusals) expect(refusal).toBeInstanceOf(ForbiddenError);
    expect((refusals[0] as Error).message).toMatch(/Jira Service Management customer's account/);
    expect((refusals[1] as Error).message).toMatch(/an app's account/);
    expect((refusals[2] as Error).message).toMatch(/deactivated/);
    expect((refusals[3] as Error).message).toMatch(/"Browse users and groups" \(USER_PICKER\)/);
    // Only the user whose account may open the CRM at all is asked for permissions
    expect(jira.adminCalls).toBe(1);
  });

  it('asks both permissions once per login, and refuses a cached refusal without asking again', async () => {
    // Act
    await auth.authorize(ADMIN, USER);
    await auth.authorize(ADMIN, ADMIN_READ);
    await expect(auth.authorize(NO_PICKER, USER)).rejects.toThrow(ForbiddenError);
    await expect(auth.authorize(NO_PICKER, USER)).rejects.toThrow(ForbiddenError);
    // Assess
    expect(jira.adminCalls).toBe(2);
    expect(jira.whoIsCalls).toEqual([ADMIN, NO_PICKER]);
  });

  it("never refuses a login it has seen succeed: junk from the admin's address, then the admin's change", async () => {
    // Prepare: the admin signed in; junk from the same address spends every token
    auth = new CallerAuth(jira, { failedLogins: { burst: 3, refillEveryMs: 6_000 }, now: () => clock });
    await auth.authorize(ADMIN, ADMIN_READ);
    for (const header of ['Basic j1', 'Basic j2', 'Basic j3'])
      await expect(auth.authorize(header, USER)).rejects.toThrow(UnauthorizedError);
    await expect(auth.authorize('Basic j4', USER)).rejects.toThrow(TooManyRequestsError);
    // Act: a change asks Jira afresh, and so does a read once the cache has expired
    const change = await auth.authorize(ADMIN, ADMIN_CHANGE);
    clock += 61_000;
    const read = await auth.authorize(ADMIN, ADMIN_READ);
    // Assess
    expect(change.accountId).toBe('admin-1');
    expect(read.accountId).toBe('admin-1');
    expect(jira.whoIsCalls.filter((header) => header === ADMIN)).toHaveLength(3);
  });

  it('spends no token on a login Jira accepted, even one the CRM refuses', async () => {
    // Prepare
    auth = new CallerAuth(jira, { failedLogins: { burst: 1, refillEveryMs: 6_000 }, now: () => clock });
    // Act
    await expect(auth.authorize(CUSTOMER, USER)).rejects.toThrow(ForbiddenError);
    await expect(auth.authorize(APP, USER)).rejects.toThrow(ForbiddenError);
    await expect(auth.authorize('Basic junk', USER)).rejects.toThrow(UnauthorizedError);
    // Assess: the one token went on the junk
    await expect(auth.authorize('Basic junk2', USER)).rejects.toThrow(TooManyRequestsError);
  });
});
