import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
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

/**
 * Runs `body` in a child process (tsx) with `LocalQueue`, `DIR` and `print(value)` (one JSON line
 * on stdout) in scope, so a test can kill it mid-work.
 */
async function spawnQueueScript(body: string, queueDir: string, args: string[] = []) {
  const script = join(dir, `child-${Math.random().toString(36).slice(2)}.mts`); // .mts: no package.json here says ESM
  await writeFile(
    script,
    `import { LocalQueue } from ${JSON.stringify(resolve('local/queue/index.ts'))};
const DIR = ${JSON.stringify(queueDir)};
const print = (value) => process.stdout.write(JSON.stringify(value) + '\\n');
${body}`,
  );
  const child = spawn(process.execPath, ['--import', 'tsx', script, ...args], {
    cwd: resolve('.'),
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise<void>((done) => child.on('exit', () => done()));
  const lines = createInterface({ input: child.stdout });
  return { process: child, exited, onLine: (listener: (line: string) => void) => lines.on('line', listener) };
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

  it('recovers after a crash: what was not deleted is visible again, with its receive count', async () => {
    // Prepare: a child acknowledges one batch, then hangs on the next and is killed with SIGKILL.
    const child = await spawnQueueScript(
      `const queue = await LocalQueue.open({ dir: DIR, log: () => undefined, batchSize: 5, concurrency: 1, ` +
        `batchWindowMs: 0, visibilityTimeoutMs: 300 });
const ids = [];
for (let index = 0; index < 12; index += 1) ids.push((await queue.send('m' + index)).messageId);
print({ sent: ids });
let calls = 0;
queue.start(async (event) => {
  calls += 1;
  print({ [calls === 1 ? 'acknowledged' : 'hanging']: event.Records.map((record) => record.messageId) });
  return calls === 1 ? undefined : new Promise(() => undefined);
});
`,
      join(dir, 'q'),
    );
    const lines: Record<string, string[]> = {};
    child.onLine((line) => {
      Object.assign(lines, JSON.parse(line));
      if (lines.hanging) child.process.kill('SIGKILL'); // the first batch's deletes and the second's receives are committed by now
    });
    await child.exited;
    const ids = lines.sent ?? [];
    const acknowledged = new Set(lines.acknowledged);
    const hanging = new Set(lines.hanging);

    // Act
    const recovered = await openQueue({ dir: join(dir, 'q'), batchWindowMs: 0 });
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
    const child = await spawnQueueScript(
      `const queue = await LocalQueue.open({ dir: DIR, log: () => undefined });
let n = 0;
const worker = async () => { for ` +
        `(;;) { const { messageId } = await queue.send('body-' + n++); process.stdout.write(messageId + '\\n'); } ` +
        `};
await Promise.all(Array.from({ length: 32 }, worker));
`,
      join(dir, 'q'),
    );
    const printed: string[] = [];
    const exited = child.exited;
    child.onLine((line) => {
      printed.push(line);
      if (printed.length === 2000) child.process.kill('SIGKILL');
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

  it('group-commits concurrent sends into far fewer syncs', async () => {
    // Prepare: 50 senders, each sending its next message as soon as the last one is durable (like HTTP clients).
    const queue = await openQueue();
    const before = queue.stats().syncs;
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
    const commits = queue.stats().syncs - before;
    expect(queue.stats().visible).toBe(sends);
    expect(commits).toBeLessThanOrEqual(sends / 10);
    console.info(
      `local queue: ${sends} sends from ${senders} senders in ${elapsedMs.toFixed(0)} ms ` +
        `(${Math.round((sends / elapsedMs) * 1000)}/s), ${commits} syncs`,
    );
  });

  it('imports the journal of an older version once, then renames it aside', async () => {
    // Prepare: a journal with a waiting message, one received twice, one deleted, a dead letter and a torn last line
    const record = (value: object): string => `${JSON.stringify(value)}\n`;
    const send = (id: string) => ({ op: 'send', id, body: `body-${id}`, attributes: { source: 'jira' }, sentAt: 1 });
    const lines: object[] = [
      send('waiting'),
      send('received'),
      { op: 'receive', id: 'received', count: 2, at: 2 },
      send('deleted'),
      { op: 'delete', id: 'deleted' },
      send('poison'),
      { op: 'dead', id: 'poison', count: 5, at: 3, reason: 'bad' },
    ];
    await writeFile(join(dir, 'journal.jsonl'), `${lines.map(record).join('')}{"op":"send","id":"torn","bo`);

    // Act
    const first = await openQueue();
    const dead = first.deadLetters();
    await first.stop();
    const second = await openQueue();
    const { records, handler } = recorder();
    second.start(handler);
    await second.drained();

    // Assess
    expect(dead).toEqual([
      {
        messageId: 'poison',
        body: 'body-poison',
        attributes: { source: 'jira' },
        receiveCount: 5,
        sentTimestamp: 1,
        deadLetteredAt: 3,
        lastError: 'bad',
      },
    ]);
    expect(records().map((delivered) => [delivered.messageId, delivered.attributes.ApproximateReceiveCount])).toEqual([
      ['waiting', '1'],
      ['received', '3'],
    ]);
    expect(records()[0]?.messageAttributes.source?.stringValue).toBe('jira');
    expect(await readdir(dir)).toContain('journal.jsonl.imported');
    expect(await readdir(dir)).not.toContain('journal.jsonl');
    expect(second.deadLetters()).toHaveLength(1);
  });

  it('keeps the receive counts a killed consumer committed, so a message that kills it every time is dead-lettered', async () => {
    // Prepare: a message whose handler kills the process on every receive (maxReceiveCount 3)
    const script = `const queue = await LocalQueue.open({ dir: DIR, log: () => undefined, batchWindowMs: 0, maxReceiveCount: 3 });
if (process.argv.includes('--send')) print({ sent: (await queue.send('kills the consumer')).messageId });
queue.start(async (event) => { print({ received: event.Records[0].attributes.ApproximateReceiveCount }); process.kill(process.pid, 'SIGKILL'); });
`;
    const received: string[] = [];
    let sent = '';
    for (let run = 0; run < 4; run += 1) {
      const child = await spawnQueueScript(script, join(dir, 'q'), run === 0 ? ['--send'] : []);
      child.onLine((line) => {
        const value = JSON.parse(line) as { sent?: string; received?: string };
        if (value.sent) sent = value.sent;
        if (value.received) received.push(value.received);
      });
      const stuck = setTimeout(() => child.process.kill('SIGKILL'), 3000); // not expected: the handler kills it
      await child.exited;
      clearTimeout(stuck);
    }

    // Act
    const queue = await openQueue({ dir: join(dir, 'q'), maxReceiveCount: 3 });
    const letters = queue.deadLetters();

    // Assess
    expect(received).toEqual(['1', '2', '3']);
    expect(letters.map((letter) => [letter.messageId, letter.receiveCount])).toEqual([[sent, 3]]);
    expect(queue.stats()).toMatchObject({ visible: 0, inFlight: 0, deadLetters: 1 });
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
