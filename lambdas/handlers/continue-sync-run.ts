import { createHash } from 'node:crypto';
import { workflowStarter } from '../composition.js';
import type { SyncAction } from '../domain/sync/user-sync-state.js';
import type { WavePlan } from '../domain/sync/page-plan.js';
import type { DeskCursor } from '../domain/sync/sync-desk-customers.js';
import { logger } from '../shared/powertools.js';
import { taskHandler } from '../shared/task-handler.js';

export interface ContinueRunInput {
  action: SyncAction;
  runId: string;
  wave: WavePlan;
  /** The service desk phase, once the run is in it (its desks listed). */
  desks?: Partial<DeskCursor>;
  /** The execution handing over; the next one's name derives from it, unique per attempt of the run. */
  execution: string;
}

/**
 * (Step Functions "Continue in new execution") --> the same run goes on in a fresh execution
 * --> (Step Functions). Keeps every execution's history bounded, whatever the number of accounts.
 * The name is derived from the position, so a retried step starts the next execution only once.
 */
export const handler = taskHandler(async (input: ContinueRunInput): Promise<{ runId: string }> => {
  const { action, runId, desks } = input;
  if (desks?.deskIds) {
    // In the service desk phase: go on with the next step, users/search being done.
    const step = desks.step ?? 0;
    await workflowStarter().start(
      { action, runId, desks: { ...desks, stepsInExecution: 0, continueAsNew: false } },
      continuationName(input.execution, `desk-step-${step}`),
    );
    logger.info('Sync run continues in a new execution', { runId, deskStep: step });
    return { runId };
  }
  const from = input.wave.nextStartAt;
  await workflowStarter().start(
    { action, runId, wave: { nextStartAt: from, wavesInExecution: 0 } },
    continuationName(input.execution, from),
  );
  logger.info('Sync run continues in a new execution', { runId, from });
  return { runId };
});

/** Step Functions allows 80 characters: a digest of the previous execution's name, and the position. */
function continuationName(previousExecution: string, from: number | string): string {
  return `continue-${createHash('sha256').update(previousExecution).digest('hex').slice(0, 32)}-from-${from}`;
}
