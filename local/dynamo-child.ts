/**
 * The embedded store's child process (started by `startEmbeddedDynamo` in `dynamo-server.ts`): it
 * starts dynalite, reports the port over IPC, and closes (flushing LevelDB) when told to or when its
 * parent goes away. It imports nothing of ours and uses only erasable TypeScript, so Node 22 runs
 * it as is (type stripping), without a loader's start-up time on every store restart.
 *
 * dynalite 4 reads every Query and Scan through a stream over a LevelDB iterator and never closes
 * that iterator (its stream looks for `iterator.return()`, which abstract-level iterators lack). An
 * open iterator pins the memtable and the table files of its moment for the store's whole life, so
 * memory and disk grew with every query (2.5 GB of RSS after a 100,000-account sync). The child
 * therefore hands dynalite backends whose iterators close when their stream ends or is destroyed;
 * what is stored and read is unchanged. Measured with `bench/store-footprint.ts`.
 */
import { createRequire } from 'node:module';
import type { Server } from 'node:http';

/** What the parent passes in `DYNALITE_OPTIONS`. */
export interface DynamoChildOptions {
  dynalite: { path?: string; createTableMs: number; deleteTableMs: number; updateTableMs: number };
  port: number;
}

/** The messages the child sends its parent over IPC. */
export type DynamoChildMessage = { port: number } | { error: string };

interface LevelIterator {
  close(): Promise<void>;
  return?: () => Promise<void>;
}
type IteratorFactory = (this: unknown, iteratorOptions?: unknown) => LevelIterator;
interface LevelClass {
  prototype: { keys: IteratorFactory; values: IteratorFactory };
}

/** Makes the iterators of `backend` close when the stream reading them ends or is destroyed. */
function closeIterators(backend: LevelClass): void {
  const { keys, values } = backend.prototype;
  backend.prototype.keys = function (iteratorOptions) {
    return closeOnReturn(keys.call(this, iteratorOptions));
  };
  backend.prototype.values = function (iteratorOptions) {
    return closeOnReturn(values.call(this, iteratorOptions));
  };
}

function closeOnReturn(iterator: LevelIterator): LevelIterator {
  iterator.return = () => iterator.close();
  return iterator;
}

function send(message: DynamoChildMessage): void {
  process.send?.(message);
}

const dynaliteModule = process.env.DYNALITE_MODULE ?? '';
const options = JSON.parse(process.env.DYNALITE_OPTIONS ?? '{}') as DynamoChildOptions;
// The very copies of level and memory-level that dynalite requires, patched before it loads them.
const fromDynalite = createRequire(dynaliteModule);
closeIterators((fromDynalite('level') as { Level: LevelClass }).Level);
closeIterators((fromDynalite('memory-level') as { MemoryLevel: LevelClass }).MemoryLevel);
const dynalite = fromDynalite(dynaliteModule) as (dynaliteOptions: DynamoChildOptions['dynalite']) => Server;
const server = dynalite(options.dynalite);

// dynalite writes an item's index entries and then the item, in separate LevelDB writes. A request
// already taken is therefore finished before the child exits (its parent may have been killed and
// its socket gone): exiting between the two writes would leave an index entry without its item.
let inFlight = 0;
let closing = false;
let closed = false;
const exitWhenDone = (): void => {
  if (closing && closed && inFlight === 0) process.exit(0);
};
server.on('request', (_request, response) => {
  inFlight += 1;
  const end = response.end;
  response.end = function (this: typeof response, ...args: Parameters<typeof end>) {
    inFlight -= 1;
    const result = end.apply(this, args);
    exitWhenDone();
    return result;
  } as typeof end;
});

function close(): void {
  if (closing) return;
  closing = true;
  server.close(() => {
    closed = true;
    exitWhenDone();
  });
  setTimeout(() => process.exit(0), 10_000).unref();
}

server.once('error', (error: Error) => {
  send({ error: error.message || String(error) });
  process.exit(1);
});
server.listen(options.port, '127.0.0.1', () => {
  const address = server.address();
  send(typeof address === 'object' && address ? { port: address.port } : { error: 'no port' });
});
process.on('message', (message) => {
  if (message === 'stop') close();
});
process.on('disconnect', close);
// Ctrl-C sends SIGINT to the whole process group, this child included, and a supervisor's SIGTERM
// may reach it too. Dying then would cut writes in two (an index entry without its item, above) and
// leave the parent finishing its accepted work against a dead store: only the parent decides when
// this child stops ('stop' over IPC, or the channel closing when the parent is gone).
process.on('SIGINT', () => undefined);
process.on('SIGTERM', () => undefined);
