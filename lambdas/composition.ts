import type { Context } from 'aws-lambda';
import { dynamoDocumentClient } from './adapters/dynamodb/client.js';
import { DynamoDbAccountLinkStore } from './adapters/dynamodb/dynamodb-account-link-store.js';
import { DynamoDbCompanyStore } from './adapters/dynamodb/dynamodb-company-store.js';
import { DynamoDbContactStore } from './adapters/dynamodb/dynamodb-contact-store.js';
import { DynamoDbMembershipStore } from './adapters/dynamodb/dynamodb-membership-store.js';
import { DynamoDbSyncedCompanyStore } from './adapters/dynamodb/dynamodb-synced-company-store.js';
import { DynamoDbSyncedContactStore } from './adapters/dynamodb/dynamodb-synced-contact-store.js';
import { DynamoDbUserSyncStore } from './adapters/dynamodb/dynamodb-user-sync-store.js';
import { JiraDataCenterClient } from './adapters/jira/datacenter/dc-rest-client.js';
import { detectJiraDeployment } from './adapters/jira/datacenter/deployment.js';
import { JiraOrganizationsClient } from './adapters/jira/jira-organizations-client.js';
import { JiraRestClient } from './adapters/jira/jira-rest-client.js';
import { JiraServiceDeskClient } from './adapters/jira/jira-servicedesk-client.js';
import { BurstLimiter } from './adapters/jira/jsm-paging.js';
import { SfnWorkflowStarter } from './adapters/stepfunctions/sfn-workflow-starter.js';
import type { JiraCallerCheck } from './domain/jira-account.js';
import type { UserListing } from './domain/user-listing.js';
import type { DemotionDependencies } from './domain/sync/demote-links-batch.js';
import type { RunSizeDependencies } from './domain/sync/run-size.js';
import type { UserEventDependencies } from './domain/sync/apply-user-event.js';
import type { DeskStepDependencies } from './domain/sync/sync-desk-customers.js';
import type { OrganizationSyncDependencies } from './domain/sync/sync-organizations.js';
import type { SegmentDependencies } from './domain/sync/sync-users-segment.js';
import { CallerAuth } from './http/caller-auth.js';
import { jiraBaseUrl } from './shared/config.js';
import { environment, required } from './shared/environment.js';
import type { JiraDeployment } from './shared/jira-deployment.js';
import { logger } from './shared/powertools.js';
import { taskDeadline } from './shared/task-handler.js';

/**
 * The composition root: which adapter plays each port, and the dependencies each handler hands its
 * use case. Each adapter is built once per container, on first use, never per invocation (Powertools
 * style: clients at module level). On first use rather than at import, because the local runtime
 * sets the environment before it loads a handler, not before it imports this.
 */
function once<T>(build: () => T): () => T {
  let built: { value: T } | undefined;
  return () => {
    built ??= { value: build() };
    return built.value;
  };
}

/**
 * Like `once`, for what takes a call to learn: concurrent first uses share one call, an answer is
 * kept for the container's life, a failure is not (the next use asks again).
 */
function onceLearned<T>(learn: () => Promise<T>): () => Promise<T> {
  let learning: Promise<T> | undefined;
  return () => {
    learning ??= learn().catch((error: unknown) => {
      learning = undefined;
      throw error;
    });
    return learning;
  };
}

const table = (): string => environment().TABLE_NAME;

export const contactStore = once(() => new DynamoDbContactStore(dynamoDocumentClient(), table()));
export const companyStore = once(() => new DynamoDbCompanyStore(dynamoDocumentClient(), table()));
export const userSyncStore = once(() => new DynamoDbUserSyncStore(dynamoDocumentClient(), table()));
export const linkStore = once(() => new DynamoDbAccountLinkStore(dynamoDocumentClient(), table()));
const syncedContactStore = once(() => new DynamoDbSyncedContactStore(dynamoDocumentClient(), table()));
const syncedCompanyStore = once(() => new DynamoDbSyncedCompanyStore(dynamoDocumentClient(), table()));
const membershipStore = once(() => new DynamoDbMembershipStore(dynamoDocumentClient(), table()));

export const workflowStarter = once(
  () => new SfnWorkflowStarter(() => required(environment().STATE_MACHINE_ARN, 'STATE_MACHINE_ARN')),
);

/**
 * Which Jira the functions speak to: `JIRA_DEPLOYMENT` when it says `cloud` or `datacenter`, else
 * (`auto`, the stack's default) `GET /rest/api/2/serverInfo`, asked at the container's first need
 * (its cold start). A failed answer fails that invocation with the reason, logged here once, and
 * is asked again at the next.
 */
export const jiraDeployment = onceLearned(async (): Promise<JiraDeployment> => {
  try {
    return await detectJiraDeployment({ baseUrl: jiraBaseUrl(), override: environment().JIRA_DEPLOYMENT });
  } catch (error) {
    logger.error((error as Error).message);
    throw error;
  }
});

const cloudDirectory = once(() => new JiraRestClient({ baseUrl: jiraBaseUrl }));
const dataCenterDirectory = once(() => new JiraDataCenterClient({ baseUrl: jiraBaseUrl }));

/**
 * The one place that picks the client the sync, the webhooks and the API's login check talk to:
 * Jira Cloud's REST API v3, or Data Center's v2. The service desks' and organizations' clients, the
 * same on both, are below it.
 */
export async function jiraDirectory(): Promise<JiraRestClient | JiraDataCenterClient> {
  return (await jiraDeployment()) === 'datacenter' ? dataCenterDirectory() : cloudDirectory();
}

/** Data Center lists every user by token, in the workflow's listing steps; Cloud has no such listing. */
async function userListing(deadline: number): Promise<UserListing | undefined> {
  const client = await jiraDirectory();
  return client instanceof JiraDataCenterClient ? client.until(deadline) : undefined;
}
/** JSM's burst limit is the site's: one limiter per container, shared by both JSM clients. */
const jsmLimiter = once(() => new BurstLimiter());
const serviceDeskDirectory = once(() => new JiraServiceDeskClient({ baseUrl: jiraBaseUrl, limiter: jsmLimiter() }));
const organizationDirectory = once(() => new JiraOrganizationsClient({ baseUrl: jiraBaseUrl, limiter: jsmLimiter() }));

/** The API's check of a caller's Jira login: the same client as the sync's, once it is known which. */
const jiraCallerCheck: JiraCallerCheck = {
  whoIs: async (authorization) => (await jiraDirectory()).whoIs(authorization),
  permissions: async (authorization) => (await jiraDirectory()).permissions(authorization),
};

/** The API's login cache: one per container, so a login is checked with Jira once a minute at most. */
export const callerAuth = once(() => new CallerAuth(jiraCallerCheck));

/** A use case's notices (a record skipped, an account failed) become warnings. */
const warn = (message: string, details: Record<string, unknown>): void => logger.warn(message, details);

/** The stores a sync step writes through: the accounts' links, their contacts, and the run's state. */
export function syncStores(): Pick<SegmentDependencies, 'links' | 'syncedContacts' | 'settings'> {
  return { links: linkStore(), syncedContacts: syncedContactStore(), settings: userSyncStore() };
}

/** One segment of users/search, its Jira calls ending before the task's time does. */
export async function segmentDeps(context: Context): Promise<SegmentDependencies> {
  return { jira: (await jiraDirectory()).until(taskDeadline(context)), ...syncStores(), log: warn };
}

/** One step of the service desks' customers, its Jira calls ending before the task's time does. */
export async function deskStepDeps(context: Context): Promise<DeskStepDependencies> {
  const deadline = taskDeadline(context);
  return {
    serviceDesks: serviceDeskDirectory().until(deadline),
    userListing: await userListing(deadline),
    ...syncStores(),
    log: warn,
  };
}

/** One step of the organizations (companies and their members). */
export function organizationStepDeps(context: Context): OrganizationSyncDependencies {
  return {
    directory: organizationDirectory().until(taskDeadline(context)),
    companies: syncedCompanyStore(),
    memberships: membershipStore(),
    links: linkStore(),
    settings: userSyncStore(),
    log: warn,
  };
}

/** Synced companies become regular ones (syncing turned off). */
export function companyDemotionDeps(): Pick<OrganizationSyncDependencies, 'companies' | 'settings'> {
  return { companies: syncedCompanyStore(), settings: userSyncStore() };
}

/** A run's size, measured beside it. */
export async function runSizeDeps(context: Context): Promise<RunSizeDependencies> {
  const links = linkStore();
  const deadline = taskDeadline(context);
  return {
    jira: (await jiraDirectory()).until(deadline),
    serviceDesks: serviceDeskDirectory().until(deadline),
    countLinkedAccounts: () => links.countLinked(),
    settings: userSyncStore(),
    log: warn,
  };
}

/** Synced contacts become regular ones (a disable, or a reconcile's sweep). */
export function demotionDeps(): DemotionDependencies {
  return { ...syncStores(), log: warn };
}

/** A batch of webhook deliveries (no deadline: the queue's visibility timeout bounds a batch). */
export async function webhookDeps(): Promise<UserEventDependencies> {
  return { jira: await jiraDirectory(), ...syncStores(), log: warn };
}
