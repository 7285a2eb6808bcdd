import { errorResponse } from '../lambdas/http/error-response.js';
import type { RawRoute } from './api-gateway.js';
import type { LocalQueue } from './queue/index.js';

/** Local-only routes over the webhook queue's dead letters (`bin/replay-dead-letters.ts` calls the redrive). */
export const LOCAL_DEAD_LETTERS_RESOURCE = '/local/dead-letters';

/** The API handlers' own check that the caller is a Jira administrator; throws a typed error otherwise. */
export type AuthorizeAdmin = (
  authorization: string | undefined,
  access: { resource: string; change: boolean },
) => Promise<unknown>;

/**
 * Lists and redrives the webhook queue's dead letters. Local only: on AWS, `npm run replay-dead-letters`
 * starts an SQS message move task instead. Jira administrators only, like the toggle: every route
 * but /health and the webhook needs a login.
 */
export function deadLetterRoutes(queue: LocalQueue, authorizeAdmin: AuthorizeAdmin): Record<string, RawRoute> {
  return {
    [`GET ${LOCAL_DEAD_LETTERS_RESOURCE}`]: adminOnly(
      authorizeAdmin,
      { resource: LOCAL_DEAD_LETTERS_RESOURCE, change: false },
      async () => ({ statusCode: 200, body: { items: queue.deadLetters() } }),
    ),
    [`POST ${LOCAL_DEAD_LETTERS_RESOURCE}/redrive`]: adminOnly(
      authorizeAdmin,
      { resource: `${LOCAL_DEAD_LETTERS_RESOURCE}/redrive`, change: true },
      async () => ({ statusCode: 200, body: { moved: await queue.redriveDeadLetters() } }),
    ),
  };
}

/** The route, behind the same admin check the API handlers use, refusals answered as they answer them. */
function adminOnly(
  authorizeAdmin: AuthorizeAdmin,
  access: { resource: string; change: boolean },
  route: RawRoute,
): RawRoute {
  return async (request) => {
    try {
      await authorizeAdmin(request.headers.authorization, access);
    } catch (error) {
      const response = errorResponse(error);
      return { statusCode: response.statusCode, body: JSON.parse(response.body) as unknown };
    }
    return route(request);
  };
}
