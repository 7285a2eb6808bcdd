import { type ChildProcess, spawn } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import {
  CreateTableCommand,
  DescribeTableCommand,
  DynamoDBClient,
  ResourceNotFoundException,
} from '@aws-sdk/client-dynamodb';
import { tableDefinition } from '../lambdas/adapters/dynamodb/table-definition.js';
import type { DynamoChildMessage, DynamoChildOptions } from './dynamo-child.js';

export interface EmbeddedDynamo {
  endpoint: string;
  /** The loopback port it listens on (a restart takes the same one, so clients keep their endpoint). */
  port: number;
  /** The child process's id. */
  pid: number;
  /** Resolves when the child has exited, for whatever reason (asked to stop, crashed, killed). */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  stop(): Promise<void>;
}

/** The child's program: dynalite with iterators that close, and an exit only when its parent says so. */
const CHILD_PROGRAM = fileURLToPath(new URL('./dynamo-child.ts', import.meta.url));
/** Node 22 strips the child's types itself; an older Node needs tsx's loader. */
const CHILD_LOADER = process.features.typescript ? [] : ['--import', 'tsx'];

/**
 * Starts dynalite (DynamoDB's wire protocol, LevelDB underneath) on loopback, in a child process
 * of its own: the store then runs on its own core instead of sharing the service's event loop
 * (dynalite parses every expression and walks LevelDB in JavaScript, which is most of the CPU a
 * sync needs). With `path` the data lives on disk and survives restarts; without it, in memory
 * (tests and benchmark baselines). The child ends with its parent.
 */
export async function startEmbeddedDynamo(options: { path?: string; port?: number } = {}): Promise<EmbeddedDynamo> {
  if (options.path) await mkdir(options.path, { recursive: true });
  const dynaliteOptions = {
    ...(options.path ? { path: options.path } : {}),
    createTableMs: 0,
    deleteTableMs: 0,
    updateTableMs: 0,
  };
  const child: ChildProcess = spawn(process.execPath, [...CHILD_LOADER, CHILD_PROGRAM], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    env: {
      ...process.env,
      DYNALITE_MODULE: createRequire(import.meta.url).resolve('dynalite'),
      DYNALITE_OPTIONS: JSON.stringify({
        dynalite: dynaliteOptions,
        port: options.port ?? 0,
      } satisfies DynamoChildOptions),
    },
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  const port = await new Promise<number>((resolve, reject) => {
    child.once('message', (message: DynamoChildMessage) =>
      'port' in message ? resolve(message.port) : reject(new Error(`dynalite did not start: ${message.error}`)),
    );
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`dynalite exited with code ${code} before it was ready`)));
  });
  // Neither the child nor its channel keeps this process alive; the child exits when we do.
  child.unref();
  child.channel?.unref();
  let stopping: Promise<void> | undefined;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    port,
    pid: child.pid ?? 0,
    exited,
    stop: () => {
      stopping ??= (async () => {
        if (child.exitCode !== null || child.signalCode !== null) return;
        // Keep this process alive until the store has flushed and exited. Without its channel the
        // child is closing already (it closes when the channel does).
        child.ref();
        if (child.connected) child.send('stop');
        await exited;
      })();
      return stopping;
    },
  };
}

/** Creates the table and its indexes unless they exist, and waits until it is ACTIVE. */
export async function ensureTable(endpoint: string, tableName: string): Promise<void> {
  const client = new DynamoDBClient({
    endpoint,
    region: 'local',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  try {
    try {
      await client.send(new DescribeTableCommand({ TableName: tableName }));
    } catch (error) {
      if (!(error instanceof ResourceNotFoundException)) throw error;
      await client.send(new CreateTableCommand(tableDefinition(tableName)));
    }
    for (;;) {
      const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
      const indexesActive = (Table?.GlobalSecondaryIndexes ?? []).every((index) => index.IndexStatus === 'ACTIVE');
      if (Table?.TableStatus === 'ACTIVE' && indexesActive) return;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  } finally {
    client.destroy();
  }
}
