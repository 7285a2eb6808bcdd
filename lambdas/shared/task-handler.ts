import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import type { Context } from 'aws-lambda';
import { logger, metrics } from './powertools.js';

/**
 * Wires a Step Functions task handler the same way everywhere: Powertools logging and EMF metrics
 * flushed at the end of each invocation. Errors propagate so the state machine's Retry applies.
 */
export function taskHandler<TInput, TOutput>(work: (input: TInput) => Promise<TOutput>) {
  return middy<TInput, TOutput, Error, Context>()
    .use(injectLambdaContext(logger, { clearState: true }))
    .use(logMetrics(metrics))
    .handler(work);
}
