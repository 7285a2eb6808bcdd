import { expectError } from '../helpers/api.js';
import { request } from '../helpers/http.js';
import { type TestService, startTestService } from '../helpers/runtime.js';

let service: TestService;

const basic = (email: string, token: string) => `Basic ${Buffer.from(`${email}:${token}`).toString('base64')}`;

beforeAll(async () => {
  service = await startTestService();
});

afterAll(async () => {
  await service.stop();
});

/** A seeded account of `accountType`, active or not, other than the administrator and the agent. */
function seeded(accountType: string, active = true) {
  const account = service.jira
    .accounts()
    .slice(2)
    .find((candidate) => candidate.accountType === accountType && candidate.active === active);
  if (!account) throw new Error(`the simulator seeds no ${active ? 'active' : 'inactive'} ${accountType}`);
  return account;
}

describe('only Jira users who may browse users open the CRM', () => {
  it("refuses a JSM customer's working token with 403, saying why", async () => {
    // Prepare
    const customer = service.jira.issueToken(seeded('customer').accountId);
    // Act
    const response = await request(service.url, 'GET', '/contacts', { auth: customer.authorization });
    // Assess
    expectError(response, 403, 'FORBIDDEN', /Jira Service Management customer's account/);
  });

  it("refuses an app account's working token with 403", async () => {
    // Prepare
    const app = service.jira.issueToken(seeded('app').accountId);
    // Act
    const response = await request(service.url, 'GET', '/companies', { auth: app.authorization });
    // Assess
    expectError(response, 403, 'FORBIDDEN', /an app's account/);
  });

  it('refuses a deactivated user whose token still works at Jira with 403', async () => {
    // Prepare: a user signs in, then Jira deactivates them (their token still answers myself)
    const user = seeded('atlassian');
    const token = service.jira.issueToken(user.accountId);
    expect((await request(service.url, 'GET', '/contacts?limit=1', { auth: token.authorization })).status).toBe(200);
    await service.jira.updateAccount(user.accountId, { active: false });
    await service.runtime.queue.drained();
    // Act
    const response = await request(service.url, 'GET', '/contacts?limit=1', { auth: token.authorization });
    // Assess
    expectError(response, 403, 'FORBIDDEN', /deactivated/);
  });

  it('refuses a Jira user without "Browse users and groups"; another user, who has it, gets in', async () => {
    // Prepare
    const user = seeded('atlassian');
    const token = service.jira.issueToken(user.accountId);
    service.jira.setPermission(user.accountId, 'USER_PICKER', false);
    // Act
    const refused = await request(service.url, 'POST', '/contacts', {
      auth: token.authorization,
      body: { name: 'Never Written' },
    });
    // Assess
    expectError(refused, 403, 'FORBIDDEN', /"Browse users and groups" \(USER_PICKER\)/);
    const found = await request<{ items: unknown[] }>(service.url, 'GET', '/contacts?email=never@example.com', {
      auth: service.admin,
    });
    expect(found.body.items).toEqual([]);
    const colleague = service.jira
      .accounts()
      .slice(2)
      .find((account) => account.accountType === 'atlassian' && account.active && account.accountId !== user.accountId);
    const other = service.jira.issueToken(colleague?.accountId ?? '');
    expect((await request(service.url, 'GET', '/contacts?limit=1', { auth: other.authorization })).status).toBe(200);
  });
});

// Last: it spends this address's allowance of failed logins.
describe("junk logins from the admin's own address", () => {
  it("never lock out the admin, whose change of the sync's settings still succeeds", async () => {
    // Prepare: the admin signed in; junk from the same address (loopback) spends every token
    expect((await request(service.url, 'GET', '/settings/user-sync', { auth: service.admin })).status).toBe(200);
    const statuses: number[] = [];
    for (let index = 0; index < 15; index += 1)
      statuses.push(
        (await request(service.url, 'GET', '/contacts', { auth: basic(`junk${index}@x.test`, 'no') })).status,
      );
    expect(statuses).toContain(429);
    // Act: a change asks Jira afresh (never the cache), past the spent limit
    const change = await request(service.url, 'PUT', '/settings/user-sync', {
      auth: service.admin,
      body: { enabled: false },
    });
    const unknown = await request(service.url, 'GET', '/contacts', { auth: basic('late@x.test', 'no') });
    // Assess
    expect(change.status).toBe(202);
    expectError(unknown, 429, 'TOO_MANY_REQUESTS');
  });
});
