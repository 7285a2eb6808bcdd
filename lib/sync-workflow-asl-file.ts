import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * The workflow's Amazon States Language as a file in the repository, so the local runtime runs the
 * deployed definition without loading aws-cdk-lib. `npm run asl` writes it from the constructs
 * (syncWorkflowAsl); test/infra/sync-workflow.test.ts fails while it is stale.
 */
export const SYNC_WORKFLOW_ASL_FILE = fileURLToPath(new URL('./sync-workflow.asl.json', import.meta.url));

/** The cached definition, as `npm run asl` last wrote it. */
export function readSyncWorkflowAsl(): Record<string, unknown> {
  return JSON.parse(readFileSync(SYNC_WORKFLOW_ASL_FILE, 'utf8')) as Record<string, unknown>;
}
