import type { APIGatewayProxyEvent } from 'aws-lambda';
import { MethodNotAllowedError } from '../domain/errors.js';
import type { ApiRoute } from './api-handler.js';

/**
 * Picks the route for `METHOD /resource`, where resource is API Gateway's template (`/contacts/{id}`).
 * `HEAD` is answered by the `GET` route (the gateway sends no body); a method the resource does not
 * offer is a 405 whose `Allow` lists those it does.
 */
export function routeByMethod(routes: Record<string, ApiRoute>): ApiRoute {
  return async (event: APIGatewayProxyEvent, caller) => {
    const method = event.httpMethod === 'HEAD' ? 'GET' : event.httpMethod;
    const route = routes[`${method} ${event.resource}`];
    if (!route) {
      const offered = Object.keys(routes)
        .filter((key) => key.endsWith(` ${event.resource}`))
        .map((key) => key.split(' ')[0] ?? '');
      const allow = offered.includes('GET') ? [...offered, 'HEAD'] : offered;
      throw new MethodNotAllowedError(
        `${event.httpMethod} is not supported on ${event.resource}: use ${allow.join(', ')}.`,
        { allow },
      );
    }
    return route(event, caller);
  };
}
