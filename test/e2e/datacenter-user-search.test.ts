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
/** JSM customers, on two service desks: Data Center users too, which the desks list first (typed `customer`). */
const CUSTOMERS = 30;

describe('Jira Data Center (only a capped user/search)', () => {
  let service: TestService;

  beforeAll(async () => {
    service = await startTestService({
      simulator: {
        deployment: 'datacenter',
        dataCenterListing: 'user-search',
        users: USERS,
        inactive: INACTIVE,
        customers: CUSTOMERS,
        serviceDesks: 2,
      },
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

  it('enabling splits full queries and syncs every active user once, keyed by its key; the desks add no one twice', async () => {
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
    // The desks' customers (v2 users, read by key), read before the listing: typed customer, counted once
    expect(service.jira.callCounts()['servicedesk/customer']).toBeGreaterThanOrEqual(2);
    expect(synced.map((contact) => contact.jiraUser?.accountId).sort()).toEqual(keys);
    expect(synced.filter((contact) => contact.jiraUser?.accountType === 'customer')).toHaveLength(CUSTOMERS);
    expect(view.progress).toMatchObject({
      total: USERS + CUSTOMERS + INACTIVE,
      processed: USERS + CUSTOMERS + INACTIVE,
      created: USERS + CUSTOMERS,
      failed: 0,
      skippedBy: { inactive: INACTIVE, other: 0 },
      // The inactive accounts alternate user and customer: the desks list the inactive customers too.
      sources: { usersSearch: USERS + INACTIVE / 2, serviceDesks: CUSTOMERS + INACTIVE / 2 },
    });
  });

  it('disabling makes every synced contact regular', async () => {
    // Act
    await setUserSync(service.url, service.admin, false, 120_000);

    // Assess
    const contacts = await listAll<Contact>(service.url, service.admin, 'contacts');
    expect(contacts).toHaveLength(USERS + CUSTOMERS);
    expect(contacts.filter((contact) => contact.jiraUser !== null)).toEqual([]);
  });
});
