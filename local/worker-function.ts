import { Worker } from 'node:worker_threads';

export interface WorkerFunction<TEvent, TResult> {
  invoke(event: TEvent): Promise<TResult>;
  stop(): Promise<void>;
}

/**
 * A Lambda handler (`moduleUrl`'s `handler` export) running in its own worker thread. The worker
 * loads TypeScript through tsx, whether or not this process was started by it (tests are not).
 */
export async function startWorkerFunction<TEvent, TResult>(
  moduleUrl: URL,
  functionName: string,
  timeoutMs: number,
  /** Loaded in the worker before the handler, as a Lambda extension would be (benchmarks count requests with it). */
  preloadUrl?: URL,
  /** Called when the handler module names an account whose logins end (local/login-revocation-relay.ts; the API's cache is in this thread). */
  onLoginRevoked?: (accountId: string) => void,
): Promise<WorkerFunction<TEvent, TResult>> {
  const execArgv = process.execArgv.some((arg) => arg.includes('tsx')) ? process.execArgv : ['--import', 'tsx'];
  const worker = new Worker(new URL('./function-worker.ts', import.meta.url), {
    workerData: { moduleUrl: moduleUrl.href, functionName, preloadUrl: preloadUrl?.href },
    execArgv,
    // This process's environment as configured now (a test runner's sandboxed one included).
    env: { ...process.env },
  });
  const pending = new Map<number, { resolve: (value: TResult) => void; reject: (error: Error) => void }>();
  let nextId = 0;
  await new Promise<void>((resolve, reject) => {
    worker.once('error', reject);
    worker.once('message', () => resolve());
  });
  worker.on('message', (message: { id: number; result?: TResult; error?: string; loginRevoked?: string }) => {
    if (message.loginRevoked !== undefined) {
      onLoginRevoked?.(message.loginRevoked);
      return;
    }
    const call = pending.get(message.id);
    pending.delete(message.id);
    if (message.error !== undefined) call?.reject(new Error(message.error));
    else call?.resolve(message.result as TResult);
  });
  worker.on('error', (error) => {
    for (const call of pending.values()) call.reject(error);
    pending.clear();
  });
  return {
    invoke: (event) =>
      new Promise<TResult>((resolve, reject) => {
        const id = nextId++;
        pending.set(id, { resolve, reject });
        worker.postMessage({ id, event, timeoutMs });
      }),
    stop: async () => {
      await worker.terminate();
    },
  };
}
