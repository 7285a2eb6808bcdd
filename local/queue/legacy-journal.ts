/**
 * The queue's storage before SQLite: an append-only JSON-lines file, `journal.jsonl`. Only read,
 * once, when a folder written by an older version is opened (`MessageStore.open` imports what it
 * holds and renames it aside), so an upgrade loses no accepted delivery.
 */
import { readFile } from 'node:fs/promises';
import type { QueueLog } from './queue-log.js';

export const LEGACY_JOURNAL = 'journal.jsonl';

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

/** Applies one record to a state; the same function replays the file on open and tracks appends. */
function applyRecord(state: JournalState, record: JournalRecord): void {
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

function isRecord(value: unknown): value is JournalRecord {
  if (typeof value !== 'object' || value === null) return false;
  const { op, id } = value as { op?: unknown; id?: unknown };
  return (
    typeof id === 'string' &&
    (op === 'send' || op === 'receive' || op === 'delete' || op === 'dead' || op === 'redrive')
  );
}

/**
 * Replays a legacy journal into the messages it still held (waiting or in flight) and its dead
 * letters, each in send order; undefined when there is no such file. A torn last line (a crash
 * mid-write) and unreadable lines are skipped, as the journal itself did.
 */
export async function readLegacyJournal(options: { file: string; log: QueueLog }): Promise<JournalState | undefined> {
  let text: string;
  try {
    text = await readFile(options.file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  const state: JournalState = { queue: new Map(), dead: new Map() };
  const lines = text.split('\n');
  const torn = lines.pop();
  if (torn) options.log('warn', 'local queue: ignoring a torn last line of the old journal', { bytes: torn.length });
  lines.forEach((line, index) => {
    if (!line) return;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      value = undefined;
    }
    if (isRecord(value)) applyRecord(state, value);
    else options.log('error', 'local queue: skipping an unreadable line of the old journal', { line: index + 1 });
  });
  return state;
}
