/**
 * `npm run bench`: runs every benchmark, each run in a fresh process, and writes BENCHMARKS.md.
 *
 *   npm run bench                          # N = 2,000, 10,000, 100,000 with repeats; webhooks
 *   npm run bench -- --quick               # N = 2,000 only, two repeats (checks the harness)
 *   npm run bench -- --sizes 10000 --repeats 3 --webhook-repeats 1
 *   npm run bench -- --report-only         # rewrite BENCHMARKS.md from bench/results/latest.json
 *
 * Loopback only: the service, the embedded store and the Jira simulator all run on 127.0.0.1.
 */
import { spawn } from 'node:child_process';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseChildResult } from './child-result.js';
import { PROJECT_ROOT, WEBHOOK_DELIVERIES, WEBHOOK_RATE_PER_SECOND, syncInFlight } from './config.js';
import { renderReport, type BenchResults } from './report.js';
import type { BaselineResult, RunConfig, RunResult, SyncResult, WebhookResult } from './run-one.js';
import { lineChart } from './svg.js';

interface Options {
  sizes: number[];
  repeats: Record<number, number>;
  webhookRepeats: number;
  reportOnly: boolean;
  out: string;
}

const DEFAULT_REPEATS: Record<number, number> = { 2000: 3, 10000: 3, 100000: 2 };

function parseOptions(argv: string[]): Options {
  const value = (flag: string): string | undefined => {
    const index = argv.indexOf(flag);
    return index >= 0 ? argv[index + 1] : undefined;
  };
  const quick = argv.includes('--quick');
  const sizes = (value('--sizes') ?? (quick ? '2000' : '2000,10000,100000')).split(',').map(Number);
  const repeatsFlag = value('--repeats');
  const repeats: Record<number, number> = {};
  sizes.forEach((size, index) => {
    const given = repeatsFlag?.split(',').map(Number);
    repeats[size] = given ? (given[index] ?? given[given.length - 1] ?? 1) : quick ? 2 : (DEFAULT_REPEATS[size] ?? 3);
  });
  return {
    sizes,
    repeats,
    webhookRepeats: Number(value('--webhook-repeats') ?? (quick ? 1 : 3)),
    reportOnly: argv.includes('--report-only'),
    out: value('--out') ?? path.join(PROJECT_ROOT, 'BENCHMARKS.md'),
  };
}

let progressLine = '';
function showProgress(line: string): void {
  progressLine = line;
  if (process.stderr.isTTY) process.stderr.write(`\r\x1b[2K${line.slice(0, (process.stderr.columns ?? 120) - 1)}`);
}
let lastPlainProgress = 0;
function showProgressThrottled(line: string): void {
  if (process.stderr.isTTY) {
    showProgress(line);
    return;
  }
  // Not a terminal (CI, a pipe): one line every 10 s at most.
  if (Date.now() - lastPlainProgress > 10_000) {
    lastPlainProgress = Date.now();
    process.stderr.write(`${line}\n`);
  }
}
function logLine(line: string): void {
  if (process.stderr.isTTY && progressLine) process.stderr.write('\r\x1b[2K');
  process.stderr.write(`${line}\n`);
  if (process.stderr.isTTY && progressLine) process.stderr.write(progressLine);
}

/** One run in a fresh process (`tsx bench/run-one.ts <config>`), so its memory is its own. */
function runOne(config: RunConfig, label: string): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', path.join(PROJECT_ROOT, 'bench/run-one.ts'), JSON.stringify(config)],
      {
        cwd: PROJECT_ROOT,
        stdio: ['ignore', 'pipe', 'pipe'],
        env: { ...process.env, NODE_NO_WARNINGS: '1', POWERTOOLS_LOG_LEVEL: 'ERROR' },
      },
    );
    let stdout = '';
    let stderrTail = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    let buffered = '';
    child.stderr.on('data', (chunk: Buffer) => {
      buffered += chunk.toString('utf8');
      const lines = buffered.split('\n');
      buffered = lines.pop() ?? '';
      for (const line of lines) {
        if (line.startsWith('@progress ')) {
          const fields = JSON.parse(line.slice('@progress '.length)) as Record<string, unknown>;
          const detail = Object.entries(fields)
            .map(
              ([key, field]) => `${key} ${typeof field === 'number' ? field.toLocaleString('en-US') : String(field)}`,
            )
            .join(', ');
          showProgressThrottled(`${label}: ${detail} (${Math.round((Date.now() - started) / 1000)} s)`);
        } else {
          stderrTail = `${stderrTail}${line}\n`.slice(-4000);
        }
      }
    });
    child.on('error', reject);
    child.on('exit', (code) => {
      const result = parseChildResult<RunResult>(stdout);
      if (code !== 0 || !result) {
        reject(new Error(`${label} failed (exit ${code}):\n${stderrTail}`));
        return;
      }
      resolve(result);
    });
  });
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  const resultsFile = path.join(PROJECT_ROOT, 'bench/results/latest.json');
  let results: BenchResults;
  if (options.reportOnly) {
    results = JSON.parse(await readFile(resultsFile, 'utf8')) as BenchResults;
  } else {
    const startedAt = new Date();
    results = {
      startedAt: startedAt.toISOString(),
      finishedAt: '',
      command: `npm run bench${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(' ')}` : ''}`,
      machine: {
        cpu: os.cpus()[0]?.model ?? 'unknown',
        cores: os.cpus().length,
        memoryGiB: Math.round((os.totalmem() / 1024 ** 3) * 10) / 10,
        os: `${os.type()} ${os.release()} ${os.arch()}`,
        node: process.version,
        loadAverageAtStart: os.loadavg().map((load) => Math.round(load * 100) / 100),
        loadAverageAtEnd: [],
      },
      syncInFlight: syncInFlight(),
      sizes: options.sizes,
      repeats: options.repeats,
      sync: [],
      baseline: [],
      webhooks: [],
    };
    const total =
      options.sizes.reduce((sum, size) => sum + 2 * (options.repeats[size] ?? 1), 0) + options.webhookRepeats;
    let step = 0;
    for (const size of options.sizes) {
      for (let repeat = 1; repeat <= (options.repeats[size] ?? 1); repeat += 1) {
        // The baseline and the sync alternate, so a change of load on the machine affects both.
        step += 1;
        const baseline = (await runOne(
          { mode: 'baseline', puts: size, concurrency: results.syncInFlight },
          `[${step}/${total}] baseline N=${size.toLocaleString('en-US')} (${repeat}/${options.repeats[size]})`,
        )) as BaselineResult;
        results.baseline.push(baseline);
        logLine(`baseline N=${size}: ${baseline.seconds.toFixed(2)} s, ${Math.round(baseline.putsPerSecond)} puts/s`);
        step += 1;
        const sync = (await runOne(
          { mode: 'sync', accounts: size },
          `[${step}/${total}] sync N=${size.toLocaleString('en-US')} (${repeat}/${options.repeats[size]})`,
        )) as SyncResult;
        results.sync.push(sync);
        logLine(
          `sync N=${size}: ${sync.seconds.toFixed(2)} s, ${Math.round(sync.accountsPerSecond)} accounts/s, ratio ` +
            `${(sync.seconds / baseline.seconds).toFixed(2)}, peak RSS ${sync.memory.peakRssMiB} MiB`,
        );
      }
    }
    for (let repeat = 1; repeat <= options.webhookRepeats; repeat += 1) {
      step += 1;
      const webhooks = (await runOne(
        { mode: 'webhooks', deliveries: WEBHOOK_DELIVERIES, ratePerSecond: WEBHOOK_RATE_PER_SECOND },
        `[${step}/${total}] webhooks (${repeat}/${options.webhookRepeats})`,
      )) as WebhookResult;
      results.webhooks.push(webhooks);
      logLine(
        `webhooks: ingest p50 ${webhooks.paced.ingestMs.p50.toFixed(1)} ms, p99 ` +
          `${webhooks.paced.ingestMs.p99.toFixed(1)} ms, all visible ${webhooks.paced.allVisibleSeconds.toFixed(2)} ` +
          `s, consumer ${Math.round(webhooks.burst.consumerPerSecond)}/s`,
      );
    }
    results.finishedAt = new Date().toISOString();
    results.machine.loadAverageAtEnd = os.loadavg().map((load) => Math.round(load * 100) / 100);
    await mkdir(path.dirname(resultsFile), { recursive: true });
    await writeFile(resultsFile, `${JSON.stringify(results, null, 2)}\n`);
  }

  const chartFile = path.join(PROJECT_ROOT, 'bench/accounts-per-second.svg');
  await writeFile(chartFile, chart(results));
  await writeFile(options.out, await renderReport(results, path.relative(path.dirname(options.out), chartFile)));
  if (process.stderr.isTTY) process.stderr.write('\r\x1b[2K');
  process.stderr.write(
    `Wrote ${path.relative(process.cwd(), options.out)} and ${path.relative(process.cwd(), chartFile)}\n`,
  );
}

function chart(results: BenchResults): string {
  const bySize = (runs: Array<{ n: number; rate: number }>) =>
    [...new Set(runs.map((run) => run.n))].map((n) => {
      const rates = runs.filter((run) => run.n === n).map((run) => run.rate);
      const sorted = [...rates].sort((a, b) => a - b);
      const mid = Math.floor(sorted.length / 2);
      const median =
        sorted.length % 2 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
      return { x: n, y: median, min: Math.min(...rates), max: Math.max(...rates) };
    });
  return lineChart(
    'Initial sync: accounts per second against N',
    'N (accounts in Jira, log scale)',
    'per second (median, bar: min to max)',
    [
      {
        name: 'sync: accounts/s',
        color: '#1f77b4',
        points: bySize(results.sync.map((run) => ({ n: run.accounts, rate: run.accountsPerSecond }))),
      },
      {
        name: 'baseline: PutItem/s',
        color: '#ff7f0e',
        points: bySize(results.baseline.map((run) => ({ n: run.puts, rate: run.putsPerSecond }))),
      },
      {
        name: 'half the baseline (aim)',
        color: '#999999',
        points: bySize(results.baseline.map((run) => ({ n: run.puts, rate: run.putsPerSecond / 2 }))).map(
          ({ x, y }) => ({ x, y }),
        ),
      },
    ],
  );
}

main().catch((error: unknown) => {
  process.stderr.write(`\n${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
