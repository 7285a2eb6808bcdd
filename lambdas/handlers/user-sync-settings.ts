import { userSyncStore, workflowStarter } from '../composition.js';
import { requestReconcile } from '../domain/sync/request-reconcile.js';
import { requestUserSync } from '../domain/sync/request-user-sync.js';
import { describeUserSync } from '../domain/sync/user-sync-runs.js';
import { apiHandler } from '../http/api-handler.js';
import { parseBody } from '../http/request.js';
import { userSyncViewBody } from '../http/response-bodies.js';
import { jsonResponse } from '../http/response.js';
import { routeByMethod } from '../http/route-by-method.js';
import { userSyncRequestSchema } from '../http/user-sync-schemas.js';
import { logger } from '../shared/powertools.js';

/**
 * (API Gateway /settings/user-sync[/reconcile], Jira admins only) --> toggle and reconcile use cases
 * --> (DynamoDB, Step Functions)
 */
export const handler = apiHandler(
  'admin',
  routeByMethod({
    'GET /settings/user-sync': async () => jsonResponse(200, userSyncViewBody(await describeUserSync(userSyncStore()))),
    'PUT /settings/user-sync': async (event, caller) => {
      const { enabled } = parseBody(event, userSyncRequestSchema);
      const view = await requestUserSync(userSyncStore(), workflowStarter(), enabled);
      logger.info('User sync requested', { enabled, state: view.state, by: caller?.accountId });
      return jsonResponse(202, userSyncViewBody(view));
    },
    'POST /settings/user-sync/reconcile': async (_event, caller) => {
      const view = await requestReconcile(userSyncStore(), workflowStarter());
      logger.info('Reconcile requested', { state: view.state, by: caller?.accountId });
      return jsonResponse(202, userSyncViewBody(view));
    },
  }),
);
