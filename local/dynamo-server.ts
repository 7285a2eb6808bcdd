import { type ChildProcess, spawn } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import { createRequire } from 'node:module';
import {
  CreateTableCommand,
  DescribeTableCommand,
  DynamoDBClient,
  ResourceNotFoundException,
} from '@aws-sdk/client-dynamodb';
import { tableDefinition } from '../lambdas/adapters/dynamodb/table-definition.js';

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

/**
 * The child's whole program, plain CommonJS so that it needs no TypeScript loader: it starts
 * dynalite, reports the port over IPC, and closes (flushing LevelDB) when told to or when its
 * parent goes away.
 *
 * dynalite 4 reads every Query and Scan through a stream over a LevelDB iterator and never closes
 * that iterator (its stream looks for `iterator.return()`, which abstract-level iterators lack). An
 * open iterator pins the memtable and the table files of its moment for the store's whole life, so
 * memory and disk grew with every query (2.5 GB of RSS after a 100,000-account sync). The child
 * therefore hands dynalite backends whose iterators close when their stream ends or is destroyed;
 * what is stored and read is unchanged. Measured with `bench/store-footprint.ts`.
 */
const CHILD_SOURCE = `'use strict';
const path = require('path');
const options = JSON.parse(process.env.DYNALITE_OPTIONS);
const fromDynalite = (name) => require(require.resolve(name, { paths: [path.dirname(process.env.DYNALITE_MODULE)] }));
const closingIterators = (Backend) => class extends Backend {
  keys(iteratorOptions) { return closeOnReturn(super.keys(iteratorOptions)); }
  values(iteratorOptions) { return closeOnReturn(super.values(iteratorOptions)); }
};
function closeOnReturn(iterator) {
  iterator.return = () => iterator.close();
  return iterator;
}
const level = fromDynalite('level');
level.Level = closingIterators(level.Level);
const memoryLevel = fromDynalite('memory-level');
memoryLevel.MemoryLevel = closingIterators(memoryLevel.MemoryLevel);
const dynalite = require(process.env.DYNALITE_MODULE);
const server = dynalite(options.dynalite);
// dynalite writes an item's index entries and then the item, in separate LevelDB writes. A request
// already taken is therefore finished before the child exits (its parent may have been killed and
// its socket gone): exiting between the two writes would leave an index entry without its item.
let inFlight = 0;
let closing = false;
let closed = false;
const exitWhenDone = () => { if (closing && closed && inFlight === 0) process.exit(0); };
server.on('request', (request, response) => {
  inFlight += 1;
  const end = response.end;
  response.end = function (...args) {
    inFlight -= 1;
    const result = end.apply(this, args);
    exitWhenDone();
    return result;
  };
});
function close() {
  if (closing) return;
  closing = true;
  server.close(() => { closed = true; exitWhenDone(); });
  setTimeout(() => process.exit(0), 10000).unref();
}
server.once('error', (error) => {
  process.send({ error: String(error && error.message || error) });
  process.exit(1);
});
server.listen(options.port, '127.0.0.1', () => process.send({ port: server.address().port }));
process.on('message', (message) => { if (message === 'stop') close(); });
process.on('disconnect', close);
// Ctrl-C sends SIGINT to the whole process group, this child included, and a supervisor's SIGTERM
// may reach it too. Dying then would cut writes in two (an index entry without its item, above) and
// leave the parent finishing its accepted work against a dead store: only the parent decides when
// this child stops ('stop' over IPC, or the channel closing when the parent is gone).
process.on('SIGINT', () => undefined);
process.on('SIGTERM', () => undefined);
`;

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
  const child: ChildProcess = spawn(process.execPath, ['-e', CHILD_SOURCE], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    env: {
      ...process.env,
      DYNALITE_MODULE: createRequire(import.meta.url).resolve('dynalite'),
      DYNALITE_OPTIONS: JSON.stringify({ dynalite: dynaliteOptions, port: options.port ?? 0 }),
    },
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  const port = await new Promise<number>((resolve, reject) => {
    child.once('message', (message: { port?: number; error?: string }) =>
      message.port
        ? resolve(message.port)
        : reject(new Error(`dynalite did not start: ${message.error ?? 'unknown error'}`)),
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
