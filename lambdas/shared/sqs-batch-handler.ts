import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
import middy from '@middy/core';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { logger, metrics, tracer } from './powertools.js';

/** One batch of SQS messages, as a consumer handles it. */
export interface SqsBatch {
  /** Handles one record; a throw fails that record only, which SQS then delivers again. */
  processRecord(record: SQSRecord): Promise<void>;
  /** Runs once every record has been handled, the failed ones included. */
  settle?(): Promise<void>;
}

/**
 * Wires an SQS consumer the same way everywhere: the invocation traced, Powertools logging, EMF
 * metrics flushed at the end of each invocation, and partial batch responses (Powertools'
 * BatchProcessor; the event source reports item failures). `begin` reads the batch as a whole
 * (once per batch, not once per record) and returns how to handle each record.
 */
export function sqsBatchHandler(begin: (event: SQSEvent, context: Context) => Promise<SqsBatch>) {
  const processor = new BatchProcessor(EventType.SQS);
  return middy<SQSEvent, SQSBatchResponse, Error, Context>()
    .use(captureLambdaHandler(tracer))
    .use(injectLambdaContext(logger, { clearState: true }))
    .use(logMetrics(metrics))
    .handler(async (event, context) => {
      const batch = await begin(event, context);
      const response = await processPartialResponse(
        event,
        (record: SQSRecord) => batch.processRecord(record),
        processor,
        {
          context,
          throwOnFullBatchFailure: false,
        },
      );
      await batch.settle?.();
      return response;
    });
}
