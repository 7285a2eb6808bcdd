import './tracing-off.js'; // before anything loads the X-Ray SDK
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { readSyncWorkflowAsl } from '../lib/sync-workflow-asl-file.js';
import { CONSUMER_BATCHING, CONSUMER_TIMEOUT_SECONDS, MAX_RECEIVE_COUNT } from '../lib/function-settings.js';
import { WEBHOOK_RESOURCE } from '../lambdas/api-routes.js';
import { resumeUnfinishedRun } from '../lambdas/domain/sync/user-sync-runs.js';
import { LocalGateway } from './api-gateway.js';
import { cursorSigningKey } from './cursor-signing-key.js';
import { deadLetterRoutes } from './dead-letter-routes.js';
import { lockDataDir } from './data-dir-lock.js';
import { DEFAULT_TABLE_NAME } from '../lambdas/adapters/dynamodb/table-schema.js';
import { configureEnvironment, verboseLogs } from './environment.js';
import { loadHandlers } from './handlers.js';
import { type JiraSimulator, startJiraSimulator } from './jira-simulator/index.js';
import { detectJiraDeployment } from '../lambdas/adapters/jira/datacenter/deployment.js';
import type { JiraDeployment } from '../lambdas/shared/jira-deployment.js';
import { LocalQueue } from './queue/index.js';
import { scheduleReconcile } from './reconcile-schedule.js';
import { type StoreAvailability, superviseEmbeddedDynamo } from './store-supervisor.js';
import { LocalStepFunctions } from './step-functions.js';
import { type SyncProgressReport, watchSyncProgress } from './sync-progress.js';
import { webhookIngestRoute } from './webhook-ingest.js';
import { startWorkerFunction } from './worker-function.js';

export type { SyncProgressReport } from './sync-progress.js';

const PROJECT_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
/** The webhook queue's folder under DATA_DIR. */
export const WEBHOOK_QUEUE_FOLDER = 'webhook-queue';

export interface LocalRuntimeOptions {
  port?: number;
  /** Where the store and the queue keep their data; `null` keeps everything in memory (tests). */
  dataDir?: string | null;
  /** Unset: the built-in Jira simulator is started and used. */
  jira?: { baseUrl: string; email: string; apiToken: string; webhookSecret: string };
  simulator?: Parameters<typeof startJiraSimulator>[0];
  /** `cloud` or `datacenter` (`JIRA_DEPLOYMENT`); unset or `auto`: asked of Jira (`/rest/api/2/serverInfo`) at start. */
  jiraDeployment?: string;
  /** Lifecycle messages, and the queue's and the workflow's lines. */
  log?: (line: string) => void;
  /** The sync's changes of state and progress, as data (unset: the sync is not watched). */
  onSyncProgress?: (progress: SyncProgressReport) => void;
  /** A module the consumer's worker loads before its handler (benchmarks count its requests with it). */
  consumerPreload?: URL;
  /** When reconcile runs: a cron expression or `off`. Default: `RECONCILE_SCHEDULE`, else daily at 03:00 UTC. */
  reconcileSchedule?: string;
  /** Consumer tuning (tests use short timeouts). */
  queue?: {
    visibilityTimeoutMs?: number;
    retryDelayMs?: number;
    batchWindowMs?: number;
    concurrency?: number;
    outageRetryDelayMs?: number;
  };
  /** The embedded store's restart attempts: the wait before each (tests use short ones). */
  storeRestartDelaysMs?: readonly number[];
  /**
   * The embedded store is gone for good (it could not be restarted): the service cannot go on.
   * `npm start` prints the reason in one line and exits non-zero. Default: the reason is logged.
   */
  onFatal?: (reason: string) => void;
}

export interface LocalRuntime {
  url: string;
  jira: { baseUrl: string; deployment: JiraDeployment; simulator?: JiraSimulator };
  queue: LocalQueue;
  stepFunctions: LocalStepFunctions;
  /** The embedded store: its child's process id now, and whether it answers. */
  store: { pid(): number; availability: StoreAvailability };
  stop(): Promise<void>;
}

/**
 * The whole service on one machine: the same handlers and state machine definition that deploy,
 * with AWS's managed services replaced by local stand-ins (dynalite for DynamoDB, a SQLite-backed queue
 * for SQS, aws-local-stepfunctions for Step Functions, an HTTP server for API Gateway).
 */
export async function startLocalRuntime(options: LocalRuntimeOptions = {}): Promise<LocalRuntime> {
  const log = options.log ?? (() => undefined);
  const dataDir = options.dataDir === undefined ? path.join(PROJECT_ROOT, '.data') : options.dataDir;
  const started: Array<() => Promise<void>> = [];
  try {
    // One owner per folder, for the whole life of the service (released last): a second service on
    // it would run a second store on the same LevelDB and a second consumer of the same queue.
    if (dataDir) {
      const lock = await lockDataDir(dataDir);
      started.push(() => lock.release());
      if (lock.takenOverFrom !== undefined)
        log(
          `[data] took DATA_DIR ${dataDir} over from process ${lock.takenOverFrom}, which had stopped without releasing it`,
        );
    }
    const dynamo = await superviseEmbeddedDynamo({
      ...(dataDir ? { path: path.join(dataDir, 'dynamodb') } : {}),
      tableName: DEFAULT_TABLE_NAME,
      log,
      ...(options.storeRestartDelaysMs ? { restartDelaysMs: options.storeRestartDelaysMs } : {}),
      onFatal: options.onFatal ?? ((reason) => log(`[store] ${reason}`)),
    });
    started.push(() => dynamo.stop());

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
    const stepFunctions = new LocalStepFunctions(readSyncWorkflowAsl(), {}, (line) => {
      if (verboseLogs() || !line.endsWith(' finished')) log(`[workflow] ${line}`);
    });
    const sfnEndpoint = await stepFunctions.listen();
    started.push(() => stepFunctions.stop());

    const cursorKey = await cursorSigningKey(dataDir);
    const deployment = await detectJiraDeployment({ baseUrl: jira.baseUrl, override: options.jiraDeployment });
    configureEnvironment({ dynamoEndpoint: dynamo.endpoint, sfnEndpoint, jira, deployment, cursorKey });
    const handlers = await loadHandlers();
    const { composition } = handlers;
    stepFunctions.bind(handlers.workflowTasks);

    const queue = await LocalQueue.open({
      dir: dataDir
        ? path.join(dataDir, WEBHOOK_QUEUE_FOLDER)
        : path.join(PROJECT_ROOT, '.data', `memory-queue-${process.pid}-${Date.now()}`),
      maxReceiveCount: MAX_RECEIVE_COUNT,
      // As deployed: up to 10 deliveries a batch, 5 batches at once (the window stays short locally).
      batchSize: CONSUMER_BATCHING.batchSize,
      concurrency: CONSUMER_BATCHING.maxConcurrency,
      functionName: 'webhook-consumer',
      // A delivery that failed because the store was down waits a visibility timeout, never toward the DLQ.
      dependency: dynamo.availability,
      log: (level, message, details) => {
        if (level !== 'info' || verboseLogs())
          log(`[queue] ${message}${details ? ` (${readableDetails(details)})` : ''}`);
      },
      ...options.queue,
    });
    // The consumer runs in a worker thread, as Lambda runs apart from API Gateway: its batches stay
    // off the event loop that answers webhook deliveries. It is the deployed handler, inside the local
    // relay that ends a deactivated account's cached logins in this thread at once.
    const consumer = await startWorkerFunction<SQSEvent, SQSBatchResponse>(
      new URL('./login-revocation-relay.ts', import.meta.url),
      'webhook-consumer',
      CONSUMER_TIMEOUT_SECONDS * 1000,
      options.consumerPreload,
      // A Jira account was deactivated or deleted: its cached logins (in this thread) end now.
      (accountId) => composition.callerAuth().revoke(accountId),
    );
    started.push(() => consumer.stop());
    queue.start((event) => consumer.invoke(event));
    started.push(() => queue.stop());

    const gateway = new LocalGateway({
      port: options.port ?? 3000,
      handlers: handlers.api,
      rawRoutes: {
        [`POST ${WEBHOOK_RESOURCE}`]: webhookIngestRoute((body, attributes) => queue.send(body, attributes)),
        ...deadLetterRoutes(queue, (authorization, access) =>
          composition.callerAuth().authorize(authorization, { level: 'admin', ...access }),
        ),
      },
      store: dynamo.availability,
      // Accepted while the store is down: the queue keeps it on disk itself, and delivers once it is back.
      storeIndependentRoutes: new Set([`POST ${WEBHOOK_RESOURCE}`]),
    });
    const url = await gateway.listen();
    started.push(() => gateway.close());
    simulator?.setWebhookTarget(`${url}${WEBHOOK_RESOURCE}`);

    const resumed = await resumeUnfinishedRun(composition.userSyncStore(), composition.workflowStarter());
    if (resumed) log(`[workflow] resuming the unfinished ${resumed} run`);
    const stopWatching = options.onSyncProgress
      ? await watchSyncProgress(composition.userSyncStore(), options.onSyncProgress)
      : () => undefined;
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
      jira: { baseUrl: jira.baseUrl, deployment, ...(simulator ? { simulator } : {}) },
      queue,
      stepFunctions,
      store: { pid: dynamo.pid, availability: dynamo.availability },
      stop: async () => {
        stopWatching();
        // Stop taking work first (gateway), then finish what was accepted (queue), then the rest: the
        // store last, so the work in flight finishes against it (its child ignores Ctrl-C for this).
        for (const stop of started.reverse()) await stop();
      },
    };
  } catch (error) {
    for (const stop of started.reverse()) await stop().catch(() => undefined);
    throw error;
  }
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

function readableDetails(details: Record<string, unknown>): string {
  return Object.entries(details)
    .map(([key, value]) => `${key}=${typeof value === 'string' ? value : JSON.stringify(value)}`)
    .join(', ');
}
