/**
 * `npm run asl`: writes the workflow's ASL, built from the constructs that deploy, to the file the
 * local runtime reads. Run it after any change to lib/sync-workflow-definition.ts and commit the file.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { syncWorkflowAsl } from '../lib/sync-workflow-asl.js';
import { SYNC_WORKFLOW_ASL_FILE } from '../lib/sync-workflow-asl-file.js';

writeFileSync(SYNC_WORKFLOW_ASL_FILE, `${JSON.stringify(syncWorkflowAsl(), null, 2)}\n`);
console.log(`Wrote the sync workflow's definition to ${path.relative(process.cwd(), SYNC_WORKFLOW_ASL_FILE)}.`);
