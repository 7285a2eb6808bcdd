import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { LocalQueue, type LocalQueueOptions, type QueueLog, type SqsHandler } from '../../local/queue/index.js';
import { StoreAvailability } from '../../local/store-supervisor.js';

interface LogLine {
  level: string;
  message: string;
  details?: Record<string, unknown>;
}

let dir: string;
let logLines: LogLine[];
let opened: LocalQueue[];
const log: QueueLog = (level, message, details) => {
  logLines.push({ level, message, ...(details ? { details } : {}) });
};

async function openQueue(options: Partial<LocalQueueOptions> = {}): Promise<LocalQueue> {
  const queue = await LocalQueue.open({ dir, log, batchWindowMs: 5, retryDelayMs: 10, ...options });
  opened.push(queue);
  return queue;
}

/** A handler that records every event and answers with `answer` (success by default). */
function recorder(
  answer: (event: SQSEvent) => Promise<SQSBatchResponse | undefined> | SQSBatchResponse | undefined = () => undefined,
) {
  const events: SQSEvent[] = [];
  const handler: SqsHandler = async (event) => {
    events.push(event);
    return answer(event);
  };
  const records = (): SQSRecord[] => events.flatMap((event) => event.Records);
  return { events, records, handler };
}

const sleep = (ms: number): Promise<void> => new Promise((done) => setTimeout(done, ms));

async function until(condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await sleep(5);
  }
}

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'local-queue-'));
  logLines = [];
  opened = [];
});

afterEach(async () => {
  await Promise.all(opened.map((queue) => queue.stop()));
  await rm(dir, { recursive: true, force: true });
});

describe('LocalQueue', () => {
  it('delivers batches of at most ten records shaped like SQS records', async () => {
    // Prepare
    const queue = await openQueue({ queueArn: 'arn:aws:sqs:eu-west-1:000000000000:webhooks', awsRegion: 'eu-west-1' });
    const sent = await Promise.all(
      Array.from({ length: 25 }, (_, index) => queue.send(`{"n":${index}}`, { source: 'jira' })),
    );
    const { events, records, handler } = recorder();

    // Act
    queue.start(handler);
    await queue.drained();

    // Assess
    expect(events.every((event) => event.Records.length >= 1 && event.Records.length <= 10)).toBe(true);
    expect(events.some((event) => event.Records.length === 10)).toBe(true);
    expect(new Set(records().map((record) => record.messageId))).toEqual(
      new Set(sent.map((result) => result.messageId)),
    );
    const record = records()[0];
    expect(record).toEqual({
      messageId: expect.any(String),
      receiptHandle: expect.any(String),
      body: expect.stringMatching(/^\{"n":\d+\}$/),
      attributes: {
        ApproximateReceiveCount: '1',
        SentTimestamp: expect.stringMatching(/^\d{13}$/),
        SenderId: expect.any(String),
        ApproximateFirstReceiveTimestamp: expect.stringMatching(/^\d{13}$/),
      },
      messageAttributes: {
        source: { stringValue: 'jira', stringListValues: [], binaryListValues: [], dataType: 'String' },
      },
      md5OfMessageAttributes: expect.stringMatching(/^[0-9a-f]{32}$/),
      md5OfBody: createHash('md5')
        .update(record?.body ?? '')
        .digest('hex'),
      eventSource: 'aws:sqs',
      eventSourceARN: 'arn:aws:sqs:eu-west-1:000000000000:webhooks',
      awsRegion: 'eu-west-1',
    });
    expect(queue.stats()).toMatchObject({ visible: 0, inFlight: 0, deadLetters: 0, oldestAgeMs: 0 });
  });

  it('redelivers only the items a handler reports in batchItemFailures', async () => {
    // Prepare
    const queue = await openQueue();
    const ids = (await Promise.all(['a', 'b', 'c', 'd', 'e'].map((body) => queue.send(body)))).map(
      (result) => result.messageId,
    );
    const failOnce = new Set([ids[1], ids[3]]);
    const { records, handler } = recorder((event) => ({
      batchItemFailures: event.Records.filter(
        (record) => failOnce.has(record.messageId) && record.attributes.ApproximateReceiveCount === '1',
      ).map((record) => ({ itemIdentifier: record.messageId })),
    }));

    // Act
    queue.start(handler);
    await queue.drained();

    // Assess
    const deliveries = records().map((record) => `${record.body}:${record.attributes.ApproximateReceiveCount}`);
    expect(deliveries.sort()).toEqual(['a:1', 'b:1', 'b:2', 'c:1', 'd:1', 'd:2', 'e:1']);
    expect(queue.stats()).toMatchObject({ visible: 0, inFlight: 0, deadLetters: 0 });
  });

  it('fails the whole batch when the handler throws or names an unknown item', async () => {
    // Prepare
    const queue = await openQueue({ batchSize: 10 });
    await Promise.all(['x', 'y'].map((body) => queue.send(body)));
    let calls = 0;
    const { records, handler } = recorder(() => {
      calls += 1;
      if (calls === 1) throw new Error('downstream unavailable');
      if (calls === 2) return { batchItemFailures: [{ itemIdentifier: 'not-in-this-batch' }] };
      return undefined;
    });

    // Act
    queue.start(handler);
    await queue.drained();

    // Assess
    expect(
      records()
        .map((record) => `${record.body}:${record.attributes.ApproximateReceiveCount}`)
        .sort(),
    ).toEqual(['x:1', 'x:2', 'x:3', 'y:1', 'y:2', 'y:3']);
  });

  it('makes a message visible again when its handler hangs past the visibility timeout', async () => {
    // Prepare
    const queue = await openQueue({ visibilityTimeoutMs: 200 });
    const { messageId } = await queue.send('slow');
    const { records, handler } = recorder((event) => {
      if (event.Records[0]?.attributes.ApproximateReceiveCount === '1') return new Promise<never>(() => undefined);
      return undefined;
    });

    // Act
    const startedAt = Date.now();
    queue.start(handler);
    await queue.drained();

    // Assess
    expect(records().map((record) => [record.messageId, record.attributes.ApproximateReceiveCount])).toEqual([
      [messageId, '1'],
      [messageId, '2'],
    ]);
    expect(Date.now() - startedAt).toBeGreaterThanOrEqual(190);
    expect(logLines.some((line) => line.level === 'warn' && line.message.includes('visibility timeout'))).toBe(true);
  });

  it('dead-letters a message after maxReceiveCount, keeps it across a restart and redrives it', async () => {
    // Prepare
    const first = await openQueue({ maxReceiveCount: 3 });
    const { messageId } = await first.send('poison', { kind: 'user_updated' });
    const failing = recorder(() => {
      throw new Error('cannot map user');
    });
    first.start(failing.handler);
    await first.drained();
    await first.stop();

    // Act
    const second = await openQueue({ maxReceiveCount: 3 });
    const deadBefore = second.deadLetters();
    const healthy = recorder();
    second.start(healthy.handler);
    const redriven = await second.redriveDeadLetters();
    await second.drained();

    // Assess
    expect(failing.records().map((record) => record.attributes.ApproximateReceiveCount)).toEqual(['1', '2', '3']);
    expect(deadBefore).toEqual([
      {
        messageId,
        body: 'poison',
        attributes: { kind: 'user_updated' },
        receiveCount: 3,
        sentTimestamp: expect.any(Number),
        deadLetteredAt: expect.any(Number),
        lastError: 'Error: cannot map user',
      },
    ]);
    expect(logLines.some((line) => line.level === 'error' && line.details?.messageId === messageId)).toBe(true);
    expect(redriven).toBe(1);
    expect(healthy.records().map((record) => [record.messageId, record.attributes.ApproximateReceiveCount])).toEqual([
      [messageId, '1'],
    ]);
    expect(second.deadLetters()).toEqual([]);
    expect(second.stats()).toMatchObject({ visible: 0, inFlight: 0, deadLetters: 0 });
  });

  it('keeps accepted messages across stop and reopen, and never redelivers deleted ones', async () => {
    // Prepare
    const first = await openQueue();
    await Promise.all(['one', 'two', 'three'].map((body) => first.send(body)));
    await first.stop();

    // Act
    const second = await openQueue();
    const afterRestart = second.stats();
    const { records, handler } = recorder();
    second.start(handler);
    await second.drained();
    await second.stop();
    const third = await openQueue();

    // Assess
    expect(afterRestart.visible).toBe(3);
    expect(
      records()
        .map((record) => record.body)
        .sort(),
    ).toEqual(['one', 'three', 'two']);
    expect(third.stats()).toMatchObject({ visible: 0, inFlight: 0, deadLetters: 0 });
  });

  it('recovers after a simulated crash: what was not deleted is visible again, with its receive count', async () => {
    // Prepare: the first instance acknowledges one batch, then hangs on the next and is never stopped.
    const crashed = await openQueue({ batchSize: 5, concurrency: 1, batchWindowMs: 0, visibilityTimeoutMs: 300 });
    const ids = (await Promise.all(Array.from({ length: 12 }, (_, index) => crashed.send(`m${index}`)))).map(
      (result) => result.messageId,
    );
    let calls = 0;
    const firstRun = recorder(() => {
      calls += 1;
      return calls === 1 ? undefined : new Promise<never>(() => undefined);
    });
    crashed.start(firstRun.handler);
    await until(() => calls === 2); // the first batch's deletes and the second's receives are on disk by now
    const acknowledged = new Set(firstRun.events[0]?.Records.map((record) => record.messageId));
    const hanging = new Set(firstRun.events[1]?.Records.map((record) => record.messageId));

    // Act
    const recovered = await openQueue({ batchWindowMs: 0 });
    const visibleAtOpen = recovered.stats().visible;
    const secondRun = recorder();
    recovered.start(secondRun.handler);
    await recovered.drained();

    // Assess
    expect(acknowledged.size).toBe(5);
    expect(visibleAtOpen).toBe(7);
    expect(new Set(secondRun.records().map((record) => record.messageId))).toEqual(
      new Set(ids.filter((id) => !acknowledged.has(id))),
    );
    for (const record of secondRun.records()) {
      expect(record.attributes.ApproximateReceiveCount).toBe(hanging.has(record.messageId) ? '2' : '1');
    }
  });

  it('keeps every send that resolved before the process was killed with SIGKILL', async () => {
    // Prepare: a child process sends as fast as it can and prints each id once send resolves.
    const script = join(dir, 'sender.mts'); // .mts: the temp folder has no package.json saying ESM
    const queueModule = resolve('local/queue/index.ts');
    await writeFile(
      script,
      `import { LocalQueue } from ${JSON.stringify(queueModule)};
const queue = await LocalQueue.open({ dir: ` +
        `${JSON.stringify(join(dir, 'q'))}, log: () => undefined });
let n = 0;
const worker = async () => { for ` +
        `(;;) { const { messageId } = await queue.send('body-' + n++); process.stdout.write(messageId + '\\n'); } ` +
        `};
await Promise.all(Array.from({ length: 32 }, worker));
`,
    );
    const child = spawn(process.execPath, ['--import', 'tsx', script], {
      cwd: resolve('.'),
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const printed: string[] = [];
    const exited = new Promise<void>((done) => child.on('exit', () => done()));
    const lines = createInterface({ input: child.stdout });
    lines.on('line', (line) => {
      printed.push(line);
      if (printed.length === 2000) child.kill('SIGKILL');
    });

    // Act
    await exited;
    const acknowledged = new Set(printed);
    const queue = await openQueue({ dir: join(dir, 'q'), batchWindowMs: 0, concurrency: 4 });
    const { records, handler } = recorder();
    queue.start(handler);
    await queue.drained();

    // Assess
    const delivered = new Set(records().map((record) => record.messageId));
    expect(acknowledged.size).toBeGreaterThanOrEqual(2000);
    expect([...acknowledged].filter((id) => !delivered.has(id))).toEqual([]);
  });

  it('group-commits concurrent sends into far fewer journal syncs', async () => {
    // Prepare: 50 senders, each sending its next message as soon as the last one is durable (like HTTP clients).
    const queue = await openQueue();
    const before = queue.stats().journalCommits;
    const senders = 50;
    const perSender = 100;
    const body = JSON.stringify({
      webhookEvent: 'user_updated',
      user: { accountId: '5b10a2844c20165700ede21g', displayName: 'Some One' },
    });

    // Act
    const startedAt = performance.now();
    await Promise.all(
      Array.from({ length: senders }, async () => {
        for (let index = 0; index < perSender; index += 1) await queue.send(body);
      }),
    );
    const elapsedMs = performance.now() - startedAt;

    // Assess
    const sends = senders * perSender;
    const commits = queue.stats().journalCommits - before;
    expect(queue.stats().visible).toBe(sends);
    expect(commits).toBeLessThanOrEqual(sends / 10);
    console.info(
      `local queue: ${sends} sends from ${senders} senders in ${elapsedMs.toFixed(0)} ms ` +
        `(${Math.round((sends / elapsedMs) * 1000)}/s), ${commits} journal syncs`,
    );
  });

  it('compacts the journal as it grows, without losing or reviving messages', async () => {
    // Prepare
    const queue = await openQueue({ compactAfterBytes: 16 * 1024, maxReceiveCount: 1000 });
    const body = 'x'.repeat(200);
    const keep = await queue.send('keep-me');

    const { records, handler } = recorder((event) => ({
      batchItemFailures: event.Records.filter((record) => record.messageId === keep.messageId).map((record) => ({
        itemIdentifier: record.messageId,
      })),
    }));
    queue.start(handler);

    // Act: 500 messages in rounds, each round deleted before the next; only keep-me stays live.
    for (let round = 1; round <= 10; round += 1) {
      await Promise.all(Array.from({ length: 50 }, () => queue.send(body)));
      await until(
        () =>
          records().filter((record) => record.body === body).length === round * 50 &&
          queue.stats().visible + queue.stats().inFlight === 1,
      );
    }
    await queue.stop();
    const size = (await stat(join(dir, 'journal.jsonl'))).size;
    const reopened = await openQueue();

    // Assess
    expect(size).toBeLessThan(40 * 1024); // about 170 KiB were appended in all
    expect(reopened.stats().visible).toBe(1);
  });

  it('stop() waits for the batch in flight, then refuses new work', async () => {
    // Prepare
    const queue = await openQueue();
    await queue.send('in-flight');
    let finished = false;
    let started = false;
    queue.start(async () => {
      started = true;
      await sleep(300);
      finished = true;
    });
    await until(() => started);

    // Act
    await queue.stop();
    const finishedWhenStopped = finished;
    const sendAfterStop = await queue.send('late').then(
      () => 'accepted',
      (error: Error) => error.message,
    );
    const reopened = await openQueue();

    // Assess
    expect(finishedWhenStopped).toBe(true);
    expect(sendAfterStop).toMatch(/stopped/);
    expect(reopened.stats().visible).toBe(0);
  });

  it('never dead-letters for an outage of the store: no batch while it is down, failures then retried later', async () => {
    // Prepare: a store that goes down while the first receive runs, for longer than maxReceiveCount retries take
    const store = new StoreAvailability();
    const queue = await openQueue({ maxReceiveCount: 2, dependency: store, outageRetryDelayMs: 200 });
    const { messageId } = await queue.send('during an outage');
    const { messageId: poison } = await queue.send('poison');
    const receivesWhileDown: string[] = [];
    const handling = recorder((event) => {
      if (!store.available) receivesWhileDown.push(...event.Records.map((record) => record.messageId));
      if (handling.events.length === 1) {
        store.markDown('The embedded store exited with code 1; it is being restarted.');
        throw new Error('connect ECONNREFUSED');
      }
      const failed = event.Records.filter((record) => record.body === 'poison');
      return { batchItemFailures: failed.map((record) => ({ itemIdentifier: record.messageId })) };
    });

    // Act
    queue.start(handling.handler);
    await until(() => handling.events.length === 1);
    await sleep(300); // past the outage retry delay, still down
    const eventsWhileDown = handling.events.length;
    store.markBack();
    await queue.drained();

    // Assess: nothing received while down; the outage's receive not counted; the poison dead-lettered as before
    expect(eventsWhileDown).toBe(1);
    expect(receivesWhileDown).toEqual([]);
    const receives = handling
      .records()
      .filter((record) => record.messageId === messageId)
      .map((record) => record.attributes.ApproximateReceiveCount);
    expect(receives).toEqual(['1', '1']);
    expect(queue.deadLetters().map((letter) => [letter.messageId, letter.receiveCount])).toEqual([[poison, 2]]);
    expect(logLines.some((line) => line.message.includes('failed while the store was down'))).toBe(true);
  });
});
