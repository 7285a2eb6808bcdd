import { companyStore } from '../composition.js';
import { NotFoundError } from '../domain/errors.js';
import { apiHandler } from '../http/api-handler.js';
import { companyChangesSchema, newCompanySchema } from '../http/contact-schemas.js';
import { pageRequest, parseBody, pathId } from '../http/request.js';
import { companyBody, companyPageBody } from '../http/response-bodies.js';
import { jsonResponse } from '../http/response.js';
import { routeByMethod } from '../http/route-by-method.js';

/** (API Gateway /companies, /companies/{id}) --> company store --> (DynamoDB) */
export const handler = apiHandler(
  'user',
  routeByMethod({
    'GET /companies': async (event) =>
      jsonResponse(200, companyPageBody(await companyStore().listCompanies(pageRequest(event)))),
    'POST /companies': async (event) =>
      jsonResponse(201, companyBody(await companyStore().createCompany(parseBody(event, newCompanySchema)))),
    'GET /companies/{id}': async (event) => {
      const id = pathId(event, 'company');
      const company = await companyStore().getCompany(id);
      if (!company) throw new NotFoundError(`No company has the id ${id}.`);
      return jsonResponse(200, companyBody(company));
    },
    'PATCH /companies/{id}': async (event) =>
      jsonResponse(
        200,
        companyBody(
          await companyStore().updateCompany(pathId(event, 'company'), parseBody(event, companyChangesSchema)),
        ),
      ),
    'DELETE /companies/{id}': async (event) => {
      await companyStore().deleteCompany(pathId(event, 'company'));
      return jsonResponse(204);
    },
  }),
);
