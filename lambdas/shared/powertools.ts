import { Logger } from '@aws-lambda-powertools/logger';
import type { LogItem } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { Tracer } from '@aws-lambda-powertools/tracer';
import { METRICS_NAMESPACE, SERVICE_NAME } from './service-identity.js';

// One logger, one metrics and one tracer instance per container, under one service name, as Powertools advises.

/** Keys every entry carries; the readable line leaves them out. */
const STANDARD_KEYS = new Set([
  'level',
  'message',
  'timestamp',
  'service',
  'sampling_rate',
  'xray_trace_id',
  'cold_start',
  'function_arn',
  'function_memory_size',
  'function_name',
  'function_request_id',
]);

/**
 * The local console's logger (`npm start`, set by the runtime through `CONTACT_SYNC_READABLE_LOGS`):
 * each entry as one line a person reads, `WARN message (key=value, …)`, an error by its message
 * only. (No function name: locally several handlers share one logger, so it could be another's.)
 * On AWS, and locally with `LOG_LEVEL=debug`, the entries stay Powertools' JSON.
 */
class ReadableLogger extends Logger {
  protected override printLog(logLevel: number, log: LogItem): void {
    log.prepareForPrint();
    const attributes = log.getAttributes() as Record<string, unknown>;
    const details = Object.entries(attributes)
      .filter(([key, value]) => !STANDARD_KEYS.has(key) && value !== undefined)
      .map(([key, value]) => `${key}=${readable(value)}`);
    const level = String(attributes.level ?? '');
    const line = `${level} ${String(attributes.message ?? '')}${details.length ? ` (${details.join(', ')})` : ''}\n`;
    (logLevel >= 16 ? process.stderr : process.stdout).write(line);
  }
}

/** A value in a few words: an error's message, never its stack; other objects as compact text. */
function readable(value: unknown): string {
  if (value && typeof value === 'object' && 'message' in value) {
    return String((value as { message: unknown }).message);
  }
  if (typeof value === 'string') return value;
  return JSON.stringify(value);
}

export const logger =
  process.env.CONTACT_SYNC_READABLE_LOGS === 'true'
    ? new ReadableLogger({ serviceName: SERVICE_NAME })
    : new Logger({ serviceName: SERVICE_NAME });

/**
 * Metrics' own notices go through the logger. Where metrics are off (locally), "No application
 * metrics to publish" says nothing a person can act on: it is a debug entry there.
 */
const metricsDisabled = process.env.POWERTOOLS_METRICS_DISABLED === 'true';
const metricsNotices = {
  debug: (...args: unknown[]) => logger.debug(String(args[0])),
  info: (...args: unknown[]) => logger.info(String(args[0])),
  warn: (...args: unknown[]) => (metricsDisabled ? logger.debug(String(args[0])) : logger.warn(String(args[0]))),
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
