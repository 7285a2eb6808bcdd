import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { organizationStepDeps } from '../composition.js';
import { type OrganizationCursor, syncOrganizationsStep } from '../domain/sync/sync-organizations.js';
import { METRIC } from '../shared/metric-names.js';
import { metrics } from '../shared/powertools.js';
import { taskHandler } from '../shared/task-handler.js';

export interface SyncOrganizationsInput {
  runId: string;
  action: 'enable' | 'reconcile';
  /** null on the first call; the state machine calls again while the answer's cursor is a string. */
  cursor: OrganizationCursor;
}

/** (Step Functions "Sync organizations") --> JSM organizations become companies, with members --> (Jira, DynamoDB) */
export const handler = taskHandler(async (input: SyncOrganizationsInput, context): Promise<SyncOrganizationsInput> => {
  const cursor = await syncOrganizationsStep(organizationStepDeps(context), {
    runId: input.runId,
    action: input.action ?? 'enable',
    cursor: input.cursor ?? null,
  });
  metrics.addMetadata('runId', input.runId);
  metrics.addMetric(METRIC.OrganizationSteps, MetricUnit.Count, 1);
  return { runId: input.runId, action: input.action, cursor };
});
