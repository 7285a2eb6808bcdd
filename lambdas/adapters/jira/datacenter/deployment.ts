import { z } from 'zod';
import { UpstreamError } from '../../../domain/errors.js';
import type { JiraDeployment } from '../../../shared/jira-deployment.js';

const serverInfoSchema = z.looseObject({ deploymentType: z.string().nullish(), version: z.string().nullish() });

/** How to set the deployment by hand, in each message (on AWS it is a stack parameter). */
const SET_IT = 'set JIRA_DEPLOYMENT (on AWS: the JiraDeployment parameter) to cloud or datacenter';

/**
 * A Jira that answers `serverInfo` in neither way: the service cannot start against it. An
 * `UpstreamError`, so an API caller meets it as Jira being unavailable (503), not as a fault of ours.
 */
export class UnknownJiraDeploymentError extends UpstreamError {
  override name = 'UnknownJiraDeploymentError';
}

/**
 * Which Jira `baseUrl` is: `override` (`JIRA_DEPLOYMENT`) when it is `cloud` or `datacenter`, else
 * (unset or `auto`) `GET /rest/api/2/serverInfo` (anonymous): `deploymentType: "Cloud"` is Cloud, any
 * other answer with a `deploymentType` or a `version` is Data Center (Server and Data Center send
 * `Server` or `DataCenter`, or none on old versions).
 */
export async function detectJiraDeployment(options: {
  baseUrl: string;
  override?: string | undefined;
  timeoutMs?: number;
}): Promise<JiraDeployment> {
  const override = options.override?.trim().toLowerCase();
  if (override === 'cloud' || override === 'datacenter') return override;
  if (override && override !== 'auto')
    throw new UnknownJiraDeploymentError(
      `JIRA_DEPLOYMENT is "${options.override}": set it to cloud, datacenter or auto.`,
    );
  const url = `${options.baseUrl.replace(/\/+$/, '')}/rest/api/2/serverInfo`;
  let body: unknown;
  try {
    const response = await fetch(url, {
      headers: { Accept: 'application/json' },
      signal: AbortSignal.timeout(options.timeoutMs ?? 10_000),
    });
    if (!response.ok) throw new Error(`it answered ${response.status}`);
    body = await response.json();
  } catch (error) {
    throw new UnknownJiraDeploymentError(
      `Could not tell which Jira ${options.baseUrl} is: GET /rest/api/2/serverInfo failed (${(error as Error).message}). ` +
        `Check JIRA_BASE_URL, or ${SET_IT}.`,
    );
  }
  const info = serverInfoSchema.safeParse(body);
  if (!info.success || (!info.data.deploymentType && !info.data.version))
    throw new UnknownJiraDeploymentError(
      `${options.baseUrl} answered /rest/api/2/serverInfo without a deploymentType or version: is it a Jira site? ` +
        `To skip the check, ${SET_IT}.`,
    );
  return info.data.deploymentType === 'Cloud' ? 'cloud' : 'datacenter';
}
