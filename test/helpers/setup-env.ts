/**
 * Runs before every test file (jest `setupFiles`). Tracing is off in tests, and the X-Ray SDK loads
 * in manual mode: in its automatic mode every evaluation of the SDK (one per test file that loads the
 * handlers) adds an async hook to the worker process for good, slowing every later test in it.
 * `tracing-on.test.ts` turns both back on for itself.
 */
process.env.AWS_XRAY_MANUAL_MODE = 'true';
process.env.POWERTOOLS_TRACE_ENABLED = 'false';
