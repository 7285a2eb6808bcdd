/**
 * What the embedded store (dynalite on LevelDB, in a child process) holds in memory and on disk
 * after a real sync of N accounts, or after N plain conditional puts for comparison:
 *
 *   tsx bench/store-footprint.ts --accounts 10000            # the sync, as `npm run bench` runs it
 *   tsx bench/store-footprint.ts --accounts 10000 --reconcile # then a reconcile of the same accounts
 *   tsx bench/store-footprint.ts --puts 30000                 # conditional puts only (the baseline's)
 *
 * Prints one JSON object: the store child's peak RSS (sampled) and high-water mark, and the data
 * folder's bytes (per account) while the store runs and after it closed. Not part of `npm test`.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { forEachConcurrently } from '../lambdas/domain/sync/run-pool.js';
import { CUSTOMER_SHARE, EXTRA_ACCOUNTS, syncInFlight } from './config.js';
import { DEFAULT_TABLE_NAME } from '../lambdas/adapters/dynamodb/table-schema.js';
import { startBenchStore } from './bench-store.js';
import { createPreExistingContacts } from './pre-existing-contacts.js';

const MiB = (bytes: number): number => Math.round((bytes / 1024 / 1024) * 10) / 10;

interface ChildMemory {
  rssBytes: number;
  highWaterBytes: number;
  /** Of the RSS: the process's own memory, and pages of mapped files (LevelDB maps its table files). */
  anonBytes: number;
  fileBytes: number;
}

/** VmRSS and VmHWM summed over this process's child processes (the store is the only one); Linux only. */
function childMemory(): ChildMemory {
  const memory = { rssBytes: 0, highWaterBytes: 0, anonBytes: 0, fileBytes: 0 };
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid !== process.pid) continue;
      const status = readFileSync(`/proc/${entry}/status`, 'utf8');
      memory.rssBytes += Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) * 1024;
      memory.highWaterBytes += Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0) * 1024;
      memory.anonBytes += Number(/RssAnon:\s+(\d+)/.exec(status)?.[1] ?? 0) * 1024;
      memory.fileBytes += Number(/RssFile:\s+(\d+)/.exec(status)?.[1] ?? 0) * 1024;
    } catch {
      // The process ended between the listing and the read.
    }
  }
  return memory;
}

/** Samples the store child's RSS every 250 ms until stopped. */
function storeSampler() {
  let peak = 0;
  let peakAnon = 0;
  let last: ChildMemory = { rssBytes: 0, highWaterBytes: 0, anonBytes: 0, fileBytes: 0 };
  const sample = (): void => {
    last = childMemory();
    peak = Math.max(peak, last.rssBytes);
    peakAnon = Math.max(peakAnon, last.anonBytes);
  };
  sample();
  const timer = setInterval(sample, 250);
  return {
    stop: () => {
      clearInterval(timer);
      sample();
      return {
        peakRssMiB: MiB(peak),
        highWaterMiB: MiB(last.highWaterBytes),
        endRssMiB: MiB(last.rssBytes),
        peakAnonymousMiB: MiB(peakAnon),
        endMappedFilesMiB: MiB(last.fileBytes),
      };
    },
  };
}

/** Bytes and files under `folder`, with LevelDB's table files (`.ldb`) apart. */
async function folderSize(folder: string): Promise<{ bytes: number; files: number; tableFiles: number }> {
  let bytes = 0;
  let files = 0;
  let tableFiles = 0;
  for (const entry of await readdir(folder, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile()) continue;
    bytes += (await stat(path.join(entry.parentPath, entry.name))).size;
    files += 1;
    if (entry.name.endsWith('.ldb')) tableFiles += 1;
  }
  return { bytes, files, tableFiles };
}

function diskFigures(size: { bytes: number; files: number; tableFiles: number }, accounts: number) {
  return { MiB: MiB(size.bytes), kibPerAccount: Math.round((size.bytes / 1024 / accounts) * 100) / 100, ...size };
}

/** The sync as the benchmark runs it: one contact in 20 exists beforehand, to be linked. */
async function measureSync(accounts: number, reconcile: boolean) {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'contact-sync-footprint-'));
  const storeDir = path.join(dataDir, 'dynamodb');
  const customers = Math.round(accounts * CUSTOMER_SHARE);
  const { startLocalRuntime } = await import('../local/runtime.js');
  const runtime = await startLocalRuntime({
    port: 0,
    dataDir,
    reconcileSchedule: 'off',
    simulator: { users: accounts - customers, customers, ...EXTRA_ACCOUNTS, seed: 1 },
  });
  let stopped = false;
  try {
    const simulator = runtime.jira.simulator;
    if (!simulator) throw new Error('The footprint needs the Jira simulator.');
    const composition = await import('../lambdas/composition.js');
    await createPreExistingContacts(simulator, composition.contactStore());

    const admin = { Authorization: simulator.admin.authorization, 'Content-Type': 'application/json' };
    const memory = storeSampler();
    const started = performance.now();
    const enable = await fetch(`${runtime.url}/settings/user-sync`, {
      method: 'PUT',
      headers: admin,
      body: JSON.stringify({ enabled: true }),
    });
    if (enable.status !== 202) throw new Error(`PUT /settings/user-sync answered ${enable.status}`);
    await runtime.stepFunctions.idle();
    const syncSeconds = (performance.now() - started) / 1000;
    const state = (await composition.userSyncStore().get()).state;
    const afterSync = await folderSize(storeDir);
    let reconcileSeconds: number | undefined;
    if (reconcile) {
      const reconcileStarted = performance.now();
      const asked = await fetch(`${runtime.url}/settings/user-sync/reconcile`, { method: 'POST', headers: admin });
      if (asked.status !== 202) throw new Error(`POST /settings/user-sync/reconcile answered ${asked.status}`);
      await runtime.stepFunctions.idle();
      reconcileSeconds = (performance.now() - reconcileStarted) / 1000;
    }
    const storeMemory = memory.stop();
    const running = await folderSize(storeDir);
    await runtime.stop();
    stopped = true;
    const closed = await folderSize(storeDir);
    return {
      mode: 'sync',
      accounts,
      state,
      syncSeconds: Math.round(syncSeconds * 10) / 10,
      accountsPerSecond: Math.round(accounts / syncSeconds),
      ...(reconcileSeconds !== undefined ? { reconcileSeconds: Math.round(reconcileSeconds * 10) / 10 } : {}),
      store: storeMemory,
      disk: {
        afterSync: diskFigures(afterSync, accounts),
        ...(reconcile ? { afterReconcile: diskFigures(running, accounts) } : {}),
        closed: diskFigures(closed, accounts),
      },
    };
  } finally {
    if (!stopped) await runtime.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
}

/** Conditional puts of new contacts only, 320 in flight, as the benchmark's baseline makes them. */
async function measurePuts(puts: number) {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'contact-sync-footprint-'));
  const storeDir = path.join(dataDir, 'dynamodb');
  const store = await startBenchStore(storeDir);
  let stopped = false;
  try {
    const { dynamoDocumentClient } = await import('../lambdas/adapters/dynamodb/client.js');
    const { newContactRecord } = await import('../lambdas/adapters/dynamodb/contact-items.js');
    const { PutCommand } = await import('@aws-sdk/lib-dynamodb');
    const client = dynamoDocumentClient();
    const memory = storeSampler();
    const started = performance.now();
    const indexes = Array.from({ length: puts }, (_, index) => index);
    await forEachConcurrently(indexes, syncInFlight(), async (index) => {
      const id = randomUUID();
      const record = newContactRecord({
        id,
        name: `Ada Lovelace ${index}`,
        email: `ada.lovelace.${index}@example.com`,
        phone: null,
        companyIds: [],
        tags: [],
        now: new Date().toISOString(),
      });
      await client.send(
        new PutCommand({
          TableName: DEFAULT_TABLE_NAME,
          Item: { ...record, jiraAccountId: `712020:${randomUUID()}`, jiraEventTs: Date.now() },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
    });
    const seconds = (performance.now() - started) / 1000;
    const storeMemory = memory.stop();
    const running = await folderSize(storeDir);
    await store.stop();
    stopped = true;
    const closed = await folderSize(storeDir);
    return {
      mode: 'puts',
      puts,
      seconds: Math.round(seconds * 10) / 10,
      putsPerSecond: Math.round(puts / seconds),
      store: storeMemory,
      disk: { afterPuts: diskFigures(running, puts), closed: diskFigures(closed, puts) },
    };
  } finally {
    if (!stopped) await store.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
}

const argv = process.argv.slice(2);
const flag = (name: string): string | undefined => {
  const index = argv.indexOf(name);
  return index >= 0 ? argv[index + 1] : undefined;
};
const result = flag('--puts')
  ? await measurePuts(Number(flag('--puts')))
  : await measureSync(Number(flag('--accounts') ?? 10_000), argv.includes('--reconcile'));
process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
process.exit(0);
