/**
 * Sends signed `user_created` deliveries to the service from a process of its own, so the sender's
 * CPU does not count against the service's ingest latency. Started by bench/run-one.ts:
 *
 *   tsx bench/webhook-sender.ts '{"url":"<service>/webhooks/jira","deliveries":2000,"tag":"paced","ratePerSecond":200}'
 *   tsx bench/webhook-sender.ts '{"url":"…","deliveries":2000,"tag":"burst","senders":32}'
 *
 * Paced: open loop, each delivery sent on schedule whether or not the previous one was answered.
 * Burst: `senders` at once, each sending its next delivery as soon as the last was answered.
 * Prints `@result {...}` with times as epoch milliseconds (performance.timeOrigin based).
 */
import { randomUUID } from 'node:crypto';
import { Agent, request as httpRequest } from 'node:http';
import { performance } from 'node:perf_hooks';
import { buildWebhookDelivery } from '../local/jira-simulator/index.js';
import { webhookEmail } from './config.js';
import { runChild } from './child-result.js';
import { percentile } from './stats.js';

export interface SenderConfig {
  url: string;
  deliveries: number;
  tag: string;
  ratePerSecond?: number;
  senders?: number;
}

export interface SenderResult {
  startedAt: number;
  lastAnsweredAt: number;
  ingestMs: { p50: number; p99: number; max: number };
  statuses: Record<string, number>;
}

const now = (): number => performance.timeOrigin + performance.now();

async function main(): Promise<SenderResult> {
  const config = JSON.parse(process.argv[2] ?? '{}') as SenderConfig;
  const target = new URL(config.url);
  const agent = new Agent({ keepAlive: true, maxSockets: 64 });
  const deliveries = Array.from({ length: config.deliveries }, (_, index) => {
    const customer = index % 10 < 3;
    return buildWebhookDelivery('user_created', {
      accountId: customer ? `qm:${randomUUID()}` : `712020:${randomUUID()}`,
      accountType: customer ? 'customer' : 'atlassian',
      displayName: `Webhook ${config.tag} ${index}`,
      emailAddress: webhookEmail(config.tag, index),
      active: true,
    });
  });
  const post = (delivery: { body: string; headers: Record<string, string> }): Promise<{ status: number; ms: number }> =>
    new Promise((resolve, reject) => {
      const started = performance.now();
      const req = httpRequest(
        {
          host: target.hostname,
          port: target.port,
          path: target.pathname,
          method: 'POST',
          agent,
          headers: { ...delivery.headers, 'Content-Length': Buffer.byteLength(delivery.body) },
        },
        (res) => {
          res.resume();
          res.on('end', () => resolve({ status: res.statusCode ?? 0, ms: performance.now() - started }));
        },
      );
      req.on('error', reject);
      req.end(delivery.body);
    });

  const answers: Array<Promise<{ status: number; ms: number }>> = [];
  const startedAt = now();
  const started = performance.now();
  if (config.ratePerSecond) {
    const interval = 1000 / config.ratePerSecond;
    for (let index = 0; index < deliveries.length; index += 1) {
      const wait = started + index * interval - performance.now();
      if (wait > 1) await new Promise((resolve) => setTimeout(resolve, wait));
      answers.push(post(deliveries[index] as (typeof deliveries)[number]));
    }
  } else {
    let next = 0;
    const sender = async (): Promise<void> => {
      while (next < deliveries.length) {
        const answer = post(deliveries[next++] as (typeof deliveries)[number]);
        answers.push(answer);
        await answer;
      }
    };
    await Promise.all(Array.from({ length: config.senders ?? 32 }, sender));
  }
  const results = await Promise.all(answers);
  const lastAnsweredAt = now();
  agent.destroy();
  const statuses: Record<string, number> = {};
  for (const { status } of results) statuses[status] = (statuses[status] ?? 0) + 1;
  const latencies = results.map((result) => result.ms);
  const result: SenderResult = {
    startedAt,
    lastAnsweredAt,
    ingestMs: { p50: percentile(latencies, 50), p99: percentile(latencies, 99), max: Math.max(...latencies) },
    statuses,
  };
  return result;
}

runChild(main);
