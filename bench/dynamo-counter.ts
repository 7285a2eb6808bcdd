import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

/**
 * Counts every DynamoDB request the service sends, by operation and outcome, and what each one
 * would cost in DynamoDB request units on AWS (on-demand), GSI writes included.
 *
 * It sits on the SDK client's middleware stack (initialize step: the document-level input, once
 * per `send`), so it counts requests rather than estimating them. Request units are derived from
 * each counted request by DynamoDB's published rules, because dynalite reports no index units.
 */

/** Which of the table's GSIs (byEmail: emailKey, byKind: kindKey) an item of this key prefix is in. */
function indexesOfItem(item: Record<string, unknown> | undefined): number {
  if (!item) return 0;
  return (item.emailKey !== undefined ? 1 : 0) + (item.kindKey !== undefined ? 1 : 0);
}

/**
 * Items updated in place: contacts are in both GSIs, companies in byKind, the rest in none. An account's
 * link item is counted in both, as it is when it keeps the contact the sync created (an upper bound:
 * the link of a linked contact is in none).
 */
function indexesOfKey(key: Record<string, unknown> | undefined): number {
  const pk = String(key?.pk ?? '');
  if (pk.startsWith('CONTACT#') || pk.startsWith('JIRA#')) return 2;
  if (pk.startsWith('COMPANY#')) return 1;
  return 0;
}

/** Write units of one item of this size (1 KB each), read units per 4 KB. */
const writeUnits = (bytes: number): number => Math.max(1, Math.ceil(bytes / 1024));
const readUnits = (bytes: number): number => Math.max(1, Math.ceil(bytes / 4096));
const approxSize = (item: unknown): number => Buffer.byteLength(JSON.stringify(item ?? {}), 'utf8');

export interface DynamoCounts {
  /** Requests by operation, e.g. `PutCommand`, and by outcome, e.g. `PutCommand:conditionFailed`. */
  requests: Record<string, number>;
  reads: number;
  writes: number;
  /** Read request units (strongly consistent reads 1 per 4 KB, eventually consistent ones half). */
  readUnits: number;
  /** Write request units on the table. */
  writeUnits: number;
  /** Write request units on the GSIs (each index an item is in costs one more write per change). */
  indexWriteUnits: number;
  /** Contact items newly put (created contacts), for progress and completion. */
  contactsPut: number;
  /**
   * Successful writes by the kind of item written, named by its key's prefix: `JIRA#` (account links,
   * with the contacts the sync creates in them), `CONTACT#`, `RUN#` (progress), `EMAIL#` (hints)…
   */
  writesByItem: Record<string, number>;
}

/** `JIRA#712020:…` -> `JIRA#`; a key without a prefix (`SETTINGS`) names itself. */
function itemKind(input: Record<string, unknown>): string {
  const key = (input.Key ?? input.Item) as Record<string, unknown> | undefined;
  const pk = String(key?.pk ?? '?');
  const hash = pk.indexOf('#');
  return hash === -1 ? pk : pk.slice(0, hash + 1);
}

/** Where the consumer's worker thread publishes its counts (bench/worker-counter.ts). */
export const WORKER_COUNTS_CHANNEL = 'bench-worker-dynamo-counts';

const READS = new Set(['GetItemCommand', 'BatchGetItemCommand', 'QueryCommand', 'ScanCommand']);
const WRITES = new Set(['PutItemCommand', 'UpdateItemCommand', 'DeleteItemCommand', 'BatchWriteItemCommand']);

export class DynamoCounter {
  private counts: DynamoCounts = emptyCounts();

  /** `onChange` hears every counted request (the consumer's worker publishes its counts with it). */
  constructor(private readonly onChange?: (counts: DynamoCounts) => void) {}

  /** Adds the counting middleware to the client (once). */
  attach(client: DynamoDBDocumentClient): void {
    client.middlewareStack.add(
      (next, context) => async (args) => {
        const command = String(context.commandName ?? 'unknown');
        const input = args.input as Record<string, unknown>;
        try {
          const result = await next(args);
          this.record(command, input, 'ok', result.output as Record<string, unknown>);
          return result;
        } catch (error) {
          const failed = (error as { name?: string }).name === 'ConditionalCheckFailedException';
          this.record(command, input, failed ? 'conditionFailed' : 'error', undefined);
          throw error;
        }
      },
      { step: 'initialize', name: 'benchDynamoCounter', override: true },
    );
  }

  snapshot(): DynamoCounts {
    return structuredClone(this.counts);
  }

  reset(): void {
    this.counts = emptyCounts();
  }

  private record(
    command: string,
    input: Record<string, unknown>,
    outcome: 'ok' | 'conditionFailed' | 'error',
    output: Record<string, unknown> | undefined,
  ): void {
    const counts = this.counts;
    counts.requests[command] = (counts.requests[command] ?? 0) + 1;
    if (outcome !== 'ok')
      counts.requests[`${command}:${outcome}`] = (counts.requests[`${command}:${outcome}`] ?? 0) + 1;
    if (READS.has(command)) counts.reads += 1;
    if (WRITES.has(command)) counts.writes += 1;
    if (WRITES.has(command) && outcome === 'ok' && command !== 'BatchWriteItemCommand') {
      const kind = itemKind(input);
      counts.writesByItem[kind] = (counts.writesByItem[kind] ?? 0) + 1;
    }
    const consistent = input.ConsistentRead === true;
    switch (command) {
      case 'GetItemCommand':
        counts.readUnits += readUnits(approxSize(output?.Item)) * (consistent ? 1 : 0.5);
        break;
      case 'BatchGetItemCommand': {
        const requestItems = (input.RequestItems ?? {}) as Record<
          string,
          { Keys?: unknown[]; ConsistentRead?: boolean }
        >;
        for (const table of Object.values(requestItems))
          counts.readUnits += (table.Keys?.length ?? 0) * (table.ConsistentRead ? 1 : 0.5);
        break;
      }
      case 'QueryCommand':
      case 'ScanCommand': {
        const items = (output?.Items ?? []) as unknown[];
        const bytes = items.reduce<number>((sum, item) => sum + approxSize(item), 0);
        counts.readUnits += readUnits(bytes) * (consistent ? 1 : 0.5);
        break;
      }
      case 'PutItemCommand': {
        const item = input.Item as Record<string, unknown> | undefined;
        counts.writeUnits += writeUnits(approxSize(item));
        if (outcome === 'ok') {
          counts.indexWriteUnits += indexesOfItem(item) * writeUnits(approxSize(item));
          if (item?.id !== undefined && item.jiraAccountId !== undefined) counts.contactsPut += 1;
        }
        break;
      }
      case 'UpdateItemCommand':
      case 'DeleteItemCommand':
        counts.writeUnits += 1;
        if (outcome === 'ok') counts.indexWriteUnits += indexesOfKey(input.Key as Record<string, unknown>);
        break;
      case 'BatchWriteItemCommand': {
        const requestItems = (input.RequestItems ?? {}) as Record<string, unknown[]>;
        for (const writes of Object.values(requestItems)) counts.writeUnits += writes.length;
        break;
      }
      default:
        break;
    }
    this.onChange?.(counts);
  }
}

/** Two counts added up (the main thread's and the consumer worker's). */
export function addCounts(a: DynamoCounts, b: DynamoCounts): DynamoCounts {
  return {
    requests: sumRecords(a.requests, b.requests),
    reads: a.reads + b.reads,
    writes: a.writes + b.writes,
    readUnits: a.readUnits + b.readUnits,
    writeUnits: a.writeUnits + b.writeUnits,
    indexWriteUnits: a.indexWriteUnits + b.indexWriteUnits,
    contactsPut: a.contactsPut + b.contactsPut,
    writesByItem: sumRecords(a.writesByItem, b.writesByItem),
  };
}

function emptyCounts(): DynamoCounts {
  return {
    requests: {},
    reads: 0,
    writes: 0,
    readUnits: 0,
    writeUnits: 0,
    indexWriteUnits: 0,
    contactsPut: 0,
    writesByItem: {},
  };
}

function sumRecords(a: Record<string, number>, b: Record<string, number>): Record<string, number> {
  const sum = { ...a };
  for (const [name, count] of Object.entries(b)) sum[name] = (sum[name] ?? 0) + count;
  return sum;
}
