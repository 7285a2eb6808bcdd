import { randomBytes, randomUUID } from 'node:crypto';
import { basename } from 'node:path';
import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { lambdaContext } from '../lambda-context.js';
import { Journal, type JournalRecord, type QueueLog } from './journal.js';
import { toSqsRecord } from './sqs-record.js';

export type { QueueLog } from './journal.js';

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
  /** The journal is compacted once it exceeds this and twice its live contents. Default 8 MiB. */
  compactAfterBytes?: number;
  /** `eventSourceARN` of the records. Default `arn:aws:sqs:<region>:000000000000:<basename(dir)>`. */
  queueArn?: string;
  /** `awsRegion` of the records. Default `AWS_REGION` or us-east-1. */
  awsRegion?: string;
  /** Name in the Lambda context handed to the handler. Default `<queue name>-consumer`. */
  functionName?: string;
  /** Where dead-lettering, timeouts and journal trouble are reported. Default: warnings and errors to stderr. */
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

export interface DeadLetter {
  messageId: string;
  body: string;
  attributes: Record<string, string>;
  receiveCount: number;
  sentTimestamp: number;
  deadLetteredAt: number;
  lastError?: string;
}

export interface LocalQueueStats {
  /** Waiting to be received (SQS ApproximateNumberOfMessagesVisible). */
  visible: number;
  /** Received and not yet acknowledged, or waiting out a retry delay (ApproximateNumberOfMessagesNotVisible). */
  inFlight: number;
  deadLetters: number;
  /** Age of the oldest message not yet deleted, 0 when there is none (ApproximateAgeOfOldestMessage). */
  oldestAgeMs: number;
  /** Writes+syncs of the journal so far; far fewer than sends when sends are group-committed. */
  journalCommits: number;
  journalBytes: number;
}

interface Message {
  id: string;
  body: string;
  attributes: Record<string, string>;
  sentAt: number;
  receiveCount: number;
  firstReceiveAt?: number;
  lastError?: string;
  /** Set while a handler holds the message; a result carrying an older handle is ignored. */
  receiptHandle?: string;
  /** Set while the message waits out its retry delay. */
  retryTimer?: NodeJS.Timeout;
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

/**
 * A queue with the semantics of SQS and a Lambda event source mapping, kept in a journal under
 * `dir`. It stands in for the webhook queue and its dead-letter queue when the service runs
 * locally: (HTTP runtime) --send--> journal --> batches of SQSRecords --> the deployed handler.
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

  /** Visible messages in the order they became visible. */
  private readonly ready = new Map<string, Message>();
  /** Messages a handler holds or that wait out a retry delay. */
  private readonly invisible = new Map<string, Message>();
  private readonly dead = new Map<string, DeadLetter>();
  private readonly batches = new Set<Promise<void>>();
  private readonly background = new Set<Promise<void>>();
  private drainWaiters: (() => void)[] = [];
  private handler: SqsHandler | undefined;
  private windowTimer: NodeJS.Timeout | undefined;
  private windowElapsed = false;
  private stopping: Promise<void> | undefined;

  private constructor(
    private readonly journal: Journal,
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

    // Whatever was not deleted before the last stop or crash is visible again.
    for (const stored of journal.state.queue.values()) {
      const message: Message = {
        id: stored.id,
        body: stored.body,
        attributes: stored.attributes,
        sentAt: stored.sentAt,
        receiveCount: stored.receiveCount,
      };
      if (stored.firstReceiveAt !== undefined) message.firstReceiveAt = stored.firstReceiveAt;
      this.ready.set(stored.id, message);
    }
    for (const stored of journal.state.dead.values()) {
      this.dead.set(stored.id, {
        messageId: stored.id,
        body: stored.body,
        attributes: stored.attributes,
        receiveCount: stored.receiveCount,
        sentTimestamp: stored.sentAt,
        deadLetteredAt: stored.deadLetteredAt ?? stored.sentAt,
        ...(stored.lastError ? { lastError: stored.lastError } : {}),
      });
    }
  }

  /** Opens (or creates) the queue in `options.dir`; messages accepted before a crash or restart are delivered again. */
  static async open(options: LocalQueueOptions): Promise<LocalQueue> {
    const journal = await Journal.open({
      dir: options.dir,
      log: options.log ?? defaultLog,
      compactAfterBytes: options.compactAfterBytes ?? 8 * 1024 * 1024,
    });
    return new LocalQueue(journal, options);
  }

  /** Accepts a message; resolves only once it is on disk. */
  async send(body: string, attributes: Record<string, string> = {}): Promise<{ messageId: string }> {
    if (this.stopping) throw new Error('The local queue is stopped.');
    const size = Buffer.byteLength(body, 'utf8');
    if (size > this.maxMessageBytes)
      throw new RangeError(`Message body is ${size} bytes; the queue accepts at most ${this.maxMessageBytes}.`);
    const message: Message = {
      id: randomUUID(),
      body,
      attributes: { ...attributes },
      sentAt: Date.now(),
      receiveCount: 0,
    };
    await this.journal.append([
      { op: 'send', id: message.id, body, attributes: message.attributes, sentAt: message.sentAt },
    ]);
    this.ready.set(message.id, message);
    this.pump();
    return { messageId: message.id };
  }

  /** Starts invoking `handler` with batches; messages sent before `start` are delivered too. */
  start(handler: SqsHandler): void {
    if (this.stopping) throw new Error('The local queue is stopped.');
    if (this.handler) throw new Error('The local queue is already started.');
    this.handler = handler;
    this.pump();
  }

  /** Takes no new batches, waits for the batches in flight, then closes the journal. */
  stop(): Promise<void> {
    this.stopping ??= (async () => {
      clearTimeout(this.windowTimer);
      while (this.batches.size > 0 || this.background.size > 0) {
        await Promise.allSettled([...this.batches, ...this.background]);
      }
      for (const message of this.invisible.values()) clearTimeout(message.retryTimer);
      await this.journal.close();
      this.notifyDrained();
    })();
    return this.stopping;
  }

  stats(): LocalQueueStats {
    let oldest = Infinity;
    for (const message of this.ready.values()) oldest = Math.min(oldest, message.sentAt);
    for (const message of this.invisible.values()) oldest = Math.min(oldest, message.sentAt);
    return {
      visible: this.ready.size,
      inFlight: this.invisible.size,
      deadLetters: this.dead.size,
      oldestAgeMs: oldest === Infinity ? 0 : Math.max(0, Date.now() - oldest),
      journalCommits: this.journal.commits,
      journalBytes: this.journal.sizeBytes,
    };
  }

  deadLetters(): DeadLetter[] {
    return [...this.dead.values()].map((letter) => ({ ...letter, attributes: { ...letter.attributes } }));
  }

  /** Moves every dead letter back to the queue with its receive count reset; answers how many. */
  async redriveDeadLetters(): Promise<number> {
    if (this.stopping) throw new Error('The local queue is stopped.');
    const letters = [...this.dead.values()];
    if (letters.length === 0) return 0;
    for (const letter of letters) this.dead.delete(letter.messageId);
    try {
      await this.journal.append(letters.map((letter) => ({ op: 'redrive', id: letter.messageId })));
    } catch (error) {
      for (const letter of letters) this.dead.set(letter.messageId, letter);
      throw error;
    }
    for (const letter of letters) {
      this.ready.set(letter.messageId, {
        id: letter.messageId,
        body: letter.body,
        attributes: letter.attributes,
        sentAt: letter.sentTimestamp,
        receiveCount: 0,
      });
    }
    this.log('info', 'local queue: redrove dead letters', { count: letters.length });
    this.pump();
    return letters.length;
  }

  /** Resolves when nothing is visible, in flight or being written (or the queue has stopped). */
  drained(): Promise<void> {
    if (this.isDrained()) return Promise.resolve();
    return new Promise((resolve) => this.drainWaiters.push(resolve));
  }

  private isDrained(): boolean {
    if (this.stopping && this.batches.size === 0 && this.background.size === 0) return true;
    return this.ready.size === 0 && this.invisible.size === 0 && this.batches.size === 0 && this.background.size === 0;
  }

  private notifyDrained(): void {
    if (this.drainWaiters.length > 0 && this.isDrained()) {
      for (const resolve of this.drainWaiters.splice(0)) resolve();
    }
  }

  /** Tracks a journal write nobody awaits, so `stop` and `drained` can. */
  private inBackground(work: Promise<void>): void {
    const tracked = work
      .catch((error: unknown) => this.log('error', 'local queue: journal write failed', { error: errorMessage(error) }))
      .finally(() => {
        this.background.delete(tracked);
        this.notifyDrained();
      });
    this.background.add(tracked);
  }

  /** Starts as many batches as concurrency allows, waiting up to the batch window for a full one. */
  private pump(): void {
    if (!this.handler || this.stopping) return;
    // A batch now would fail for the outage alone; the messages wait, visible, until it is back.
    if (this.dependency && !this.dependency.available) return;
    while (this.batches.size < this.concurrency && this.ready.size > 0) {
      if (this.ready.size < this.batchSize && this.batchWindowMs > 0 && !this.windowElapsed) {
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

  /** Takes up to a batch of visible messages; one already received `maxReceiveCount` times goes to the DLQ instead. */
  private receive(): Message[] {
    const batch: Message[] = [];
    const exhausted: Message[] = [];
    for (const message of this.ready.values()) {
      if (batch.length === this.batchSize) break;
      this.ready.delete(message.id);
      if (message.receiveCount >= this.maxReceiveCount) exhausted.push(message);
      else batch.push(message);
    }
    if (exhausted.length > 0) {
      this.inBackground(
        this.deadLetter(
          exhausted,
          'maxReceiveCount reached without an acknowledgement (the consumer stopped or crashed)',
        ),
      );
    }
    const now = Date.now();
    for (const message of batch) {
      message.receiveCount += 1;
      message.firstReceiveAt ??= now;
      message.receiptHandle = randomBytes(48).toString('base64');
      this.invisible.set(message.id, message);
    }
    return batch;
  }

  private async runBatch(batch: Message[]): Promise<void> {
    const handler = this.handler;
    if (!handler) return;
    const handles = new Map(batch.map((message) => [message.id, message.receiptHandle]));
    const startedAt = Date.now();
    // The receive count is durable before the handler runs, so a message that crashes the
    // process every time still ends in the DLQ.
    await this.journal.append(
      batch.map(
        (message): JournalRecord => ({
          op: 'receive',
          id: message.id,
          count: message.receiveCount,
          at: message.firstReceiveAt ?? Date.now(),
        }),
      ),
    );
    const event: SQSEvent = {
      Records: batch.map((message) =>
        toSqsRecord(
          {
            ...message,
            receiptHandle: message.receiptHandle ?? '',
            firstReceiveAt: message.firstReceiveAt ?? message.sentAt,
          },
          { queueArn: this.queueArn, awsRegion: this.awsRegion },
        ),
      ),
    };
    const outcome = await this.invoke(handler, event);
    // Only messages still held under this receive's handle are settled here.
    const held = batch.filter(
      (message) => message.receiptHandle !== undefined && message.receiptHandle === handles.get(message.id),
    );
    const anyFailed = outcome.kind === 'timed-out' || outcome.failed.size > 0;
    if (anyFailed && this.dependency?.wasDownSince(startedAt)) {
      const retried = outcome.kind === 'timed-out' ? held : held.filter((message) => outcome.failed.has(message.id));
      const succeeded = held.filter((message) => !retried.includes(message));
      for (const message of succeeded) this.invisible.delete(message.id);
      await Promise.all([
        succeeded.length > 0
          ? this.journal.append(succeeded.map((message): JournalRecord => ({ op: 'delete', id: message.id })))
          : Promise.resolve(),
        this.retryAfterOutage(retried),
      ]);
      return;
    }
    if (outcome.kind === 'timed-out') {
      this.log(
        'warn',
        'local queue: handler did not finish within the visibility timeout; its messages are visible again',
        {
          messageIds: held.map((message) => message.id),
          visibilityTimeoutMs: this.visibilityTimeoutMs,
        },
      );
      await this.fail(held, 'visibility timeout expired before the handler finished', 0);
      return;
    }
    const succeeded = held.filter((message) => !outcome.failed.has(message.id));
    const failed = held.filter((message) => outcome.failed.has(message.id));
    for (const message of succeeded) this.invisible.delete(message.id);
    const writes: Promise<void>[] = [];
    if (succeeded.length > 0)
      writes.push(this.journal.append(succeeded.map((message): JournalRecord => ({ op: 'delete', id: message.id }))));
    writes.push(this.fail(failed, outcome.reason, this.retryDelayMs));
    await Promise.all(writes);
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
  private async fail(messages: Message[], reason: string, baseDelayMs: number): Promise<void> {
    const exhausted: Message[] = [];
    for (const message of messages) {
      message.receiptHandle = undefined;
      message.lastError = reason;
      if (message.receiveCount >= this.maxReceiveCount) {
        exhausted.push(message);
        continue;
      }
      const delay = Math.min(baseDelayMs * 2 ** (message.receiveCount - 1), this.visibilityTimeoutMs);
      if (delay <= 0) {
        this.makeVisible(message);
        continue;
      }
      message.retryTimer = setTimeout(() => {
        message.retryTimer = undefined;
        this.makeVisible(message);
        this.pump();
      }, delay);
    }
    if (exhausted.length > 0) await this.deadLetter(exhausted, reason);
    this.pump();
  }

  /**
   * Gives back the receive of messages whose batch failed while the store was down (durably, so a
   * crash meanwhile does not count it either), and retries them after the outage delay: as SQS
   * would after a visibility timeout, but never toward the dead-letter queue.
   */
  private async retryAfterOutage(messages: Message[]): Promise<void> {
    if (messages.length === 0) return;
    for (const message of messages) {
      message.receiptHandle = undefined;
      message.receiveCount = Math.max(0, message.receiveCount - 1);
    }
    for (const message of messages) {
      message.retryTimer = setTimeout(() => {
        message.retryTimer = undefined;
        this.makeVisible(message);
        this.pump();
      }, this.outageRetryDelayMs);
    }
    this.log('warn', 'local queue: deliveries failed while the store was down; retried later, not toward the DLQ', {
      count: messages.length,
      retryInSeconds: Math.round(this.outageRetryDelayMs / 1000),
    });
    await this.journal.append(
      messages.map(
        (message): JournalRecord => ({
          op: 'receive',
          id: message.id,
          count: message.receiveCount,
          at: message.firstReceiveAt ?? message.sentAt,
        }),
      ),
    );
  }

  private makeVisible(message: Message): void {
    if (this.invisible.delete(message.id)) this.ready.set(message.id, message);
  }

  private async deadLetter(messages: Message[], reason: string): Promise<void> {
    const at = Date.now();
    for (const message of messages) {
      this.invisible.delete(message.id);
      this.ready.delete(message.id);
      const lastError = message.lastError ?? reason;
      this.dead.set(message.id, {
        messageId: message.id,
        body: message.body,
        attributes: message.attributes,
        receiveCount: message.receiveCount,
        sentTimestamp: message.sentAt,
        deadLetteredAt: at,
        lastError,
      });
      this.log('error', 'local queue: message moved to the dead-letter queue', {
        messageId: message.id,
        receiveCount: message.receiveCount,
        reason: lastError,
      });
    }
    await this.journal.append(
      messages.map(
        (message): JournalRecord => ({
          op: 'dead',
          id: message.id,
          count: message.receiveCount,
          at,
          reason: message.lastError ?? reason,
        }),
      ),
    );
  }
}
