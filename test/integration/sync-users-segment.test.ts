import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DynamoDbAccountLinkStore } from '../../lambdas/adapters/dynamodb/dynamodb-account-link-store.js';
import { DynamoDbContactStore } from '../../lambdas/adapters/dynamodb/dynamodb-contact-store.js';
import { DynamoDbUserSyncStore } from '../../lambdas/adapters/dynamodb/dynamodb-user-sync-store.js';
import { readUsers } from '../../lambdas/adapters/jira/jira-rest-client.js';
import type { JiraAccount, JiraDirectory, JiraUsersPage } from '../../lambdas/domain/jira-account.js';
import { type SegmentResult, planNextWave } from '../../lambdas/domain/sync/page-plan.js';
import { syncUsersSegment } from '../../lambdas/domain/sync/sync-users-segment.js';
import { type TestTable, startTestTable } from '../helpers/dynamo.js';
import { testStores } from '../helpers/stores.js';

/**
 * Jira is outside: a directory that behaves as Jira Cloud may, answering fewer accounts than asked
 * (a page cap, and shorter pages in the middle of the list), with a few records it describes oddly.
 */
function directory(
  accounts: readonly unknown[],
  options: { pageCap: number; shortEvery?: number },
): JiraDirectory & { calls: number } {
  const self = {
    calls: 0,
    async searchUsers(startAt: number, maxResults: number): Promise<JiraUsersPage> {
      self.calls += 1;
      // Every so many calls, a page comes back shorter still, anywhere in the list.
      const cap =
        options.shortEvery && self.calls % options.shortEvery === 0 ? Math.ceil(options.pageCap / 3) : options.pageCap;
      return readUsers(accounts.slice(startAt, startAt + Math.min(maxResults, cap)));
    },
    getUser: () => Promise.reject(new Error('No per-user lookup is expected during a run.')),
  };
  return self;
}

const user = (index: number): JiraAccount => ({
  accountId: `712020:segment-${index}`,
  accountType: index % 3 === 0 ? 'customer' : 'atlassian',
  displayName: `User ${index}`,
  emailAddress: `user.${index}@example.com`,
  active: true,
});

describe('syncUsersSegment with pages shorter than asked', () => {
  let db: TestTable;
  let contacts: DynamoDbContactStore;
  let deps: ReturnType<typeof testStores> & { settings: DynamoDbUserSyncStore };

  beforeEach(async () => {
    db = await startTestTable();
    contacts = new DynamoDbContactStore(db.client, db.table);
    deps = {
      ...testStores(db),
      settings: new DynamoDbUserSyncStore(db.client, db.table),
    };
  });
  afterEach(async () => {
    await db.stop();
  });

  it('reads every account once across parallel segments, moving on by what each page returned', async () => {
    // Prepare: 1,234 accounts, among them a hidden (null) email, an app, an inactive user, an
    // `unknown` record and one with no account id at all; Jira returns at most 100 a page, some 34.
    const records: unknown[] = Array.from({ length: 1234 }, (_, index) => user(index));
    records[10] = { ...user(10), emailAddress: null };
    records[11] = { ...user(11), accountType: 'app', emailAddress: null };
    records[12] = { ...user(12), active: false };
    records[13] = { accountId: 'unknown', accountType: 'unknown' };
    records[14] = { name: 'dc-user', key: 'JIRAUSER14' };
    records[15] = { ...user(15), displayName: null };
    const jira = directory(records, { pageCap: 100, shortEvery: 7 });
    const limits = { segmentSize: 500, segmentsPerWave: 3, wavesPerExecution: 100 };

    // Act: waves of parallel segments, as the workflow runs them
    let plan = planNextWave(undefined, undefined, limits);
    const segments: SegmentResult[] = [];
    while (!plan.done) {
      const results = await Promise.all(
        plan.segments.map((startAt) =>
          syncUsersSegment(
            { ...deps, jira },
            { runId: 'run-short', action: 'enable', startAt, segmentSize: limits.segmentSize },
          ),
        ),
      );
      segments.push(...results);
      plan = planNextWave(plan, results, limits);
    }

    // Assess: nothing skipped silently, nothing counted twice
    const { progress, failures } = await deps.settings.summary('run-short');
    expect(progress).toMatchObject({
      total: 1234,
      processed: 1234,
      created: 1234 - 5,
      linked: 0,
      skipped: 5,
      failed: 0,
      skippedBy: { hiddenEmail: 1, app: 1, inactive: 1, other: 2 },
    });
    expect(failures).toEqual([]);
    expect(segments.reduce((sum, segment) => sum + segment.count, 0)).toBe(1234);
    const synced = await contacts.findContactsByEmail('user.1000@example.com', { limit: 10 });
    expect(synced.items).toHaveLength(1);
    const nameless = await contacts.findContactsByEmail('user.15@example.com', { limit: 10 });
    expect(nameless.items[0]?.name).toBe('user.15');
  }, 180_000);

  it('lists the accounts it could not sync, with the reason, and counts them as failed', async () => {
    // Prepare: DynamoDB refuses every write to one account's link (AWS is outside: its client fails)
    const records = Array.from({ length: 20 }, (_, index) => user(index));
    const jira = directory(records, { pageCap: 1000 });
    const failing = records[4]?.accountId;
    const raw = new DynamoDBClient({
      endpoint: db.endpoint,
      region: 'local',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
    raw.middlewareStack.add(
      (next) => async (args) => {
        const item = (args.input as { Item?: { pk?: { S?: string } } }).Item;
        if (item?.pk?.S === `JIRA#${failing}`)
          throw Object.assign(new Error('Throughput exceeds the current capacity'), {
            name: 'ProvisionedThroughputExceededException',
          });
        return next(args);
      },
      { step: 'build' },
    );
    const flakyLinks = new DynamoDbAccountLinkStore(
      DynamoDBDocumentClient.from(raw, { marshallOptions: { removeUndefinedValues: true } }),
      db.table,
    );

    // Act
    await syncUsersSegment({ ...deps, links: flakyLinks, jira }, { runId: 'run-fail', action: 'enable', startAt: 0 });
    raw.destroy();

    // Assess
    const { progress, failures } = await deps.settings.summary('run-fail');
    expect(progress).toMatchObject({ total: 20, processed: 20, created: 19, failed: 1 });
    expect(failures).toEqual([{ accountId: failing, reason: 'Throughput exceeds the current capacity' }]);
  });
});
