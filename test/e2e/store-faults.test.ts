import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Contact } from '../../lambdas/domain/contact.js';
import { DATA_DIR_LOCK_FILE } from '../../local/data-dir-lock.js';
import { DEFAULT_WEBHOOK_SECRET, buildWebhookDelivery } from '../../local/jira-simulator/index.js';
import { setUserSync } from '../helpers/api.js';
import { eventually, request } from '../helpers/http.js';
import {
  type ExitResult,
  type SpawnedService,
  descendantProcesses,
  listeningPorts,
  runServiceToExit,
  spawnService,
} from '../helpers/spawn-service.js';
import { type MadeUpAccount, madeUpAccount, postDelivery } from '../helpers/webhooks.js';

const BURST = 120;
const SENDERS = 10;
/** The fault comes once this many deliveries of a burst were accepted: well inside it. */
const FAULT_AFTER_ACCEPTED = 40;
const APPLIED_WITHIN_MS = 120_000;
/** Deliveries that failed in the outage wait before their retry: the visibility timeout (30 s) by default, 2 s here. */
const ENV = { POWERTOOLS_LOG_LEVEL: 'ERROR', LOCAL_OUTAGE_RETRY_MS: '2000' };
/** Eight restart attempts, about a second in all (15 s by default), for the store that cannot come back. */
const SHORT_RESTARTS = { ...ENV, LOCAL_STORE_RESTART_DELAYS_MS: '100,100,100,100,150,150,150,150' };
/** Longer than the short restarts take, on a loaded machine too. */
const OUT_OF_REACH_MS = 8_000;
/**
 * How long the killed store's data is out of reach: its restart fails until then, so the outage
 * lasts over ten seconds, longer than SQS-style retries (5 receives, 0.5 s doubling) would last.
 */
const DATA_HIDDEN_MS = 10_000;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function startService(dataDir: string, env = ENV): Promise<SpawnedService & { admin: string }> {
  const service = await spawnService({ dataDir, env });
  const { admin } = service;
  if (!admin) {
    await service.kill();
    throw new Error(`The service did not print the simulator administrator:\n${service.output()}`);
  }
  return { ...service, admin };
}

async function postUserCreated(url: string, account: MadeUpAccount): Promise<number | 'refused'> {
  const delivery = buildWebhookDelivery('user_created', account, Date.now(), { secret: DEFAULT_WEBHOOK_SECRET });
  try {
    return (await postDelivery(url, delivery)).status;
  } catch {
    return 'refused'; // the connection was refused or cut: not accepted, so not promised
  }
}

/** BURST signed deliveries of fresh accounts from SENDERS at once; `afterEach` sees how many were accepted so far. */
async function burst(
  url: string,
  label: string,
  afterEach: (acceptedSoFar: number) => void,
): Promise<{ accepted: MadeUpAccount[]; answers: Array<number | 'refused'> }> {
  const accounts = Array.from({ length: BURST }, (_, index) => madeUpAccount(`${label} ${index}`));
  const accepted: MadeUpAccount[] = [];
  const answers: Array<number | 'refused'> = [];
  let next = 0;
  const sender = async (): Promise<void> => {
    for (let account = accounts[next++]; account; account = accounts[next++]) {
      const answer = await postUserCreated(url, account);
      answers.push(answer);
      if (answer === 202) accepted.push(account);
      afterEach(accepted.length);
    }
  };
  await Promise.all(Array.from({ length: SENDERS }, sender));
  return { accepted, answers };
}

async function contactsOf(service: SpawnedService & { admin: string }, email: string): Promise<Contact[]> {
  const response = await request<{ items: Contact[] }>(
    service.url,
    'GET',
    `/contacts?email=${encodeURIComponent(email)}`,
    { auth: service.admin },
  );
  if (response.status !== 200) throw new Error(`GET /contacts?email= answered ${response.status}`);
  return response.body.items;
}

/** Waits until every account has its synced contact, and answers how many distinct contacts each has. */
async function appliedEverywhere(
  service: SpawnedService & { admin: string },
  accounts: MadeUpAccount[],
): Promise<number[]> {
  let missing = accounts.map((account) => account.emailAddress);
  await eventually(
    async () => {
      const synced = await Promise.all(
        missing.map(async (email) => ((await contactsOf(service, email))[0]?.jiraUser ? email : undefined)),
      );
      missing = missing.filter((email) => !synced.includes(email));
      return missing.length === 0 ? true : undefined;
    },
    APPLIED_WITHIN_MS,
    'a synced contact for every accepted delivery',
  );
  // Counted by id: dynalite writes index entries and the item apart (see local/dynamo-server.ts).
  return Promise.all(
    accounts.map(
      async (account) => new Set((await contactsOf(service, account.emailAddress)).map((contact) => contact.id)).size,
    ),
  );
}

async function deadLetters(service: SpawnedService & { admin: string }): Promise<unknown[]> {
  const response = await request<{ items: unknown[] }>(service.url, 'GET', '/local/dead-letters', {
    auth: service.admin,
  });
  expect(response.status).toBe(200);
  return response.body.items;
}

/** The service's process and every process under it (the store's child). */
async function serviceProcessIds(service: SpawnedService): Promise<number[]> {
  const pid = service.process.pid ?? 0;
  return [pid, ...(await descendantProcesses(pid)).map((child) => child.pid)];
}

/** The store's child process under the service, and the port it listens on. */
async function storeChild(service: SpawnedService): Promise<{ pid: number; port: number }> {
  const pid = service.process.pid ?? 0;
  const children = await descendantProcesses(pid);
  const store = children.find((child) => child.args.includes('dynamo-child.ts'));
  if (!store) throw new Error(`No dynalite child under ${pid}: ${JSON.stringify(children)}`);
  const [port] = await listeningPorts(store.pid);
  if (port === undefined) throw new Error(`The dynalite child ${store.pid} listens on no port.`);
  return { pid: store.pid, port };
}

/**
 * Kills the store's child and puts a file where its data folder was (the folder moved aside), so the
 * service cannot restart it for `holdMs`; then puts the folder back, and resolves.
 */
async function killStoreAndHideItsData(storePid: number, dataDir: string, holdMs: number): Promise<void> {
  const folder = path.join(dataDir, 'dynamodb');
  const aside = path.join(dataDir, 'dynamodb.aside');
  process.kill(storePid, 'SIGKILL');
  // The service waits 100 ms before its first restart: this takes a millisecond.
  await rename(folder, aside);
  await writeFile(folder, 'not a folder');
  await sleep(holdMs);
  await rm(folder);
  await rename(aside, folder);
}

const exitOf = (service: SpawnedService): Promise<ExitResult> =>
  service.process.exitCode !== null || service.process.signalCode !== null
    ? Promise.resolve({ code: service.process.exitCode, signal: service.process.signalCode })
    : new Promise((resolve) => service.process.once('exit', (code, signal) => resolve({ code, signal })));

interface Answer {
  status: number;
  code?: string;
  retryAfter: string | null;
}

/** Asks /health and an API route over and over (about every 20 ms) until stopped. */
function watchAnswers(service: SpawnedService & { admin: string }) {
  const health: Answer[] = [];
  const api: Answer[] = [];
  let watching = true;
  const read = async (route: string, auth?: string): Promise<Answer> => {
    const response = await request<{ error?: { code?: string } }>(service.url, 'GET', route, auth ? { auth } : {});
    return {
      status: response.status,
      ...(response.body?.error?.code ? { code: response.body.error.code } : {}),
      retryAfter: response.headers.get('retry-after'),
    };
  };
  const loop = (async () => {
    while (watching) {
      const [healthAnswer, apiAnswer] = await Promise.all([read('/health'), read('/contacts?limit=1', service.admin)]);
      health.push(healthAnswer);
      api.push(apiAnswer);
      await sleep(20);
    }
  })();
  return {
    health,
    api,
    stop: async () => {
      watching = false;
      await loop;
    },
  };
}

describe('the embedded store under faults, and one DATA_DIR per service', () => {
  let dataDir: string;
  let lockFile: string;
  let service: (SpawnedService & { admin: string }) | undefined;

  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'contact-sync-faults-'));
    lockFile = path.join(dataDir, DATA_DIR_LOCK_FILE);
  });
  afterAll(async () => {
    if (service && service.process.exitCode === null && service.process.signalCode === null) await service.kill();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('refuses a second instance on the same DATA_DIR while the first keeps accepting and applying', async () => {
    // Prepare: the service, syncing on
    const first = await startService(dataDir);
    service = first;
    await setUserSync(first.url, first.admin, true, 60_000);
    const owner = Number.parseInt(await readFile(lockFile, 'utf8'), 10);

    // Act: a second `npm start` on the same folder, while deliveries keep coming to the first
    let refusal: (ExitResult & { output: string }) | undefined;
    const refusing = runServiceToExit({ dataDir, env: ENV }).then((result) => {
      refusal = result;
    });
    const accepted: MadeUpAccount[] = [];
    const answers: Array<number | 'refused'> = [];
    const sendOne = async () => {
      const account = madeUpAccount('Shared folder');
      const answer = await postUserCreated(first.url, account);
      answers.push(answer);
      if (answer === 202) accepted.push(account);
    };
    while (!refusal) {
      await sendOne();
      await sleep(50);
    }
    await refusing;
    for (let index = 0; index < 5; index += 1) await sendOne();
    const contactsPerAccount = await appliedEverywhere(first, accepted);

    // Assess: refused at once with the owner's pid; the owner untouched, every delivery applied
    expect(refusal.code).not.toBe(0);
    expect(refusal.code).not.toBeNull();
    expect(refusal.output).toContain(`DATA_DIR ${dataDir} is in use by process ${owner}`);
    expect(refusal.output).not.toMatch(/listening on/);
    expect(await serviceProcessIds(first)).toContain(owner);
    expect(Number.parseInt(await readFile(lockFile, 'utf8'), 10)).toBe(owner);
    expect(answers.every((answer) => answer === 202)).toBe(true);
    expect(accepted.length).toBeGreaterThan(5);
    expect(contactsPerAccount.every((count) => count === 1)).toBe(true);
    expect(await deadLetters(first)).toEqual([]);
  }, 180_000);

  it('restarts a SIGKILLed store: 503 meanwhile, nothing accepted lost or dead-lettered', async () => {
    // Prepare
    const running = service;
    if (!running) throw new Error('The first test did not start the service.');
    const killed = await storeChild(running);
    const answers = watchAnswers(running);

    // Act: a burst of deliveries, the store's child killed inside it, its data out of reach for a while
    let held: Promise<void> | undefined;
    const sent = await burst(running.url, 'Store killed', (acceptedSoFar) => {
      if (!held && acceptedSoFar >= FAULT_AFTER_ACCEPTED)
        held = killStoreAndHideItsData(killed.pid, dataDir, DATA_HIDDEN_MS);
    });
    await held;
    await eventually(
      async () => {
        const statuses = answers.health.map((answer) => answer.status);
        const down = statuses.indexOf(503);
        return down >= 0 && statuses.slice(down).includes(200) ? true : undefined;
      },
      30_000,
      '/health to say 503 and then 200 again',
    );
    await answers.stop();
    const contactsPerAccount = await appliedEverywhere(running, sent.accepted);
    const restarted = await storeChild(running);

    // Assess: every delivery accepted, all applied once each, none dead-lettered
    expect(held).toBeDefined();
    expect(sent.answers.every((answer) => answer === 202)).toBe(true);
    expect(sent.accepted).toHaveLength(BURST);
    expect(contactsPerAccount.every((count) => count === 1)).toBe(true);
    expect(await deadLetters(running)).toEqual([]);
    // Health said the store was down, in the contract's body; no API answer was a bare 500
    const down = answers.health.filter((answer) => answer.status === 503);
    expect(down.length).toBeGreaterThan(0);
    expect(down.every((answer) => answer.code === 'STORE_UNAVAILABLE' && answer.retryAfter !== null)).toBe(true);
    expect(answers.health.at(-1)?.status).toBe(200);
    expect(answers.api.every((answer) => answer.status === 200 || answer.status === 503)).toBe(true);
    expect(
      answers.api
        .filter((answer) => answer.status === 503)
        .every((answer) => answer.code === 'STORE_UNAVAILABLE' && answer.retryAfter !== null),
    ).toBe(true);
    // A new child, on the same data and port
    expect(restarted.pid).not.toBe(killed.pid);
    expect(restarted.port).toBe(killed.port);
    expect(running.output()).toMatch(/\[store\] the embedded store \(dynalite, pid \d+\) was killed by SIGKILL/);
    expect(running.output()).toMatch(/\[store\] the embedded store is back/);
  }, 180_000);

  it('finishes the work in flight on SIGINT to the process group; the next start takes a stale lock over', async () => {
    // Prepare
    const running = service;
    if (!running) throw new Error('The first test did not start the service.');
    const exited = exitOf(running);

    // Act: Ctrl-C (SIGINT to the whole process group, the store's child included) inside a burst
    let interrupted = false;
    const sent = await burst(running.url, 'Interrupted', (acceptedSoFar) => {
      if (!interrupted && acceptedSoFar >= FAULT_AFTER_ACCEPTED) {
        interrupted = true;
        process.kill(-(running.process.pid ?? 0), 'SIGINT');
      }
    });
    const exit = await exited;
    const lockAfterStop = await readFile(lockFile, 'utf8').catch((error: NodeJS.ErrnoException) => error.code);
    // A lock left by a process that is gone (as after a crash of the machine)
    const deadPid = spawnSync(process.execPath, ['-e', '']).pid;
    await writeFile(lockFile, `${deadPid}\n`);
    // Started with short restart attempts, for the last test's store that cannot come back
    const restarted = await startService(dataDir, SHORT_RESTARTS);
    service = restarted;
    const contactsPerAccount = await appliedEverywhere(restarted, sent.accepted);
    const owner = Number.parseInt(await readFile(lockFile, 'utf8'), 10);
    const ownerProcesses = await serviceProcessIds(restarted);
    const letters = await deadLetters(restarted);

    // Assess: a clean stop with the store alive to the end, everything accepted applied after the restart
    expect(interrupted).toBe(true);
    expect(exit).toEqual({ code: 0, signal: null });
    const afterSignal = running.output().split('SIGINT: finishing accepted work, then stopping')[1];
    expect(afterSignal).toBeDefined();
    expect(afterSignal).not.toMatch(/\[store\]/);
    expect(lockAfterStop).toBe('ENOENT');
    expect(sent.accepted.length).toBeGreaterThanOrEqual(FAULT_AFTER_ACCEPTED);
    expect(contactsPerAccount.every((count) => count === 1)).toBe(true);
    expect(letters).toEqual([]);
    // The stale lock was taken over, and said so
    expect(restarted.output()).toContain(`took DATA_DIR ${dataDir} over from process ${deadPid}`);
    expect(owner).not.toBe(deadPid);
    expect(ownerProcesses).toContain(owner);
  }, 180_000);

  it('exits non-zero, with one line that says why, when the store cannot be restarted', async () => {
    // Prepare
    const running = service;
    if (!running) throw new Error('The previous test did not start the service.');
    const exited = exitOf(running);
    const store = await storeChild(running);

    // Act: the store's child killed and its data out of reach for longer than the service tries to restart it
    const [exit] = await Promise.all([exited, killStoreAndHideItsData(store.pid, dataDir, OUT_OF_REACH_MS)]);
    const lockAfterExit = await readFile(lockFile, 'utf8').catch((error: NodeJS.ErrnoException) => error.code);

    // Assess: code 1, the reason in one line, the folder free again
    expect(exit).toEqual({ code: 1, signal: null });
    const reasons = running
      .output()
      .split('\n')
      .filter((line) => line.startsWith('Contact Sync stopped:'));
    expect(reasons).toHaveLength(1);
    expect(reasons[0]).toMatch(/was killed by SIGKILL and could not be restarted on .*dynamodb \(8 attempts\): /);
    expect(lockAfterExit).toBe('ENOENT');
  }, 120_000);
});
