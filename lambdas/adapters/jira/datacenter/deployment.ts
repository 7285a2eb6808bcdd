import { z } from 'zod';
import type { JiraDeployment } from '../../../shared/jira-deployment.js';

const serverInfoSchema = z.looseObject({ deploymentType: z.string().nullish(), version: z.string().nullish() });

/** A Jira that answers `serverInfo` in neither way: the service cannot start against it. */
export class UnknownJiraDeploymentError extends Error {
  override name = 'UnknownJiraDeploymentError';
}

/**
 * Which Jira `baseUrl` is: `override` (`JIRA_DEPLOYMENT`) when given, else `GET /rest/api/2/serverInfo`
 * (anonymous): `deploymentType: "Cloud"` is Cloud, any other answer with a `deploymentType` or a
 * `version` is Data Center (Server and Data Center send `Server` or `DataCenter`, or none on old versions).
 */
export async function detectJiraDeployment(options: {
  baseUrl: string;
  override?: string | undefined;
  timeoutMs?: number;
}): Promise<JiraDeployment> {
  const override = options.override?.trim().toLowerCase();
  if (override === 'cloud' || override === 'datacenter') return override;
  if (override)
    throw new UnknownJiraDeploymentError(`JIRA_DEPLOYMENT is "${options.override}": set it to cloud or datacenter.`);
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
        'Check JIRA_BASE_URL, or set JIRA_DEPLOYMENT to cloud or datacenter.',
    );
  }
  const info = serverInfoSchema.safeParse(body);
  if (!info.success || (!info.data.deploymentType && !info.data.version))
    throw new UnknownJiraDeploymentError(
      `${options.baseUrl} answered /rest/api/2/serverInfo without a deploymentType or version: is it a Jira site? ` +
        'Set JIRA_DEPLOYMENT to cloud or datacenter to skip the check.',
    );
  return info.data.deploymentType === 'Cloud' ? 'cloud' : 'datacenter';
}
