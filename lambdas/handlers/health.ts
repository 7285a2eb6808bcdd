import { jiraDeployment } from '../composition.js';
import { apiHandler } from '../http/api-handler.js';
import { jsonResponse } from '../http/response.js';

/**
 * (API Gateway) --> liveness: answers without touching the store; says when Jira is Data Center (the
 * console's sign-in). With `JIRA_DEPLOYMENT=auto` a container asks Jira which once; liveness stays
 * 200 when that fails (logged where it is asked), without the field.
 */
export const handler = apiHandler('public', async () => {
  const deployment = await jiraDeployment().catch(() => undefined);
  return jsonResponse(
    200,
    deployment === 'datacenter' ? { status: 'ok', jiraDeployment: 'datacenter' } : { status: 'ok' },
  );
});
