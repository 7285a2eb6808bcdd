import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { companyDemotionDeps } from '../composition.js';
import { demoteCompaniesBatch } from '../domain/sync/sync-organizations.js';
import { METRIC } from '../shared/metric-names.js';
import { metrics } from '../shared/powertools.js';
import { taskHandler } from '../shared/task-handler.js';

export interface DemoteCompaniesInput {
  runId: string;
  action: 'disable';
  /** null on the first call; the state machine calls again while the answer's cursor is a string. */
  cursor: string | null;
}

/** (Step Functions "Demote companies batch") --> synced companies become regular --> (DynamoDB) */
export const handler = taskHandler(async (input: DemoteCompaniesInput): Promise<DemoteCompaniesInput> => {
  const cursor = await demoteCompaniesBatch(companyDemotionDeps(), {
    runId: input.runId,
    cursor: input.cursor ?? null,
  });
  metrics.addMetadata('runId', input.runId);
  metrics.addMetric(METRIC.CompanyBatchesDemoted, MetricUnit.Count, 1);
  return { runId: input.runId, action: input.action, cursor };
});
