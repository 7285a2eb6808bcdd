/**
 * Import this first wherever the service runs without AWS (the local runtime, the benchmark).
 * Tracing is off there, but merely loading the X-Ray SDK (through Powertools Tracer) turns on its
 * automatic mode: an async_hooks namespace with a destroy hook on every promise, which cost the
 * local sync about a third of its speed. Manual mode loads no hooks; the tracer, being off, needs none.
 * Set before any module loads the SDK, and inherited by the consumer's worker thread.
 */
process.env.AWS_XRAY_MANUAL_MODE ??= 'true';
process.env.POWERTOOLS_TRACE_ENABLED ??= 'false';
