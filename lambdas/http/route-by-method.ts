import type { APIGatewayProxyEvent } from 'aws-lambda';
import { MethodNotAllowedError } from '../domain/errors.js';
import type { ApiRoute } from './api-handler.js';

/** Picks the route for `METHOD /resource`, where resource is API Gateway's template (`/contacts/{id}`). */
export function routeByMethod(routes: Record<string, ApiRoute>): ApiRoute {
  return async (event: APIGatewayProxyEvent, caller) => {
    const route = routes[`${event.httpMethod} ${event.resource}`];
    if (!route) throw new MethodNotAllowedError(`${event.httpMethod} is not supported on ${event.resource}.`);
    return route(event, caller);
  };
}
