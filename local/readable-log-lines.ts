import type { LogItem, Logger } from '@aws-lambda-powertools/logger';

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

/** Powertools prints each entry through this (protected) method of the logger. */
interface PrintsLogItems {
  printLog(logLevel: number, log: LogItem): void;
}

/**
 * The local console's logs (`npm start`, unless `LOG_LEVEL=debug`): the handlers' own Powertools
 * logger prints each entry as one line a person reads, `WARN message (key=value, …)`, an error by
 * its message only. (No function name: locally several handlers share one logger, so it could be
 * another's.) Replaces the printing of that one instance, so the deployed code stays plain Powertools JSON.
 */
export function printReadableLines(logger: Logger): void {
  (logger as unknown as PrintsLogItems).printLog = (logLevel, log) => {
    log.prepareForPrint();
    const attributes = log.getAttributes() as Record<string, unknown>;
    const details = Object.entries(attributes)
      .filter(([key, value]) => !STANDARD_KEYS.has(key) && value !== undefined)
      .map(([key, value]) => `${key}=${readable(value)}`);
    const level = String(attributes.level ?? '');
    const line = `${level} ${String(attributes.message ?? '')}${details.length ? ` (${details.join(', ')})` : ''}\n`;
    (logLevel >= 16 ? process.stderr : process.stdout).write(line);
  };
}

/** A value in a few words: an error's message, never its stack; other objects as compact text. */
function readable(value: unknown): string {
  if (value && typeof value === 'object' && 'message' in value) {
    return String((value as { message: unknown }).message);
  }
  if (typeof value === 'string') return value;
  return JSON.stringify(value);
}
