import type { JiraCaller, JiraCallerCheck } from '../../lambdas/domain/jira-account.js';
import { ForbiddenError, UnauthorizedError } from '../../lambdas/domain/errors.js';
import { CallerAuth } from '../../lambdas/http/caller-auth.js';

const ADMIN = 'Basic YWRtaW46dG9rZW4=';
const AGENT = 'Basic YWdlbnQ6dG9rZW4=';

/** Stands in for Jira (an outside system): knows two logins and counts what it is asked. */
class FakeJira implements JiraCallerCheck {
  whoIsCalls: string[] = [];
  adminCalls = 0;
  accepted = new Map<string, JiraCaller>([
    [ADMIN, { accountId: 'admin-1', displayName: 'Admin' }],
    [AGENT, { accountId: 'agent-1', displayName: 'Agent' }],
  ]);

  async whoIs(authorization: string): Promise<JiraCaller | undefined> {
    this.whoIsCalls.push(authorization);
    return this.accepted.get(authorization);
  }

  async isAdministrator(authorization: string): Promise<boolean> {
    this.adminCalls += 1;
    return authorization === ADMIN;
  }
}

describe('CallerAuth', () => {
  let jira: FakeJira;
  let clock: number;
  let auth: CallerAuth;

  beforeEach(() => {
    jira = new FakeJira();
    clock = 1_000_000;
    auth = new CallerAuth(jira, 60_000, 3, () => clock);
  });

  it('refuses a missing or blank header without asking Jira', async () => {
    // Act / Assess
    await expect(auth.authorize(undefined, 'user')).rejects.toThrow(UnauthorizedError);
    await expect(auth.authorize('  ', 'user')).rejects.toThrow(/Authorization header/);
    expect(jira.whoIsCalls).toHaveLength(0);
  });

  it('refuses credentials Jira rejects, and asks again next time', async () => {
    // Act
    const first = auth.authorize('Basic bad', 'user');
    await expect(first).rejects.toThrow(UnauthorizedError);
    await expect(auth.authorize('Basic bad', 'user')).rejects.toThrow(/Jira did not accept/);
    // Assess
    expect(jira.whoIsCalls).toEqual(['Basic bad', 'Basic bad']);
  });

  it('asks Jira once per header within the time to live', async () => {
    // Act
    const callers = [];
    for (let i = 0; i < 10; i += 1) callers.push(await auth.authorize(AGENT, 'user'));
    // Assess
    expect(jira.whoIsCalls).toEqual([AGENT]);
    expect(new Set(callers.map((caller) => caller.accountId))).toEqual(new Set(['agent-1']));
  });

  it('asks again once the time to live has passed, and notices a revoked token', async () => {
    // Prepare
    await auth.authorize(AGENT, 'user');
    jira.accepted.delete(AGENT);
    // Act
    clock += 59_999;
    const stillCached = await auth.authorize(AGENT, 'user');
    clock += 1;
    const afterExpiry = auth.authorize(AGENT, 'user');
    // Assess
    expect(stillCached.accountId).toBe('agent-1');
    await expect(afterExpiry).rejects.toThrow(UnauthorizedError);
    expect(jira.whoIsCalls).toEqual([AGENT, AGENT]);
  });

  it('keeps different headers apart', async () => {
    // Act
    const admin = await auth.authorize(ADMIN, 'user');
    const agent = await auth.authorize(AGENT, 'user');
    // Assess
    expect(admin.accountId).toBe('admin-1');
    expect(agent.accountId).toBe('agent-1');
  });

  it('lets administrators through to admin routes and remembers it', async () => {
    // Act
    await auth.authorize(ADMIN, 'admin');
    await auth.authorize(ADMIN, 'admin');
    // Assess
    expect(jira.adminCalls).toBe(1);
  });

  it('refuses a non-administrator on admin routes with 403, not 401', async () => {
    // Act / Assess
    await expect(auth.authorize(AGENT, 'admin')).rejects.toThrow(ForbiddenError);
    await expect(auth.authorize(AGENT, 'user')).resolves.toMatchObject({ accountId: 'agent-1' });
  });

  it('forgets the oldest entry when full', async () => {
    // Prepare: room for 3
    const headers = ['Basic a', 'Basic b', 'Basic c', 'Basic d'];
    for (const [index, header] of headers.entries()) jira.accepted.set(header, { accountId: `u${index}`, displayName: header });
    // Act
    for (const header of headers) await auth.authorize(header, 'user');
    await auth.authorize('Basic d', 'user');
    await auth.authorize('Basic a', 'user');
    // Assess: d was cached, a had been evicted
    expect(jira.whoIsCalls).toEqual([...headers, 'Basic a']);
  });
});
