/**
 * An enable against Jira Data Center's `user/list` beside Cloud's `users/search`, at one small size,
 * each run in a fresh process (handler modules hold one Jira client per process):
 *
 *   tsx bench/datacenter-enable.ts 2000 3        # N users, repeats per deployment
 *
 * Prints one Markdown table row per deployment (median and min–max seconds, accounts a second,
 * Jira listing calls). Small sizes only: the machine is shared.
 */
import '../local/tracing-off.js'; // before anything loads the X-Ray SDK
import { spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';

type Deployment = 'cloud' | 'datacenter';
interface RunResult {
  deployment: Deployment;
  seconds: number;
  created: number;
  listingCalls: Record<string, number>;
}

const [first, second, third] = process.argv.slice(2);

if (first === 'one') {
  process.stdout.write(`@result ${JSON.stringify(await runOne(second as Deployment, Number(third)))}\n`);
  process.exit(0);
}

const users = Number(first ?? 2000);
const repeats = Number(second ?? 3);
const script = fileURLToPath(import.meta.url);
const rows: string[] = [];
const loadBefore = loadavg().map((value) => value.toFixed(2));
for (const deployment of ['cloud', 'datacenter'] as const) {
  const results: RunResult[] = [];
  for (let repeat = 0; repeat < repeats; repeat += 1) {
    const child = spawnSync(process.execPath, ['--import', 'tsx', script, 'one', deployment, String(users)], {
      encoding: 'utf8',
      env: { ...process.env, JIRA_BASE_URL: '', JIRA_DEPLOYMENT: '' },
    });
    const line = child.stdout.split('\n').find((text) => text.startsWith('@result '));
    if (!line) throw new Error(`The ${deployment} run failed: ${child.stderr.slice(-2000)}`);
    results.push(JSON.parse(line.slice('@result '.length)) as RunResult);
  }
  const seconds = results.map((result) => result.seconds).sort((a, b) => a - b);
  const median = seconds[Math.floor(seconds.length / 2)] ?? 0;
  const calls = Object.entries(results[0]?.listingCalls ?? {})
    .map(([route, count]) => `${route} ${count}`)
    .join(', ');
  rows.push(
    `| ${deployment === 'cloud' ? 'Cloud (`users/search`)' : 'Data Center (`user/list`)'} | ${users.toLocaleString('en')} | ` +
      `${median.toFixed(1)} (${seconds[0]?.toFixed(1)}–${seconds.at(-1)?.toFixed(1)}) | ${Math.round(users / median)} | ` +
      `${results[0]?.created} | ${calls} |`,
  );
}
process.stdout.write(
  `Load average before: ${loadBefore.join(', ')}; after: ${loadavg()
    .map((value) => value.toFixed(2))
    .join(
      ', ',
    )}\n\n| Jira | N | enable (s), median (min–max) of ${repeats} | accounts/s | created | listing calls |\n|---|---|---|---|---|---|\n${rows.join('\n')}\n`,
);

async function runOne(deployment: Deployment, count: number): Promise<RunResult> {
  const { startLocalRuntime } = await import('../local/runtime.js');
  const dataDir = await mkdtemp(path.join(tmpdir(), 'contact-sync-bench-dc-'));
  const runtime = await startLocalRuntime({
    port: 0,
    dataDir,
    reconcileSchedule: 'off',
    log: () => undefined,
    // The same directory on both: N active Jira users with emails, nothing else to skip.
    simulator: { deployment, users: count, customers: 0, apps: 0, inactive: 0, hiddenEmails: 0, serviceDesks: 0 },
  });
  const simulator = runtime.jira.simulator;
  if (!simulator) throw new Error('No simulator.');
  const auth = simulator.admin.authorization;
  const settings = async () =>
    (await (await fetch(`${runtime.url}/settings/user-sync`, { headers: { Authorization: auth } })).json()) as {
      state: string;
      progress: { created: number };
    };
  simulator.resetCallCounts();
  const started = performance.now();
  const put = await fetch(`${runtime.url}/settings/user-sync`, {
    method: 'PUT',
    headers: { Authorization: auth, 'Content-Type': 'application/json' },
    body: JSON.stringify({ enabled: true }),
  });
  if (put.status !== 202) throw new Error(`PUT answered ${put.status}`);
  let view = await settings();
  while (view.state !== 'ENABLED') {
    await new Promise((resolve) => setTimeout(resolve, 50));
    view = await settings();
  }
  const seconds = (performance.now() - started) / 1000;
  const calls = simulator.callCounts();
  const listingCalls = Object.fromEntries(
    Object.entries(calls).filter(([route]) => ['users/search', 'user/list', 'user/search'].includes(route)),
  );
  await runtime.stop();
  await rm(dataDir, { recursive: true, force: true });
  return { deployment, seconds, created: view.progress.created, listingCalls };
}
