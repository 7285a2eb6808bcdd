import { type FileHandle, mkdir, open, rename } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { DatabaseSync, StatementSync } from 'node:sqlite';
import { LEGACY_JOURNAL, readLegacyJournal } from './legacy-journal.js';
import type { QueueLog } from './queue-log.js';

export type { QueueLog } from './queue-log.js';

export interface DeadLetter {
  messageId: string;
  body: string;
  attributes: Record<string, string>;
  receiveCount: number;
  sentTimestamp: number;
  deadLetteredAt: number;
  lastError?: string;
}

/** A message as `send` hands it over. */
export interface NewMessage {
  id: string;
  body: string;
  attributes: Record<string, string>;
  sentAt: number;
}

/** A message as one receive took it: its receive count already counts this receive. */
export interface ReceivedMessage extends NewMessage {
  receiveCount: number;
  firstReceiveAt: number;
  receiptHandle: string;
}

/** The SQLite file under the queue's folder (with its `-wal` and `-shm` beside it). */
export const DATABASE_FILE = 'queue.sqlite';

interface MessageRow {
  id: string;
  body: string;
  attributes: string;
  sent_at: number;
  receive_count: number;
  first_receive_at: number | null;
  receipt_handle: string | null;
}

interface DeadRow {
  id: string;
  body: string;
  attributes: string;
  sent_at: number;
  receive_count: number;
  dead_lettered_at: number;
  last_error: string | null;
}

const SCHEMA = `
  CREATE TABLE IF NOT EXISTS messages (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,
    body TEXT NOT NULL,
    attributes TEXT NOT NULL,
    sent_at INTEGER NOT NULL,
    receive_count INTEGER NOT NULL DEFAULT 0,
    first_receive_at INTEGER,
    -- Receivable once this time (ms since the epoch) has come: the visibility timeout and retry delays.
    visible_at INTEGER NOT NULL,
    -- Set while a handler holds the message; a delete or a change carrying another handle is ignored.
    receipt_handle TEXT
  );
  CREATE INDEX IF NOT EXISTS messages_by_visibility ON messages (visible_at, seq);
  CREATE TABLE IF NOT EXISTS dead_letters (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,
    body TEXT NOT NULL,
    attributes TEXT NOT NULL,
    sent_at INTEGER NOT NULL,
    receive_count INTEGER NOT NULL,
    dead_lettered_at INTEGER NOT NULL,
    last_error TEXT
  );
`;

/**
 * `node:sqlite` prints an ExperimentalWarning once per process when it loads (Node 22). This loads
 * it with that one warning held back, and every other warning passed on as usual.
 */
function loadSqlite(): typeof import('node:sqlite') {
  const emitWarning = process.emitWarning;
  process.emitWarning = ((warning: string | Error, ...rest: unknown[]) => {
    const text = typeof warning === 'string' ? warning : warning.message;
    if (text.startsWith('SQLite is an experimental feature')) return;
    (emitWarning as (...args: unknown[]) => void).call(process, warning, ...rest);
  }) as typeof process.emitWarning;
  try {
    return createRequire(import.meta.url)('node:sqlite') as typeof import('node:sqlite');
  } finally {
    process.emitWarning = emitWarning;
  }
}

async function syncFolder(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

const toDeadLetter = (row: DeadRow): DeadLetter => ({
  messageId: row.id,
  body: row.body,
  attributes: JSON.parse(row.attributes) as Record<string, string>,
  receiveCount: row.receive_count,
  sentTimestamp: row.sent_at,
  deadLetteredAt: row.dead_lettered_at,
  ...(row.last_error ? { lastError: row.last_error } : {}),
});

interface PendingSend {
  message: NewMessage;
  resolve: () => void;
  reject: (error: Error) => void;
}

/**
 * The queue's messages and dead letters in one SQLite database (WAL mode). Every change is one
 * transaction, so a receive (count and visibility deadline), a delete, a visibility change or a
 * move to the dead letters happens whole or not at all, whatever kills the process. Sends that
 * arrive in the same turn of the event loop share one transaction, and concurrent syncs one
 * `fdatasync` (group commit). One process per folder: the service opens it as the owner of
 * DATA_DIR's lock (`local/data-dir-lock.ts`).
 */
export class MessageStore {
  private pending: PendingSend[] = [];
  private flushScheduled: NodeJS.Immediate | undefined;
  private syncCount = 0;
  private syncing: Promise<void> | undefined;
  private nextSync: Promise<void> | undefined;
  private failure: Error | undefined;
  private closed = false;
  private readonly insert: StatementSync;
  private readonly receiveBatch: StatementSync;
  private readonly exhausted: StatementSync;
  private readonly deleteHeld: StatementSync;
  private readonly changeHeld: StatementSync;
  private readonly removeHeld: StatementSync;
  private readonly insertDead: StatementSync;
  private readonly count: StatementSync;
  private readonly nextVisible: StatementSync;

  private constructor(
    private readonly db: DatabaseSync,
    private readonly wal: FileHandle,
  ) {
    this.insert = db.prepare(
      'INSERT INTO messages (id, body, attributes, sent_at, visible_at) VALUES (:id, :body, :attributes, :sentAt, :sentAt)',
    );
    // One statement takes the batch: the receive count and the visibility deadline move together.
    this.receiveBatch = db.prepare(
      `UPDATE messages
          SET receive_count = receive_count + 1, first_receive_at = COALESCE(first_receive_at, :now),
              visible_at = :deadline, receipt_handle = lower(hex(randomblob(32)))
        WHERE seq IN (SELECT seq FROM messages WHERE visible_at <= :now ORDER BY visible_at, seq LIMIT :limit)
        RETURNING seq, id, body, attributes, sent_at, receive_count, first_receive_at, receipt_handle`,
    );
    this.exhausted = db.prepare(
      `DELETE FROM messages WHERE visible_at <= :now AND receive_count >= :maxReceiveCount
        RETURNING id, body, attributes, sent_at, receive_count, first_receive_at, receipt_handle`,
    );
    this.deleteHeld = db.prepare('DELETE FROM messages WHERE id = :id AND receipt_handle = :handle');
    this.changeHeld = db.prepare(
      `UPDATE messages SET visible_at = :visibleAt, receipt_handle = NULL, receive_count = MAX(0, receive_count - :giveBack)
        WHERE id = :id AND receipt_handle = :handle`,
    );
    this.removeHeld = db.prepare(
      `DELETE FROM messages WHERE id = :id AND receipt_handle = :handle
        RETURNING id, body, attributes, sent_at, receive_count, first_receive_at, receipt_handle`,
    );
    this.insertDead = db.prepare(
      `INSERT INTO dead_letters (id, body, attributes, sent_at, receive_count, dead_lettered_at, last_error)
        VALUES (:id, :body, :attributes, :sentAt, :receiveCount, :at, :reason)`,
    );
    this.count = db.prepare(
      `SELECT (SELECT COUNT(*) FROM (SELECT 1 FROM messages WHERE visible_at <= :now LIMIT :limit)) AS visible,
              (SELECT COUNT(*) FROM messages WHERE visible_at > :now) AS invisible,
              (SELECT COUNT(*) FROM dead_letters) AS dead,
              (SELECT MIN(sent_at) FROM messages) AS oldest`,
    );
    this.nextVisible = db.prepare(
      'SELECT MIN(visible_at) AS next FROM messages WHERE receipt_handle IS NULL AND visible_at > :now',
    );
  }

  /**
   * Opens (or creates) the database in `dir`. Whatever was not deleted before the last stop or
   * crash is visible again. A journal left by an older version is imported once, then renamed aside.
   */
  static async open(options: { dir: string; log: QueueLog }): Promise<MessageStore> {
    await mkdir(options.dir, { recursive: true });
    const { DatabaseSync } = loadSqlite();
    const db = new DatabaseSync(join(options.dir, DATABASE_FILE));
    try {
      // Durability: a committed transaction is in the WAL file, so it survives a kill -9 however the
      // WAL is synced. To survive a power loss it must be synced too: synchronous=FULL would do that
      // inside every COMMIT, but node:sqlite is synchronous, so each fsync (about 2 ms here, far more
      // when the disk is busy) would stall the service's event loop (tried: webhook 202s at 200/s took
      // 1.9 s p50 instead of about 0.1 s). So: NORMAL (SQLite syncs the WAL at checkpoints, and its header
      // when it is reused) plus our own fdatasync of the WAL file, off the event loop, shared by
      // concurrent callers; `send` resolves (the 202) only after it (`durable()`).
      db.exec('PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA busy_timeout = 5000;');
      db.exec(SCHEMA);
      db.exec('UPDATE messages SET visible_at = 0, receipt_handle = NULL');
      // The WAL stays (is reused, never deleted) while the database is open; its folder entry is synced once.
      const wal = await open(join(options.dir, `${DATABASE_FILE}-wal`), 'a');
      await syncFolder(options.dir);
      const store = new MessageStore(db, wal);
      await store.importLegacyJournal(options);
      return store;
    } catch (error) {
      if (db.isOpen) db.close();
      throw error;
    }
  }

  /** Syncs of the WAL so far; far fewer than sends when sends are group-committed. */
  get syncs(): number {
    return this.syncCount;
  }

  /** Resolves once the message is committed and synced; sends of the same turn share one commit. */
  add(message: NewMessage): Promise<void> {
    if (this.failure) return Promise.reject(this.failure);
    if (this.closed) return Promise.reject(new Error('The local queue store is closed.'));
    return new Promise<void>((resolve, reject) => {
      this.pending.push({ message, resolve, reject });
      // setImmediate, not a microtask: senders resuming after the last commit join the next one.
      this.flushScheduled ??= setImmediate(() => this.flush());
    });
  }

  /**
   * Takes up to `limit` visible messages, oldest visibility first, invisible until `now +
   * visibilityTimeoutMs`. Visible messages already received `maxReceiveCount` times (their
   * handler never answered: the process stopped or crashed) move to the dead letters instead.
   */
  receive(options: {
    now: number;
    limit: number;
    visibilityTimeoutMs: number;
    maxReceiveCount: number;
    exhaustedReason: string;
  }): { batch: ReceivedMessage[]; deadLettered: DeadLetter[] } {
    const { now } = options;
    return this.transaction(() => {
      const deadLettered = (
        this.exhausted.all({ now, maxReceiveCount: options.maxReceiveCount }) as unknown as MessageRow[]
      ).map((row) => this.bury(row, options.exhaustedReason, now));
      const rows = this.receiveBatch.all({
        now,
        deadline: now + options.visibilityTimeoutMs,
        limit: options.limit,
      }) as unknown as (MessageRow & { seq: number })[];
      rows.sort((a, b) => a.seq - b.seq);
      const batch = rows.map(
        (row): ReceivedMessage => ({
          id: row.id,
          body: row.body,
          attributes: JSON.parse(row.attributes) as Record<string, string>,
          sentAt: row.sent_at,
          receiveCount: row.receive_count,
          firstReceiveAt: row.first_receive_at ?? now,
          receiptHandle: row.receipt_handle ?? '',
        }),
      );
      return { batch, deadLettered };
    });
  }

  /** Deletes messages still held under their handle (handled); answers how many. */
  delete(messages: readonly { id: string; receiptHandle: string }[]): number {
    if (messages.length === 0) return 0;
    return this.transaction(() =>
      messages.reduce(
        (count, message) =>
          count + Number(this.deleteHeld.run({ id: message.id, handle: message.receiptHandle }).changes),
        0,
      ),
    );
  }

  /**
   * Makes messages still held under their handle visible at `visibleAt`, releasing the handle;
   * with `giveBackReceive` their receive count is lowered by one (the receive did not count).
   */
  changeVisibility(
    messages: readonly { id: string; receiptHandle: string; visibleAt: number }[],
    options: { giveBackReceive?: boolean } = {},
  ): void {
    if (messages.length === 0) return;
    const giveBack = options.giveBackReceive ? 1 : 0;
    this.transaction(() => {
      for (const message of messages) {
        this.changeHeld.run({ id: message.id, handle: message.receiptHandle, visibleAt: message.visibleAt, giveBack });
      }
    });
  }

  /** Moves messages still held under their handle to the dead letters; answers those moved. */
  deadLetter(messages: readonly { id: string; receiptHandle: string; reason: string }[], at: number): DeadLetter[] {
    if (messages.length === 0) return [];
    return this.transaction(() =>
      messages.flatMap((message) => {
        const [row] = this.removeHeld.all({ id: message.id, handle: message.receiptHandle }) as unknown as MessageRow[];
        return row ? [this.bury(row, message.reason, at)] : [];
      }),
    );
  }

  /** Moves every dead letter back, visible at `now` with a fresh receive count; answers how many. */
  redriveAll(now: number): number {
    return this.transaction(() => {
      const moved = this.db
        .prepare(
          `INSERT INTO messages (id, body, attributes, sent_at, visible_at)
             SELECT id, body, attributes, sent_at, :now FROM dead_letters ORDER BY seq`,
        )
        .run({ now }).changes;
      this.db.exec('DELETE FROM dead_letters');
      return Number(moved);
    });
  }

  deadLetters(): DeadLetter[] {
    return (this.db.prepare('SELECT * FROM dead_letters ORDER BY seq').all() as unknown as DeadRow[]).map(toDeadLetter);
  }

  /** How many are visible (at most `limit` counted), how many invisible, dead, and the oldest send. */
  counts(options: { now: number; limit?: number }): {
    visible: number;
    invisible: number;
    dead: number;
    oldestSentAt: number | undefined;
  } {
    const row = this.count.get({ now: options.now, limit: options.limit ?? -1 }) as {
      visible: number;
      invisible: number;
      dead: number;
      oldest: number | null;
    };
    return { visible: row.visible, invisible: row.invisible, dead: row.dead, oldestSentAt: row.oldest ?? undefined };
  }

  /** When the next message that no handler holds becomes visible (a retry delay ending), if any. */
  nextVisibleAt(now: number): number | undefined {
    const row = this.nextVisible.get({ now }) as { next: number | null };
    return row.next ?? undefined;
  }

  /**
   * Resolves once everything committed so far is on disk (fdatasync of the WAL). A sync under way
   * may have started before the last commit, so callers then share the next one.
   */
  durable(): Promise<void> {
    if (this.failure) return Promise.reject(this.failure);
    if (!this.syncing) return this.sync();
    this.nextSync ??= this.syncing
      .catch(() => undefined)
      .then(() => {
        this.nextSync = undefined;
        return this.sync();
      });
    return this.nextSync;
  }

  /** Commits and syncs the sends still waiting, then closes the database. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearImmediate(this.flushScheduled);
    this.flush();
    await this.durable().catch(() => undefined);
    await this.wal.close();
    this.db.close();
  }

  private sync(): Promise<void> {
    const sync: Promise<void> = this.wal
      .datasync()
      .then(
        () => {
          this.syncCount += 1;
        },
        (error: unknown) => {
          // After a failed fsync what is on disk is unknown: accept nothing more (no 202 that could be lost).
          this.failure = error instanceof Error ? error : new Error(String(error));
          throw this.failure;
        },
      )
      .finally(() => {
        if (this.syncing === sync) this.syncing = undefined;
      });
    this.syncing = sync;
    return sync;
  }

  private flush(): void {
    this.flushScheduled = undefined;
    const group = this.pending;
    this.pending = [];
    if (group.length === 0) return;
    try {
      this.transaction(() => {
        for (const { message } of group) {
          this.insert.run({
            id: message.id,
            body: message.body,
            attributes: JSON.stringify(message.attributes),
            sentAt: message.sentAt,
          });
        }
      });
    } catch (error) {
      const failure = error instanceof Error ? error : new Error(String(error));
      for (const entry of group) entry.reject(failure);
      return;
    }
    this.durable().then(
      () => {
        for (const entry of group) entry.resolve();
      },
      (error: Error) => {
        for (const entry of group) entry.reject(error);
      },
    );
  }

  private bury(row: MessageRow, reason: string, at: number): DeadLetter {
    this.insertDead.run({
      id: row.id,
      body: row.body,
      attributes: row.attributes,
      sentAt: row.sent_at,
      receiveCount: row.receive_count,
      at,
      reason,
    });
    return toDeadLetter({ ...row, dead_lettered_at: at, last_error: reason });
  }

  private transaction<T>(work: () => T): T {
    this.db.exec('BEGIN IMMEDIATE');
    try {
      const result = work();
      this.db.exec('COMMIT');
      return result;
    } catch (error) {
      if (this.db.isTransaction) this.db.exec('ROLLBACK');
      throw error;
    }
  }

  /** Imports the messages of a journal written by an older version, once, then renames it aside. */
  private async importLegacyJournal(options: { dir: string; log: QueueLog }): Promise<void> {
    const file = join(options.dir, LEGACY_JOURNAL);
    const state = await readLegacyJournal({ file, log: options.log });
    if (!state) return;
    // OR IGNORE: a crash between this commit and the rename imports the same file again, harmlessly.
    const message = this.db.prepare(
      `INSERT OR IGNORE INTO messages (id, body, attributes, sent_at, receive_count, first_receive_at, visible_at)
        VALUES (:id, :body, :attributes, :sentAt, :receiveCount, :firstReceiveAt, 0)`,
    );
    const dead = this.db.prepare(
      `INSERT OR IGNORE INTO dead_letters (id, body, attributes, sent_at, receive_count, dead_lettered_at, last_error)
        VALUES (:id, :body, :attributes, :sentAt, :receiveCount, :at, :reason)`,
    );
    this.transaction(() => {
      for (const stored of state.queue.values()) {
        message.run({
          id: stored.id,
          body: stored.body,
          attributes: JSON.stringify(stored.attributes),
          sentAt: stored.sentAt,
          receiveCount: stored.receiveCount,
          firstReceiveAt: stored.firstReceiveAt ?? null,
        });
      }
      for (const stored of state.dead.values()) {
        dead.run({
          id: stored.id,
          body: stored.body,
          attributes: JSON.stringify(stored.attributes),
          sentAt: stored.sentAt,
          receiveCount: stored.receiveCount,
          at: stored.deadLetteredAt ?? stored.sentAt,
          reason: stored.lastError ?? null,
        });
      }
    });
    await rename(file, `${file}.imported`);
    options.log('info', 'local queue: imported the journal of an older version', {
      messages: state.queue.size,
      deadLetters: state.dead.size,
      renamedTo: `${LEGACY_JOURNAL}.imported`,
    });
  }
}
