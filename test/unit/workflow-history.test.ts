import '../../local/promise-with-resolvers.js';
import { StateMachine } from 'aws-local-stepfunctions';
import { type SegmentResult, type WavePlan, SEGMENT_SIZE, planNextWave } from '../../lambdas/domain/sync/page-plan.js';
import { readSyncWorkflowAsl } from '../../lib/sync-workflow-asl-file.js';
import { SYNC_TASKS } from '../../lib/function-settings.js';
import type { JiraAccount } from '../../lambdas/domain/jira-account.js';
import type { ServiceDeskDirectory } from '../../lambdas/domain/service-desk.js';
import {
  DESK_STEPS_PER_EXECUTION,
  type DeskCursor,
  type DeskStepDependencies,
  syncServiceDeskStep,
} from '../../lambdas/domain/sync/sync-desk-customers.js';

/** A Standard workflow fails past this many history events. */
const STANDARD_HISTORY_LIMIT = 25_000;

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** Task resources are tokens in the synthesized definition; any valid ARN does locally. */
function withLocalResources(node: Json): Json {
  if (Array.isArray(node)) return node.map(withLocalResources);
  if (node === null || typeof node !== 'object') return node;
  return Object.fromEntries(
    Object.entries(node).map(([key, value]) => [
      key,
      key === 'Resource' ? 'arn:aws:lambda:us-east-1:000000000000:function:local' : withLocalResources(value),
    ]),
  );
}

/** Two service desks of 300,000 customers each, in JSM pages of 50: 600 steps of 1,000. */
const DESK_CUSTOMERS = 300_000;
const JSM_PAGE = 50;

/**
 * The desk steps as they run, with JSM and DynamoDB outside: every customer was already listed by
 * users/search (seen before), so a step reads and counts, and writes nothing.
 */
function deskStepDependencies(pagesRead: { count: number }): DeskStepDependencies {
  const serviceDesks: ServiceDeskDirectory = {
    serviceDesks: async () => ({ returned: 2, values: ['1', '2'], unreadable: 0, isLastPage: true }),
    customers: async (deskId, start) => {
      pagesRead.count += 1;
      const count = Math.max(0, Math.min(JSM_PAGE, DESK_CUSTOMERS - start));
      const items: JiraAccount[] = Array.from({ length: count }, (_, index) => ({
        accountId: `qm:${deskId}-${start + index}`,
        accountType: 'customer',
        active: true,
      }));
      return { returned: count, values: items, unreadable: 0, isLastPage: start + count >= DESK_CUSTOMERS };
    },
  };
  const seenByUsersSearch = { has: () => true } as unknown as ReadonlySet<string>;
  return {
    serviceDesks,
    links: { getLinks: async () => new Map() } as unknown as DeskStepDependencies['links'],
    syncedContacts: { linkableEmails: async () => new Set() } as unknown as DeskStepDependencies['syncedContacts'],
    settings: {
      get: async () => ({ runId: 'run-million', startedAt: new Date().toISOString() }),
      saveProgressPart: async () => undefined,
      saveEstimate: async () => undefined,
      seenAccountsBefore: async () => seenByUsersSearch,
    } as unknown as DeskStepDependencies['settings'],
  };
}

/**
 * Step Functions' history events, from the local runner's event log: a Task state writes
 * Entered/Scheduled/Started/Succeeded/Exited (the log shows Entered and Exited), a Map state
 * Entered/Started/Succeeded/Exited (the log shows two), and the rest one event per log entry.
 */
function awsHistoryEvents(log: Array<{ type: string; state?: { name: string; type: string } }>): number {
  let events = 0;
  for (const entry of log) {
    events += 1;
    if (entry.type === 'StateEntered' && entry.state?.type === 'Task') events += 3;
    if (entry.type === 'StateEntered' && entry.state?.type === 'Map') events += 2;
  }
  return events;
}

describe('the sync workflow at a million accounts in 100-user pages', () => {
  it('keeps every execution far below the history limit by continuing in new executions', async () => {
    // Prepare: the deployed definition; Jira and DynamoDB stay outside: a segment reports what a
    // segment of a million-account directory with pages capped at 100 would (ten pages each).
    const accounts = 1_000_000;
    const pageCap = 100;
    const machine = new StateMachine(withLocalResources(readSyncWorkflowAsl() as Json) as never, {
      validationOptions: { checkArn: false, checkPaths: false },
    });
    const pending: Json[] = [{ action: 'enable', runId: 'run-million' }];
    const executions: Array<{ events: number; segments: number }> = [];
    let pagesRead = 0;
    // 10,000 organizations, 50 a page: one bounded call each.
    const organizationPages = 200;
    let organizationCalls = 0;
    const customerPages = { count: 0 };
    const desks = deskStepDependencies(customerPages);
    let deskSteps = 0;

    // Act
    while (pending.length) {
      const input = pending.shift() as Json;
      let segments = 0;
      const handlers = {
        [SYNC_TASKS.planWave]: (task: Json) => {
          const { wave, results } = task as unknown as { wave: Partial<WavePlan>; results: SegmentResult[] };
          return planNextWave(wave, results) as unknown as Json;
        },
        [SYNC_TASKS.syncUsersSegment]: (task: Json) => {
          const { startAt } = task as { startAt: number };
          segments += 1;
          const count = Math.max(0, Math.min(SEGMENT_SIZE, accounts - startAt));
          pagesRead += Math.ceil(count / pageCap) + (count < SEGMENT_SIZE ? 1 : 0);
          return { startAt, count, reachedEnd: count < SEGMENT_SIZE };
        },
        [SYNC_TASKS.syncDeskCustomers]: async (task: Json) => {
          const { runId, desks: cursor } = task as unknown as { runId: string; desks: Partial<DeskCursor> };
          deskSteps += 1;
          return (await syncServiceDeskStep(desks, { runId, action: 'enable', cursor })) as unknown as Json;
        },
        [SYNC_TASKS.continueSyncRun]: (task: Json) => {
          const { action, runId, wave, desks } = task as unknown as {
            action: string;
            runId: string;
            wave: WavePlan;
            desks: DeskCursor;
          };
          if (desks.deskIds)
            pending.push({ action, runId, desks: { ...desks, stepsInExecution: 0, continueAsNew: false } } as never);
          else pending.push({ action, runId, wave: { nextStartAt: wave.nextStartAt, wavesInExecution: 0 } });
          return { runId };
        },
        [SYNC_TASKS.syncOrganizations]: (task: Json) => {
          organizationCalls += 1;
          const next = organizationCalls < organizationPages ? `org:${organizationCalls * 50}` : null;
          return { ...(task as Record<string, Json>), cursor: next };
        },
        [SYNC_TASKS.finishSyncRun]: () => ({}),
        [SYNC_TASKS.recordFailure]: () => ({}),
        [SYNC_TASKS.estimateRunSize]: () => ({}),
      };
      const name = `execution-${executions.length}`;
      const execution = machine.run(input, {
        overrides: { taskResourceLocalHandlers: handlers },
        context: { Execution: { Name: name } },
      });
      const log: Array<{ type: string; state?: { name: string; type: string } }> = [];
      const collecting = (async () => {
        for await (const entry of execution.eventLogs) log.push(entry as never);
      })();
      await execution.result;
      await collecting;
      executions.push({ events: awsHistoryEvents(log), segments });
    }

    // Assess: every account read once, the run split over executions, each well within the limit
    expect(pagesRead).toBeGreaterThanOrEqual(accounts / pageCap);
    expect(executions.reduce((sum, execution) => sum + execution.segments, 0)).toBeGreaterThanOrEqual(
      accounts / SEGMENT_SIZE,
    );
    expect(executions.length).toBeGreaterThanOrEqual(2);
    expect(organizationCalls).toBe(organizationPages);
    for (const execution of executions) expect(execution.events).toBeLessThan(STANDARD_HISTORY_LIMIT / 2);
    // Every customer page of both desks read once, over more steps than one execution runs.
    expect(customerPages.count).toBe((2 * DESK_CUSTOMERS) / JSM_PAGE);
    expect(deskSteps).toBeGreaterThan(DESK_STEPS_PER_EXECUTION);
  }, 120_000);
});
