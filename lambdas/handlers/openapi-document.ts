import { apiHandler } from '../http/api-handler.js';
import { buildOpenApiDocument } from '../http/openapi-document.js';
import { jsonResponse } from '../http/response.js';

/** Built once per container: the route table and its schemas do not change while it runs. */
const document = buildOpenApiDocument();

/** (API Gateway GET /openapi.json, no credentials) --> the API described, from its own route table and schemas. */
export const handler = apiHandler('public', async () => jsonResponse(200, document));
