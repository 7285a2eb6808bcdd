/**
 * When reconcile runs by default, in EventBridge Scheduler's syntax: daily at 03:00 UTC. The stack
 * takes it as a parameter; `npm start` reads `RECONCILE_SCHEDULE` with the same default.
 */
export const DEFAULT_RECONCILE_SCHEDULE = 'cron(0 3 * * ? *)';
