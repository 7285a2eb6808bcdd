import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Contact } from '../../lambdas/domain/contact.js';
import type { UserSyncView } from '../../lambdas/domain/sync/user-sync-runs.js';
import { buildWebhookDelivery } from '../../local/jira-simulator/index.js';
import { startTestTable } from '../helpers/dynamo.js';
import { listAll, putUserSync, waitForReconcile, waitForSyncState } from '../helpers/api.js';
import { eventually, request } from '../helpers/http.js';
import { type SpawnedService, spawnService } from '../helpers/spawn-service.js';
import { testStores } from '../helpers/stores.js';
import { postDelivery } from '../helpers/webhooks.js';

/**
 * The real service is killed (SIGKILL) in the middle of a reconcile: nothing is swept, and started
 * again on the same data, it resumes the run, which then sweeps and ends.
 */
const USERS = 1_200;
const CUSTOMERS = 400;
const GHOST = {
  accountId: '712020:00000000-0000-4000-8000-00000000dead',
  accountType: 'atlassian' as const,
  displayName: 'Ghost',
  emailAddress: 'ghost@example.com',
  active: true,
};

describe('a reconcile interrupted by a crash', () => {
  let dataDir: string;
  let running: SpawnedService | undefined;
  const env = {
    JIRA_SIMULATOR_USERS: String(USERS),
    JIRA_SIMULATOR_CUSTOMERS: String(CUSTOMERS),
    RECONCILE_SCHEDULE: 'off',
  };

  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'contact-sync-reconcile-crash-'));
  });
  afterAll(async () => {
    if (running && running.process.exitCode === null && running.process.signalCode === null) await running.kill();
    await rm(dataDir, { recursive: true, force: true });
  });

  /** The ghost's contact as stored, read straight from the data folder while the service is down. */
  async function storedGhost(): Promise<Contact | undefined> {
    const db = await startTestTable({ path: path.join(dataDir, 'dynamodb'), table: 'contact-sync' });
    try {
      return (await testStores(db).contacts.findContactsByEmail(GHOST.emailAddress, { limit: 10 })).items[0];
    } finally {
      await db.stop();
    }
  }

  it('sweeps nothing when killed, and the resumed run completes', async () => {
    // Prepare: syncing on, and a contact linked to an account Jira does not list (deleted while a
    // webhook was lost): only a completed reconcile may make it regular.
    const first = await spawnService({ dataDir, env });
    running = first;
    const admin = first.admin ?? '';
    expect((await putUserSync(first.url, admin, true)).status).toBe(202);
    await waitForSyncState(first.url, admin, 'ENABLED', 240_000);
    expect((await postDelivery(first.url, buildWebhookDelivery('user_created', GHOST))).status).toBe(202);
    await eventually(
      async () => {
        const { body } = await request<{ items: Contact[] }>(
          first.url,
          'GET',
          `/contacts?email=${GHOST.emailAddress}`,
          { auth: admin },
        );
        return body.items[0]?.jiraUser ? true : undefined;
      },
      60_000,
      'the ghost contact',
    );
    // Jira slows down: every third call waits 30 s, so the run is caught in the middle.
    const simulatorUrl = /Jira simulator at (\S+)/.exec(first.output())?.[1] ?? '';
    expect(
      (await request(simulatorUrl, 'PUT', '/simulator/rate-limit', { body: { every: 3, retryAfterSeconds: 30 } }))
        .status,
    ).toBe(200);

    // Act: start a reconcile, kill the service once it has read something, start it again
    const asked = new Date().toISOString();
    expect((await request(first.url, 'POST', '/settings/user-sync/reconcile', { auth: admin })).status).toBe(202);
    await eventually(
      async () => {
        const { body } = await request<UserSyncView>(first.url, 'GET', '/settings/user-sync', { auth: admin });
        return body.state === 'RECONCILING' && (body.progress.processed ?? 0) > 0 ? true : undefined;
      },
      120_000,
      'a reconcile under way',
    );
    await first.kill();
    const ghostAfterKill = await storedGhost();
    const second = await spawnService({ dataDir, env });
    running = second;
    const done = await waitForReconcile(second.url, admin, asked, 240_000);

    // Assess
    expect(ghostAfterKill?.jiraUser?.accountId).toBe(GHOST.accountId);
    expect(second.output()).toMatch(/resuming the unfinished reconcile run/);
    expect(done.lastReconcile).toMatchObject({
      error: null,
      progress: { unlinked: 1, created: 0, updated: 0, failed: 0 },
    });
    const contacts = await listAll<Contact>(second.url, admin, 'contacts');
    expect(contacts.find((contact) => contact.email === GHOST.emailAddress)).toMatchObject({
      tags: [],
      jiraUser: null,
    });
    expect(contacts.filter((contact) => contact.jiraUser !== null)).toHaveLength(USERS + CUSTOMERS);
    expect((await second.stop()).code).toBe(0);
  }, 600_000);
});
