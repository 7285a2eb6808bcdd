import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { type OrganizationCursor, syncOrganizationsStep } from '../domain/sync/sync-organizations.js';
import { dependencies } from '../shared/dependencies.js';
import { METRIC } from '../shared/metric-names.js';
import { logger, metrics } from '../shared/powertools.js';
import { taskDeadline, taskHandler } from '../shared/task-handler.js';

export interface SyncOrganizationsInput {
  runId: string;
  action: 'enable' | 'reconcile';
  /** null on the first call; the state machine calls again while the answer's cursor is a string. */
  cursor: OrganizationCursor;
}

/** (Step Functions "Sync organizations") --> JSM organizations become companies, with members --> (Jira, DynamoDB) */
export const handler = taskHandler(async (input: SyncOrganizationsInput, context): Promise<SyncOrganizationsInput> => {
  const cursor = await syncOrganizationsStep(
    {
      directory: dependencies.organizations().until(taskDeadline(context)),
      companies: dependencies.syncedCompanies(),
      memberships: dependencies.memberships(),
      links: dependencies.links(),
      settings: dependencies.userSync(),
      log: (message, details) => logger.warn(message, details),
    },
    { runId: input.runId, action: input.action ?? 'enable', cursor: input.cursor ?? null },
  );
  metrics.addMetadata('runId', input.runId);
  metrics.addMetric(METRIC.OrganizationSteps, MetricUnit.Count, 1);
  return { runId: input.runId, action: input.action, cursor };
});
