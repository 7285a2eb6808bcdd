import { apiHandler } from '../http/api-handler.js';
import { jsonResponse } from '../http/response.js';
import { jiraDeployment } from '../shared/jira-deployment.js';

/** (API Gateway) --> liveness: answers without touching Jira or the store; says when Jira is Data Center (the console's sign-in). */
export const handler = apiHandler('public', async () =>
  jsonResponse(
    200,
    jiraDeployment() === 'datacenter' ? { status: 'ok', jiraDeployment: 'datacenter' } : { status: 'ok' },
  ),
);
