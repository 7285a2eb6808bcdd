import { mkdir, open, readFile, rename, rm, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * One line of the journal. Every record is idempotent when replayed (counts are absolute, moves
 * of a missing message are ignored), so a snapshot followed by records it already contains
 * replays to the same state.
 */
export type JournalRecord =
  | { op: 'send'; id: string; body: string; attributes: Record<string, string>; sentAt: number }
  | { op: 'receive'; id: string; count: number; at: number }
  | { op: 'delete'; id: string }
  | { op: 'dead'; id: string; count: number; at: number; reason: string }
  | { op: 'redrive'; id: string };

/** A message as the journal knows it: durable facts only, no visibility. */
export interface StoredMessage {
  id: string;
  body: string;
  attributes: Record<string, string>;
  sentAt: number;
  receiveCount: number;
  firstReceiveAt?: number;
  deadLetteredAt?: number;
  lastError?: string;
}

/** The durable state: messages waiting (or in flight) and dead letters, each in send order. */
export interface JournalState {
  queue: Map<string, StoredMessage>;
  dead: Map<string, StoredMessage>;
}

export type QueueLog = (level: 'info' | 'warn' | 'error', message: string, details?: Record<string, unknown>) => void;

export interface JournalOptions {
  dir: string;
  log: QueueLog;
  /** Compact once the file is larger than this and twice its last snapshot. */
  compactAfterBytes: number;
}

const FILE = 'journal.jsonl';
const TEMP = 'journal.jsonl.compacting';

/** Applies one record to a state; the same function replays the file on open and tracks appends. */
export function applyRecord(state: JournalState, record: JournalRecord): void {
  switch (record.op) {
    case 'send':
      if (!state.queue.has(record.id) && !state.dead.has(record.id)) {
        state.queue.set(record.id, {
          id: record.id,
          body: record.body,
          attributes: record.attributes,
          sentAt: record.sentAt,
          receiveCount: 0,
        });
      }
      return;
    case 'receive': {
      const message = state.queue.get(record.id);
      if (message) {
        message.receiveCount = record.count;
        message.firstReceiveAt ??= record.at;
      }
      return;
    }
    case 'delete':
      state.queue.delete(record.id);
      return;
    case 'dead': {
      const message = state.queue.get(record.id);
      if (message) {
        state.queue.delete(record.id);
        state.dead.set(record.id, {
          ...message,
          receiveCount: record.count,
          deadLetteredAt: record.at,
          lastError: record.reason,
        });
      }
      return;
    }
    case 'redrive': {
      const message = state.dead.get(record.id);
      if (message) {
        state.dead.delete(record.id);
        state.queue.set(record.id, {
          id: message.id,
          body: message.body,
          attributes: message.attributes,
          sentAt: message.sentAt,
          receiveCount: 0,
        });
      }
      return;
    }
  }
}

/** The shortest list of records that rebuilds `state`. */
function snapshot(state: JournalState): JournalRecord[] {
  const records: JournalRecord[] = [];
  const restore = (message: StoredMessage): void => {
    records.push({
      op: 'send',
      id: message.id,
      body: message.body,
      attributes: message.attributes,
      sentAt: message.sentAt,
    });
    if (message.receiveCount > 0) {
      records.push({
        op: 'receive',
        id: message.id,
        count: message.receiveCount,
        at: message.firstReceiveAt ?? message.sentAt,
      });
    }
  };
  for (const message of state.queue.values()) restore(message);
  for (const message of state.dead.values()) {
    restore(message);
    records.push({
      op: 'dead',
      id: message.id,
      count: message.receiveCount,
      at: message.deadLetteredAt ?? message.sentAt,
      reason: message.lastError ?? '',
    });
  }
  return records;
}

function isRecord(value: unknown): value is JournalRecord {
  if (typeof value !== 'object' || value === null) return false;
  const { op, id } = value as { op?: unknown; id?: unknown };
  return (
    typeof id === 'string' &&
    (op === 'send' || op === 'receive' || op === 'delete' || op === 'dead' || op === 'redrive')
  );
}

const encode = (records: readonly JournalRecord[]): Buffer =>
  Buffer.from(records.map((record) => `${JSON.stringify(record)}\n`).join(''), 'utf8');

async function writeAll(handle: FileHandle, data: Buffer): Promise<void> {
  let offset = 0;
  while (offset < data.length) {
    const { bytesWritten } = await handle.write(data, offset, data.length - offset);
    offset += bytesWritten;
  }
}

async function syncDirectory(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

interface Pending {
  records: readonly JournalRecord[];
  resolve: () => void;
  reject: (error: Error) => void;
}

/**
 * An append-only JSON-lines file. `append` resolves once its records are on disk (fdatasync);
 * appends that arrive while a write is under way share the next write and sync (group commit).
 * Only newline-terminated lines count, so a write torn by a crash is ignored on open. The file is
 * rewritten as a snapshot on open and whenever it has grown well past its live contents; the
 * snapshot is written beside it, synced, and renamed over it, so a crash leaves one or the other.
 * One writer per folder: a second one would rename its snapshot over the file the first appends to
 * (an unlinked inode), losing what the first accepted. The service opens it only as the owner of
 * DATA_DIR's lock (`local/data-dir-lock.ts`).
 */
export class Journal {
  /** The state as written to disk so far; compaction writes exactly this. */
  readonly state: JournalState;
  private pending: Pending[] = [];
  private writing = false;
  private idle: (() => void)[] = [];
  private failure: Error | undefined;
  private closed = false;
  private bytes = 0;
  private snapshotBytes = 0;
  private commitCount = 0;

  private constructor(
    private readonly options: JournalOptions,
    private handle: FileHandle,
    state: JournalState,
  ) {
    this.state = state;
  }

  /** Replays the file (if any), compacts it, and opens it for appending. */
  static async open(options: JournalOptions): Promise<Journal> {
    await mkdir(options.dir, { recursive: true });
    await rm(join(options.dir, TEMP), { force: true });
    const state: JournalState = { queue: new Map(), dead: new Map() };
    let text = '';
    try {
      text = await readFile(join(options.dir, FILE), 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
    const lines = text.split('\n');
    const torn = lines.pop();
    if (torn) options.log('warn', 'local queue: ignoring a torn last journal line', { bytes: torn.length });
    lines.forEach((line, index) => {
      if (!line) return;
      let value: unknown;
      try {
        value = JSON.parse(line);
      } catch {
        value = undefined;
      }
      if (isRecord(value)) applyRecord(state, value);
      else options.log('error', 'local queue: skipping an unreadable journal line', { line: index + 1 });
    });
    const journal = new Journal(options, await open(join(options.dir, TEMP), 'w'), state);
    await journal.compact(true);
    return journal;
  }

  get commits(): number {
    return this.commitCount;
  }

  get sizeBytes(): number {
    return this.bytes;
  }

  /** Resolves once every record is durable; rejects if the journal failed or is closed. */
  append(records: readonly JournalRecord[]): Promise<void> {
    if (this.failure) return Promise.reject(this.failure);
    if (this.closed) return Promise.reject(new Error('The local queue journal is closed.'));
    return new Promise<void>((resolve, reject) => {
      this.pending.push({ records, resolve, reject });
      if (!this.writing) {
        this.writing = true;
        // A microtask lets every append made in the same tick join the first write.
        queueMicrotask(() => void this.drain());
      }
    });
  }

  /** Writes what is pending, then closes the file. Further appends reject. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.writing) await new Promise<void>((resolve) => this.idle.push(resolve));
    await this.handle.close();
  }

  private async drain(): Promise<void> {
    while (this.pending.length > 0) {
      const group = this.pending;
      this.pending = [];
      const data = encode(group.flatMap((entry) => entry.records));
      try {
        await writeAll(this.handle, data);
        await this.handle.datasync();
      } catch (error) {
        // After a failed fsync the file's contents are unknown: refuse everything from now on.
        this.failure = error instanceof Error ? error : new Error(String(error));
        this.options.log('error', 'local queue: journal write failed; the queue no longer accepts work', {
          error: this.failure.message,
        });
        for (const entry of [...group, ...this.pending]) entry.reject(this.failure);
        this.pending = [];
        break;
      }
      this.bytes += data.length;
      this.commitCount += 1;
      for (const entry of group) {
        for (const record of entry.records) applyRecord(this.state, record);
        entry.resolve();
      }
      if (this.bytes > Math.max(this.options.compactAfterBytes, 2 * this.snapshotBytes)) {
        try {
          await this.compact(false);
        } catch (error) {
          this.options.log('warn', 'local queue: journal compaction failed; will try again later', {
            error: String(error),
          });
          this.snapshotBytes = this.bytes;
        }
      }
    }
    this.writing = false;
    for (const resolve of this.idle.splice(0)) resolve();
  }

  /**
   * Writes the state to the temporary file, syncs it, renames it over the journal and syncs the
   * folder. On open the temporary file is already `this.handle`; later a new one is opened.
   */
  private async compact(initial: boolean): Promise<void> {
    const { dir } = this.options;
    const temp = initial ? this.handle : await open(join(dir, TEMP), 'w');
    const data = encode(snapshot(this.state));
    try {
      await writeAll(temp, data);
      await temp.sync();
    } finally {
      await temp.close();
    }
    await rename(join(dir, TEMP), join(dir, FILE));
    // From here the old file is unlinked: appends must go to the new one whatever happens next.
    if (!initial) await this.handle.close().catch(() => undefined);
    this.handle = await open(join(dir, FILE), 'a');
    this.bytes = data.length;
    this.snapshotBytes = data.length;
    await syncDirectory(dir);
  }
}
