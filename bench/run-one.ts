/**
 * One benchmark run in a fresh process (so peak RSS is this run's own), started by bench/run.ts:
 *
 *   tsx bench/run-one.ts '{"mode":"sync","accounts":10000}'
 *   tsx bench/run-one.ts '{"mode":"baseline","puts":10000,"concurrency":320}'
 *   tsx bench/run-one.ts '{"mode":"webhooks","deliveries":2000,"ratePerSecond":200}'
 *
 * Progress goes to stderr as `@progress {...}` lines; the result is the last stdout line, `@result {...}`.
 */
import '../local/tracing-off.js'; // before anything loads the X-Ray SDK
import { randomUUID } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { spawn } from 'node:child_process';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import type { Context } from 'aws-lambda';
import { DEFAULT_TABLE_NAME } from '../lambdas/adapters/dynamodb/table-schema.js';
import { startBenchStore } from './bench-store.js';
import { createPreExistingContacts } from './pre-existing-contacts.js';
import {
  CUSTOMER_SHARE,
  EXTRA_ACCOUNTS,
  PROJECT_ROOT,
  USERS_PAGE_SIZE,
  WEBHOOK_BURST_SENDERS,
  webhookEmail,
} from './config.js';
import { BroadcastChannel } from 'node:worker_threads';
import { forEachConcurrently } from '../lambdas/domain/sync/run-pool.js';
import { parseChildResult, runChild } from './child-result.js';
import { type DynamoCounts, DynamoCounter, WORKER_COUNTS_CHANNEL, addCounts } from './dynamo-counter.js';
import type { SenderConfig, SenderResult } from './webhook-sender.js';

export type RunConfig =
  /** `serviceDesks`: JSM with that many desks, its customers listed only by them (not by users/search). */
  | { mode: 'sync'; accounts: number; seed?: number; serviceDesks?: number }
  | { mode: 'baseline'; puts: number; concurrency: number }
  | { mode: 'webhooks'; deliveries: number; ratePerSecond: number };

export interface MemoryFigures {
  /** Highest RSS sampled (every 50 ms) during the measured phase, MiB. */
  peakRssMiB: number;
  /** RSS just before the measured phase, MiB. */
  startRssMiB: number;
  /** The process's high-water mark over its whole life (VmHWM / maxRSS), MiB. */
  processHighWaterMiB: number;
  /** The embedded store's child process high-water mark, MiB (undefined when not found). */
  storeHighWaterMiB?: number;
}

export interface SyncResult {
  mode: 'sync';
  accounts: number;
  seconds: number;
  accountsPerSecond: number;
  synced: number;
  progress: { total: number; processed: number; created: number; linked: number; skipped: number; failed: number };
  preExisting: number;
  state: string;
  dynamo: DynamoCounts;
  jira: Record<string, number>;
  pages: number;
  waves: number;
  /** Handler durations (ms) per task state, for Lambda GB-seconds. */
  taskMs: Record<string, number[]>;
  memory: MemoryFigures;
  /** A reconcile of the same, now unchanged, accounts, timed right after the sync in the same run. */
  reconcile?: { seconds: number; dynamo: DynamoCounts; progress: Record<string, unknown> };
}

export interface BaselineResult {
  mode: 'baseline';
  puts: number;
  concurrency: number;
  seconds: number;
  putsPerSecond: number;
  itemBytes: number;
  dynamo: DynamoCounts;
}

export interface WebhookResult {
  mode: 'webhooks';
  deliveries: number;
  ratePerSecond: number;
  paced: {
    sendSeconds: number;
    ingestMs: { p50: number; p99: number; max: number };
    statuses: Record<string, number>;
    /** From the first send until every contact is written. */
    allVisibleSeconds: number;
    /** From the last 202 until every contact is written. */
    lagAfterLastSendSeconds: number;
    /** The service process's event-loop delay while the paced deliveries ran (monitorEventLoopDelay). */
    eventLoopDelayMs: { p50: number; p99: number; max: number };
    verified: number;
  };
  burst: { deliveries: number; ingestSeconds: number; drainSeconds: number; consumerPerSecond: number };
  dynamo: DynamoCounts;
  jira: Record<string, number>;
  /** Consumer invocations (batches) and their durations, ms. */
  consumerBatchMs: number[];
  consumerRecords: number;
  memory: MemoryFigures;
}

export type RunResult = SyncResult | BaselineResult | WebhookResult;

const progress = (fields: Record<string, unknown>): void => {
  process.stderr.write(`@progress ${JSON.stringify(fields)}\n`);
};

const MiB = (bytes: number): number => Math.round((bytes / 1024 / 1024) * 10) / 10;

/** Samples RSS until stopped. */
function rssSampler(): { stop(): MemoryFigures } {
  const startRss = process.memoryUsage().rss;
  let peak = startRss;
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 50);
  return {
    stop: () => {
      clearInterval(timer);
      peak = Math.max(peak, process.memoryUsage().rss);
      const store = childHighWaterMiB();
      return {
        peakRssMiB: MiB(peak),
        startRssMiB: MiB(startRss),
        processHighWaterMiB: MiB(process.resourceUsage().maxRSS * 1024),
        ...(store !== undefined ? { storeHighWaterMiB: store } : {}),
      };
    },
  };
}

/** VmHWM of this process's children (the embedded store runs in one); Linux only. */
function childHighWaterMiB(): number | undefined {
  try {
    let total = 0;
    let found = false;
    for (const entry of readdirSync('/proc')) {
      if (!/^\d+$/.test(entry)) continue;
      let stat: string;
      try {
        stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      } catch {
        continue;
      }
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid !== process.pid) continue;
      const status = readFileSync(`/proc/${entry}/status`, 'utf8');
      const kb = Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0);
      total += kb * 1024;
      found = true;
    }
    return found ? MiB(total) : undefined;
  } catch {
    return undefined;
  }
}

async function tempDir(): Promise<string> {
  return mkdtemp(path.join(tmpdir(), 'contact-sync-bench-'));
}

type TaskFunction = (input: unknown, context: Context) => Promise<unknown>;

/** Wraps the workflow's task functions to time each call (the same functions, bound again). */
function timeTasks(stepFunctions: object): Record<string, number[]> {
  const tasks = Reflect.get(stepFunctions, 'tasks') as Record<string, TaskFunction> | undefined;
  const bind = Reflect.get(stepFunctions, 'bind') as ((tasks: Record<string, TaskFunction>) => void) | undefined;
  if (!tasks || !bind) throw new Error('LocalStepFunctions no longer exposes its tasks: update bench/run-one.ts.');
  const durations: Record<string, number[]> = {};
  const timed = Object.fromEntries(
    Object.entries(tasks).map(([state, task]) => {
      const list: number[] = [];
      durations[state] = list;
      const wrapped: TaskFunction = async (input, context) => {
        const started = performance.now();
        try {
          return await task(input, context);
        } finally {
          list.push(performance.now() - started);
        }
      };
      return [state, wrapped];
    }),
  );
  bind.call(stepFunctions, timed);
  return durations;
}

async function runSync(config: Extract<RunConfig, { mode: 'sync' }>): Promise<SyncResult> {
  const dataDir = await tempDir();
  const customers = Math.round(config.accounts * CUSTOMER_SHARE);
  const users = config.accounts - customers;
  const { startLocalRuntime } = await import('../local/runtime.js');
  const runtime = await startLocalRuntime({
    port: 0,
    dataDir,
    simulator: {
      users,
      customers,
      ...EXTRA_ACCOUNTS,
      seed: config.seed ?? 1,
      ...(config.serviceDesks
        ? { serviceDesks: config.serviceDesks, customersInUserSearch: false, jsmPageCap: 50 }
        : {}),
    },
  });
  try {
    const simulator = runtime.jira.simulator;
    if (!simulator) throw new Error('The benchmark needs the Jira simulator.');
    const { dynamoDocumentClient } = await import('../lambdas/adapters/dynamodb/client.js');
    const composition = await import('../lambdas/composition.js');
    const counter = new DynamoCounter();
    counter.attach(dynamoDocumentClient());

    // Pre-existing contacts: every PRE_EXISTING_EVERY-th account with an email, its email in other case.
    progress({ phase: 'setup', detail: 'creating contacts to link' });
    const preExisting = await createPreExistingContacts(simulator, composition.contactStore());

    const taskMs = timeTasks(runtime.stepFunctions);
    simulator.resetCallCounts();
    counter.reset();
    if (global.gc) global.gc();
    const memory = rssSampler();
    const expectedPages = Math.ceil((config.accounts + 9) / USERS_PAGE_SIZE);
    const ticker = setInterval(() => {
      const counts = counter.snapshot();
      progress({
        phase: 'sync',
        contacts: counts.contactsPut,
        pages: taskMs['Sync users segment']?.length ?? 0,
        expectedPages,
      });
    }, 1000);

    const started = performance.now();
    const enable = await fetch(`${runtime.url}/settings/user-sync`, {
      method: 'PUT',
      headers: { Authorization: simulator.admin.authorization, 'Content-Type': 'application/json' },
      body: JSON.stringify({ enabled: true }),
    });
    if (enable.status !== 202)
      throw new Error(`PUT /settings/user-sync answered ${enable.status}: ${await enable.text()}`);
    await runtime.stepFunctions.idle();
    const state = (await composition.userSyncStore().get()).state;
    const seconds = (performance.now() - started) / 1000;
    clearInterval(ticker);
    const memoryFigures = memory.stop();
    const dynamo = counter.snapshot();
    const jira = simulator.callCounts();

    const view = (await (
      await fetch(`${runtime.url}/settings/user-sync`, { headers: { Authorization: simulator.admin.authorization } })
    ).json()) as { state: string; progress: SyncResult['progress'] };
    const synced = view.progress.created + view.progress.linked;

    // Reconcile the same accounts, unchanged: it should read, and write no contact.
    progress({ phase: 'reconcile', detail: `${config.accounts} unchanged accounts` });
    counter.reset();
    const reconcileStarted = performance.now();
    const asked = await fetch(`${runtime.url}/settings/user-sync/reconcile`, {
      method: 'POST',
      headers: { Authorization: simulator.admin.authorization },
    });
    if (asked.status !== 202)
      throw new Error(`POST /settings/user-sync/reconcile answered ${asked.status}: ${await asked.text()}`);
    await runtime.stepFunctions.idle();
    const reconcileSeconds = (performance.now() - reconcileStarted) / 1000;
    const afterReconcile = (await (
      await fetch(`${runtime.url}/settings/user-sync`, { headers: { Authorization: simulator.admin.authorization } })
    ).json()) as { lastReconcile: { progress: Record<string, unknown> } | null };
    const reconcile = {
      seconds: reconcileSeconds,
      dynamo: counter.snapshot(),
      progress: afterReconcile.lastReconcile?.progress ?? {},
    };
    return {
      reconcile,
      mode: 'sync',
      accounts: config.accounts,
      seconds,
      accountsPerSecond: synced / seconds,
      synced,
      progress: view.progress,
      preExisting,
      state,
      dynamo,
      jira,
      pages: taskMs['Sync users segment']?.length ?? 0,
      waves: taskMs['Plan sync wave']?.length ?? 0,
      taskMs,
      memory: memoryFigures,
    };
  } finally {
    await runtime.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
}

async function runBaseline(config: Extract<RunConfig, { mode: 'baseline' }>): Promise<BaselineResult> {
  const dataDir = await tempDir();
  const store = await startBenchStore(path.join(dataDir, 'dynamodb'));
  try {
    // The service's own client (same settings, same socket pool), and the very item the sync writes.
    const { dynamoDocumentClient } = await import('../lambdas/adapters/dynamodb/client.js');
    const { newContactRecord } = await import('../lambdas/adapters/dynamodb/contact-items.js');
    const { PutCommand } = await import('@aws-sdk/lib-dynamodb');
    const client = dynamoDocumentClient();
    const counter = new DynamoCounter();
    counter.attach(client);
    const item = (index: number) => {
      const id = randomUUID();
      return {
        ...newContactRecord({
          id,
          name: `Ada Lovelace ${index}`,
          email: `ada.lovelace.${index}@example.com`,
          phone: null,
          companyIds: [],
          tags: [],
          now: new Date().toISOString(),
        }),
        jiraAccountId: `712020:${randomUUID()}`,
        jiraAccountType: 'atlassian',
        jiraEventTs: Date.now(),
        lastJiraAccountId: `712020:${randomUUID()}`,
      };
    };
    const itemBytes = Buffer.byteLength(JSON.stringify(item(0)), 'utf8');
    let done = 0;
    const ticker = setInterval(() => progress({ phase: 'baseline', puts: done, of: config.puts }), 1000);
    const started = performance.now();
    await forEachConcurrently(
      Array.from({ length: config.puts }, (_, index) => index),
      config.concurrency,
      async (index) => {
        await client.send(
          new PutCommand({
            TableName: DEFAULT_TABLE_NAME,
            Item: item(index),
            ConditionExpression: 'attribute_not_exists(pk)',
          }),
        );
        done += 1;
      },
    );
    const seconds = (performance.now() - started) / 1000;
    clearInterval(ticker);
    return {
      mode: 'baseline',
      puts: config.puts,
      concurrency: config.concurrency,
      seconds,
      putsPerSecond: config.puts / seconds,
      itemBytes,
      dynamo: counter.snapshot(),
    };
  } finally {
    await store.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
}

async function runWebhooks(config: Extract<RunConfig, { mode: 'webhooks' }>): Promise<WebhookResult> {
  const dataDir = await tempDir();
  const { startLocalRuntime } = await import('../local/runtime.js');
  // The consumer runs in a worker thread: count its requests there too and add them up here.
  const runtime = await startLocalRuntime({
    port: 0,
    dataDir,
    consumerPreload: new URL('./worker-counter.ts', import.meta.url),
  });
  const workerChannel = new BroadcastChannel(WORKER_COUNTS_CHANNEL);
  let workerCounts: DynamoCounts | undefined;
  workerChannel.onmessage = (message) => {
    const data = (message as { data?: unknown }).data;
    if (data && typeof data === 'object') workerCounts = data as DynamoCounts;
  };
  try {
    const simulator = runtime.jira.simulator;
    if (!simulator) throw new Error('The benchmark needs the Jira simulator.');
    const { dynamoDocumentClient } = await import('../lambdas/adapters/dynamodb/client.js');
    const mainCounter = new DynamoCounter();
    mainCounter.attach(dynamoDocumentClient());
    const counter = {
      snapshot: (): DynamoCounts =>
        workerCounts ? addCounts(mainCounter.snapshot(), workerCounts) : mainCounter.snapshot(),
      reset: (): void => {
        mainCounter.reset();
        workerCounts = undefined;
        workerChannel.postMessage('reset');
      },
    };

    // Syncing must be on for deliveries to apply.
    progress({ phase: 'setup', detail: 'enabling user sync' });
    const enable = await fetch(`${runtime.url}/settings/user-sync`, {
      method: 'PUT',
      headers: { Authorization: simulator.admin.authorization, 'Content-Type': 'application/json' },
      body: JSON.stringify({ enabled: true }),
    });
    if (enable.status !== 202) throw new Error(`PUT /settings/user-sync answered ${enable.status}`);
    await runtime.stepFunctions.idle();

    // Time the consumer's invocations: the very handler, wrapped.
    const consumerBatchMs: number[] = [];
    let consumerRecords = 0;
    const handler = Reflect.get(runtime.queue, 'handler') as
      | ((event: { Records: unknown[] }, context: Context) => Promise<unknown>)
      | undefined;
    if (!handler) throw new Error('LocalQueue no longer exposes its handler: update bench/run-one.ts.');
    Reflect.set(runtime.queue, 'handler', async (event: { Records: unknown[] }, context: Context) => {
      const started = performance.now();
      try {
        return await handler(event, context);
      } finally {
        consumerBatchMs.push(performance.now() - started);
        consumerRecords += event.Records.length;
      }
    });

    const waitForContacts = async (count: number, timeoutMs: number): Promise<void> => {
      const deadline = Date.now() + timeoutMs;
      while (counter.snapshot().contactsPut < count) {
        if (Date.now() > deadline)
          throw new Error(`Only ${counter.snapshot().contactsPut} of ${count} contacts after ${timeoutMs} ms.`);
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
    };
    const url = `${runtime.url}/webhooks/jira`;
    const epochNow = (): number => performance.timeOrigin + performance.now();

    simulator.resetCallCounts();
    counter.reset();
    const memory = rssSampler();
    const ticker = setInterval(() => progress({ phase: 'webhooks', contacts: counter.snapshot().contactsPut }), 1000);

    // Phase 1: paced deliveries from a separate process, open loop.
    const loopDelay = monitorEventLoopDelay({ resolution: 5 });
    loopDelay.enable();
    const paced = await sendWebhooks({
      url,
      deliveries: config.deliveries,
      tag: 'paced',
      ratePerSecond: config.ratePerSecond,
    });
    await waitForContacts(config.deliveries, 120_000);
    const allVisible = epochNow();
    loopDelay.disable();
    const eventLoopDelayMs = {
      p50: loopDelay.percentile(50) / 1e6,
      p99: loopDelay.percentile(99) / 1e6,
      max: loopDelay.max / 1e6,
    };
    const dynamo = counter.snapshot();
    const jira = simulator.callCounts();
    const pacedBatchMs = [...consumerBatchMs];
    const pacedRecords = consumerRecords;

    // Every contact is there, found by its email in other case (a sample of 20, through the API).
    let verified = 0;
    for (let index = 0; index < config.deliveries; index += Math.ceil(config.deliveries / 20)) {
      const email = webhookEmail('paced', index).toUpperCase();
      const response = await fetch(`${runtime.url}/contacts?email=${encodeURIComponent(email)}`, {
        headers: { Authorization: simulator.agent.authorization },
      });
      const body = (await response.json()) as { items: Array<{ jiraUser: unknown }> };
      if (body.items.length === 1 && body.items[0]?.jiraUser) verified += 1;
    }

    // Phase 2: a burst as fast as the ingest takes it: the queue backs up and the consumer runs flat out.
    const before = counter.snapshot().contactsPut;
    const burst = await sendWebhooks({
      url,
      deliveries: config.deliveries,
      tag: 'burst',
      senders: WEBHOOK_BURST_SENDERS,
    });
    if ((burst.statuses['202'] ?? 0) !== config.deliveries)
      throw new Error(`The burst was answered ${JSON.stringify(burst.statuses)}.`);
    await waitForContacts(before + config.deliveries, 300_000);
    const burstDone = epochNow();
    clearInterval(ticker);
    const drainSeconds = (burstDone - burst.startedAt) / 1000;

    return {
      mode: 'webhooks',
      deliveries: config.deliveries,
      ratePerSecond: config.ratePerSecond,
      paced: {
        sendSeconds: (paced.lastAnsweredAt - paced.startedAt) / 1000,
        ingestMs: paced.ingestMs,
        statuses: paced.statuses,
        allVisibleSeconds: (allVisible - paced.startedAt) / 1000,
        lagAfterLastSendSeconds: (allVisible - paced.lastAnsweredAt) / 1000,
        eventLoopDelayMs,
        verified,
      },
      burst: {
        deliveries: config.deliveries,
        ingestSeconds: (burst.lastAnsweredAt - burst.startedAt) / 1000,
        drainSeconds,
        consumerPerSecond: config.deliveries / drainSeconds,
      },
      dynamo,
      jira,
      consumerBatchMs: pacedBatchMs,
      consumerRecords: pacedRecords,
      memory: memory.stop(),
    };
  } finally {
    workerChannel.close();
    await runtime.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
}

/** Runs bench/webhook-sender.ts in a process of its own and returns its result. */
function sendWebhooks(config: SenderConfig): Promise<SenderResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', path.join(PROJECT_ROOT, 'bench/webhook-sender.ts'), JSON.stringify(config)],
      {
        cwd: PROJECT_ROOT,
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (stderr = `${stderr}${chunk.toString('utf8')}`.slice(-4000)));
    child.on('error', reject);
    child.on('exit', (code) => {
      const result = parseChildResult<SenderResult>(stdout);
      if (code !== 0 || !result) reject(new Error(`The webhook sender failed (exit ${code}): ${stderr}`));
      else resolve(result);
    });
  });
}

async function main(): Promise<RunResult> {
  const config = JSON.parse(process.argv[2] ?? '{}') as RunConfig;
  let result: RunResult;
  switch (config.mode) {
    case 'sync':
      result = await runSync(config);
      break;
    case 'baseline':
      result = await runBaseline(config);
      break;
    case 'webhooks':
      result = await runWebhooks(config);
      break;
    default:
      throw new Error(`Unknown run: ${process.argv[2] ?? ''}`);
  }
  return result;
}

runChild(main);
