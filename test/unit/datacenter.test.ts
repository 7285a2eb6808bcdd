import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dcCallerSchema, dcUserSchema } from '../../lambdas/adapters/jira/datacenter/dc-schemas.js';
import { largestUserCount } from '../../lambdas/adapters/jira/datacenter/dc-rest-client.js';
import { UnknownJiraDeploymentError, detectJiraDeployment } from '../../lambdas/adapters/jira/datacenter/deployment.js';
import {
  QUERY_ALPHABET,
  USER_SEARCH_CAP,
  afterQuery,
  decodeSplitSearch,
  encodeSplitSearch,
  initialSplitSearch,
} from '../../lambdas/adapters/jira/datacenter/split-user-search.js';
import { readDelivery } from '../../lambdas/webhook/read-delivery.js';
import { queuedDelivery } from '../helpers/sqs-records.js';

const SECRET = 'it-is-a-secret';

describe('Data Center users', () => {
  it('reads a v2 user as a Jira user whose id is its key; active may be a string', () => {
    // Act
    const user = dcUserSchema.parse({
      key: 'JIRAUSER10123',
      name: 'ada',
      displayName: 'Ada Lovelace',
      emailAddress: 'ada@example.com',
      active: 'false',
    });
    const bare = dcUserSchema.parse({ key: 'JIRAUSER1', emailAddress: '', displayName: null });

    // Assess
    expect(user).toEqual({
      accountId: 'JIRAUSER10123',
      accountType: 'atlassian',
      displayName: 'Ada Lovelace',
      emailAddress: 'ada@example.com',
      active: false,
    });
    expect(bare).toEqual({
      accountId: 'JIRAUSER1',
      accountType: 'atlassian',
      displayName: undefined,
      emailAddress: undefined,
      active: true,
    });
    expect(dcUserSchema.safeParse({ name: 'no-key' }).success).toBe(false);
    expect(dcCallerSchema.parse({ key: 'JIRAUSER2', name: 'bob', active: true })).toEqual({
      accountId: 'JIRAUSER2',
      displayName: 'bob',
      accountType: 'atlassian',
      active: true,
    });
  });
});

describe('Data Center application roles', () => {
  it("counts the largest role's users, skipping a role without a count; none usable is unknown", () => {
    // Prepare
    const roles = [
      { key: 'jira-software', userCount: 120, numberOfSeats: 500, platform: false },
      { key: 'jira-servicedesk', userCount: 30 },
      { key: 'jira-core', platform: true },
      { key: 'jira-product-discovery', userCount: null },
      { userCount: 'many' },
      null,
    ];

    // Act
    const counted = largestUserCount(roles);
    const none = largestUserCount(roles.slice(2));

    // Assess
    expect(counted).toBe(120);
    expect(none).toBeNull();
    expect(largestUserCount([])).toBeNull();
  });
});

describe('split user/search', () => {
  it('starts with one query per character, splits a full answer first, and drops a short one', () => {
    // Prepare
    const start = initialSplitSearch();

    // Act
    const split = afterQuery(start, 'a', USER_SEARCH_CAP);
    const short = afterQuery(split, 'aa', USER_SEARCH_CAP - 1);

    // Assess
    expect(start.pending).toHaveLength(QUERY_ALPHABET.length);
    expect(split.pending.slice(0, 3)).toEqual(['aa', 'ab', 'ac']);
    expect(split.pending).not.toContain('a');
    expect(split.pending).toHaveLength(2 * QUERY_ALPHABET.length - 1);
    expect(short.pending[0]).toBe('ab');
    expect(decodeSplitSearch(encodeSplitSearch(short))).toEqual(short);
    expect(decodeSplitSearch('c:123')).toBeUndefined();
  });
});

describe('Data Center webhooks', () => {
  const read = (payload: unknown, deployment: 'cloud' | 'datacenter') =>
    readDelivery({
      record: queuedDelivery(JSON.stringify(payload), { secret: SECRET }),
      secret: SECRET,
      deployment,
    });
  const payload = {
    timestamp: 1_700_000_000_000,
    webhookEvent: 'user_created',
    user: { name: 'ada', key: 'JIRAUSER10100', emailAddress: 'ada@example.com', displayName: 'Ada', active: 'true' },
  };

  it('applies a v2 user by its key against Data Center', () => {
    // Act
    const reading = read(payload, 'datacenter');

    // Assess
    expect(reading).toMatchObject({
      kind: 'user-event',
      event: {
        timestamp: 1_700_000_000_000,
        webhookEvent: 'user_created',
        user: { accountId: 'JIRAUSER10100', accountType: 'atlassian', emailAddress: 'ada@example.com', active: true },
      },
    });
    expect(read({ ...payload, user: { ...payload.user, active: 'false' } }, 'datacenter')).toMatchObject({
      event: { user: { active: false } },
    });
  });

  it('ignores a v2 user against Cloud, where no account has a key', () => {
    // Act
    const reading = read(payload, 'cloud');

    // Assess
    expect(reading).toMatchObject({ kind: 'ignored', reason: 'no-account-id' });
  });
});

describe('detectJiraDeployment', () => {
  const serve = async (status: number, body: unknown) => {
    const server = createServer((_request, response) => {
      response.writeHead(status, { 'Content-Type': 'application/json' });
      response.end(JSON.stringify(body));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return {
      url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
      close: () => new Promise<void>((resolve) => server.close(() => resolve())),
    };
  };

  it('tells Cloud from Data Center by deploymentType, and takes JIRA_DEPLOYMENT as it is (auto: asks)', async () => {
    // Prepare
    const cloud = await serve(200, { deploymentType: 'Cloud', version: '1001.0.0' });
    const server = await serve(200, { deploymentType: 'Server', version: '10.3.1' });
    try {
      // Act / Assess
      await expect(detectJiraDeployment({ baseUrl: cloud.url })).resolves.toBe('cloud');
      await expect(detectJiraDeployment({ baseUrl: server.url })).resolves.toBe('datacenter');
      await expect(detectJiraDeployment({ baseUrl: cloud.url, override: 'datacenter' })).resolves.toBe('datacenter');
      await expect(detectJiraDeployment({ baseUrl: server.url, override: 'auto' })).resolves.toBe('datacenter');
    } finally {
      await cloud.close();
      await server.close();
    }
  });

  it('stops with a clear message when Jira answers neither way', async () => {
    // Prepare
    const missing = await serve(404, { errorMessages: ['not here'] });
    const other = await serve(200, { hello: 'world' });
    try {
      // Act / Assess
      await expect(detectJiraDeployment({ baseUrl: missing.url })).rejects.toThrow(
        /serverInfo failed.*JIRA_DEPLOYMENT/,
      );
      await expect(detectJiraDeployment({ baseUrl: other.url })).rejects.toThrow(UnknownJiraDeploymentError);
      await expect(detectJiraDeployment({ baseUrl: other.url, override: 'server' })).rejects.toThrow(
        /"server": set it to cloud, datacenter or auto/,
      );
    } finally {
      await missing.close();
      await other.close();
    }
  });
});
