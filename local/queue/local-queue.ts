import { randomUUID } from 'node:crypto';
import { basename } from 'node:path';
import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { lambdaContext } from '../lambda-context.js';
import { type DeadLetter, MessageStore, type QueueLog, type ReceivedMessage } from './message-store.js';
import { toSqsRecord } from './sqs-record.js';

export type { DeadLetter, QueueLog } from './message-store.js';

/**
 * A look at the table this often whatever the timers say, as SQS's pollers do: a message made
 * visible by a path the timers do not know of (the wall clock stepped, which `visible_at` follows
 * and timers do not) then waits at most this long, never until the next delivery.
 */
const SAFETY_PUMP_MS = 1000;

export interface LocalQueueOptions {
  /** Storage folder (under DATA_DIR), created if missing. */
  dir: string;
  /** How long a received message stays invisible, and how long a handler may run. Default 30 s. */
  visibilityTimeoutMs?: number;
  /** Receives before a message moves to the dead-letter queue. Default 5. */
  maxReceiveCount?: number;
  /** Records per event, at most 10 (the SQS maximum). Default 10. */
  batchSize?: number;
  /** How long to gather a partial batch before invoking. Default 20 ms. */
  batchWindowMs?: number;
  /** Batches in flight at once. Default 2. */
  concurrency?: number;
  /**
   * Delay before a failed message is visible again, doubled per receive, capped at the visibility
   * timeout. Default 500 ms.
   */
  retryDelayMs?: number;
  /** Largest body accepted by `send`, in bytes. Default 256 KiB. */
  maxMessageBytes?: number;
  /** `eventSourceARN` of the records. Default `arn:aws:sqs:<region>:000000000000:<basename(dir)>`. */
  queueArn?: string;
  /** `awsRegion` of the records. Default `AWS_REGION` or us-east-1. */
  awsRegion?: string;
  /** Name in the Lambda context handed to the handler. Default `<queue name>-consumer`. */
  functionName?: string;
  /** Where dead-lettering, timeouts and storage trouble are reported. Default: warnings and errors to stderr. */
  log?: QueueLog;
  /**
   * What the handler cannot work without (the local store). No batch starts while it is down; a
   * batch that failed while it was down failed for the outage, not for its messages: those are
   * retried after `outageRetryDelayMs` and the receive does not count toward the dead-letter queue.
   */
  dependency?: QueueDependency;
  /** Delay before a delivery that failed in an outage is tried again. Default: the visibility timeout. */
  outageRetryDelayMs?: number;
}

/** A service the handler depends on, as the queue needs to know it (see `LocalQueueOptions.dependency`). */
export interface QueueDependency {
  readonly available: boolean;
  /** Whether it was down at any moment since `since` (ms since the epoch), now included. */
  wasDownSince(since: number): boolean;
  /** Calls `listener` each time it is back. */
  onBack(listener: () => void): void;
}

// biome-ignore lint/suspicious/noConfusingVoidType: a Lambda SQS handler may return nothing, as aws-lambda types it.
export type SqsHandler = (event: SQSEvent, context: Context) => Promise<SQSBatchResponse | void>;

export interface LocalQueueStats {
  /** Waiting to be received (SQS ApproximateNumberOfMessagesVisible). */
  visible: number;
  /** Received and not yet acknowledged, or waiting out a retry delay (ApproximateNumberOfMessagesNotVisible). */
  inFlight: number;
  deadLetters: number;
  /** Age of the oldest message not yet deleted, 0 when there is none (ApproximateAgeOfOldestMessage). */
  oldestAgeMs: number;
  /** Syncs (fdatasync) of the store so far; far fewer than sends when sends are group-committed. */
  syncs: number;
}

type BatchOutcome = { kind: 'settled'; failed: Set<string>; reason: string } | { kind: 'timed-out' };

const SQS_MAX_BATCH = 10;

const defaultLog: QueueLog = (level, message, details) => {
  if (level !== 'info') console.error(`[${level}] ${message}`, details ?? '');
};

function errorMessage(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

/**
 * Reads a handler's answer the way the event source mapping does with `ReportBatchItemFailures`:
 * nothing or an empty list deletes the whole batch; an identifier that is not in the batch fails it.
 */
function failuresOf(result: Awaited<ReturnType<SqsHandler>>, ids: ReadonlySet<string>): BatchOutcome {
  const failures = result?.batchItemFailures ?? [];
  const failed = new Set<string>();
  for (const failure of failures) {
    if (!ids.has(failure.itemIdentifier)) {
      return {
        kind: 'settled',
        failed: new Set(ids),
        reason: `batchItemFailures named an unknown itemIdentifier "${failure.itemIdentifier}"`,
      };
    }
    failed.add(failure.itemIdentifier);
  }
  return { kind: 'settled', failed, reason: 'reported in batchItemFailures' };
}

const EXHAUSTED_REASON = 'maxReceiveCount reached without an acknowledgement (the consumer stopped or crashed)';

/**
 * A queue with the semantics of SQS and a Lambda event source mapping, kept in SQLite under `dir`
 * (`message-store.ts`). It stands in for the webhook queue and its dead-letter queue when the
 * service runs locally: (HTTP runtime) --send--> messages table --> batches of SQSRecords --> the
 * deployed handler.
 */
export class LocalQueue {
  private readonly visibilityTimeoutMs: number;
  private readonly maxReceiveCount: number;
  private readonly batchSize: number;
  private readonly batchWindowMs: number;
  private readonly concurrency: number;
  private readonly retryDelayMs: number;
  private readonly maxMessageBytes: number;
  private readonly queueArn: string;
  private readonly awsRegion: string;
  private readonly functionName: string;
  private readonly log: QueueLog;
  private readonly dependency: QueueDependency | undefined;
  private readonly outageRetryDelayMs: number;

  private readonly batches = new Set<Promise<void>>();
  private readonly sends = new Set<Promise<void>>();
  private drainWaiters: (() => void)[] = [];
  private handler: SqsHandler | undefined;
  private windowTimer: NodeJS.Timeout | undefined;
  private windowElapsed = false;
  /** Wakes the pump when the next retry delay ends. */
  private wakeTimer: NodeJS.Timeout | undefined;
  /** See `SAFETY_PUMP_MS`. */
  private safetyPump: NodeJS.Timeout | undefined;
  private wakeAt = Infinity;
  private stopping: Promise<void> | undefined;
  private closedState: { stats: LocalQueueStats; deadLetters: DeadLetter[] } | undefined;

  private constructor(
    private readonly store: MessageStore,
    options: LocalQueueOptions,
  ) {
    this.visibilityTimeoutMs = options.visibilityTimeoutMs ?? 30_000;
    this.maxReceiveCount = Math.max(1, options.maxReceiveCount ?? 5);
    this.batchSize = Math.min(SQS_MAX_BATCH, Math.max(1, options.batchSize ?? SQS_MAX_BATCH));
    this.batchWindowMs = options.batchWindowMs ?? 20;
    this.concurrency = Math.max(1, options.concurrency ?? 2);
    this.retryDelayMs = options.retryDelayMs ?? 500;
    this.maxMessageBytes = options.maxMessageBytes ?? 256 * 1024;
    this.awsRegion = options.awsRegion ?? process.env.AWS_REGION ?? 'us-east-1';
    const name = basename(options.dir);
    this.queueArn = options.queueArn ?? `arn:aws:sqs:${this.awsRegion}:000000000000:${name}`;
    this.functionName = options.functionName ?? `${name}-consumer`;
    this.log = options.log ?? defaultLog;
    this.dependency = options.dependency;
    this.outageRetryDelayMs = options.outageRetryDelayMs ?? this.visibilityTimeoutMs;
    this.dependency?.onBack(() => this.pump());
  }

  /** Opens (or creates) the queue in `options.dir`; messages accepted before a crash or restart are delivered again. */
  static async open(options: LocalQueueOptions): Promise<LocalQueue> {
    const store = await MessageStore.open({ dir: options.dir, log: options.log ?? defaultLog });
    return new LocalQueue(store, options);
  }

  /** Accepts a message; resolves only once it is committed to disk. */
  async send(body: string, attributes: Record<string, string> = {}): Promise<{ messageId: string }> {
    if (this.stopping) throw new Error('The local queue is stopped.');
    const size = Buffer.byteLength(body, 'utf8');
    if (size > this.maxMessageBytes)
      throw new RangeError(`Message body is ${size} bytes; the queue accepts at most ${this.maxMessageBytes}.`);
    const id = randomUUID();
    const added = this.store.add({ id, body, attributes: { ...attributes }, sentAt: Date.now() });
    const tracked = added
      .catch(() => undefined)
      .finally(() => {
        this.sends.delete(tracked);
        this.notifyDrained();
      });
    this.sends.add(tracked);
    await added;
    this.pump();
    return { messageId: id };
  }

  /** Starts invoking `handler` with batches; messages sent before `start` are delivered too. */
  start(handler: SqsHandler): void {
    if (this.stopping) throw new Error('The local queue is stopped.');
    if (this.handler) throw new Error('The local queue is already started.');
    this.handler = handler;
    this.safetyPump = setInterval(() => this.pump(), SAFETY_PUMP_MS);
    this.safetyPump.unref();
    this.pump();
  }

  /** Takes no new batches, waits for the batches in flight, then closes the store. */
  stop(): Promise<void> {
    this.stopping ??= (async () => {
      clearTimeout(this.windowTimer);
      clearTimeout(this.wakeTimer);
      clearInterval(this.safetyPump);
      while (this.batches.size > 0) await Promise.allSettled([...this.batches]);
      const stats = this.stats();
      const deadLetters = this.deadLetters();
      await this.store.close();
      // Read after stop (a last look at what it left): the state at closing, as the store was.
      this.closedState = { stats, deadLetters };
      this.notifyDrained();
    })();
    return this.stopping;
  }

  stats(): LocalQueueStats {
    if (this.closedState) return { ...this.closedState.stats };
    const now = Date.now();
    const counts = this.store.counts({ now });
    return {
      visible: counts.visible,
      inFlight: counts.invisible,
      deadLetters: counts.dead,
      oldestAgeMs: counts.oldestSentAt === undefined ? 0 : Math.max(0, now - counts.oldestSentAt),
      syncs: this.store.syncs,
    };
  }

  deadLetters(): DeadLetter[] {
    if (this.closedState) return this.closedState.deadLetters.map((letter) => ({ ...letter }));
    return this.store.deadLetters();
  }

  /** Moves every dead letter back to the queue with its receive count reset; answers how many. */
  async redriveDeadLetters(): Promise<number> {
    if (this.stopping) throw new Error('The local queue is stopped.');
    const moved = this.store.redriveAll(Date.now());
    if (moved > 0) this.log('info', 'local queue: redrove dead letters', { count: moved });
    this.pump();
    return moved;
  }

  /** Resolves when nothing is visible, in flight or being written (or the queue has stopped). */
  drained(): Promise<void> {
    if (this.isDrained()) return Promise.resolve();
    return new Promise((resolve) => this.drainWaiters.push(resolve));
  }

  private isDrained(): boolean {
    if (this.stopping) return this.batches.size === 0;
    if (this.batches.size > 0 || this.sends.size > 0) return false;
    const counts = this.store.counts({ now: Date.now(), limit: 1 });
    return counts.visible === 0 && counts.invisible === 0;
  }

  private notifyDrained(): void {
    if (this.drainWaiters.length > 0 && this.isDrained()) {
      for (const resolve of this.drainWaiters.splice(0)) resolve();
    }
  }

  /** Starts as many batches as concurrency allows, waiting up to the batch window for a full one. */
  private pump(): void {
    if (!this.handler || this.stopping) return;
    // A batch now would fail for the outage alone; the messages wait, visible, until it is back.
    if (this.dependency && !this.dependency.available) return;
    while (this.batches.size < this.concurrency) {
      // One `now` for both questions: a retry that became visible between two clocks would be
      // neither visible to the first nor next to the second, and nothing would wake the pump for it.
      const now = Date.now();
      const visible = this.store.counts({ now, limit: this.batchSize }).visible;
      if (visible === 0) {
        this.wakeAtNextVisible(now);
        return;
      }
      if (visible < this.batchSize && this.batchWindowMs > 0 && !this.windowElapsed) {
        this.windowTimer ??= setTimeout(() => {
          this.windowTimer = undefined;
          this.windowElapsed = true;
          this.pump();
        }, this.batchWindowMs);
        return;
      }
      this.windowElapsed = false;
      clearTimeout(this.windowTimer);
      this.windowTimer = undefined;
      const batch = this.receive();
      if (batch.length > 0) this.track(this.runBatch(batch));
    }
  }

  /** Sets the wake-up timer for the end of the earliest retry delay after `now`, unless one is set for earlier. */
  private wakeAtNextVisible(now: number): void {
    const next = this.store.nextVisibleAt(now);
    if (next === undefined || next >= this.wakeAt) return;
    clearTimeout(this.wakeTimer);
    this.wakeAt = next;
    this.wakeTimer = setTimeout(
      () => {
        this.wakeTimer = undefined;
        this.wakeAt = Infinity;
        this.pump();
      },
      Math.max(0, next - Date.now()),
    );
  }

  private track(batch: Promise<void>): void {
    const tracked = batch
      .catch((error: unknown) =>
        this.log('error', 'local queue: batch failed unexpectedly', { error: errorMessage(error) }),
      )
      .finally(() => {
        this.batches.delete(tracked);
        this.notifyDrained();
        this.pump();
      });
    this.batches.add(tracked);
  }

  /**
   * Takes up to a batch of visible messages, its receive counts committed before the handler runs
   * (so a message that crashes the process every time still ends in the DLQ); one already received
   * `maxReceiveCount` times goes to the DLQ instead.
   */
  private receive(): ReceivedMessage[] {
    const { batch, deadLettered } = this.store.receive({
      now: Date.now(),
      limit: this.batchSize,
      visibilityTimeoutMs: this.visibilityTimeoutMs,
      maxReceiveCount: this.maxReceiveCount,
      exhaustedReason: EXHAUSTED_REASON,
    });
    this.logDeadLettered(deadLettered);
    return batch;
  }

  private async runBatch(batch: ReceivedMessage[]): Promise<void> {
    const handler = this.handler;
    if (!handler) return;
    // Receive counts on disk before the handler runs, as SQS has them (a power loss included).
    await this.store
      .durable()
      .catch((error: unknown) =>
        this.log('error', 'local queue: the store could not sync a receive', { error: errorMessage(error) }),
      );
    const startedAt = Date.now();
    const event: SQSEvent = {
      Records: batch.map((message) => toSqsRecord(message, { queueArn: this.queueArn, awsRegion: this.awsRegion })),
    };
    const outcome = await this.invoke(handler, event);
    const anyFailed = outcome.kind === 'timed-out' || outcome.failed.size > 0;
    if (anyFailed && this.dependency?.wasDownSince(startedAt)) {
      const retried = outcome.kind === 'timed-out' ? batch : batch.filter((message) => outcome.failed.has(message.id));
      this.store.delete(batch.filter((message) => !retried.includes(message)));
      this.retryAfterOutage(retried);
      return;
    }
    if (outcome.kind === 'timed-out') {
      this.log(
        'warn',
        'local queue: handler did not finish within the visibility timeout; its messages are visible again',
        {
          messageIds: batch.map((message) => message.id),
          visibilityTimeoutMs: this.visibilityTimeoutMs,
        },
      );
      this.fail(batch, 'visibility timeout expired before the handler finished', 0);
      return;
    }
    // A delete or change under a handle that is no longer the message's (received again since) is ignored.
    this.store.delete(batch.filter((message) => !outcome.failed.has(message.id)));
    this.fail(
      batch.filter((message) => outcome.failed.has(message.id)),
      outcome.reason,
      this.retryDelayMs,
    );
  }

  /** Runs the handler like Lambda would: a throw fails the batch; running past the visibility timeout times it out. */
  private async invoke(handler: SqsHandler, event: SQSEvent): Promise<BatchOutcome> {
    const ids = new Set(event.Records.map((record) => record.messageId));
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<BatchOutcome>((resolve) => {
      timer = setTimeout(() => resolve({ kind: 'timed-out' }), this.visibilityTimeoutMs);
    });
    const run = (async (): Promise<BatchOutcome> => {
      try {
        return failuresOf(await handler(event, lambdaContext(this.functionName, this.visibilityTimeoutMs)), ids);
      } catch (error) {
        return { kind: 'settled', failed: ids, reason: errorMessage(error) };
      }
    })();
    try {
      return await Promise.race([run, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Makes failed messages visible again after a backoff, or dead-letters those out of receives. */
  private fail(messages: ReceivedMessage[], reason: string, baseDelayMs: number): void {
    const now = Date.now();
    const exhausted = messages.filter((message) => message.receiveCount >= this.maxReceiveCount);
    this.store.changeVisibility(
      messages
        .filter((message) => message.receiveCount < this.maxReceiveCount)
        .map((message) => ({
          ...message,
          visibleAt:
            now + Math.max(0, Math.min(baseDelayMs * 2 ** (message.receiveCount - 1), this.visibilityTimeoutMs)),
        })),
    );
    this.logDeadLettered(
      this.store.deadLetter(
        exhausted.map((message) => ({ ...message, reason })),
        now,
      ),
    );
  }

  /**
   * Gives back the receive of messages whose batch failed while the store was down (committed, so
   * a crash meanwhile does not count it either), and retries them after the outage delay: as SQS
   * would after a visibility timeout, but never toward the dead-letter queue.
   */
  private retryAfterOutage(messages: ReceivedMessage[]): void {
    if (messages.length === 0) return;
    const visibleAt = Date.now() + this.outageRetryDelayMs;
    this.store.changeVisibility(
      messages.map((message) => ({ ...message, visibleAt })),
      { giveBackReceive: true },
    );
    this.log('warn', 'local queue: deliveries failed while the store was down; retried later, not toward the DLQ', {
      count: messages.length,
      retryInSeconds: Math.round(this.outageRetryDelayMs / 1000),
    });
  }

  private logDeadLettered(letters: DeadLetter[]): void {
    for (const letter of letters) {
      this.log('error', 'local queue: message moved to the dead-letter queue', {
        messageId: letter.messageId,
        receiveCount: letter.receiveCount,
        reason: letter.lastError,
      });
    }
  }
}
