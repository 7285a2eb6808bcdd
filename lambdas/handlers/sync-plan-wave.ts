import { type PageResult, type WavePlan, planNextWave } from '../domain/sync/page-plan.js';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { metrics } from '../shared/powertools.js';
import { taskHandler } from '../shared/task-handler.js';

export interface PlanWaveInput {
  runId: string;
  wave?: WavePlan;
  results?: PageResult[];
}

/** (Step Functions "Plan sync wave") --> the next pages to read in parallel, or done. */
export const handler = taskHandler(async (input: PlanWaveInput): Promise<WavePlan> => {
  const plan = planNextWave(input.wave, input.results);
  metrics.addMetadata('runId', input.runId);
  metrics.addMetric('SyncPagesPlanned', MetricUnit.Count, plan.pages.length);
  return plan;
});
