import type { Contact } from '../../lambdas/domain/contact.js';
import { QUERY_ALPHABET, USER_SEARCH_CAP } from '../../lambdas/adapters/jira/datacenter/split-user-search.js';
import { listAll, setUserSync } from '../helpers/api.js';
import { request } from '../helpers/http.js';
import { type TestService, startTestService } from '../helpers/runtime.js';

/**
 * A Data Center site older than 10.3: `user/list` is 404 and `user/search` returns at most the
 * first 100 results of a query (Jira 10, JRASERVER-78660), matching the start of usernames,
 * display-name words and emails. With 900 users, each first letter matches well over 100 of
 * them, so queries must be split until every part comes back short.
 */
const USERS = 900;
const INACTIVE = 4;

describe('Jira Data Center (only a capped user/search)', () => {
  let service: TestService;

  beforeAll(async () => {
    service = await startTestService({
      simulator: { deployment: 'datacenter', dataCenterListing: 'user-search', users: USERS, inactive: INACTIVE },
    });
  });
  afterAll(async () => {
    await service.stop();
  });

  it('the simulator caps one query at 100 results, whatever maxResults and startAt ask', async () => {
    // Act
    const listed = await fetch(`${service.jira.url}/rest/api/2/user/list?maxResults=10`, {
      headers: { Authorization: service.admin },
    });
    const full = await request<unknown[]>(
      service.jira.url,
      'GET',
      '/rest/api/2/user/search?username=a&maxResults=1000',
      {
        auth: service.admin,
      },
    );
    const later = await request<unknown[]>(
      service.jira.url,
      'GET',
      '/rest/api/2/user/search?username=a&startAt=100&maxResults=1000',
      { auth: service.admin },
    );

    // Assess
    expect(listed.status).toBe(404);
    expect(full.body).toHaveLength(USER_SEARCH_CAP);
    expect(later.body).toEqual([]);
  });

  it('enabling splits full queries and syncs every active user once, keyed by its key', async () => {
    // Prepare
    service.jira.resetCallCounts();

    // Act
    const view = await setUserSync(service.url, service.admin, true, 180_000);

    // Assess: more queries than first characters (some were split), every active user once
    const dc = service.jira.dataCenter;
    if (!dc) throw new Error('The simulator is not in Data Center mode.');
    const keys = service.jira
      .accounts()
      .filter((account) => account.active)
      .map((account) => dc.keyOf(account.accountId))
      .sort();
    const synced = (await listAll<Contact>(service.url, service.admin, 'contacts')).filter(
      (contact) => contact.jiraUser,
    );
    expect(service.jira.callCounts()['user/search']).toBeGreaterThan(QUERY_ALPHABET.length);
    expect(synced.map((contact) => contact.jiraUser?.accountId).sort()).toEqual(keys);
    expect(view.progress).toMatchObject({
      total: USERS + INACTIVE,
      processed: USERS + INACTIVE,
      created: USERS,
      failed: 0,
      skippedBy: { inactive: INACTIVE },
    });
  });

  it('disabling makes every synced contact regular', async () => {
    // Act
    await setUserSync(service.url, service.admin, false, 120_000);

    // Assess
    const contacts = await listAll<Contact>(service.url, service.admin, 'contacts');
    expect(contacts).toHaveLength(USERS);
    expect(contacts.filter((contact) => contact.jiraUser !== null)).toEqual([]);
  });
});
