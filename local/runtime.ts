import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { syncWorkflowAsl } from '../lib/sync-workflow-asl.js';
import { MAX_RECEIVE_COUNT } from '../lib/stateful/webhook-queue.js';
import { CONSUMER_EVENT_SOURCE, CONSUMER_TIMEOUT } from '../lib/stateless/webhook-consumer.js';
import { SYNC_TASKS, TASK_FUNCTION_TIMEOUTS } from '../lib/sync-workflow-definition.js';
import { WEBHOOK_RESOURCE } from '../lambdas/api-routes.js';
import { errorResponse } from '../lambdas/http/error-response.js';
import { DEFAULT_TABLE_NAME as TABLE_NAME } from '../lambdas/adapters/dynamodb/table-schema.js';
import { SERVICE_NAME } from '../lambdas/shared/service-identity.js';
import { lambdaContext } from './lambda-context.js';
import { LocalGateway, type ProxyHandler, type RawRoute } from './api-gateway.js';
import { type EmbeddedDynamo, ensureTable, startEmbeddedDynamo } from './dynamo-server.js';
import { type JiraSimulator, startJiraSimulator } from './jira-simulator/index.js';
import { LocalQueue } from './queue/index.js';
import { LocalStepFunctions, type TaskFunction } from './step-functions.js';
import { scheduleReconcile } from './reconcile-schedule.js';
import { webhookIngestRoute } from './webhook-ingest.js';
import { startWorkerFunction } from './worker-function.js';

const PROJECT_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
/** Local-only routes over the webhook queue's dead letters (`bin/replay-dead-letters.ts` calls the redrive). */
export const LOCAL_DEAD_LETTERS_RESOURCE = '/local/dead-letters';
/** The webhook queue's folder under DATA_DIR. */
export const WEBHOOK_QUEUE_FOLDER = 'webhook-queue';

export interface LocalRuntimeOptions {
  port?: number;
  /** Where the store and the queue keep their data; `null` keeps everything in memory (tests). */
  dataDir?: string | null;
  /** Unset: the built-in Jira simulator is started and used. */
  jira?: { baseUrl: string; email: string; apiToken: string; webhookSecret: string };
  simulator?: Parameters<typeof startJiraSimulator>[0];
  /** Progress lines and lifecycle messages. */
  log?: (line: string) => void;
  /** A module the consumer's worker loads before its handler (benchmarks count its requests with it). */
  consumerPreload?: URL;
  /** When reconcile runs: a cron expression or `off`. Default: `RECONCILE_SCHEDULE`, else daily at 03:00 UTC. */
  reconcileSchedule?: string;
  /** Consumer tuning (tests use short timeouts). */
  queue?: { visibilityTimeoutMs?: number; retryDelayMs?: number; batchWindowMs?: number; concurrency?: number };
}

export interface LocalRuntime {
  url: string;
  jira: { baseUrl: string; simulator?: JiraSimulator };
  queue: LocalQueue;
  stepFunctions: LocalStepFunctions;
  stop(): Promise<void>;
}

/**
 * The whole service on one machine: the same handlers and state machine definition that deploy,
 * with AWS's managed services replaced by local stand-ins (dynalite for DynamoDB, a journaled queue
 * for SQS, aws-local-stepfunctions for Step Functions, an HTTP server for API Gateway).
 */
export async function startLocalRuntime(options: LocalRuntimeOptions = {}): Promise<LocalRuntime> {
  const log = options.log ?? (() => undefined);
  const dataDir = options.dataDir === undefined ? path.join(PROJECT_ROOT, '.data') : options.dataDir;
  const started: Array<() => Promise<void>> = [];
  try {
    const dynamo: EmbeddedDynamo = await startEmbeddedDynamo(dataDir ? { path: path.join(dataDir, 'dynamodb') } : {});
    started.push(() => dynamo.stop());
    await ensureTable(dynamo.endpoint, TABLE_NAME);

    let simulator: JiraSimulator | undefined;
    let jira = options.jira;
    if (!jira) {
      const startedSimulator = await startSimulator(options.simulator);
      simulator = startedSimulator;
      started.push(() => startedSimulator.stop());
      jira = {
        baseUrl: simulator.url,
        email: simulator.service.email,
        apiToken: simulator.service.apiToken,
        webhookSecret: simulator.webhookSecret,
      };
    }

    // A finished execution is told by the run's finish line; a failed one is worth its own.
    const stepFunctions = new LocalStepFunctions(syncWorkflowAsl(), {}, (line) => {
      if (verboseLogs() || !line.endsWith(' finished')) log(`[workflow] ${line}`);
    });
    const sfnEndpoint = await stepFunctions.listen();
    started.push(() => stepFunctions.stop());

    const cursorKey = await cursorSigningKey(dataDir);
    configureEnvironment({ dynamoEndpoint: dynamo.endpoint, sfnEndpoint, jira, cursorKey });
    const handlers = await loadHandlers();
    stepFunctions.bind(workflowTasks(handlers));

    const queue = await LocalQueue.open({
      dir: dataDir
        ? path.join(dataDir, WEBHOOK_QUEUE_FOLDER)
        : path.join(PROJECT_ROOT, '.data', `memory-queue-${process.pid}-${Date.now()}`),
      maxReceiveCount: MAX_RECEIVE_COUNT,
      // As deployed: up to 10 deliveries a batch, 5 batches at once (the window stays short locally).
      batchSize: CONSUMER_EVENT_SOURCE.batchSize,
      concurrency: CONSUMER_EVENT_SOURCE.maxConcurrency,
      functionName: 'webhook-consumer',
      log: (level, message, details) => {
        if (level !== 'info' || verboseLogs())
          log(`[queue] ${message}${details ? ` (${readableDetails(details)})` : ''}`);
      },
      ...options.queue,
    });
    // The consumer runs in a worker thread, as Lambda runs apart from API Gateway: its batches stay
    // off the event loop that answers webhook deliveries.
    const consumer = await startWorkerFunction<SQSEvent, SQSBatchResponse>(
      new URL('../lambdas/handlers/webhook-consumer.ts', import.meta.url),
      'webhook-consumer',
      CONSUMER_TIMEOUT.toMilliseconds(),
      options.consumerPreload,
      (accountId) => handlers.revokeLogins(accountId),
    );
    started.push(() => consumer.stop());
    queue.start((event) => consumer.invoke(event));
    started.push(() => queue.stop());

    const gateway = new LocalGateway({
      port: options.port ?? 3000,
      handlers: {
        health: handlers.health,
        contactsApi: handlers.contactsApi,
        companiesApi: handlers.companiesApi,
        userSyncSettings: handlers.userSyncSettings,
      },
      rawRoutes: {
        [`POST ${WEBHOOK_RESOURCE}`]: webhookIngestRoute((body, attributes) => queue.send(body, attributes)),
        // Local only (on AWS, `npm run replay-dead-letters` starts an SQS message move task instead).
        // Jira administrators only, like the toggle: every route but /health and the webhook needs a login.
        [`GET ${LOCAL_DEAD_LETTERS_RESOURCE}`]: handlers.adminOnly(
          { resource: LOCAL_DEAD_LETTERS_RESOURCE, change: false },
          async () => ({
            statusCode: 200,
            body: { items: queue.deadLetters() },
          }),
        ),
        [`POST ${LOCAL_DEAD_LETTERS_RESOURCE}/redrive`]: handlers.adminOnly(
          { resource: `${LOCAL_DEAD_LETTERS_RESOURCE}/redrive`, change: true },
          async () => ({
            statusCode: 200,
            body: { moved: await queue.redriveDeadLetters() },
          }),
        ),
      },
    });
    const url = await gateway.listen();
    started.push(() => gateway.close());
    simulator?.setWebhookTarget(`${url}${WEBHOOK_RESOURCE}`);

    const resumed = await handlers.resumeUnfinishedRun();
    if (resumed) log(`[workflow] resuming the unfinished ${resumed} run`);
    const stopProgress = await reportProgress({ state: handlers.syncState, line: handlers.progressLine }, log);
    // As EventBridge Scheduler does on AWS: the state machine starts with only the action.
    const schedule = scheduleReconcile(
      options.reconcileSchedule ?? process.env.RECONCILE_SCHEDULE,
      async () => void stepFunctions.start(`scheduled-reconcile-${Date.now()}`, { action: 'reconcile' }),
      log,
    );
    started.push(async () => schedule.stop());
    if (schedule.next) log(`[reconcile] next scheduled reconcile: ${schedule.next.toISOString()} (RECONCILE_SCHEDULE)`);

    return {
      url,
      jira: { baseUrl: jira.baseUrl, ...(simulator ? { simulator } : {}) },
      queue,
      stepFunctions,
      stop: async () => {
        stopProgress();
        // Stop taking work first (gateway), then finish what was accepted (queue), then the rest.
        for (const stop of started.reverse()) await stop();
      },
    };
  } catch (error) {
    for (const stop of started.reverse()) await stop().catch(() => undefined);
    throw error;
  }
}

/**
 * The key that signs paging cursors, kept in the data folder (as the stack keeps it in a secret),
 * so cursors stay valid across restarts; made at the first start. In memory without a data folder.
 */
async function cursorSigningKey(dataDir: string | null): Promise<string> {
  if (!dataDir) return randomBytes(32).toString('hex');
  const file = path.join(dataDir, 'cursor-signing-key');
  try {
    return (await readFile(file, 'utf8')).trim();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const key = randomBytes(32).toString('hex');
  await mkdir(dataDir, { recursive: true });
  // `wx`: two starts racing on a new folder keep the first key.
  await writeFile(file, key, { mode: 0o600, flag: 'wx' }).catch((error: NodeJS.ErrnoException) => {
    if (error.code !== 'EEXIST') throw error;
  });
  return (await readFile(file, 'utf8')).trim();
}

/** The simulator on the port asked for, or on any free port if that one is taken. */
async function startSimulator(options: Parameters<typeof startJiraSimulator>[0]): Promise<JiraSimulator> {
  try {
    return await startJiraSimulator(options);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE' || !options?.port) throw error;
    return startJiraSimulator({ ...options, port: 0 });
  }
}

function configureEnvironment(settings: {
  dynamoEndpoint: string;
  sfnEndpoint: string;
  jira: { baseUrl: string; email: string; apiToken: string; webhookSecret: string };
  cursorKey: string;
}): void {
  Object.assign(process.env, {
    AWS_REGION: process.env.AWS_REGION ?? 'us-east-1',
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
    AWS_ENDPOINT_URL_DYNAMODB: settings.dynamoEndpoint,
    AWS_ENDPOINT_URL_SFN: settings.sfnEndpoint,
    TABLE_NAME,
    STATE_MACHINE_ARN: 'arn:aws:states:us-east-1:000000000000:stateMachine:contact-sync-local',
    JIRA_BASE_URL: settings.jira.baseUrl,
    JIRA_USER_EMAIL: settings.jira.email,
    JIRA_API_TOKEN: settings.jira.apiToken,
    JIRA_WEBHOOK_SECRET: settings.jira.webhookSecret,
    CURSOR_SIGNING_KEY: settings.cursorKey,
    MAX_RECEIVE_COUNT: String(MAX_RECEIVE_COUNT),
    POWERTOOLS_SERVICE_NAME: SERVICE_NAME,
    // No X-Ray here: Powertools Tracer stays off (and then says nothing about a missing trace context).
    POWERTOOLS_TRACE_ENABLED: 'false',
    POWERTOOLS_LOG_LEVEL: process.env.POWERTOOLS_LOG_LEVEL || process.env.LOG_LEVEL || 'WARN',
    // One readable line per entry on the console, unless full structured logs are asked for.
    CONTACT_SYNC_READABLE_LOGS: String(!verboseLogs()),
    POWERTOOLS_METRICS_DISABLED: process.env.POWERTOOLS_METRICS_DISABLED ?? 'true',
  });
}

/** Imported only after the environment is set: handler modules build their clients from it. */
async function loadHandlers() {
  // One after another: concurrent dynamic imports of shared modules trip jest's ESM loader.
  const health = await import('../lambdas/handlers/health.js');
  const contacts = await import('../lambdas/handlers/contacts-api.js');
  const companies = await import('../lambdas/handlers/companies-api.js');
  const settings = await import('../lambdas/handlers/user-sync-settings.js');
  const planWave = await import('../lambdas/handlers/sync-plan-wave.js');
  const syncPage = await import('../lambdas/handlers/sync-users-page.js');
  const continueRun = await import('../lambdas/handlers/continue-sync-run.js');
  const beginScheduled = await import('../lambdas/handlers/begin-scheduled-run.js');
  const demote = await import('../lambdas/handlers/demote-links-batch.js');
  const finish = await import('../lambdas/handlers/finish-sync-run.js');
  const toggle = await import('../lambdas/domain/sync/user-sync-toggle.js');
  const deps = await import('../lambdas/shared/dependencies.js');
  const proxy = (handler: unknown) => handler as ProxyHandler;
  const task = (handler: unknown) => handler as (input: unknown, context: Context) => Promise<unknown>;
  return {
    health: proxy(health.handler),
    contactsApi: proxy(contacts.handler),
    companiesApi: proxy(companies.handler),
    userSyncSettings: proxy(settings.handler),
    planWave: task(planWave.handler),
    syncUsersPage: task(syncPage.handler),
    continueSyncRun: task(continueRun.handler),
    beginScheduledRun: task(beginScheduled.handler),
    demoteLinksBatch: task(demote.handler),
    finishSyncRun: task(finish.handler),
    /** A run that a stop interrupted goes on where it was: every step is idempotent. */
    resumeUnfinishedRun: async (): Promise<string | undefined> => {
      const store = deps.dependencies.userSync();
      const unfinished = toggle.unfinishedRun(await store.get());
      if (!unfinished) return undefined;
      await toggle.resume(store, deps.dependencies.workflow(), unfinished.action, unfinished.runId);
      return unfinished.action;
    },
    /** A Jira account was deactivated or deleted: its cached logins end now (the consumer runs in a worker). */
    revokeLogins: (accountId: string): void => deps.dependencies.callerAuth().revoke(accountId),
    /** Guards a local-only route with the same Jira admin check the API handlers use. */
    adminOnly:
      (access: { resource: string; change: boolean }, route: RawRoute): RawRoute =>
      async (request) => {
        try {
          await deps.dependencies.callerAuth().authorize(request.headers.authorization, { level: 'admin', ...access });
        } catch (error) {
          const response = errorResponse(error);
          return { statusCode: response.statusCode, body: JSON.parse(response.body) as unknown };
        }
        return route(request);
      },
    syncState: async (): Promise<string> => (await deps.dependencies.userSync().get()).state,
    progressLine: async (): Promise<{ state: string; line: string }> => {
      const view = await toggle.describeUserSync(deps.dependencies.userSync());
      const {
        total = 0,
        processed = 0,
        created = 0,
        linked = 0,
        skipped = 0,
        failed = 0,
        updated,
        unlinked,
      } = view.progress;
      const repaired = updated === undefined ? '' : `, ${updated} updated, ${unlinked ?? 0} unlinked`;
      return {
        state: view.state,
        line: `[user sync] ${view.state}: ${processed}/${total} accounts processed, ${created} created, ${linked} linked${repaired}, ${skipped} skipped, ${failed} failed${view.error ? ` (${view.error})` : ''}`,
      };
    },
  };
}

function workflowTasks(handlers: Awaited<ReturnType<typeof loadHandlers>>): Record<string, TaskFunction> {
  // Each task sees the remaining time its deployed function would have, so its Jira calls end in time.
  const asDeployed =
    (name: keyof typeof TASK_FUNCTION_TIMEOUTS, handler: TaskFunction): TaskFunction =>
    (input) =>
      handler(input, lambdaContext(name, TASK_FUNCTION_TIMEOUTS[name].toMilliseconds()));
  return {
    [SYNC_TASKS.planWave]: asDeployed('planWave', handlers.planWave),
    [SYNC_TASKS.syncUsersPage]: asDeployed('syncUsersPage', handlers.syncUsersPage),
    [SYNC_TASKS.continueSyncRun]: asDeployed('continueSyncRun', handlers.continueSyncRun),
    [SYNC_TASKS.beginScheduledRun]: asDeployed('beginScheduledRun', handlers.beginScheduledRun),
    [SYNC_TASKS.demoteLinksBatch]: asDeployed('demoteLinksBatch', handlers.demoteLinksBatch),
    [SYNC_TASKS.finishSyncRun]: asDeployed('finishSyncRun', handlers.finishSyncRun),
    [SYNC_TASKS.recordFailure]: asDeployed('finishSyncRun', handlers.finishSyncRun),
  };
}

/** `LOG_LEVEL=debug` (or `POWERTOOLS_LOG_LEVEL`) brings back Powertools' full JSON entries and every queue and workflow line. */
function verboseLogs(): boolean {
  const level = (process.env.POWERTOOLS_LOG_LEVEL || process.env.LOG_LEVEL || '').toUpperCase();
  return level === 'DEBUG' || level === 'TRACE';
}

function readableDetails(details: Record<string, unknown>): string {
  return Object.entries(details)
    .map(([key, value]) => `${key}=${typeof value === 'string' ? value : JSON.stringify(value)}`)
    .join(', ');
}

const RUNNING_STATES = new Set(['ENABLING', 'DISABLING', 'RECONCILING']);

/**
 * The sync on the console: one line per change of state, a progress line every two seconds while
 * a change runs, and one line with its counts and time taken when it ends.
 */
async function reportProgress(
  progress: { state: () => Promise<string>; line: () => Promise<{ state: string; line: string }> },
  log: (line: string) => void,
): Promise<() => void> {
  let lastState: string | undefined;
  let lastLine = '';
  let runStartedAt = Date.now();
  let lastPrintedAt = 0;
  let sampling = false;
  const sample = async (): Promise<void> => {
    if (sampling) return;
    sampling = true;
    try {
      // The state is one read; the counts (every part of the run) are read only when a line is due.
      const state = await progress.state();
      const now = Date.now();
      const changed = lastState !== undefined && state !== lastState;
      const due = RUNNING_STATES.has(state) && now - lastPrintedAt >= 2000;
      if (changed || due || lastState === undefined) {
        const { line } = await progress.line();
        if (changed) {
          log(`[user sync] ${lastState} -> ${state}`);
          if (RUNNING_STATES.has(state)) runStartedAt = now;
          else if (RUNNING_STATES.has(lastState ?? ''))
            log(
              `${line.replace(/^\[user sync\] \w+:/, `[user sync] finished ${state} in ${((now - runStartedAt) / 1000).toFixed(1)} s:`)}`,
            );
        } else if (due && line !== lastLine) {
          log(line);
          lastPrintedAt = now;
        }
        lastLine = line;
      }
      lastState = state;
    } catch {
      // The store is stopping or busy: the next sample tells.
    } finally {
      sampling = false;
    }
  };
  // The state at start is known before the service takes requests, so the first change is told too.
  await sample();
  // Sampled often so a short run still shows its start and end; progress printed every two seconds.
  const timer = setInterval(() => void sample(), 250);
  timer.unref();
  return () => clearInterval(timer);
}

export type { APIGatewayProxyEvent, APIGatewayProxyResult };
