/**
 * `npm start`: the whole service on this machine, without AWS. See README "Run it locally".
 */
import '../local/tracing-off.js'; // before anything loads the X-Ray SDK
import path from 'node:path';
import type { UserSyncView } from '../lambdas/domain/sync/user-sync-runs.js';
import { DataDirInUseError } from '../local/data-dir-lock.js';
import { UnknownJiraDeploymentError } from '../lambdas/adapters/jira/datacenter/deployment.js';
import { type SyncProgressReport, startLocalRuntime } from '../local/runtime.js';

const log = (line: string) => process.stdout.write(`${line}\n`);

/** `79/79 accounts processed, 70 created, 9 linked, 0 skipped, 0 failed`, a reconcile's repairs, the error. */
function syncCounts(view: UserSyncView): string {
  const {
    total = 0,
    processed = 0,
    created = 0,
    linked = 0,
    skipped = 0,
    failed = 0,
    updated,
    unlinked,
    sources,
  } = view.progress;
  const fromDesks = sources?.serviceDesks ? ` (${sources.serviceDesks} only from service desks)` : '';
  const repaired = updated === undefined ? '' : `, ${updated} updated, ${unlinked ?? 0} unlinked`;
  const error = view.error ? ` (${view.error})` : '';
  return (
    `${processed}/${total} accounts processed${fromDesks}, ${created} created, ${linked} linked${repaired}, ` +
    `${skipped} skipped, ${failed} failed${error}`
  );
}

/** The sync on the console: a line per change of state, a progress line while a run goes on, one when it ends. */
function syncProgressLine(progress: SyncProgressReport): string {
  switch (progress.kind) {
    case 'state-changed':
      return `[user sync] ${progress.from} -> ${progress.to}`;
    case 'progress':
      return `[user sync] ${progress.view.state}: ${syncCounts(progress.view)}`;
    case 'finished':
      return (
        `[user sync] finished ${progress.state} in ${(progress.tookMs / 1000).toFixed(1)} s: ` +
        syncCounts(progress.view)
      );
  }
}

/** A configuration mistake: said plainly, no stack trace. */
function fail(reason: string): never {
  process.stderr.write(`Contact Sync could not start: ${reason}\n`);
  process.exit(1);
}

function jiraFromEnvironment() {
  const baseUrl = process.env.JIRA_BASE_URL;
  if (!baseUrl) return undefined;
  // No email: JIRA_API_TOKEN is a Data Center personal access token, sent as Bearer.
  const email = process.env.JIRA_USER_EMAIL ?? '';
  const apiToken = process.env.JIRA_API_TOKEN;
  const webhookSecret = process.env.JIRA_WEBHOOK_SECRET;
  if (!apiToken || !webhookSecret) {
    fail(
      'with JIRA_BASE_URL set, JIRA_API_TOKEN (and JIRA_USER_EMAIL on Cloud) and JIRA_WEBHOOK_SECRET are required too.',
    );
  }
  return { baseUrl, email, apiToken, webhookSecret };
}

const intFromEnv = (name: string, fallback: number) => {
  const value = process.env[name];
  if (value === undefined || value === '') return fallback;
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 0) fail(`${name} must be a whole number, not "${value}".`);
  return parsed;
};

/** A comma-separated list of whole numbers. */
const intListFromEnv = (name: string): number[] => {
  const value = process.env[name] ?? '';
  const parsed = value.split(',').map((part) => Number(part.trim()));
  if (!parsed.every((number) => Number.isInteger(number) && number >= 0))
    fail(`${name} must be whole numbers separated by commas, not "${value}".`);
  return parsed;
};

const jira = jiraFromEnvironment();
const simulatedDataCenter = process.env.JIRA_SIMULATOR_DEPLOYMENT === 'datacenter';
if (process.env.JIRA_SIMULATOR_DEPLOYMENT && !simulatedDataCenter && process.env.JIRA_SIMULATOR_DEPLOYMENT !== 'cloud')
  fail(`JIRA_SIMULATOR_DEPLOYMENT must be cloud or datacenter, not "${process.env.JIRA_SIMULATOR_DEPLOYMENT}".`);
const port = intFromEnv('PORT', 3000);
const runtime = await startLocalRuntime({
  port,
  ...(process.env.DATA_DIR ? { dataDir: path.resolve(process.env.DATA_DIR) } : {}),
  ...(jira ? { jira } : {}),
  simulator: {
    // Next to the service's port, so the README's commands work as printed (any free port if taken).
    port: intFromEnv('JIRA_SIMULATOR_PORT', port + 1),
    users: intFromEnv('JIRA_SIMULATOR_USERS', 50),
    customers: intFromEnv('JIRA_SIMULATOR_CUSTOMERS', 20),
    serviceDesks: intFromEnv('JIRA_SIMULATOR_SERVICE_DESKS', simulatedDataCenter ? 0 : 2),
    ...(simulatedDataCenter
      ? { deployment: 'datacenter' as const, customers: intFromEnv('JIRA_SIMULATOR_CUSTOMERS', 0) }
      : {}),
    ...(process.env.JIRA_SIMULATOR_DC_LISTING === 'user-search' ? { dataCenterListing: 'user-search' as const } : {}),
  },
  ...(process.env.JIRA_DEPLOYMENT ? { jiraDeployment: process.env.JIRA_DEPLOYMENT } : {}),
  // Fault timing, shortened by the fault tests: a delivery that failed in a store outage waits this
  // long before its retry (default: the visibility timeout), and the store's restart attempts wait these.
  ...(process.env.LOCAL_OUTAGE_RETRY_MS
    ? { queue: { outageRetryDelayMs: intFromEnv('LOCAL_OUTAGE_RETRY_MS', 30_000) } }
    : {}),
  ...(process.env.LOCAL_STORE_RESTART_DELAYS_MS
    ? { storeRestartDelaysMs: intListFromEnv('LOCAL_STORE_RESTART_DELAYS_MS') }
    : {}),
  log,
  onSyncProgress: (progress) => log(syncProgressLine(progress)),
  // Nothing accepted is lost by stopping here: every 202 is in the queue's database, synced.
  onFatal: (reason) => {
    process.stderr.write(`Contact Sync stopped: ${reason}\n`);
    process.exit(1);
  },
}).catch((error: unknown) =>
  fail(
    error instanceof DataDirInUseError
      ? `${error.message} (stop it, or set DATA_DIR to another folder)`
      : error instanceof UnknownJiraDeploymentError
        ? error.message
        : (error as NodeJS.ErrnoException).code === 'EADDRINUSE'
          ? `port ${port} is in use (set PORT to another one)`
          : String(error),
  ),
);

const simulator = runtime.jira.simulator;
if (simulator) {
  if (simulator.dataCenter) {
    log(`Jira Data Center simulator at ${simulator.url} (${simulator.accountCount()} users)`);
    log(`  admin: personal access token ${simulator.admin.apiToken}`);
    log(`  agent: personal access token ${simulator.agent.apiToken}`);
    log(`  try:   curl -H 'Authorization: ${simulator.admin.authorization}' ${runtime.url}/settings/user-sync`);
  } else {
    log(`Jira simulator at ${simulator.url} (${simulator.accountCount()} accounts)`);
    log(`  admin: ${simulator.admin.email} / ${simulator.admin.apiToken}`);
    log(`  agent: ${simulator.agent.email} / ${simulator.agent.apiToken}`);
    log(`  try:   curl -u '${simulator.admin.email}:${simulator.admin.apiToken}' ${runtime.url}/settings/user-sync`);
  }
} else {
  log(`Jira${runtime.jira.deployment === 'datacenter' ? ' Data Center' : ''}: ${runtime.jira.baseUrl}`);
}
log(`Contact Sync listening on ${runtime.url}`);
log(
  `Console at ${runtime.url}/console/ (sign in with ${
    runtime.jira.deployment === 'datacenter' ? 'a Jira personal access token' : 'a Jira email and API token'
  }${simulator ? ': the admin above' : ''})`,
);

let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    log(`${signal}: finishing accepted work, then stopping`);
    runtime
      .stop()
      .then(() => process.exit(0))
      .catch((error: unknown) => {
        process.stderr.write(`stop failed: ${String(error)}\n`);
        process.exit(1);
      });
  });
}
