/**
 * `npm run replay-dead-letters`: moves the webhook deliveries that ended in the dead-letter queue
 * back to the webhook queue, once whatever made them fail is fixed. See README "Dead letters".
 *
 * - On AWS (`DLQ_ARN` set; `QUEUE_ARN` optional, default: the queue they came from): starts an SQS
 *   message move task and prints its handle.
 * - Locally: asks the running service (`http://127.0.0.1:${PORT:-3000}`, as the Jira administrator
 *   named by `CONTACT_SYNC_AUTH="email:api-token"`) to redrive; if no service
 *   answers there, opens the queue in `DATA_DIR` (default `.data`) itself and redrives it, and the
 *   deliveries are processed at the next `npm start`.
 */
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { SQSClient, StartMessageMoveTaskCommand } from '@aws-sdk/client-sqs';
import { LocalQueue } from '../local/queue/index.js';
import { LOCAL_DEAD_LETTERS_RESOURCE } from '../local/dead-letter-routes.js';
import { DataDirInUseError, type DataDirLock, lockDataDir } from '../local/data-dir-lock.js';
import { WEBHOOK_QUEUE_FOLDER } from '../local/runtime.js';

const PROJECT_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const SERVICE_TIMEOUT_MS = 10_000;

/** The one SQS call the tool makes; an `SQSClient` fits, tests pass a stand-in. */
export interface MessageMoveStarter {
  send(command: StartMessageMoveTaskCommand): Promise<{ TaskHandle?: string | undefined }>;
}

export type ReplayResult =
  | { where: 'aws'; taskHandle: string; sourceArn: string; destinationArn: string | undefined }
  | { where: 'service'; url: string; moved: number }
  | { where: 'data-dir'; dir: string; moved: number };

export interface ReplayOptions {
  /** Read for `DLQ_ARN`, `QUEUE_ARN`, `PORT` and `DATA_DIR`. */
  env?: NodeJS.ProcessEnv;
  /** Built from the environment (region, credentials) when not given. */
  sqs?: MessageMoveStarter;
  /** The running service; default `http://127.0.0.1:${PORT:-3000}`. */
  serviceUrl?: string;
}

export class ReplayError extends Error {
  override readonly name = 'ReplayError';
}

/**
 * Moves dead-lettered webhook deliveries back to the queue, on AWS or locally (see the file's header).
 */
export async function replayDeadLetters(options: ReplayOptions = {}): Promise<ReplayResult> {
  const env = options.env ?? process.env;
  if (env.DLQ_ARN)
    return startMessageMoveTask(options.sqs ?? new SQSClient({}), env.DLQ_ARN, env.QUEUE_ARN || undefined);

  const serviceUrl = options.serviceUrl ?? `http://127.0.0.1:${env.PORT || 3000}`;
  const moved = await redriveThroughService(serviceUrl, env.CONTACT_SYNC_AUTH);
  if (moved !== undefined) return { where: 'service', url: serviceUrl, moved };

  const dataDir = env.DATA_DIR ? path.resolve(env.DATA_DIR) : path.join(PROJECT_ROOT, '.data');
  const dir = path.join(dataDir, WEBHOOK_QUEUE_FOLDER);
  return { where: 'data-dir', dir, moved: await redriveQueueFolder(dataDir, dir) };
}

async function startMessageMoveTask(
  sqs: MessageMoveStarter,
  sourceArn: string,
  destinationArn: string | undefined,
): Promise<ReplayResult> {
  // Without a destination SQS moves each message back to the queue it was dead-lettered from.
  const output = await sqs.send(
    new StartMessageMoveTaskCommand({
      SourceArn: sourceArn,
      ...(destinationArn ? { DestinationArn: destinationArn } : {}),
    }),
  );
  if (!output.TaskHandle) throw new ReplayError('SQS started no message move task (no TaskHandle in its answer).');
  return { where: 'aws', taskHandle: output.TaskHandle, sourceArn, destinationArn };
}

/** The number moved, or undefined when no service listens at `url`. */
async function redriveThroughService(url: string, credentials: string | undefined): Promise<number | undefined> {
  let response: Response;
  // The service lets Jira administrators only: CONTACT_SYNC_AUTH="email:api-token".
  const headers: Record<string, string> = credentials
    ? { Authorization: `Basic ${Buffer.from(credentials).toString('base64')}` }
    : {};
  try {
    response = await fetch(`${url}${LOCAL_DEAD_LETTERS_RESOURCE}/redrive`, {
      method: 'POST',
      headers,
      signal: AbortSignal.timeout(SERVICE_TIMEOUT_MS),
    });
  } catch (error) {
    if (isConnectionRefused(error)) return undefined;
    throw new ReplayError(`The service at ${url} did not answer the redrive: ${(error as Error).message}`);
  }
  const text = await response.text();
  if (!response.ok)
    throw new ReplayError(`The service at ${url} answered ${response.status} to the redrive: ${text.slice(0, 200)}`);
  const moved = (JSON.parse(text) as { moved?: unknown }).moved;
  if (typeof moved !== 'number')
    throw new ReplayError(`The service at ${url} answered the redrive without a count: ${text.slice(0, 200)}`);
  return moved;
}

function isConnectionRefused(error: unknown): boolean {
  const cause = (error as { cause?: { code?: unknown } } | undefined)?.cause;
  return cause?.code === 'ECONNREFUSED';
}

/**
 * Redrives the queue's database directly, as the folder's owner for the while (a service on it, on
 * another port, holds the lock and is refused here): the queue has one owner.
 */
async function redriveQueueFolder(dataDir: string, dir: string): Promise<number> {
  let lock: DataDirLock;
  try {
    lock = await lockDataDir(dataDir);
  } catch (error) {
    if (error instanceof DataDirInUseError)
      throw new ReplayError(`${error.message}: redrive through that service (set PORT to its port).`);
    throw error;
  }
  try {
    const queue = await LocalQueue.open({ dir });
    try {
      return await queue.redriveDeadLetters();
    } finally {
      await queue.stop();
    }
  } finally {
    await lock.release();
  }
}

function describe(result: ReplayResult): string {
  switch (result.where) {
    case 'aws':
      return (
        `Started moving the dead letters of ${result.sourceArn} back to ` +
        `${result.destinationArn ?? 'the queue they came from'}.\n` +
        `Task handle: ${result.taskHandle}\n` +
        `Follow it with: aws sqs list-message-move-tasks --source-arn ${result.sourceArn}`
      );
    case 'service':
      return `The service at ${result.url} moved ${result.moved} dead-lettered deliveries back to the webhook queue.`;
    case 'data-dir':
      return (
        `No service answered; moved ${result.moved} dead-lettered deliveries back to the queue in ${result.dir}. ` +
        'They are processed at the next start.'
      );
  }
}

const invokedDirectly =
  process.argv[1] !== undefined && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href;
if (invokedDirectly) {
  try {
    process.stdout.write(`${describe(await replayDeadLetters())}\n`);
  } catch (error) {
    process.stderr.write(`replay-dead-letters: ${(error as Error).message}\n`);
    process.exitCode = 1;
  }
}
