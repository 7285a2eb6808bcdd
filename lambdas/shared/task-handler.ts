import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
import type { Context } from 'aws-lambda';
import { logger, metrics, tracer } from './powertools.js';

/** Kept back from a task's remaining time: Jira calls fail before Lambda would cut the step off. */
const TASK_HEADROOM_MS = 15_000;

/** When a task's Jira calls must have ended: the invocation's remaining time, less headroom. */
export function taskDeadline(context: Context): number {
  const remaining = context.getRemainingTimeInMillis();
  return Date.now() + Math.max(remaining / 2, remaining - TASK_HEADROOM_MS);
}

/**
 * Wires a Step Functions task handler the same way everywhere: the invocation traced, Powertools
 * logging, and EMF metrics flushed at the end of each invocation. Errors propagate so the state
 * machine's Retry applies.
 */
export function taskHandler<TInput, TOutput>(work: (input: TInput, context: Context) => Promise<TOutput>) {
  return middy<TInput, TOutput, Error, Context>()
    .use(captureLambdaHandler(tracer))
    .use(injectLambdaContext(logger, { clearState: true }))
    .use(logMetrics(metrics))
    .handler(work);
}
