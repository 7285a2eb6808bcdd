import { apiHandler } from '../http/api-handler.js';
import { jsonResponse } from '../http/response.js';

/** (API Gateway) --> liveness: answers without touching Jira or the store. */
export const handler = apiHandler('public', async () => jsonResponse(200, { status: 'ok' }));
