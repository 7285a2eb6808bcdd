import { SYNC_TASKS, TASK_FUNCTION_TIMEOUT_SECONDS } from '../lib/function-settings.js';
import type { ProxyHandler } from './api-gateway.js';
import { verboseLogs } from './environment.js';
import { lambdaContext } from './lambda-context.js';
import { printReadableLines } from './readable-log-lines.js';
import type { TaskFunction } from './step-functions.js';

/**
 * The very handlers that deploy: the API's, keyed as the routes name them, and the workflow's,
 * keyed by the state that runs each; with the composition root that builds the adapters they share
 * (one per process, as per container).
 * Imported only after the environment is set: handler modules build their clients from it.
 */
export async function loadHandlers() {
  const { logger } = await import('../lambdas/shared/powertools.js');
  if (!verboseLogs()) printReadableLines(logger);
  // One after another: concurrent dynamic imports of shared modules trip jest's ESM loader.
  const health = await import('../lambdas/handlers/health.js');
  const openApiDocument = await import('../lambdas/handlers/openapi-document.js');
  const contacts = await import('../lambdas/handlers/contacts-api.js');
  const companies = await import('../lambdas/handlers/companies-api.js');
  const settings = await import('../lambdas/handlers/user-sync-settings.js');
  const planWave = await import('../lambdas/handlers/sync-plan-wave.js');
  const syncPage = await import('../lambdas/handlers/sync-users-segment.js');
  const syncDesks = await import('../lambdas/handlers/sync-desk-customers.js');
  const continueRun = await import('../lambdas/handlers/continue-sync-run.js');
  const beginScheduled = await import('../lambdas/handlers/begin-scheduled-run.js');
  const demote = await import('../lambdas/handlers/demote-links-batch.js');
  const finish = await import('../lambdas/handlers/finish-sync-run.js');
  const organizations = await import('../lambdas/handlers/sync-organizations.js');
  const demoteCompanies = await import('../lambdas/handlers/demote-companies-batch.js');
  const estimate = await import('../lambdas/handlers/estimate-run-size.js');
  const composition = await import('../lambdas/composition.js');
  const proxy = (handler: unknown) => handler as ProxyHandler;
  // Each task sees the remaining time its deployed function would have, so its Jira calls end in time.
  const asDeployed =
    (name: keyof typeof TASK_FUNCTION_TIMEOUT_SECONDS, handler: unknown): TaskFunction =>
    (input) =>
      (handler as TaskFunction)(input, lambdaContext(name, TASK_FUNCTION_TIMEOUT_SECONDS[name] * 1000));
  return {
    api: {
      health: proxy(health.handler),
      openApiDocument: proxy(openApiDocument.handler),
      contactsApi: proxy(contacts.handler),
      companiesApi: proxy(companies.handler),
      userSyncSettings: proxy(settings.handler),
    },
    workflowTasks: {
      [SYNC_TASKS.planWave]: asDeployed('planWave', planWave.handler),
      [SYNC_TASKS.syncUsersSegment]: asDeployed('syncUsersSegment', syncPage.handler),
      [SYNC_TASKS.syncDeskCustomers]: asDeployed('syncDeskCustomers', syncDesks.handler),
      [SYNC_TASKS.continueSyncRun]: asDeployed('continueSyncRun', continueRun.handler),
      [SYNC_TASKS.beginScheduledRun]: asDeployed('beginScheduledRun', beginScheduled.handler),
      [SYNC_TASKS.demoteLinksBatch]: asDeployed('demoteLinksBatch', demote.handler),
      [SYNC_TASKS.finishSyncRun]: asDeployed('finishSyncRun', finish.handler),
      [SYNC_TASKS.recordFailure]: asDeployed('finishSyncRun', finish.handler),
      [SYNC_TASKS.syncOrganizations]: asDeployed('syncOrganizations', organizations.handler),
      [SYNC_TASKS.demoteCompaniesBatch]: asDeployed('demoteCompaniesBatch', demoteCompanies.handler),
      [SYNC_TASKS.estimateRunSize]: asDeployed('estimateRunSize', estimate.handler),
    } satisfies Record<string, TaskFunction>,
    composition,
  };
}

export type LoadedHandlers = Awaited<ReturnType<typeof loadHandlers>>;
