import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Contact } from '../../lambdas/domain/contact.js';
import type { UserSyncView } from '../../lambdas/domain/sync/user-sync-runs.js';
import { listAll, putUserSync, waitForSyncState } from '../helpers/api.js';
import { eventually, request } from '../helpers/http.js';
import { type SpawnedService, spawnService } from '../helpers/spawn-service.js';

/**
 * The real service is killed (SIGKILL) in the middle of turning syncing on; started again on the
 * same data, it resumes the run and ends with exactly one contact per account and exact counts.
 */
const USERS = 1_400;
const CUSTOMERS = 600;
const SPECIAL = 3; // apps, inactive accounts and hidden emails: 3 of each

describe('a sync run interrupted by a crash', () => {
  let dataDir: string;
  let running: SpawnedService | undefined;
  const env = { JIRA_SIMULATOR_USERS: String(USERS), JIRA_SIMULATOR_CUSTOMERS: String(CUSTOMERS) };

  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'contact-sync-resume-'));
  });
  afterAll(async () => {
    if (running && running.process.exitCode === null && running.process.signalCode === null) await running.kill();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('resumes after a restart without duplicating anything', async () => {
    // Prepare: syncing is being turned on, and some pages are done
    const first = await spawnService({ dataDir, env });
    running = first;
    const admin = first.admin ?? '';
    // A slow Jira with short pages keeps the run under way long enough to be caught in the middle.
    const simulatorUrl = /Jira simulator at (\S+)/.exec(first.output())?.[1] ?? '';
    const slow = { pageCap: 100, latencyMs: 250 };
    expect((await request(simulatorUrl, 'PUT', '/simulator/quirks', { body: slow })).status).toBe(200);
    expect((await putUserSync(first.url, admin, true)).status).toBe(202);
    const partial = await eventually(
      async () => {
        const { body } = await request<UserSyncView>(first.url, 'GET', '/settings/user-sync', { auth: admin });
        return (body.progress.processed ?? 0) > 0 && body.state === 'ENABLING' ? body : undefined;
      },
      120_000,
      'some progress',
    );

    // Act: crash, then start again on the same data
    await first.kill();
    const second = await spawnService({ dataDir, env });
    running = second;
    const done = await waitForSyncState(second.url, admin, 'ENABLED', 240_000);

    // Assess
    expect(partial.progress.processed).toBeLessThan(USERS + CUSTOMERS);
    expect(second.output()).toMatch(/resuming the unfinished enable run/);
    const { estimatedTotal: _estimate, etaSeconds: _timeLeft, ...counts } = done.progress;
    expect(counts).toEqual({
      total: USERS + CUSTOMERS + 3 * SPECIAL,
      processed: USERS + CUSTOMERS + 3 * SPECIAL,
      created: USERS + CUSTOMERS,
      linked: 0,
      skipped: 3 * SPECIAL,
      failed: 0,
      skippedBy: { hiddenEmail: SPECIAL, app: SPECIAL, inactive: SPECIAL, other: 0 },
      sources: { usersSearch: USERS + CUSTOMERS + 3 * SPECIAL, serviceDesks: 0 },
    });
    const contacts = await listAll<Contact>(second.url, admin, 'contacts');
    expect(contacts).toHaveLength(USERS + CUSTOMERS);
    expect(new Set(contacts.map((contact) => contact.jiraUser?.accountId)).size).toBe(USERS + CUSTOMERS);
    expect((await second.stop()).code).toBe(0);
  }, 420_000);
});
