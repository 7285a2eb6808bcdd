import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import type { Context } from 'aws-lambda';
import { type JiraSimulator, startJiraSimulator } from '../../local/jira-simulator/index.js';
import { lambdaContext } from '../../local/lambda-context.js';
import { type TestTable, startTestTable } from '../helpers/dynamo.js';
import { queuedDelivery, sqsEvent } from '../helpers/sqs-records.js';
import { testStores } from '../helpers/stores.js';

/** Receives after which SQS dead-letters a message (the handler's default, as the queue's redrive policy). */
const LAST_RECEIVE = 5;

/** A delivery of the batch: its message id says what it is, and `fails` whether SQS must retry it. */
interface Delivery {
  messageId: string;
  fails: boolean;
  record: (jira: JiraSimulator) => SQSRecord;
  /** The account and email a delivery speaks of, and whether a synced contact has them afterwards. */
  contact?: (jira: JiraSimulator) => { accountId: string; email: string; synced: boolean };
}

const userCreated = (accountId: string, email: string) => ({
  timestamp: Date.now(),
  webhookEvent: 'user_created',
  user: { accountId, accountType: 'atlassian', displayName: `User ${accountId}`, emailAddress: email, active: true },
});

/** A delivery signed with the simulator's secret, as Jira sends it. */
const signed =
  (messageId: string, body: string, options: { receiveCount?: number } = {}) =>
  (jira: JiraSimulator): SQSRecord =>
    queuedDelivery(body, { secret: jira.webhookSecret, messageId, deliveryId: `delivery-${messageId}`, ...options });

/** Jira's user with a visible email, sent without it (privacy settings): the consumer asks Jira. */
const hiddenEmailOf = (jira: JiraSimulator, index: number) => {
  const account = jira.accounts().filter((candidate) => candidate.accountType === 'customer')[index];
  if (!account?.emailAddress) throw new Error('The simulator has no such customer.');
  return account;
};

const good = (label: string): Delivery => {
  const email = `${label}@example.com`;
  return {
    messageId: label,
    fails: false,
    record: signed(label, JSON.stringify(userCreated(label, email))),
    contact: () => ({ accountId: label, email, synced: true }),
  };
};
const forged = (label: string): Delivery => ({
  messageId: label,
  fails: false,
  contact: () => ({ accountId: label, email: `${label}@example.com`, synced: false }),
  record: () =>
    queuedDelivery(JSON.stringify(userCreated(label, `${label}@example.com`)), {
      secret: 'not-the-secret',
      messageId: label,
    }),
});
const ignored = (label: string): Delivery => ({
  messageId: label,
  fails: false,
  record: signed(label, JSON.stringify({ timestamp: 1, webhookEvent: 'jira:issue_created', issue: { key: 'CRM-1' } })),
});
const deleted = (label: string): Delivery => ({
  messageId: label,
  fails: false,
  record: signed(
    label,
    JSON.stringify({ timestamp: Date.now(), webhookEvent: 'user_deleted', user: { accountId: label } }),
  ),
});
const notJson = (label: string): Delivery => ({
  messageId: label,
  fails: true,
  record: signed(label, '{"webhookEvent":'),
});
/** A user event Jira could not have sent (a negative time): it fails at every receive. */
const malformed = (label: string, receiveCount = 1): Delivery => ({
  messageId: label,
  fails: true,
  contact: () => ({ accountId: label, email: `${label}@example.com`, synced: false }),
  record: signed(label, JSON.stringify({ ...userCreated(label, `${label}@example.com`), timestamp: -5 }), {
    receiveCount,
  }),
});
/** A user event without the email: Jira is asked, and answers the `index`-th customer's. */
const lookedUp = (label: string, index: number, fails = false): Delivery => ({
  messageId: label,
  fails,
  contact: (jira) => {
    const { accountId, emailAddress = '' } = hiddenEmailOf(jira, index);
    return { accountId, email: emailAddress, synced: !fails };
  },
  record: (jira) => {
    const { accountId } = hiddenEmailOf(jira, index);
    return signed(
      label,
      JSON.stringify({ timestamp: Date.now(), webhookEvent: 'user_updated', user: { accountId } }),
    )(jira);
  },
});

describe('the webhook consumer against the embedded store and the Jira simulator', () => {
  let db: TestTable;
  let jira: JiraSimulator;
  let stores: ReturnType<typeof testStores>;
  let handler: (event: SQSEvent, context: Context) => Promise<SQSBatchResponse>;

  beforeAll(async () => {
    db = await startTestTable();
    jira = await startJiraSimulator({ users: 5, customers: 5, apps: 0, inactive: 0, hiddenEmails: 0 });
    stores = testStores(db);
    // The handler builds its clients from the environment, as on AWS (jest gives each file its own copy).
    Object.assign(process.env, {
      AWS_REGION: 'eu-west-1',
      AWS_ACCESS_KEY_ID: 'local',
      AWS_SECRET_ACCESS_KEY: 'local',
      AWS_ENDPOINT_URL_DYNAMODB: db.endpoint,
      TABLE_NAME: db.table,
      JIRA_BASE_URL: jira.url,
      JIRA_USER_EMAIL: jira.service.email,
      JIRA_API_TOKEN: jira.service.apiToken,
      JIRA_WEBHOOK_SECRET: jira.webhookSecret,
      MAX_RECEIVE_COUNT: String(LAST_RECEIVE),
      POWERTOOLS_LOG_LEVEL: 'SILENT',
      POWERTOOLS_METRICS_DISABLED: 'true',
      POWERTOOLS_TRACE_ENABLED: 'false',
    });
    ({ handler } = await import('../../lambdas/handlers/webhook-consumer.js'));
    // Syncing is being turned on: user events apply.
    expect(
      await stores.settings.transition({ from: 'DISABLED', to: 'ENABLING', runId: 'run-consumer', action: 'enable' }),
    ).toBe(true);
  });
  afterAll(async () => {
    await jira.stop();
    await db.stop();
  });

  describe.each<[string, Delivery[], { jiraRefuses?: number }]>([
    [
      'a mixed batch',
      [
        good('mixed-created'),
        forged('mixed-forged'),
        ignored('mixed-ignored'),
        notJson('mixed-not-json'),
        malformed('mixed-malformed'),
        // Jira refuses the lookup (an expired token answers 401): SQS tries the delivery again later.
        lookedUp('mixed-lookup-refused', 0, true),
        malformed('mixed-last-receive', LAST_RECEIVE),
        deleted('mixed-deleted'),
      ],
      { jiraRefuses: 1 },
    ],
    [
      'a batch that applies in full',
      [
        good('full-created'),
        lookedUp('full-looked-up', 1),
        deleted('full-deleted'),
        forged('full-forged'),
        ignored('full-ignored'),
      ],
      {},
    ],
    ['a batch that fails in full', [notJson('none-not-json'), malformed('none-malformed')], {}],
  ])('%s', (_batch, deliveries, { jiraRefuses = 0 }) => {
    let response: SQSBatchResponse;

    beforeAll(async () => {
      // Prepare
      const event = sqsEvent(deliveries.map((delivery) => delivery.record(jira)));
      if (jiraRefuses) jira.failNext(jiraRefuses, 401);
      // Act
      response = await handler(event, lambdaContext('webhook-consumer'));
    });

    it('answers exactly the deliveries SQS must retry as batch item failures', () => {
      // Assess: Powertools lists failures in the order they happened, so they are compared sorted
      const failed = response.batchItemFailures.map((failure) => failure.itemIdentifier).sort();
      const expected = deliveries.filter((delivery) => delivery.fails).map((delivery) => delivery.messageId);
      expect(failed).toEqual(expected.sort());
    });

    it('applies the user events it could apply, and no other', async () => {
      // Assess
      for (const delivery of deliveries) {
        const contact = delivery.contact?.(jira);
        if (!contact) continue;
        const found = await stores.contacts.findContactsByEmail(contact.email, { limit: 10 });
        const synced = expect.objectContaining({ jiraUser: expect.objectContaining({ accountId: contact.accountId }) });
        expect(found.items).toEqual(contact.synced ? [synced] : []);
      }
    });
  });
});
