import { type EmbeddedDynamo, ensureTable, startEmbeddedDynamo } from './dynamo-server.js';

/**
 * Whether the embedded store answers, as the parent saw its child: down from the moment the child
 * exited until a new one answers on the same port. The gateway and the queue read it to tell an
 * outage from a request's or a delivery's own failure.
 */
export class StoreAvailability {
  private downAt: number | undefined;
  private backAt = 0;
  private why = '';
  private readonly listeners = new Set<() => void>();

  get available(): boolean {
    return this.downAt === undefined;
  }

  /** Why it is down (unset while it is up). */
  get problem(): string | undefined {
    return this.downAt === undefined ? undefined : this.why;
  }

  /** Whether it was down at any moment since `since` (ms since the epoch), now included. */
  wasDownSince(since: number): boolean {
    return this.downAt !== undefined || this.backAt >= since;
  }

  /** Calls `listener` each time the store is back. */
  onBack(listener: () => void): void {
    this.listeners.add(listener);
  }

  markDown(reason: string): void {
    this.downAt ??= Date.now();
    this.why = reason;
  }

  markBack(): void {
    if (this.downAt === undefined) return;
    this.downAt = undefined;
    this.backAt = Date.now();
    for (const listener of this.listeners) listener();
  }
}

export interface SupervisedStore {
  endpoint: string;
  availability: StoreAvailability;
  /** The running child's process id (it changes with each restart). */
  pid(): number;
  /** Stops watching, then stops the child (it finishes the requests it took). */
  stop(): Promise<void>;
}

export interface SuperviseOptions {
  /** On disk (restarted on the same data); unset: in memory, where a dead child's data is gone. */
  path?: string;
  tableName: string;
  log: (line: string) => void;
  /** The store is gone for good: said in one line. The service cannot go on without it. */
  onFatal: (reason: string) => void;
  /** Waits before each restart attempt; their number is the number of attempts. */
  restartDelaysMs?: readonly number[];
}

/** About fifteen seconds in all: long enough for a port or a file lock to come free, short enough to be an outage. */
const RESTART_DELAYS_MS = [100, 400, 1_000, 2_000, 3_000, 3_000, 3_000, 3_000];
/** More exits than this within a minute is a crash loop, not an outage. */
const MAX_EXITS_PER_MINUTE = 5;

function describeExit(exit: { code: number | null; signal: NodeJS.Signals | null }): string {
  return exit.signal ? `was killed by ${exit.signal}` : `exited with code ${exit.code}`;
}

/**
 * Runs dynalite in its child process (`startEmbeddedDynamo`) and watches it: when the child exits
 * without being asked to, the store is marked down and a new child is started on the same data and
 * the same port (clients keep their endpoint; their requests meanwhile fail and are retried by their
 * callers). When no new child answers after every attempt, or the child keeps dying, `onFatal` says why.
 */
export async function superviseEmbeddedDynamo(options: SuperviseOptions): Promise<SupervisedStore> {
  const availability = new StoreAvailability();
  const delays = options.restartDelaysMs ?? RESTART_DELAYS_MS;
  const startChild = async (port?: number): Promise<EmbeddedDynamo> => {
    const child = await startEmbeddedDynamo({
      ...(options.path ? { path: options.path } : {}),
      ...(port ? { port } : {}),
    });
    try {
      await ensureTable(child.endpoint, options.tableName);
    } catch (error) {
      await child.stop();
      throw error;
    }
    return child;
  };

  let current = await startChild();
  const { endpoint, port } = current;
  let stopping = false;
  let restarting: Promise<void> | undefined;
  const exits: number[] = [];

  const restart = async (exited: EmbeddedDynamo, how: string): Promise<void> => {
    const downAt = Date.now();
    exits.push(downAt);
    while (exits.length > 0 && (exits[0] ?? 0) < downAt - 60_000) exits.shift();
    if (!options.path) {
      options.onFatal(`the embedded store (dynalite, pid ${exited.pid}) ${how}, and its data was in memory`);
      return;
    }
    if (exits.length > MAX_EXITS_PER_MINUTE) {
      options.onFatal(
        `the embedded store (dynalite) keeps stopping (${exits.length} times within a minute, last ${how}); ` +
          `see the lines above, and check ${options.path}`,
      );
      return;
    }
    options.log(`[store] the embedded store (dynalite, pid ${exited.pid}) ${how}; restarting it on the same data`);
    let lastError = '';
    for (const delay of delays) {
      await new Promise((resolve) => setTimeout(resolve, delay));
      if (stopping) return;
      try {
        const child = await startChild(port);
        current = child;
        if (stopping) return;
        watch(child);
        availability.markBack();
        options.log(
          `[store] the embedded store is back (pid ${child.pid}) after ${((Date.now() - downAt) / 1000).toFixed(1)} s`,
        );
        return;
      } catch (error) {
        lastError = error instanceof Error ? error.message : String(error);
      }
    }
    options.onFatal(
      `the embedded store (dynalite) ${how} and could not be restarted on ${options.path} ` +
        `(${delays.length} attempts): ${lastError}`,
    );
  };

  const watch = (child: EmbeddedDynamo): void => {
    void child.exited.then((exit) => {
      if (stopping) return;
      const how = describeExit(exit);
      availability.markDown(`The embedded store (dynalite) ${how}; it is being restarted.`);
      restarting = restart(child, how).finally(() => {
        restarting = undefined;
      });
    });
  };
  watch(current);

  return {
    endpoint,
    availability,
    pid: () => current.pid,
    stop: async () => {
      stopping = true;
      await restarting;
      await current.stop();
    },
  };
}
