import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { type SegmentResult, type WavePlan, planNextWave } from '../domain/sync/page-plan.js';
import { METRIC } from '../shared/metric-names.js';
import { metrics } from '../shared/powertools.js';
import { taskHandler } from '../shared/task-handler.js';

export interface PlanWaveInput {
  runId: string;
  wave?: Partial<WavePlan>;
  results?: SegmentResult[];
}

/** (Step Functions "Plan sync wave") --> the next segments to read in parallel, done, or continue anew. */
export const handler = taskHandler(async (input: PlanWaveInput): Promise<WavePlan> => {
  const plan = planNextWave(input.wave, input.results);
  metrics.addMetadata('runId', input.runId);
  metrics.addMetric(METRIC.SyncPagesPlanned, MetricUnit.Count, plan.segments.length);
  return plan;
});
