import { JiraOrganizationsClient } from '../adapters/jira/jira-organizations-client.js';
import { JiraRestClient } from '../adapters/jira/jira-rest-client.js';
import { JiraDataCenterClient } from '../adapters/jira/datacenter/dc-rest-client.js';
import type { UserListing } from '../domain/user-listing.js';
import { jiraDeployment } from './jira-deployment.js';
import { JiraServiceDeskClient } from '../adapters/jira/jira-servicedesk-client.js';
import { DynamoDbCompanyStore } from '../adapters/dynamodb/dynamodb-company-store.js';
import { DynamoDbContactStore } from '../adapters/dynamodb/dynamodb-contact-store.js';
import { dynamoDocumentClient } from '../adapters/dynamodb/client.js';
import { DynamoDbAccountLinkStore } from '../adapters/dynamodb/dynamodb-account-link-store.js';
import { DynamoDbSyncedContactStore } from '../adapters/dynamodb/dynamodb-synced-contact-store.js';
import { DynamoDbUserSyncStore } from '../adapters/dynamodb/dynamodb-user-sync-store.js';
import { DynamoDbMembershipStore } from '../adapters/dynamodb/dynamodb-membership-store.js';
import { DynamoDbSyncedCompanyStore } from '../adapters/dynamodb/dynamodb-synced-company-store.js';
import { SfnWorkflowStarter } from '../adapters/stepfunctions/sfn-workflow-starter.js';
import { CallerAuth } from '../http/caller-auth.js';
import { type LoginRevocations, NO_LOGIN_REVOCATIONS } from '../domain/login-revocations.js';

/**
 * The adapters every handler shares, built once per container on first use (never per invocation).
 * Lazy so that a module can be imported before the environment is complete (as the local runtime does).
 */
let jira: JiraRestClient | JiraDataCenterClient | undefined;
let serviceDesks: JiraServiceDeskClient | undefined;
let contacts: DynamoDbContactStore | undefined;
let companies: DynamoDbCompanyStore | undefined;
let callerAuth: CallerAuth | undefined;
let links: DynamoDbAccountLinkStore | undefined;
let syncedContacts: DynamoDbSyncedContactStore | undefined;
let userSync: DynamoDbUserSyncStore | undefined;
let workflow: SfnWorkflowStarter | undefined;
let organizations: JiraOrganizationsClient | undefined;
let syncedCompanies: DynamoDbSyncedCompanyStore | undefined;
let memberships: DynamoDbMembershipStore | undefined;
let loginRevocations: LoginRevocations = NO_LOGIN_REVOCATIONS;

export const dependencies = {
  /** Jira Cloud's REST API v3, or Data Center's v2 (`JIRA_DEPLOYMENT`). */
  jira: (): JiraRestClient | JiraDataCenterClient =>
    (jira ??= jiraDeployment() === 'datacenter' ? new JiraDataCenterClient() : new JiraRestClient()),
  /** Data Center lists every user by token, in the workflow's listing steps; Cloud has no such listing. */
  userListing: (deadline: number): UserListing | undefined => {
    const client = dependencies.jira();
    return client instanceof JiraDataCenterClient ? client.until(deadline) : undefined;
  },
  /** One per container, so its burst limiter spans every call the container makes. */
  serviceDesks: (): JiraServiceDeskClient => (serviceDesks ??= new JiraServiceDeskClient()),
  contacts: (): DynamoDbContactStore => (contacts ??= new DynamoDbContactStore(dynamoDocumentClient())),
  companies: (): DynamoDbCompanyStore => (companies ??= new DynamoDbCompanyStore(dynamoDocumentClient())),
  callerAuth: (): CallerAuth => (callerAuth ??= new CallerAuth(dependencies.jira())),
  links: (): DynamoDbAccountLinkStore => (links ??= new DynamoDbAccountLinkStore(dynamoDocumentClient())),
  syncedContacts: (): DynamoDbSyncedContactStore =>
    (syncedContacts ??= new DynamoDbSyncedContactStore(dynamoDocumentClient())),
  userSync: (): DynamoDbUserSyncStore => (userSync ??= new DynamoDbUserSyncStore(dynamoDocumentClient())),
  organizations: (): JiraOrganizationsClient => (organizations ??= new JiraOrganizationsClient()),
  syncedCompanies: (): DynamoDbSyncedCompanyStore =>
    (syncedCompanies ??= new DynamoDbSyncedCompanyStore(dynamoDocumentClient())),
  memberships: (): DynamoDbMembershipStore => (memberships ??= new DynamoDbMembershipStore(dynamoDocumentClient())),
  workflow: (): SfnWorkflowStarter => (workflow ??= new SfnWorkflowStarter()),
  loginRevocations: (): LoginRevocations => loginRevocations,
  /** The local runtime plugs in a port that reaches the API's login cache in the main thread. */
  useLoginRevocations: (port: LoginRevocations): void => {
    loginRevocations = port;
  },
};
