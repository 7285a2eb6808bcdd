import { compileErrors, validate } from '@readme/openapi-parser';
import { Ajv } from 'ajv';
import type { OpenAPIV3 } from 'openapi-types';
import { type ApiRouteDefinition, DESCRIBED_API_ROUTES, GATEWAY_ROUTES } from '../../lambdas/api-routes.js';
import { ERROR_STATUS } from '../../lambdas/http/error-body.js';
import { STATUS_BY_ERROR } from '../../lambdas/http/error-response.js';
import { RouteDescriptionError, buildOpenApiDocument } from '../../lambdas/http/openapi-document.js';

const document = buildOpenApiDocument();

/** Every route of ../shared/CONTRACT.md's table. */
const CONTRACT_ROUTES = [
  'GET /health',
  'GET /openapi.json',
  'POST /webhooks/jira',
  'GET /settings/user-sync',
  'PUT /settings/user-sync',
  'POST /settings/user-sync/reconcile',
  'GET /console/',
  'GET /contacts',
  'POST /contacts',
  'GET /contacts/{id}',
  'PATCH /contacts/{id}',
  'DELETE /contacts/{id}',
  'GET /companies',
  'POST /companies',
  'GET /companies/{id}',
  'PATCH /companies/{id}',
  'DELETE /companies/{id}',
];

const operations = Object.entries(document.paths).flatMap(([path, item]) =>
  (['get', 'put', 'post', 'patch', 'delete'] as const).flatMap((method) => {
    const operation = item?.[method];
    return operation ? [{ name: `${method.toUpperCase()} ${path}`, operation }] : [];
  }),
);
const operationOf = (name: string): OpenAPIV3.OperationObject => {
  const found = operations.find((candidate) => candidate.name === name);
  if (!found) throw new Error(`the document has no ${name}`);
  return found.operation;
};
const schemaNamed = (name: string) => document.components?.schemas?.[name] as OpenAPIV3.SchemaObject;

/** An ajv for one component, its `$ref`s resolved from the document's components. */
function validatorOf(name: string) {
  const ajv = new Ajv({ strict: false, allErrors: true });
  for (const [id, schema] of Object.entries(document.components?.schemas ?? {}))
    ajv.addSchema(schema, `#/components/schemas/${id}`);
  return ajv.getSchema(`#/components/schemas/${name}`) ?? ajv.compile(schemaNamed(name));
}

describe('the OpenAPI document', () => {
  it('is valid OpenAPI 3.0.3 by an independent validator', async () => {
    // Act: the parser dereferences what it is given, so it gets a copy
    const result = await validate(structuredClone(document) as never);
    // Assess
    if (!result.valid) throw new Error(compileErrors(result));
    expect(result.valid).toBe(true);
    expect(document.openapi).toBe('3.0.3');
  });

  it('describes every route of the contract, and no other', () => {
    expect(operations.map(({ name }) => name).sort()).toEqual([...CONTRACT_ROUTES].sort());
    expect([...DESCRIBED_API_ROUTES, ...GATEWAY_ROUTES]).toHaveLength(CONTRACT_ROUTES.length);
  });

  it('gives every operation a unique id, a summary and a description', () => {
    const ids = operations.map(({ operation }) => operation.operationId);
    expect(new Set(ids).size).toBe(operations.length);
    for (const { operation } of operations) {
      expect(operation.summary?.length).toBeGreaterThan(3);
      expect(operation.description?.length).toBeGreaterThan(10);
    }
  });

  it('asks for Jira credentials (Basic, or Bearer for Data Center) everywhere but the public routes', () => {
    expect(document.components?.securitySchemes).toEqual({
      jiraBasic: expect.objectContaining({ type: 'http', scheme: 'basic' }),
      jiraBearer: expect.objectContaining({ type: 'http', scheme: 'bearer' }),
    });
    const publicRoutes = ['GET /health', 'GET /openapi.json', 'POST /webhooks/jira', 'GET /console/'];
    for (const { name, operation } of operations) {
      if (publicRoutes.includes(name)) expect(operation.security).toEqual([]);
      else {
        expect(operation.security).toEqual([{ jiraBasic: [] }, { jiraBearer: [] }]);
        expect(Object.keys(operation.responses)).toEqual(expect.arrayContaining(['401', '403', '503']));
      }
    }
    expect(Object.keys(operationOf('GET /settings/user-sync').responses)).toContain('403');
  });

  it('lists each status a route answers, with the error body of its codes as an enum', () => {
    expect(Object.keys(operationOf('POST /contacts').responses).sort()).toEqual(
      ['201', '400', '401', '403', '413', '422', '429', '500', '503'].sort(),
    );
    expect(Object.keys(operationOf('DELETE /companies/{id}').responses).sort()).toEqual(
      ['204', '400', '401', '403', '404', '409', '429', '500', '503'].sort(),
    );
    expect(Object.keys(operationOf('POST /webhooks/jira').responses).sort()).toEqual(
      ['202', '400', '413', '415', '429', '500'].sort(),
    );
    expect(document.components?.responses?.MethodNotAllowed).toBeDefined();
    expect(schemaNamed('Error503')).toMatchObject({
      properties: {
        error: { properties: { code: { type: 'string', enum: ['STORE_UNAVAILABLE', 'UPSTREAM_UNAVAILABLE'] } } },
      },
      additionalProperties: false,
    });
  });

  it('knows the code and status of every typed error the handlers answer with', () => {
    for (const [type, status] of STATUS_BY_ERROR) {
      // Act: each error class, made as the edge makes it
      const error = new (type as unknown as new (message: string, options: object) => { code: string })('x', {
        retryAfterSeconds: 1,
      });
      // Assess
      expect([error.code, ERROR_STATUS[error.code as keyof typeof ERROR_STATUS]]).toEqual([error.code, status]);
      expect(schemaNamed(`Error${status}`)).toMatchObject({
        properties: { error: { properties: { code: { enum: expect.arrayContaining([error.code]) } } } },
      });
    }
  });

  it('describes parameters as the handlers read them: paging, ?email=, {id}', () => {
    const list = operationOf('GET /contacts').parameters as OpenAPIV3.ParameterObject[];
    expect(list.map(({ name, in: where, required }) => [name, where, required])).toEqual([
      ['email', 'query', false],
      ['limit', 'query', false],
      ['cursor', 'query', false],
    ]);
    expect(list[1]?.schema).toMatchObject({ type: 'integer', minimum: 1, maximum: 100, default: 25 });
    const read = operationOf('GET /contacts/{id}').parameters as OpenAPIV3.ParameterObject[];
    expect(read).toEqual([expect.objectContaining({ name: 'id', in: 'path', required: true })]);
  });

  it('describes request bodies from the schemas that check them: unknown fields refused, as the API does', () => {
    const newContact = validatorOf('NewContact');
    expect(newContact({ name: 'Ada', email: 'ada@example.com', tags: ['vip'] })).toBe(true);
    expect(newContact({ name: 'Ada', nmae: 'typo' })).toBe(false);
    expect(newContact({ email: 'ada@example.com' })).toBe(false);
    expect(validatorOf('UserSyncRequest')({ enabled: 'yes' })).toBe(false);
    expect(validatorOf('JiraWebhookDelivery')({ timestamp: 1, webhookEvent: 'user_created', user: {} })).toBe(true);
  });

  it("describes a company's JSM organization and the progress's estimate, null until known", () => {
    const company = validatorOf('Company');
    const regular = {
      id: 'c1',
      name: 'Globex',
      domain: null,
      jsmOrganization: null,
      createdAt: '2026-11-25T10:00:00.000Z',
      updatedAt: '2026-11-25T10:00:00.000Z',
    };
    expect(company(regular)).toBe(true);
    expect(company({ ...regular, jsmOrganization: { id: '12' } })).toBe(true);
    const { jsmOrganization: _missing, ...withoutOrganization } = regular;
    expect(company(withoutOrganization)).toBe(false);
    expect(schemaNamed('SyncProgress').required).toEqual(expect.arrayContaining(['estimatedTotal', 'etaSeconds']));
  });

  it('refuses to build when a route has no description', () => {
    const [first] = DESCRIBED_API_ROUTES;
    if (!first) throw new Error('no routes');
    // @ts-expect-error: a route without a description does not type-check either
    const undescribed: ApiRouteDefinition = {
      method: 'GET',
      resource: '/x',
      handler: 'health',
      access: 'public',
      summary: 'X',
      success: {},
    };
    expect(() => buildOpenApiDocument([undescribed])).toThrow(RouteDescriptionError);
    expect(() => buildOpenApiDocument([{ ...first, description: ' ' }])).toThrow(/no summary or description/);
    expect(() => buildOpenApiDocument([{ ...first, resource: '/contacts/{id}' }])).toThrow(/path parameters id/);
  });
});
