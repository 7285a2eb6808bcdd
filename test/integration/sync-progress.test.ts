import { LINK_SHARDS } from '../../lambdas/adapters/dynamodb/table-schema.js';
import { JiraRestClient } from '../../lambdas/adapters/jira/jira-rest-client.js';
import { type DemotionMode, type ShardCounts, demoteLinksBatch } from '../../lambdas/domain/sync/demote-links-batch.js';
import { estimateRunSize } from '../../lambdas/domain/sync/run-size.js';
import { type SegmentRequest, syncUsersSegment } from '../../lambdas/domain/sync/sync-users-segment.js';
import { type SyncFailure, type SyncProgress, emptyProgress } from '../../lambdas/domain/sync/user-sync-state.js';
import { type JiraSimulator, type SimulatedAccount, startJiraSimulator } from '../../local/jira-simulator/index.js';
import { type TestTable, startTestTable, throttledClientFor } from '../helpers/dynamo.js';
import { testStores } from '../helpers/stores.js';

/**
 * Jira's directory: 6 users (the administrator and the agent among them) and 4 customers, all
 * eligible; 2 apps, 2 inactive accounts and 2 with a hidden email, which are skipped.
 */
const DIRECTORY = { users: 6, customers: 4, apps: 2, inactive: 2, hiddenEmails: 2 };
const ELIGIBLE = 10;
const ACCOUNTS = 16;
const SKIPPED_BY = { app: 2, inactive: 2, hiddenEmail: 2, other: 0 };

/** A fresh table and simulator per case, so that each case counts from nothing. */
interface World {
  db: TestTable;
  jira: JiraSimulator;
  stores: ReturnType<typeof testStores>;
  directory: JiraRestClient;
  /** The eligible customers, in listing order. */
  customers: SimulatedAccount[];
}

/** One embedded server for the file; each case gets a table of its own on it. */
let server: TestTable;
beforeAll(async () => {
  server = await startTestTable();
});
afterAll(() => server.stop());

async function startWorld(): Promise<World> {
  const db = await server.freshTable();
  const jira = await startJiraSimulator(DIRECTORY);
  // The Jira client reads the service's credentials from the environment, as on AWS.
  process.env.JIRA_USER_EMAIL = jira.service.email;
  process.env.JIRA_API_TOKEN = jira.service.apiToken;
  const customers = jira
    .accounts()
    .filter((account) => account.accountType === 'customer' && account.active && account.emailAddress);
  return { db, jira, stores: testStores(db), directory: new JiraRestClient({ baseUrl: () => jira.url }), customers };
}

async function stopWorld(world: World): Promise<void> {
  await world.jira.stop();
  await world.db.stop();
}

/** One segment from the start of the list, with the real stores (or the sync's stores over `client`). */
function syncSegment(world: World, request: Omit<SegmentRequest, 'startAt'>, stores = world.stores) {
  const { links, syncedContacts } = stores;
  return syncUsersSegment(
    { jira: world.directory, links, syncedContacts, settings: world.stores.settings },
    { ...request, startAt: 0 },
  );
}

/** Every count zero but those given. */
/** Every account of a segment was listed by users/search. */
const FROM_USERS_SEARCH = { usersSearch: ACCOUNTS, serviceDesks: 0 };
const progress = (counts: Partial<SyncProgress>): SyncProgress => ({ ...emptyProgress(), ...counts });

interface SegmentCase {
  action: SegmentRequest['action'];
  /** What the table and Jira hold before the segment runs. */
  prepare?: (world: World) => Promise<void>;
  /** The account whose writes DynamoDB throttles, if any. */
  throttled?: (world: World) => string;
  counts: SyncProgress;
  failures: (world: World) => SyncFailure[];
}

describe.each<[string, SegmentCase]>([
  [
    'enabling with no contact yet',
    {
      action: 'enable',
      counts: progress({
        total: ACCOUNTS,
        processed: ACCOUNTS,
        created: ELIGIBLE,
        skipped: 6,
        skippedBy: SKIPPED_BY,
        sources: FROM_USERS_SEARCH,
      }),
      failures: () => [],
    },
  ],
  [
    'enabling where two customers already have a contact',
    {
      action: 'enable',
      prepare: async ({ stores, customers }) => {
        for (const customer of customers.slice(0, 2))
          await stores.contacts.createContact({ name: 'Known before', email: customer.emailAddress ?? '' });
      },
      counts: progress({
        total: ACCOUNTS,
        processed: ACCOUNTS,
        created: ELIGIBLE - 2,
        linked: 2,
        skipped: 6,
        skippedBy: SKIPPED_BY,
        sources: FROM_USERS_SEARCH,
      }),
      failures: () => [],
    },
  ],
  [
    "enabling while DynamoDB throttles one account's writes",
    {
      action: 'enable',
      throttled: ({ customers }) => customers[0]?.accountId ?? '',
      counts: progress({
        total: ACCOUNTS,
        processed: ACCOUNTS,
        created: ELIGIBLE - 1,
        skipped: 6,
        failed: 1,
        skippedBy: SKIPPED_BY,
        sources: FROM_USERS_SEARCH,
      }),
      failures: ({ customers }) => [
        { accountId: customers[0]?.accountId ?? '', reason: 'Throughput exceeds the current capacity' },
      ],
    },
  ],
  [
    'reconciling after one customer was renamed and another deactivated',
    {
      action: 'reconcile',
      prepare: async (world) => {
        await syncSegment(world, { runId: 'run-before', action: 'enable' });
        const [renamed, deactivated] = world.customers;
        await world.jira.updateAccount(renamed?.accountId ?? '', { displayName: 'Renamed In Jira' });
        await world.jira.updateAccount(deactivated?.accountId ?? '', { active: false });
      },
      // The eight others are unchanged: counted as processed only.
      counts: progress({
        total: ACCOUNTS,
        processed: ACCOUNTS,
        updated: 1,
        unlinked: 1,
        skipped: 6,
        skippedBy: SKIPPED_BY,
        sources: FROM_USERS_SEARCH,
      }),
      failures: () => [],
    },
  ],
])('a sync segment %s', (_case, { action, prepare, throttled, counts, failures }) => {
  let world: World;
  let result: Awaited<ReturnType<typeof syncSegment>>;

  beforeAll(async () => {
    // Prepare
    world = await startWorld();
    await prepare?.(world);
    const client = throttled ? throttledClientFor(world.db, throttled(world)) : undefined;
    // Act
    result = await syncSegment(world, { runId: 'run-counted', action }, client && testStores(world.db, client));
    client?.destroy();
  });
  afterAll(() => stopWorld(world));

  it('reads the whole directory and reaches its end', () => {
    // Assess
    expect(result).toMatchObject({ startAt: 0, count: ACCOUNTS, reachedEnd: true });
  });

  it('counts each account once, by what became of it', () => {
    // Assess
    expect(result.progress).toEqual(counts);
    expect(result.failures).toEqual(failures(world));
  });

  it('stores the same counts under the run', async () => {
    // Act
    const stored = await world.stores.settings.summary('run-counted');
    // Assess
    expect(stored.progress).toEqual(counts);
    expect(stored.failures).toEqual(failures(world));
  });
});

interface DemotionCase {
  mode: (world: World) => DemotionMode;
  /** Batches of the same run that ran before (a retried batch runs again under its run id). */
  attempts?: number;
  throttled?: (world: World) => string;
  counts: SyncProgress;
  failed?: (world: World) => string[];
}

describe.each<[string, DemotionCase]>([
  [
    'turning syncing off',
    {
      mode: () => ({ kind: 'disable' }),
      counts: progress({ total: ELIGIBLE, processed: ELIGIBLE }),
    },
  ],
  [
    'turning syncing off, every batch retried',
    {
      mode: () => ({ kind: 'disable' }),
      attempts: 2,
      // The retries count again the contacts their first attempts made regular, in place of them.
      counts: progress({ total: ELIGIBLE, processed: ELIGIBLE }),
    },
  ],
  [
    'turning syncing off while DynamoDB throttles one link',
    {
      mode: () => ({ kind: 'disable' }),
      throttled: ({ customers }) => customers[1]?.accountId ?? '',
      counts: progress({ total: ELIGIBLE, processed: ELIGIBLE - 1, failed: 1 }),
      failed: ({ customers }) => [customers[1]?.accountId ?? ''],
    },
  ],
  [
    "a reconcile's sweep of two accounts it did not see",
    {
      mode: ({ jira, customers }) => {
        const unseen = new Set(customers.slice(0, 2).map((account) => account.accountId));
        const seen = jira.accounts().flatMap((account) => (unseen.has(account.accountId) ? [] : [account.accountId]));
        return { kind: 'sweep', seen: new Set(seen), since: Date.now() };
      },
      counts: progress({ unlinked: 2 }),
    },
  ],
  [
    'a sweep as of a time before the links were made (newer webhooks keep them)',
    {
      mode: () => ({ kind: 'sweep', seen: new Set(), since: 1 }),
      counts: progress({}),
    },
  ],
])('demotion batches %s', (_case, { mode, attempts = 1, throttled, counts, failed = () => [] }) => {
  let world: World;
  let batches: SyncProgress[];

  beforeAll(async () => {
    // Prepare: every eligible account is linked to its contact
    world = await startWorld();
    await syncSegment(world, { runId: 'run-before', action: 'enable' });
    const client = throttled ? throttledClientFor(world.db, throttled(world)) : undefined;
    const { links, syncedContacts } = client ? testStores(world.db, client) : world.stores;
    const deps = { links, syncedContacts, settings: world.stores.settings };
    // Act: every shard in small batches, as the workflow's Map runs them
    batches = [];
    for (let attempt = 1; attempt <= attempts; attempt += 1) {
      batches = [];
      for (let shard = 0; shard < LINK_SHARDS; shard += 1) {
        let cursor: string | null = null;
        let soFar: ShardCounts | undefined;
        do {
          const batch: Awaited<ReturnType<typeof demoteLinksBatch>> = await demoteLinksBatch(deps, {
            runId: 'run-demotion',
            shard,
            cursor,
            soFar,
            mode: mode(world),
            limit: 3,
          });
          batches.push(batch.progress);
          cursor = batch.cursor;
          soFar = batch.soFar;
        } while (cursor);
      }
    }
    client?.destroy();
  });
  afterAll(() => stopWorld(world));

  it('counts each synced contact concerned once across its batches', () => {
    // Assess
    const sum = batches.reduce(
      (total, batch) =>
        progress({
          total: total.total + batch.total,
          processed: total.processed + batch.processed,
          failed: total.failed + batch.failed,
          unlinked: total.unlinked + batch.unlinked,
        }),
      progress({}),
    );
    expect(sum).toEqual(counts);
  });

  it('stores the same counts under the run, with the contacts it could not make regular', async () => {
    // Act
    const stored = await world.stores.settings.summary('run-demotion');
    // Assess
    expect(stored.progress).toEqual(counts);
    expect(stored.failures.map((failure) => failure.accountId)).toEqual(failed(world));
  });
});

describe("a run's size, measured at its start", () => {
  let world: World;

  beforeAll(async () => {
    world = await startWorld();
  });
  afterAll(() => stopWorld(world));

  const estimate = (runId: string, action: 'enable' | 'disable' | 'reconcile') =>
    estimateRunSize(
      {
        jira: world.directory,
        countLinkedAccounts: () => world.stores.links.countLinked(),
        settings: world.stores.settings,
      },
      { runId, action },
    );

  it('is null until measured, then the records users/search lists, pages capped or not', async () => {
    // Prepare
    const before = await world.stores.settings.summary('run-size');
    // Act
    const plain = await estimate('run-size', 'enable');
    world.jira.setQuirks({ pageCap: 3 });
    const capped = await estimate('run-size-capped', 'reconcile');
    world.jira.setQuirks({ pageCap: 1000 });
    // Assess
    expect(before.estimatedTotal).toBeNull();
    expect(plain).toEqual({ source: 'users', estimate: ACCOUNTS });
    expect(capped).toEqual({ source: 'users', estimate: ACCOUNTS });
    expect((await world.stores.settings.summary('run-size')).estimatedTotal).toBe(ACCOUNTS);
  });

  it('for turning syncing off, is the number of linked accounts (a tombstone is not one)', async () => {
    // Prepare: every eligible account linked, then one of them unlinked
    await syncSegment(world, { runId: 'run-linked', action: 'enable' });
    const [gone] = world.customers;
    const link = await world.stores.links.getLink(gone?.accountId ?? '');
    const unlinked = await world.stores.links.unlinkOwnContact(gone?.accountId ?? '', {
      contactId: link?.contactId ?? '',
      eventTs: Date.now() + 1_000,
      force: true,
    });
    expect(unlinked).toBe(true);
    // Act
    const measured = await estimate('run-off', 'disable');
    // Assess
    expect(measured).toEqual({ source: 'links', estimate: ELIGIBLE - 1 });
    expect((await world.stores.settings.summary('run-off')).estimatedTotal).toBe(ELIGIBLE - 1);
  });

  it("sums each source's part; measuring a source again replaces its own part", async () => {
    // Act
    await world.stores.settings.saveEstimate('run-sources', 'users', 16);
    await world.stores.settings.saveEstimate('run-sources', 'servicedesk:1', 5);
    await world.stores.settings.saveEstimate('run-sources', 'servicedesk:1', 4);
    // Assess
    expect((await world.stores.settings.summary('run-sources')).estimatedTotal).toBe(20);
  });
});
