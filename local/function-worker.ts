/**
 * Runs one Lambda handler in a worker thread, as Lambda runs a function apart from API Gateway and
 * SQS: the handler's CPU work stays off the local gateway's event loop. Started by
 * `local/worker-function.ts`; receives `{ id, event, context }`, answers `{ id, result }` or
 * `{ id, error }`; a handler module may post its own messages too (local/login-revocation-relay.ts).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { logger } from '../lambdas/shared/powertools.js';
import { verboseLogs } from './environment.js';
import { lambdaContext } from './lambda-context.js';
import { printReadableLines } from './readable-log-lines.js';

interface WorkerSetup {
  moduleUrl: string;
  functionName: string;
  preloadUrl?: string;
}

type Handler = (event: unknown, context: unknown) => Promise<unknown>;

const { moduleUrl, functionName, preloadUrl } = workerData as WorkerSetup;
if (!verboseLogs()) printReadableLines(logger);
if (preloadUrl) await import(preloadUrl);
const handler = ((await import(moduleUrl)) as { handler: Handler }).handler;

parentPort?.on('message', (message: { id: number; event: unknown; timeoutMs: number }) => {
  handler(message.event, lambdaContext(functionName, message.timeoutMs)).then(
    (result) => parentPort?.postMessage({ id: message.id, result }),
    (error: unknown) =>
      parentPort?.postMessage({ id: message.id, error: error instanceof Error ? error.message : String(error) }),
  );
});
parentPort?.postMessage({ ready: true });
