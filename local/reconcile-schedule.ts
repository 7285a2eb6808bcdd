import { Cron } from 'croner';
import { DEFAULT_RECONCILE_SCHEDULE } from '../lib/reconcile-schedule.js';

/**
 * A cron pattern for croner from `RECONCILE_SCHEDULE`: EventBridge's `cron(min hour dom month dow year)`
 * (the year dropped) or a plain five-field cron expression; `off` turns the schedule off.
 */
export function localCronPattern(setting: string | undefined): string | undefined {
  const expression = (setting ?? DEFAULT_RECONCILE_SCHEDULE).trim();
  if (expression.toLowerCase() === 'off') return undefined;
  const aws = /^cron\((.*)\)$/i.exec(expression);
  if (!aws) return expression;
  const fields = (aws[1] ?? '').trim().split(/\s+/);
  if (fields.length !== 6) throw new Error(`RECONCILE_SCHEDULE: cron(...) takes six fields, got "${expression}".`);
  return fields.slice(0, 5).join(' ');
}

/**
 * Starts the reconcile on schedule, as EventBridge Scheduler does on AWS. Returns a stop function
 * and the next planned time (for the console).
 */
export function scheduleReconcile(
  setting: string | undefined,
  start: () => Promise<void>,
  log: (line: string) => void,
): { stop: () => void; next: Date | undefined } {
  const pattern = localCronPattern(setting);
  if (!pattern) return { stop: () => undefined, next: undefined };
  let job: Cron;
  try {
    job = new Cron(pattern, { timezone: 'UTC', protect: true }, () => {
      start().catch((error: unknown) =>
        log(`[reconcile] the scheduled reconcile could not start: ${(error as Error).message}`),
      );
    });
  } catch (error) {
    throw new Error(
      `RECONCILE_SCHEDULE "${setting}" is not a cron expression (${(error as Error).message}). ` +
        'Use e.g. "0 3 * * *", "cron(0 3 * * ? *)" or "off".',
    );
  }
  return { stop: () => job.stop(), next: job.nextRun() ?? undefined };
}
