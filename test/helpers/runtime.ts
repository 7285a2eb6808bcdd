import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { type LocalRuntime, type LocalRuntimeOptions, startLocalRuntime } from '../../local/runtime.js';
import type { JiraSimulator } from '../../local/jira-simulator/index.js';

export interface TestService {
  runtime: LocalRuntime;
  url: string;
  jira: JiraSimulator;
  admin: string;
  agent: string;
  dataDir: string;
  stop(): Promise<void>;
}

/**
 * The local runtime in this test process (one per test file: handler modules and their clients
 * are per process), on a free port, with a fresh data folder and the Jira simulator.
 */
export async function startTestService(
  options: Omit<LocalRuntimeOptions, 'port' | 'dataDir'> = {},
): Promise<TestService> {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'contact-sync-test-'));
  const runtime = await startLocalRuntime({
    port: 0,
    dataDir,
    queue: { visibilityTimeoutMs: 5_000, retryDelayMs: 50, batchWindowMs: 5 },
    reconcileSchedule: 'off',
    ...options,
  });
  const jira = runtime.jira.simulator;
  if (!jira) throw new Error('The test service expects the Jira simulator.');
  return {
    runtime,
    url: runtime.url,
    jira,
    admin: jira.admin.authorization,
    agent: jira.agent.authorization,
    dataDir,
    stop: async () => {
      await runtime.stop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
