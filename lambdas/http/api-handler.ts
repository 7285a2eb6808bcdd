import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { callerAuth } from '../composition.js';
import { DomainError, UpstreamError } from '../domain/errors.js';
import type { JiraCaller } from '../domain/jira-account.js';
import { logger, tracer } from '../shared/powertools.js';
import type { AccessLevel } from './caller-auth.js';
import { errorResponse } from './error-response.js';

/** Methods that change nothing; every other one is a change (its admin check is never cached). */
const READ_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export type ApiRoute = (event: APIGatewayProxyEvent, caller: JiraCaller | undefined) => Promise<APIGatewayProxyResult>;

function headerValue(event: APIGatewayProxyEvent, name: string): string | undefined {
  const wanted = name.toLowerCase();
  const entry = Object.entries(event.headers ?? {}).find(([key]) => key.toLowerCase() === wanted);
  return entry?.[1] ?? undefined;
}

/**
 * Wires an API Gateway proxy handler the same way everywhere: the invocation traced, Powertools
 * logging, the caller's Jira login checked at `level`, and typed errors mapped to the contract's
 * error body.
 */
export function apiHandler(level: AccessLevel, route: ApiRoute) {
  return (
    middy<APIGatewayProxyEvent, APIGatewayProxyResult, Error, Context>()
      // Answers carry contacts' names and emails: they stay out of the trace.
      .use(captureLambdaHandler(tracer, { captureResponse: false }))
      .use(injectLambdaContext(logger, { clearState: true }))
      .handler(async (event) => {
        try {
          return await route(event, await callerOf(event, level));
        } catch (error) {
          return answerFor(error);
        }
      })
  );
}

/** The caller, once Jira has accepted their login at `level` (no one, for a public route). */
async function callerOf(event: APIGatewayProxyEvent, level: AccessLevel): Promise<JiraCaller | undefined> {
  if (level === 'public') return undefined;
  return callerAuth().authorize(headerValue(event, 'authorization'), {
    level,
    sourceIp: event.requestContext?.identity?.sourceIp,
    change: !READ_METHODS.has(event.httpMethod),
    resource: event.resource,
  });
}

/**
 * The error's answer. Mapped inside the handler, not in an `onError` middleware, so that the
 * trace marks a fault only for what really is one: a refused login or a missing contact is an
 * answer like any other.
 */
function answerFor(error: unknown): APIGatewayProxyResult {
  // Expected conditions (a refused login, Jira busy) are answers, not faults: no stack trace.
  if (!(error instanceof DomainError)) {
    logger.error('Unhandled error', error as Error);
    tracer.addErrorAsMetadata(error as Error);
  } else if (error instanceof UpstreamError) logger.warn(`Jira could not answer: ${error.message}`);
  return errorResponse(error);
}
