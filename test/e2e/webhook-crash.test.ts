import { setUserSync } from '../helpers/api.js';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Contact } from '../../lambdas/domain/contact.js';
import { DEFAULT_WEBHOOK_SECRET, buildWebhookDelivery } from '../../local/jira-simulator/index.js';
import { eventually, request } from '../helpers/http.js';
import { type ExitResult, type SpawnedService, spawnService } from '../helpers/spawn-service.js';
import { madeUpAccount, postDelivery } from '../helpers/webhooks.js';

const BURST = 300;
const SENDERS = 20;
/** Kill once this many deliveries were accepted: well inside the burst. */
const KILL_AFTER_ACCEPTED = 90;

/** The real service (as `npm start` runs it) on `dataDir`, with the simulator administrator it printed. */
async function startService(dataDir: string): Promise<SpawnedService & { admin: string }> {
  const service = await spawnService({ dataDir, env: { POWERTOOLS_LOG_LEVEL: 'ERROR' } });
  const { admin } = service;
  if (!admin) {
    await service.kill();
    throw new Error(`The service did not print the simulator administrator:\n${service.output()}`);
  }
  return { ...service, admin };
}

describe('webhook deliveries survive a crash', () => {
  let dataDir: string;
  let first: SpawnedService | undefined;
  let second: SpawnedService | undefined;

  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'contact-sync-crash-'));
  });
  afterAll(async () => {
    await first?.kill();
    await second?.stop();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('processes every delivery answered 202 before a SIGKILL, after the restart', async () => {
    // Prepare: the real service, syncing on
    const started = await startService(dataDir);
    first = started;
    await setUserSync(started.url, started.admin, true, 60_000);
    const accounts = Array.from({ length: BURST }, (_, index) => madeUpAccount(`Crash ${index}`));

    // Act: a burst of signed deliveries, killed (no clean stop) once some were accepted
    const accepted: string[] = [];
    let next = 0;
    let killing: Promise<ExitResult> | undefined;
    const sender = async (): Promise<void> => {
      while (next < accounts.length) {
        const account = accounts[next++];
        if (!account) return;
        const delivery = buildWebhookDelivery('user_created', account, Date.now(), { secret: DEFAULT_WEBHOOK_SECRET });
        try {
          const response = await postDelivery(started.url, delivery);
          if (response.status === 202) accepted.push(account.emailAddress);
        } catch {
          // refused or cut off by the kill: not accepted, so not promised
        }
        if (!killing && accepted.length >= KILL_AFTER_ACCEPTED) killing = started.kill();
      }
    };
    await Promise.all(Array.from({ length: SENDERS }, sender));
    const exit = await killing;
    const restarted = await startService(dataDir);
    second = restarted;

    // Assess: killed mid-burst, and every accepted delivery has its one synced contact
    expect(exit?.signal).toBe('SIGKILL');
    expect(accepted.length).toBeGreaterThanOrEqual(KILL_AFTER_ACCEPTED);
    expect(accepted.length).toBeLessThan(BURST);
    const contactsOf = async (email: string) =>
      (
        await request<{ items: Contact[] }>(restarted.url, 'GET', `/contacts?email=${encodeURIComponent(email)}`, {
          auth: restarted.admin,
        })
      ).body.items;
    let missing = [...accepted];
    await eventually(
      async () => {
        const synced = await Promise.all(
          missing.map(async (email) => ((await contactsOf(email))[0]?.jiraUser ? email : undefined)),
        );
        missing = missing.filter((email) => !synced.includes(email));
        return missing.length === 0 ? true : undefined;
      },
      60_000,
      'a contact for every accepted delivery',
    );
    // One contact per account, counted by id: dynalite (the local DynamoDB) writes index entries
    // before the item, so a kill between the two can leave a stale second index entry naming the
    // same contact (a phantom row for the same id). DynamoDB keeps its indexes in step with the item.
    const contactIds = await Promise.all(
      accepted.map(async (email) => new Set((await contactsOf(email)).map((contact) => contact.id)).size),
    );
    expect(contactIds.every((count) => count === 1)).toBe(true);
  });
});
