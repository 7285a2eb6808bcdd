import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { Tracer } from '@aws-lambda-powertools/tracer';
import { environment } from './environment.js';
import { METRICS_NAMESPACE, SERVICE_NAME } from './service-identity.js';

// One logger, one metrics and one tracer instance per container, under one service name, as Powertools advises.

/**
 * Powertools' JSON entries, on AWS as locally with `LOG_LEVEL=debug`. The local console (`npm start`)
 * prints the same entries as readable lines: local/readable-log-lines.ts.
 */
export const logger = new Logger({ serviceName: SERVICE_NAME });

/**
 * Metrics' own notices go through the logger. Where metrics are off (locally), "No application
 * metrics to publish" says nothing a person can act on: it is a debug entry there.
 */
const metricsDisabled = (): boolean => environment().POWERTOOLS_METRICS_DISABLED;
const metricsNotices = {
  debug: (...args: unknown[]) => logger.debug(String(args[0])),
  info: (...args: unknown[]) => logger.info(String(args[0])),
  warn: (...args: unknown[]) => (metricsDisabled() ? logger.debug(String(args[0])) : logger.warn(String(args[0]))),
  error: (...args: unknown[]) => logger.error(String(args[0])),
  trace: (...args: unknown[]) => logger.debug(String(args[0])),
};

export const metrics = new Metrics({
  serviceName: SERVICE_NAME,
  namespace: METRICS_NAMESPACE,
  logger: metricsNotices,
});

/**
 * X-Ray through Powertools: on in Lambda (`POWERTOOLS_TRACE_ENABLED`, active tracing), off by
 * itself anywhere else, where every call below goes straight through without a word.
 */
export const tracer = new Tracer({ serviceName: SERVICE_NAME });

/** An X-Ray (sub)segment, as the tracer hands it out: annotations, metadata, close. */
export type TraceSubsegment = NonNullable<ReturnType<Tracer['getSegment']>>;

/**
 * Runs `work` in a subsegment of its own, named `name`, so a trace shows where the time went;
 * `work` may annotate it (`subsegment?.addAnnotation`). An error is recorded on the subsegment and
 * thrown on. With tracing off, `work` runs as it is, with no subsegment.
 */
export async function inSubsegment<T>(name: string, work: (subsegment?: TraceSubsegment) => Promise<T>): Promise<T> {
  if (!tracer.isTracingEnabled()) return work(undefined);
  // The SDK's own capture, as Powertools' `captureMethod` does: the subsegment is the active one
  // only inside `work`, so concurrent calls nest their own HTTP and SDK calls each under its own.
  return tracer.provider.captureAsyncFunc(name, async (subsegment?: TraceSubsegment) => {
    try {
      return await work(subsegment);
    } catch (error) {
      tracer.addErrorAsMetadata(error as Error);
      throw error;
    } finally {
      subsegment?.close();
    }
  }) as Promise<T>;
}
