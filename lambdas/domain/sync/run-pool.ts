import { jitteredDelayMs, sleep } from '../../shared/jittered-backoff.js';

/** Runs `work` over `items` with at most `concurrency` in flight, in order of start. */
export async function forEachConcurrently<T>(
  items: readonly T[],
  concurrency: number,
  work: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const item = items[next++] as T;
      await work(item);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
}

/** Tries `work` a few times with a short growing, jittered pause; the last error is thrown. */
export async function withRetries<T>(attempts: number, work: () => Promise<T>, pauseMs = 50): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await work();
    } catch (error) {
      if (attempt >= attempts) throw error;
      await sleep(jitteredDelayMs(attempt, { baseDelayMs: pauseMs, maxDelayMs: Number.POSITIVE_INFINITY }));
    }
  }
}
