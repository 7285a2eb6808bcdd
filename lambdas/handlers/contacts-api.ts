import { companyStore, contactStore } from '../composition.js';
import { createContact, deleteContact, updateContact } from '../domain/contacts-use-cases.js';
import { NotFoundError } from '../domain/errors.js';
import { apiHandler } from '../http/api-handler.js';
import { contactChangesSchema, emailQuerySchema, newContactSchema } from '../http/contact-schemas.js';
import { pageRequest, parseBody, pathId, queryParameter } from '../http/request.js';
import type { ContactBody, PageBody } from '../http/response-schemas.js';
import { jsonResponse } from '../http/response.js';
import { routeByMethod } from '../http/route-by-method.js';

/** (API Gateway /contacts, /contacts/{id}) --> contacts use cases --> (DynamoDB store) */
export const handler = apiHandler(
  'user',
  routeByMethod({
    'GET /contacts': async (event) => {
      const email = event.queryStringParameters?.email;
      const page = pageRequest(event, ['email']);
      const store = contactStore();
      const result =
        email === undefined
          ? await store.listContacts(page)
          : await store.findContactsByEmail(queryParameter('email', email, emailQuerySchema), page);
      return jsonResponse(200, result satisfies PageBody<ContactBody>);
    },
    'POST /contacts': async (event) => {
      const input = parseBody(event, newContactSchema);
      const contact = await createContact(contactStore(), companyStore(), input);
      return jsonResponse(201, contact satisfies ContactBody);
    },
    'GET /contacts/{id}': async (event) => {
      const id = pathId(event, 'contact');
      const contact = await contactStore().getContact(id);
      if (!contact) throw new NotFoundError(`No contact has the id ${id}.`);
      return jsonResponse(200, contact satisfies ContactBody);
    },
    'PATCH /contacts/{id}': async (event) => {
      const id = pathId(event, 'contact');
      const changes = parseBody(event, contactChangesSchema);
      const contact = await updateContact(contactStore(), companyStore(), id, changes);
      return jsonResponse(200, contact satisfies ContactBody);
    },
    'DELETE /contacts/{id}': async (event) => {
      await deleteContact(contactStore(), pathId(event, 'contact'));
      return jsonResponse(204);
    },
  }),
);
