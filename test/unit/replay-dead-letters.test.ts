import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { StartMessageMoveTaskCommand } from '@aws-sdk/client-sqs';
import { type MessageMoveStarter, ReplayError, replayDeadLetters } from '../../bin/replay-dead-letters.js';
import { LocalQueue } from '../../local/queue/index.js';
import { WEBHOOK_QUEUE_FOLDER } from '../../local/runtime.js';

const DLQ_ARN = 'arn:aws:sqs:eu-west-1:123456789012:contact-sync-webhooks-dlq';
const QUEUE_ARN = 'arn:aws:sqs:eu-west-1:123456789012:contact-sync-webhooks';

/** Stands in for SQS (outside this project): records the commands, answers like StartMessageMoveTask. */
function fakeSqs(answer: { TaskHandle?: string }): MessageMoveStarter & { commands: StartMessageMoveTaskCommand[] } {
  const commands: StartMessageMoveTaskCommand[] = [];
  return {
    commands,
    send: async (command) => {
      commands.push(command);
      return answer;
    },
  };
}

/** The URL of a port nothing listens on (any more): the tool must fall back to the queue folder. */
async function urlWithoutService(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}`;
}

describe('replayDeadLetters on AWS', () => {
  it('starts a message move task from the dead-letter queue to the webhook queue', async () => {
    // Prepare
    const sqs = fakeSqs({ TaskHandle: 'task-handle-1' });

    // Act
    const result = await replayDeadLetters({ env: { DLQ_ARN, QUEUE_ARN }, sqs });

    // Assess
    expect(result).toEqual({
      where: 'aws',
      taskHandle: 'task-handle-1',
      sourceArn: DLQ_ARN,
      destinationArn: QUEUE_ARN,
    });
    expect(sqs.commands).toHaveLength(1);
    expect(sqs.commands[0]?.input).toEqual({ SourceArn: DLQ_ARN, DestinationArn: QUEUE_ARN });
  });

  it('lets SQS send each message back to its own queue when no QUEUE_ARN is given', async () => {
    // Prepare
    const sqs = fakeSqs({ TaskHandle: 'task-handle-2' });

    // Act
    await replayDeadLetters({ env: { DLQ_ARN, QUEUE_ARN: '' }, sqs });

    // Assess
    expect(sqs.commands[0]?.input).toEqual({ SourceArn: DLQ_ARN });
  });

  it('fails plainly when SQS starts no task', async () => {
    // Prepare
    const sqs = fakeSqs({});

    // Act
    const replay = replayDeadLetters({ env: { DLQ_ARN }, sqs });

    // Assess
    await expect(replay).rejects.toThrow(ReplayError);
  });
});

describe('replayDeadLetters locally, with no service running', () => {
  let dataDir: string;
  beforeEach(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'contact-sync-replay-'));
  });
  afterEach(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  it('redrives the dead letters in DATA_DIR, and the next start delivers them', async () => {
    // Prepare: a delivery that failed until it was dead-lettered, as the stopped service left it
    const dir = path.join(dataDir, WEBHOOK_QUEUE_FOLDER);
    const failing = await LocalQueue.open({
      dir,
      maxReceiveCount: 2,
      retryDelayMs: 1,
      batchWindowMs: 0,
      log: () => undefined,
    });
    failing.start(async () => {
      throw new Error('Jira is down');
    });
    await failing.send('{"webhookEvent":"user_created"}', { deliveryId: 'd-1' });
    await failing.drained();
    expect(failing.deadLetters()).toHaveLength(1);
    await failing.stop();

    // Act
    const result = await replayDeadLetters({ env: { DATA_DIR: dataDir }, serviceUrl: await urlWithoutService() });

    // Assess
    expect(result).toEqual({ where: 'data-dir', dir, moved: 1 });
    const restarted = await LocalQueue.open({ dir, batchWindowMs: 0, log: () => undefined });
    const delivered: string[] = [];
    restarted.start(async (event) => {
      delivered.push(...event.Records.map((record) => record.body));
    });
    await restarted.drained();
    await restarted.stop();
    expect(restarted.deadLetters()).toHaveLength(0);
    expect(delivered).toEqual(['{"webhookEvent":"user_created"}']);
  });
});
