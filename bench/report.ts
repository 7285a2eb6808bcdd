import { readFile } from 'node:fs/promises';
import path from 'node:path';
import {
  LAMBDA_MEMORY_MB,
  SEGMENTS_PER_WAVE,
  PROJECT_ROOT,
  USERS_PAGE_SIZE,
  WEBHOOK_DELIVERIES,
  WEBHOOK_RATE_PER_SECOND,
  accountConcurrency,
} from './config.js';
import type { BaselineResult, SyncResult, WebhookResult } from './run-one.js';
import { median, type Spread, spread } from './stats.js';
import { fillTemplate, type TemplateValues } from './template.js';

export interface BenchResults {
  startedAt: string;
  finishedAt: string;
  command: string;
  machine: {
    cpu: string;
    cores: number;
    memoryGiB: number;
    os: string;
    node: string;
    loadAverageAtStart: number[];
    loadAverageAtEnd: number[];
  };
  syncInFlight: number;
  sizes: number[];
  repeats: Record<number, number>;
  sync: SyncResult[];
  baseline: BaselineResult[];
  webhooks: WebhookResult[];
}

/**
 * Prices used on paper: AWS public list prices for us-east-1 as known on 2026-11-25, ASSUMED (not
 * fetched: the benchmark makes no network calls). Check https://aws.amazon.com/pricing/ before quoting.
 */
export const PRICES = {
  date: '2026-11-25',
  region: 'us-east-1',
  dynamoWriteRequestUnitPerMillion: 0.625,
  dynamoReadRequestUnitPerMillion: 0.125,
  lambdaGbSecond: 0.0000166667,
  lambdaRequestPerMillion: 0.2,
  sqsRequestPerMillion: 0.4,
  stepFunctionsTransitionPerThousand: 0.025,
  apiGatewayRestPerMillion: 3.5,
} as const;

/** The sync may take at most this many times as long as the baseline of plain conditional puts (#14). */
const RATIO_AIM = 1.3;

/** Assumptions for "how long on AWS": labelled as such in the report. */
const AWS_ASSUMPTIONS = {
  /** One `users/search` page of 1,000 from Jira Cloud. */
  jiraPageSeconds: 1.0,
  /** One DynamoDB request from Lambda in the same region (single-digit ms). */
  dynamoRequestMs: 6,
};

const fmt = (value: number, digits = 0): string =>
  Number.isFinite(value)
    ? value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits })
    : 'n/a';
const show = (s: Spread, digits = 0, unit = ''): string =>
  s.runs > 1
    ? `${fmt(s.median, digits)}${unit} (${fmt(s.min, digits)}–${fmt(s.max, digits)})`
    : `${fmt(s.median, digits)}${unit}`;
const usd = (value: number): string => (value < 0.01 ? `$${value.toFixed(4)}` : `$${value.toFixed(2)}`);
const aim = (met: boolean): string => (met ? '**met**' : '**missed**');

/** The report's prose, with a placeholder for each figure; bench/NOTES.md is its hand-written analysis. */
const TEMPLATE_FILE = path.join(PROJECT_ROOT, 'bench/report-template.md');

/** The runs of one size and their baselines. */
interface Runs {
  sizes: number[];
  syncOf: (n: number) => SyncResult[];
  baselineOf: (n: number) => BaselineResult[];
}

/** BENCHMARKS.md: bench/report-template.md with the figures of `results` filled in. */
export async function renderReport(results: BenchResults, chartPath: string): Promise<string> {
  const sizes = [...new Set(results.sync.map((run) => run.accounts))].sort((a, b) => a - b);
  const runs: Runs = {
    sizes,
    syncOf: (n) => results.sync.filter((run) => run.accounts === n),
    baselineOf: (n) => results.baseline.filter((run) => run.puts === n),
  };
  const [template, notes] = await Promise.all([
    readFile(TEMPLATE_FILE, 'utf8'),
    readFile(path.join(PROJECT_ROOT, 'bench/NOTES.md'), 'utf8').catch(() => ''),
  ]);
  return fillTemplate(template, {
    ...theRun(results),
    ratioAim: String(RATIO_AIM),
    chartPath,
    pagesPerWave: String(SEGMENTS_PER_WAVE),
    accountConcurrency: String(accountConcurrency()),
    ...initialSync(runs),
    ...requests(runs),
    writesByItemRows: writesByItemRows(runs),
    reconcileRows: reconcileRows(runs),
    ...memory(runs),
    ...webhooks(results, runs),
    ...prices(),
    ...syncingAMillion(runs),
    ...aMillionDeliveries(results.webhooks),
    notes: notes.trim(),
  });
}

function theRun(results: BenchResults): TemplateValues {
  const { machine } = results;
  return {
    startedAt: results.startedAt,
    finishedAt: results.finishedAt,
    command: results.command,
    cpu: machine.cpu,
    cores: String(machine.cores),
    memoryGiB: String(machine.memoryGiB),
    os: machine.os,
    node: machine.node,
    loadAtStart: machine.loadAverageAtStart.join(', '),
    loadAtEnd: machine.loadAverageAtEnd.join(', '),
    repeats: Object.entries(results.repeats)
      .map(([n, r]) => `${r} at N = ${fmt(Number(n))}`)
      .join(', '),
    webhookRepeats: String(results.webhooks.length),
    syncInFlight: String(results.syncInFlight),
  };
}

function initialSync({ sizes, syncOf, baselineOf }: Runs): TemplateValues {
  const ratios = (n: number): number[] => {
    const baselines = baselineOf(n);
    return syncOf(n).map((run, index) => run.seconds / (baselines[index] ?? baselines[0] ?? run).seconds);
  };
  const syncRows = sizes.map((n) => {
    const r = spread(ratios(n));
    return (
      `| ${fmt(n)} | ${show(spread(syncOf(n).map((run) => run.seconds)), 1)} | ` +
      `${show(spread(syncOf(n).map((run) => run.accountsPerSecond)))} ` +
      `| ${show(spread(baselineOf(n).map((run) => run.seconds)), 1)} | ` +
      `${show(spread(baselineOf(n).map((run) => run.putsPerSecond)))} ` +
      `| ${show(r, 2)} | ${aim(r.median <= RATIO_AIM)} |`
    );
  });
  const outcomes = sizes.map((n) => {
    const run = syncOf(n)[0];
    return run
      ? `N = ${fmt(n)}: ${fmt(run.progress.created)} created, ${fmt(run.progress.linked)} ` +
          `linked (${fmt(run.preExisting)} pre-existing contacts), ${fmt(run.progress.skipped)} ` +
          `skipped, ${fmt(run.progress.failed)} failed, state ${run.state}`
      : '';
  });
  return { syncRows: syncRows.join('\n'), outcomes: outcomes.join('; ') };
}

/** The largest size measured and its first run: the figures scaled to a million come from it. */
function largest({ sizes, syncOf }: Runs): { n: number; run: SyncResult } | undefined {
  const n = sizes[sizes.length - 1];
  const run = n === undefined ? undefined : syncOf(n)[0];
  return n !== undefined && run ? { n, run } : undefined;
}

/** DynamoDB requests by operation (`PutItem 0.957, …`), each per `unit` (an account, a delivery). */
function byOperation<T extends { dynamo: { requests: Record<string, number> } }>(
  runs: T[],
  perUnit: (pick: (run: T) => number) => number,
  digits: number,
): string {
  return [...new Set(runs.flatMap((run) => Object.keys(run.dynamo.requests).filter((key) => !key.includes(':'))))]
    .sort()
    .map(
      (op) =>
        `${op.replace(/Command$/, '')} ${fmt(
          perUnit((run) => run.dynamo.requests[op] ?? 0),
          digits,
        )}`,
    )
    .join(', ');
}

function requests(runs: Runs): TemplateValues {
  const requestRows = runs.sizes.map((n) => {
    const ofSize = runs.syncOf(n);
    const per = (pick: (run: SyncResult) => number) => median(ofSize.map((run) => pick(run) / run.synced));
    const search = median(ofSize.map((run) => run.jira['users/search'] ?? 0));
    const user = median(ofSize.map((run) => run.jira.user ?? 0));
    const other = median(
      ofSize.map((run) =>
        Object.entries(run.jira)
          .filter(([route]) => route !== 'users/search' && route !== 'user')
          .reduce((sum, [, count]) => sum + count, 0),
      ),
    );
    const searchPerThousand = median(ofSize.map((run) => ((run.jira['users/search'] ?? 0) / run.synced) * 1000));
    return (
      `| ${fmt(n)} | ${fmt(
        per((run) => run.dynamo.reads),
        3,
      )} | ${fmt(
        per((run) => run.dynamo.writes),
        3,
      )} | ${byOperation(ofSize, per, 3)} ` +
      `| ${fmt(search)} | ${fmt(searchPerThousand, 2)} | ${fmt(user)} | ${fmt(other)} |`
    );
  });
  const big = largest(runs);
  if (!big) return { requestRows: requestRows.join('\n'), largest: '' };
  const conditionFailures = Object.entries(big.run.dynamo.requests).filter(([key]) => key.includes(':'));
  return {
    requestRows: requestRows.join('\n'),
    largest: fmt(big.n),
    searchAim: aim(((big.run.jira['users/search'] ?? 0) / big.run.synced) * 1000 <= 1.1),
    emptyPagesAtMost: String(SEGMENTS_PER_WAVE - 1),
    userAim: aim((big.run.jira.user ?? 0) === 0),
    conditionFailures: conditionFailures.length
      ? conditionFailures.map(([key, count]) => `${key} ${count}`).join(', ')
      : 'none',
  };
}

/** The key prefixes of the items a sync writes, in the order of the template's columns. */
const ITEM_PREFIXES = ['JIRA#', 'CONTACT#', 'RUN#', 'RUNSEEN#', 'EMAIL#', 'SETTINGS'] as const;

/**
 * Successful writes per account by the kind of item, and the writes per new account: a new account's
 * contact is written inside its link item (one write); linking an existing contact writes the link and
 * the contact (two). Counted, not assumed: per new account = (link + contact writes − 2 × linked) / created.
 * Empty (no table) when the runs did not count writes by item.
 */
function writesByItemRows({ sizes, syncOf }: Runs): string {
  const firstRuns = sizes.flatMap((n) => syncOf(n).slice(0, 1));
  if (!firstRuns.some((run) => run.dynamo.writesByItem)) return '';
  return firstRuns
    .map((run) => {
      const writes = run.dynamo.writesByItem ?? {};
      const cells = ITEM_PREFIXES.map((prefix) => fmt((writes[prefix] ?? 0) / run.synced, 3));
      const linkAndContact = (writes['JIRA#'] ?? 0) + (writes['CONTACT#'] ?? 0);
      const perNew = (linkAndContact - 2 * run.progress.linked) / run.progress.created;
      return `| ${fmt(run.accounts)} | ${cells.join(' | ')} | ${fmt(perNew, 3)} ${aim(perNew <= 1.0005)} |`;
    })
    .join('\n');
}

/** The same accounts, unchanged, reconciled right after each sync in the same process; empty when none was. */
function reconcileRows({ sizes, syncOf }: Runs): string {
  const rows: string[] = [];
  for (const n of sizes) {
    const reconciled = syncOf(n).filter((run) => run.reconcile);
    if (!reconciled.length) continue;
    const sync = median(reconciled.map((run) => run.seconds));
    const reconcile = median(reconciled.map((run) => run.reconcile?.seconds ?? 0));
    const contactWrites = median(reconciled.map((run) => run.reconcile?.dynamo.contactsPut ?? 0));
    const writes = median(reconciled.map((run) => run.reconcile?.dynamo.writes ?? 0));
    const reads = median(reconciled.map((run) => (run.reconcile?.dynamo.reads ?? 0) / n));
    rows.push(
      `| ${fmt(n)} | ${fmt(sync, 1)} | ${fmt(reconcile, 1)} | ${fmt(reconcile / sync, 2)} ` +
        `${aim(reconcile <= sync / 2)} | ${fmt(contactWrites)} | ${fmt(writes)} | ${fmt(reads, 3)} |`,
    );
  }
  return rows.join('\n');
}

function memory({ sizes, syncOf }: Runs): TemplateValues {
  const memoryRows = sizes.map((n) => {
    const ofSize = syncOf(n);
    const store = ofSize
      .map((run) => run.memory.storeHighWaterMiB)
      .filter((value): value is number => value !== undefined);
    return (
      `| ${fmt(n)} | ${show(spread(ofSize.map((run) => run.memory.peakRssMiB)), 1)} | ` +
      `${show(spread(ofSize.map((run) => run.memory.startRssMiB)), 1)} ` +
      `| ${store.length ? show(spread(store), 1) : 'n/a'} |`
    );
  });
  const rss = (n: number) => median(syncOf(n).map((run) => run.memory.peakRssMiB));
  if (!sizes.includes(10_000) || !sizes.includes(100_000))
    return { memoryRows: memoryRows.join('\n'), memoryFactor: '' };
  const factor = rss(100_000) / rss(10_000);
  return { memoryRows: memoryRows.join('\n'), memoryFactor: fmt(factor, 2), memoryAim: aim(factor <= 1.5) };
}

/** A figure per delivery, the median over the webhook runs. */
const perDelivery = (hooks: WebhookResult[], pick: (run: WebhookResult) => number): number =>
  median(hooks.map((run) => pick(run) / run.deliveries));

function webhooks(results: BenchResults, { baselineOf }: Runs): TemplateValues {
  const hooks = results.webhooks;
  if (!hooks.length) return { webhooks: '' };
  const s = (pick: (run: WebhookResult) => number, digits = 1, unit = '') =>
    show(spread(hooks.map(pick)), digits, unit);
  const per = (pick: (run: WebhookResult) => number) => perDelivery(hooks, pick);
  const baselineRate = median(
    (baselineOf(10_000).length ? baselineOf(10_000) : results.baseline).map((run) => run.putsPerSecond),
  );
  const p99 = median(hooks.map((run) => run.paced.ingestMs.p99));
  const consumer = median(hooks.map((run) => run.burst.consumerPerSecond));
  return {
    webhooks: 'yes',
    deliveries: fmt(WEBHOOK_DELIVERIES),
    deliveriesPerSecond: String(WEBHOOK_RATE_PER_SECOND),
    ingestP50: s((run) => run.paced.ingestMs.p50, 1, ' ms'),
    ingestP99: s((run) => run.paced.ingestMs.p99, 1, ' ms'),
    ingestAim: aim(p99 < 20),
    loopDelayP50: s((run) => run.paced.eventLoopDelayMs?.p50 ?? Number.NaN, 1, ' ms'),
    loopDelayP99: s((run) => run.paced.eventLoopDelayMs?.p99 ?? Number.NaN, 1, ' ms'),
    answers: Object.entries(hooks[0]?.paced.statuses ?? {})
      .map(([status, count]) => `${count} × ${status}`)
      .join(', '),
    allVisible: s((run) => run.paced.allVisibleSeconds, 2, ' s'),
    sendingSeconds: fmt(WEBHOOK_DELIVERIES / WEBHOOK_RATE_PER_SECOND, 0),
    lagAfterLastSend: s((run) => run.paced.lagAfterLastSendSeconds, 2, ' s'),
    verified: hooks.map((run) => run.paced.verified).join(', '),
    consumerRate: s((run) => run.burst.consumerPerSecond, 0, '/s'),
    halfBaselineRate: fmt(baselineRate / 2),
    baselineRate: fmt(baselineRate),
    consumerAim: aim(consumer >= baselineRate / 2),
    readsPerDelivery: fmt(
      per((run) => run.dynamo.reads),
      2,
    ),
    writesPerDelivery: fmt(
      per((run) => run.dynamo.writes),
      2,
    ),
    operationsPerDelivery: byOperation(hooks, per, 2),
    jiraPerDelivery: fmt(
      per((run) => Object.values(run.jira).reduce((a, b) => a + b, 0)),
      3,
    ),
    recordsPerBatch: fmt(median(hooks.map((run) => run.consumerRecords / Math.max(1, run.consumerBatchMs.length))), 1),
    msPerBatch: fmt(median(hooks.flatMap((run) => run.consumerBatchMs)), 1),
  };
}

function prices(): TemplateValues {
  return {
    priceRegion: PRICES.region,
    priceDate: PRICES.date,
    dynamoWrite: String(PRICES.dynamoWriteRequestUnitPerMillion),
    dynamoRead: String(PRICES.dynamoReadRequestUnitPerMillion),
    lambdaGbSecond: String(PRICES.lambdaGbSecond),
    lambdaRequest: String(PRICES.lambdaRequestPerMillion),
    sqsRequest: String(PRICES.sqsRequestPerMillion),
    sfnTransition: String(PRICES.stepFunctionsTransitionPerThousand),
    apiGatewayRequest: String(PRICES.apiGatewayRestPerMillion),
  };
}

/** A million accounts on AWS, on paper, from the largest size's runs. */
function syncingAMillion(runs: Runs): TemplateValues {
  const big = largest(runs);
  if (!big) return {};
  const ofSize = runs.syncOf(big.n);
  const perAccount = (pick: (run: SyncResult) => number) => median(ofSize.map((run) => pick(run) / run.synced));
  const rru = perAccount((run) => run.dynamo.readUnits);
  const wru = perAccount((run) => run.dynamo.writeUnits);
  const gsi = perAccount((run) => run.dynamo.indexWriteUnits);
  const pageSeconds = perAccount((run) => (run.taskMs['Sync users segment'] ?? []).reduce((a, b) => a + b, 0) / 1000);
  const otherSeconds = perAccount(
    (run) =>
      ['Plan sync wave', 'Finish sync run'].reduce(
        (sum, state) => sum + (run.taskMs[state] ?? []).reduce((a, b) => a + b, 0),
        0,
      ) / 1000,
  );
  const million = 1_000_000;
  const pages = Math.ceil((million + 9) / USERS_PAGE_SIZE);
  const pagesRead = Math.ceil(pages / SEGMENTS_PER_WAVE) * SEGMENTS_PER_WAVE;
  const waves = pagesRead / SEGMENTS_PER_WAVE + 1;
  const invocations = pagesRead + waves + 1;
  // Start, choice; per wave: plan, choice, map, and per page the iteration and its task; finish, succeed.
  const transitions = 2 + waves * 3 + pagesRead * 2 + 2;
  const pageGbSeconds = pageSeconds * million * (LAMBDA_MEMORY_MB.syncUsersSegment / 1024);
  const cost = {
    reads: ((rru * million) / million) * PRICES.dynamoReadRequestUnitPerMillion,
    writes: (((wru + gsi) * million) / million) * PRICES.dynamoWriteRequestUnitPerMillion,
    lambda:
      pageGbSeconds * PRICES.lambdaGbSecond +
      otherSeconds * million * 0.25 * PRICES.lambdaGbSecond +
      (invocations / million) * PRICES.lambdaRequestPerMillion,
    sfn: (transitions / 1000) * PRICES.stepFunctionsTransitionPerThousand,
  };
  const requestsPerAccount = perAccount((run) => run.dynamo.reads + run.dynamo.writes);
  const sequentialPerAccount = requestsPerAccount - perAccount((run) => run.dynamo.requests.BatchGetItemCommand ?? 0);
  const pageOnAws =
    AWS_ASSUMPTIONS.jiraPageSeconds +
    (USERS_PAGE_SIZE * sequentialPerAccount * AWS_ASSUMPTIONS.dynamoRequestMs) / 1000 / accountConcurrency();
  const localRate = median(ofSize.map((run) => run.accountsPerSecond));
  return {
    syncRru: fmt(rru, 3),
    syncRruMillion: fmt(rru * million),
    syncReadsCost: usd(cost.reads),
    syncWru: fmt(wru, 3),
    syncGsiWru: fmt(gsi, 3),
    syncWruMillion: fmt((wru + gsi) * million),
    syncWritesCost: usd(cost.writes),
    pageMemoryMb: String(LAMBDA_MEMORY_MB.syncUsersSegment),
    pageMs: fmt(pageSeconds * 1000, 2),
    pageGbSeconds: fmt(pageGbSeconds),
    syncInvocations: fmt(invocations),
    syncLambdaCost: usd(cost.lambda),
    transitions: fmt(transitions),
    pagesRead: fmt(pagesRead),
    waves: fmt(waves),
    sfnCost: usd(cost.sfn),
    syncTotalCost: usd(cost.reads + cost.writes + cost.lambda + cost.sfn),
    jiraPageSeconds: String(AWS_ASSUMPTIONS.jiraPageSeconds),
    dynamoRequestMs: String(AWS_ASSUMPTIONS.dynamoRequestMs),
    sequentialPerAccount: fmt(sequentialPerAccount, 2),
    pageOnAws: fmt(pageOnAws, 1),
    awsMinutes: fmt((waves * pageOnAws) / 60, 0),
    awsAccountsPerSecond: fmt(million / (waves * pageOnAws)),
    awsDynamoPerSecond: fmt((SEGMENTS_PER_WAVE * USERS_PAGE_SIZE * requestsPerAccount) / pageOnAws),
    jiraCallsPerSecond: fmt(SEGMENTS_PER_WAVE / pageOnAws, 1),
    localRate: fmt(localRate),
    localMinutes: fmt(million / localRate / 60, 0),
  };
}

/** A million webhook deliveries on AWS, on paper, from the paced phase. */
function aMillionDeliveries(hooks: WebhookResult[]): TemplateValues {
  if (!hooks.length) return {};
  const rru = perDelivery(hooks, (run) => run.dynamo.readUnits);
  const wru = perDelivery(hooks, (run) => run.dynamo.writeUnits + run.dynamo.indexWriteUnits);
  const msPerRecord = median(
    hooks.map((run) => run.consumerBatchMs.reduce((a, b) => a + b, 0) / Math.max(1, run.consumerRecords)),
  );
  const recordsPerBatch = 10; // the deployed event source: batchSize 10 with a 5 s batching window
  const gbSeconds =
    ((msPerRecord * recordsPerBatch) / 1000) *
    (LAMBDA_MEMORY_MB.webhookConsumer / 1024) *
    (1_000_000 / recordsPerBatch);
  // SendMessage (API Gateway) + ReceiveMessage and DeleteMessageBatch per batch of 10.
  const sqsRequests = 1_000_000 * (1 + 2 / recordsPerBatch);
  const cost = {
    apiGateway: PRICES.apiGatewayRestPerMillion,
    sqs: (sqsRequests / 1_000_000) * PRICES.sqsRequestPerMillion,
    lambda:
      gbSeconds * PRICES.lambdaGbSecond + (1_000_000 / recordsPerBatch / 1_000_000) * PRICES.lambdaRequestPerMillion,
    reads: rru * PRICES.dynamoReadRequestUnitPerMillion,
    writes: wru * PRICES.dynamoWriteRequestUnitPerMillion,
  };
  return {
    apiGatewayCost: usd(cost.apiGateway),
    sqsRequests: fmt(sqsRequests),
    sqsCost: usd(cost.sqs),
    consumerMemoryMb: String(LAMBDA_MEMORY_MB.webhookConsumer),
    msPerRecord: fmt(msPerRecord, 2),
    consumerGbSeconds: fmt(gbSeconds),
    consumerInvocations: fmt(1_000_000 / recordsPerBatch),
    consumerLambdaCost: usd(cost.lambda),
    webhookRru: fmt(rru, 2),
    webhookRruMillion: fmt(rru * 1_000_000),
    webhookReadsCost: usd(cost.reads),
    webhookWru: fmt(wru, 2),
    webhookWruMillion: fmt(wru * 1_000_000),
    webhookWritesCost: usd(cost.writes),
    webhookTotalCost: usd(Object.values(cost).reduce((a, b) => a + b, 0)),
  };
}
