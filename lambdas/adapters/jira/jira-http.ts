import { UpstreamError } from '../../domain/errors.js';
import { jitteredDelayMs, sleep } from '../../shared/jittered-backoff.js';
import { inSubsegment } from '../../shared/powertools.js';
import { requestedWaitMs } from './requested-wait.js';
import type { RetryPolicy } from './retry-policy.js';

/** Jira is busy and names a wait (Retry-After / X-RateLimit-Reset): wait as told, never fail for it. */
const BUSY_STATUS = new Set([429, 503]);
/** Transient: a gateway or the node behind it failed; try again after a jittered pause. */
const TRANSIENT_STATUS = new Set([500, 502, 504]);
/** Kept back from the deadline so the caller can still report and the step ends cleanly. */
const DEADLINE_HEADROOM_MS = 250;

export interface JiraGetOptions {
  policy: RetryPolicy;
  /** Epoch ms by which the call must have returned or failed (the Lambda's time, less headroom). */
  deadline?: number | undefined;
  /** Headers besides `Authorization` and `Accept` (JSM's experimental endpoints need `X-ExperimentalApi`). */
  headers?: Record<string, string>;
  /** Awaited before every attempt, retries included: a rate limiter's turn (see jira-servicedesk-client.ts). */
  beforeAttempt?: () => Promise<void>;
}

/**
 * GET a Jira REST resource. Waits as Jira asks on 429 and 503, retries 5xx, connection resets and
 * timeouts with jittered backoff, and gives each request its own timeout. It never waits past the
 * deadline: it fails first with an `UpstreamError`, so a workflow step ends cleanly and the state
 * machine's own retry takes over. Answers the final response, whatever its status.
 *
 * Traced as one subsegment per call, its waits and retries included, with Jira's final status.
 */
export async function jiraGet(url: string, authorization: string, options: JiraGetOptions): Promise<Response> {
  return inSubsegment(jiraSubsegmentName(url), async (subsegment) => {
    const response = await getWithRetries(url, authorization, options);
    subsegment?.addAnnotation('JiraStatus', response.status);
    return response;
  });
}

/**
 * `## jira GET /rest/api/3/users/search`: the resource without the site (or the cloud id of an
 * `api.atlassian.com` base) and without the query, so one kind of call groups under one name.
 */
export function jiraSubsegmentName(url: string): string {
  const { pathname } = new URL(url);
  const rest = pathname.indexOf('/rest/');
  return `## jira GET ${rest >= 0 ? pathname.slice(rest) : pathname}`;
}

async function getWithRetries(url: string, authorization: string, options: JiraGetOptions): Promise<Response> {
  const { policy } = options;
  const deadline =
    Math.min(options.deadline ?? Number.POSITIVE_INFINITY, Date.now() + policy.budgetMs) - DEADLINE_HEADROOM_MS;
  let failures = 0;
  let busy = 0;
  for (;;) {
    const timeLeft = deadline - Date.now();
    if (timeLeft <= 0) throw new UpstreamError('Jira did not answer in time. Try again later.');
    let response: Response;
    try {
      await options.beforeAttempt?.();
      response = await fetch(url, {
        headers: { ...options.headers, Authorization: authorization, Accept: 'application/json' },
        signal: AbortSignal.timeout(Math.min(policy.requestTimeoutMs, timeLeft)),
      });
    } catch (error) {
      failures += 1;
      const reason = `Jira could not be reached (${describeNetworkError(error)})`;
      await waitOrGiveUp({
        waitMs: jitteredDelayMs(failures, policy),
        deadline,
        reason,
        attemptsLeft: failures < policy.maxAttempts,
      });
      continue;
    }
    if (BUSY_STATUS.has(response.status)) {
      busy += 1;
      await response.body?.cancel();
      const waitMs = requestedWaitMs(response.headers, jitteredDelayMs(busy, policy));
      await waitOrGiveUp({
        waitMs,
        deadline,
        reason: `Jira is busy (${response.status})`,
        attemptsLeft: busy < policy.maxRateLimitedAttempts,
      });
      continue;
    }
    if (TRANSIENT_STATUS.has(response.status) && failures + 1 < policy.maxAttempts) {
      failures += 1;
      await response.body?.cancel();
      await waitOrGiveUp({
        waitMs: jitteredDelayMs(failures, policy),
        deadline,
        reason: `Jira answered ${response.status}`,
        attemptsLeft: true,
      });
      continue;
    }
    return response;
  }
}

/** Sleeps before the next attempt, or fails now when no attempt is left or the wait would pass the deadline. */
async function waitOrGiveUp(wait: {
  waitMs: number;
  deadline: number;
  reason: string;
  attemptsLeft: boolean;
}): Promise<void> {
  const retryAfterSeconds = Math.max(1, Math.ceil(wait.waitMs / 1000));
  if (!wait.attemptsLeft || Date.now() + wait.waitMs >= wait.deadline) {
    throw new UpstreamError(`${wait.reason}. Try again in ${retryAfterSeconds} s.`, { retryAfterSeconds });
  }
  await sleep(wait.waitMs);
}

function describeNetworkError(error: unknown): string {
  const cause = (error as { cause?: { code?: string } }).cause;
  if ((error as Error).name === 'TimeoutError') return 'timed out';
  return cause?.code ?? (error as Error).message;
}

export function basicAuthorization(email: string, apiToken: string): string {
  return `Basic ${Buffer.from(`${email}:${apiToken}`).toString('base64')}`;
}

/** The service's own `Authorization`: Basic email:API token, or a Data Center personal access token (no email) as Bearer. */
export function serviceAuthorization(credentials: { email: string; apiToken: string }): string {
  return credentials.email
    ? basicAuthorization(credentials.email, credentials.apiToken)
    : `Bearer ${credentials.apiToken}`;
}
