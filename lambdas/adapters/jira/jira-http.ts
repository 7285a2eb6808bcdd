import { UpstreamError } from '../../domain/errors.js';
import { DEFAULT_RETRY_POLICY, type RetryPolicy, jitteredDelayMs, retryAfterMs, sleep } from './backoff.js';

const RETRYABLE_STATUS = new Set([500, 502, 503, 504]);
const REQUEST_TIMEOUT_MS = 15_000;
const MAX_RETRY_AFTER_MS = 60_000;

/**
 * GET a Jira REST resource, following 429 `Retry-After` and backing off with jitter on 5xx and
 * network errors. Answers the final response, whatever its status, for the caller to interpret.
 */
export async function jiraGet(
  url: string,
  authorization: string,
  policy: RetryPolicy = DEFAULT_RETRY_POLICY,
): Promise<Response> {
  let failures = 0;
  let rateLimited = 0;
  for (;;) {
    let response: Response | undefined;
    try {
      response = await fetch(url, {
        headers: { Authorization: authorization, Accept: 'application/json' },
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      });
    } catch (error) {
      failures += 1;
      if (failures >= policy.maxAttempts) {
        throw new UpstreamError(`Jira could not be reached (${(error as Error).message}). Try again later.`);
      }
      await sleep(jitteredDelayMs(failures, policy));
      continue;
    }
    if (response.status === 429 && rateLimited < policy.maxRateLimitedAttempts) {
      rateLimited += 1;
      await response.body?.cancel();
      // Capped: a Lambda has minutes, not hours; the workflow's own retry takes over beyond that.
      await sleep(Math.min(MAX_RETRY_AFTER_MS, retryAfterMs(response.headers.get('Retry-After'), jitteredDelayMs(rateLimited, policy))));
      continue;
    }
    if (RETRYABLE_STATUS.has(response.status) && failures + 1 < policy.maxAttempts) {
      failures += 1;
      await response.body?.cancel();
      await sleep(jitteredDelayMs(failures, policy));
      continue;
    }
    return response;
  }
}

export function basicAuthorization(email: string, apiToken: string): string {
  return `Basic ${Buffer.from(`${email}:${apiToken}`).toString('base64')}`;
}
