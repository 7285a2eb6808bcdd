/**
 * Whether a flood of issue events slows the user events queued behind it (issue 19).
 *
 *   tsx bench/issue-flood.ts '{"flood":2000,"users":200}'
 *
 * The whole local service (dynalite on disk, the journaled queue, the consumer in its worker), with
 * syncing on over a small site. Three phases, each timed from its first delivery until the new users'
 * contacts are all linked:
 * - quiet: `users` user_created deliveries alone;
 * - flood: `flood` jira:issue_updated deliveries naming accounts that have a contact, then `users`
 *   more user_created behind them;
 * - sign-ups: `users` jira:issue_created naming new portal customers (each costs one `user` lookup).
 * Prints `@result {...}`. Sender and service share this process and the machine's two cores.
 */
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { forEachConcurrently } from '../lambdas/domain/sync/run-pool.js';
import { buildIssueWebhookDelivery, buildWebhookDelivery } from '../local/jira-simulator/index.js';

interface FloodConfig {
  flood: number;
  users: number;
}

const SENDERS = 32;

async function main(): Promise<Record<string, unknown>> {
  const config = { flood: 2000, users: 200, ...(JSON.parse(process.argv[2] ?? '{}') as Partial<FloodConfig>) };
  const dataDir = await mkdtemp(path.join(tmpdir(), 'contact-sync-flood-'));
  const { startLocalRuntime } = await import('../local/runtime.js');
  const runtime = await startLocalRuntime({
    port: 0,
    dataDir,
    reconcileSchedule: 'off',
    simulator: { users: 300, customers: 200, serviceDesks: 2, seed: 7 },
  });
  try {
    const jira = runtime.jira.simulator;
    if (!jira) throw new Error('The benchmark needs the Jira simulator.');
    const composition = await import('../lambdas/composition.js');
    const auth = { Authorization: jira.admin.authorization };
    const enable = await fetch(`${runtime.url}/settings/user-sync`, {
      method: 'PUT',
      headers: { ...auth, 'Content-Type': 'application/json' },
      body: JSON.stringify({ enabled: true }),
    });
    if (enable.status !== 202) throw new Error(`enable answered ${enable.status}`);
    await runtime.stepFunctions.idle();
    // The simulator's own webhooks stay out of the way: this script sends every delivery itself.
    jira.setWebhookTarget(undefined);

    const post = async (delivery: { body: string; headers: Record<string, string> }) => {
      const response = await fetch(`${runtime.url}/webhooks/jira`, {
        method: 'POST',
        headers: delivery.headers,
        body: delivery.body,
      });
      await response.arrayBuffer();
      if (response.status !== 202) throw new Error(`webhook answered ${response.status}`);
    };
    const send = (deliveries: Array<{ body: string; headers: Record<string, string> }>) =>
      forEachConcurrently(deliveries, SENDERS, post);
    const allLinked = async (accountIds: string[]) => {
      for (;;) {
        const links = await composition.linkStore().getLinks(accountIds);
        if ([...links.values()].filter((link) => link.status === 'linked').length === accountIds.length) return;
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
    };
    const newUsers = (tag: string) =>
      Array.from({ length: config.users }, (_, index) => ({
        accountId: `712020:${randomUUID()}`,
        accountType: 'atlassian' as const,
        displayName: `Flood ${tag} ${index}`,
        emailAddress: `flood.${tag}.${index}@example.com`,
        active: true,
      }));
    const userCreated = (accounts: ReturnType<typeof newUsers>) =>
      accounts.map((account) =>
        buildWebhookDelivery('user_created', account, Date.now(), { secret: jira.webhookSecret }),
      );

    // Quiet: user events alone.
    const quietUsers = newUsers('quiet');
    jira.resetCallCounts();
    let started = performance.now();
    await send(userCreated(quietUsers));
    await allLinked(quietUsers.map((account) => account.accountId));
    const quietSeconds = (performance.now() - started) / 1000;

    // Flood: issue events naming synced accounts, then user events behind them.
    const synced = jira
      .accounts()
      .filter((account) => account.active && account.emailAddress && account.accountType !== 'app');
    const floodUsers = newUsers('flood');
    const issues = Array.from({ length: config.flood }, (_, index) => {
      const reporter = synced[index % synced.length];
      const agent = synced[(index * 7 + 3) % synced.length];
      if (!reporter || !agent) throw new Error('The site has no synced account.');
      return buildIssueWebhookDelivery(
        'jira:issue_updated',
        {
          issue: { id: String(30_000 + index), key: `SUP1-${index}`, summary: 'Busy', projectKey: 'SUP1' },
          reporter: { ...reporter },
          actor: { ...agent },
        },
        { secret: jira.webhookSecret, baseUrl: jira.url },
      );
    });
    jira.resetCallCounts();
    started = performance.now();
    await send(issues);
    const floodSentSeconds = (performance.now() - started) / 1000;
    const behindStarted = performance.now();
    await send(userCreated(floodUsers));
    await allLinked(floodUsers.map((account) => account.accountId));
    const floodSeconds = (performance.now() - started) / 1000;
    const behindSeconds = (performance.now() - behindStarted) / 1000;
    await runtime.queue.drained();
    const floodJira = jira.callCounts();

    // Sign-ups: each request names a new customer, looked up once.
    const customers = [];
    for (let index = 0; index < config.users; index += 1)
      customers.push(
        await jira.createAccount({
          displayName: `Portal ${index}`,
          emailAddress: `portal.${index}@customer.example`,
          accountType: 'customer',
        }),
      );
    const requests = customers.map((customer, index) =>
      buildIssueWebhookDelivery(
        'jira:issue_created',
        {
          issue: { id: String(40_000 + index), key: `SUP2-${index}`, summary: 'Help', projectKey: 'SUP2' },
          reporter: customer,
        },
        { secret: jira.webhookSecret, baseUrl: jira.url },
      ),
    );
    jira.resetCallCounts();
    started = performance.now();
    await send(requests);
    await allLinked(customers.map((customer) => customer.accountId));
    const signUpSeconds = (performance.now() - started) / 1000;
    await runtime.queue.drained();
    return {
      flood: config.flood,
      users: config.users,
      quiet: { seconds: quietSeconds },
      flooded: {
        seconds: floodSeconds,
        issueEventsSentSeconds: floodSentSeconds,
        usersBehindSeconds: behindSeconds,
        jira: floodJira,
      },
      signUps: { seconds: signUpSeconds, jira: jira.callCounts() },
      deadLetters: runtime.queue.deadLetters().length,
    };
  } finally {
    await runtime.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
}

main().then(
  (result) => {
    process.stdout.write(`@result ${JSON.stringify(result)}\n`);
    process.exit(0);
  },
  (error: unknown) => {
    process.stderr.write(`${String(error instanceof Error ? error.stack : error)}\n`);
    process.exit(1);
  },
);
