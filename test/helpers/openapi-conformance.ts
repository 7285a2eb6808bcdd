import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import type { OpenAPIV3 } from 'openapi-types';
import { type JsonResponse, request } from './http.js';

// ajv-formats is CommonJS: under ESM its plugin is the module's `default`.
const addFormats = addFormatsModule.default;

type Method = 'get' | 'put' | 'post' | 'patch' | 'delete';

/** One answer, as the replay saw it. */
export interface Answer {
  method: string;
  path: string;
  status: number;
  contentType: string | null;
  body: unknown;
}

/**
 * Checks real answers against an OpenAPI 3.0 document with ajv, independently of the zod schemas
 * the document was generated from: a status the operation does not list, a body that breaks its
 * schema (a field nobody described included), a wrong content type, each throws, naming the answer.
 */
export class OpenApiConformance {
  private readonly ajv: Ajv;
  private readonly validators = new Map<string, ValidateFunction>();
  private readonly paths: { template: string; pattern: RegExp; item: OpenAPIV3.PathItemObject }[];
  /** `METHOD /template status` of every answer checked, for the replay's coverage. */
  readonly seen = new Set<string>();

  constructor(readonly document: OpenAPIV3.Document) {
    this.ajv = new Ajv({ strict: false, allErrors: true, validateSchema: false });
    addFormats(this.ajv);
    // The components under one id, so the document's own `#/components/...` references resolve.
    this.ajv.addSchema({ components: document.components }, 'openapi');
    this.paths = Object.entries(document.paths).map(([template, item]) => ({
      template,
      pattern: new RegExp(`^${template.replace(/\{\w+\}/g, '[^/]+')}$`),
      item: item ?? {},
    }));
  }

  /** Throws unless the document describes `answer` exactly. */
  check(answer: Answer): void {
    const where = `${answer.method} ${answer.path} answered ${answer.status}`;
    const pathname = answer.path.split('?')[0] ?? '';
    const found = this.paths.find(({ pattern }) => pattern.test(pathname));
    const operation = found?.item[answer.method.toLowerCase() as Method];
    let response: OpenAPIV3.ResponseObject | undefined;
    if (!found) {
      if (answer.status !== 404) throw new Error(`${where}: the document has no such path, so only 404 fits`);
      response = this.response({ $ref: '#/components/responses/NotFound' });
    } else if (!operation) {
      if (answer.status !== 405) throw new Error(`${where}: the document has no such method, so only 405 fits`);
      response = this.response({ $ref: '#/components/responses/MethodNotAllowed' });
    } else {
      const described = operation.responses[String(answer.status)];
      if (!described) {
        throw new Error(
          `${where}: the document lists only ${Object.keys(operation.responses).join(', ')} for this operation`,
        );
      }
      response = this.response(described);
    }
    this.seen.add(`${answer.method} ${found?.template ?? '(no route)'} ${answer.status}`);
    const content = Object.entries(response.content ?? {});
    if (!content.length) {
      if (answer.body !== undefined) throw new Error(`${where}: the document describes no body, but one came`);
      return;
    }
    const mediaType = answer.contentType?.split(';')[0]?.trim() ?? '';
    const media = response.content?.[mediaType];
    if (!media) {
      throw new Error(`${where}: its Content-Type ${mediaType || '(none)'} is not one of ${content.map(([t]) => t)}`);
    }
    if (mediaType !== 'application/json') return;
    const validate = this.validatorOf(media.schema);
    if (!validate(answer.body)) {
      const errors = (validate.errors ?? []).map((error) => `${error.instancePath || '/'} ${error.message}`);
      throw new Error(`${where}: the body breaks the document: ${errors.join('; ')}\n${JSON.stringify(answer.body)}`);
    }
  }

  private response(described: OpenAPIV3.ResponseObject | OpenAPIV3.ReferenceObject): OpenAPIV3.ResponseObject {
    if (!('$ref' in described)) return described;
    const name = described.$ref.replace('#/components/responses/', '');
    const found = this.document.components?.responses?.[name];
    if (!found || '$ref' in found) throw new Error(`the document's ${described.$ref} is missing`);
    return found;
  }

  private validatorOf(schema: OpenAPIV3.SchemaObject | OpenAPIV3.ReferenceObject | undefined): ValidateFunction {
    if (!schema || !('$ref' in schema)) throw new Error('every JSON answer is described by a named schema');
    const key = `openapi${schema.$ref}`;
    let validate = this.validators.get(key);
    if (!validate) {
      validate = this.ajv.getSchema(key);
      if (!validate) throw new Error(`the document's ${schema.$ref} is missing`);
      this.validators.set(key, validate);
    }
    return validate;
  }
}

/** A JSON client whose every answer is checked against the document first. */
export function checkedClient(baseUrl: string, conformance: OpenApiConformance) {
  return async <T = Record<string, unknown>>(
    method: string,
    path: string,
    options: Parameters<typeof request>[3] = {},
  ): Promise<JsonResponse<T>> => {
    const response = await request<T>(baseUrl, method, path, options);
    conformance.check({
      method,
      path,
      status: response.status,
      contentType: response.headers.get('content-type'),
      body: response.body,
    });
    return response;
  };
}
