import { signWebhookBody } from '../../local/jira-simulator/index.js';
import { type DeliveryReading, readDelivery } from '../../lambdas/webhook/read-delivery.js';
import { queuedDelivery } from '../helpers/sqs-records.js';

const SECRET = 'it-is-a-secret';

const read = (payload: unknown, options: { signature?: string } = {}): DeliveryReading =>
  readDelivery({
    record: queuedDelivery(JSON.stringify(payload), { ...options, secret: SECRET, deliveryId: 'delivery-1' }),
    secret: SECRET,
    deployment: 'cloud',
  });

describe('readDelivery', () => {
  it('turns a null email and display name into undefined, and keeps what else the user carries', () => {
    // Act
    const reading = read({
      timestamp: 1_700_000_000_000,
      webhookEvent: 'user_updated',
      user: {
        accountId: '712020:a',
        accountType: 'atlassian',
        displayName: null,
        emailAddress: null,
        active: true,
        self: 'https://x',
      },
    });

    // Assess
    expect(reading).toEqual({
      deliveryId: 'delivery-1',
      kind: 'user-event',
      event: expect.objectContaining({
        timestamp: 1_700_000_000_000,
        webhookEvent: 'user_updated',
        user: expect.objectContaining({
          accountId: '712020:a',
          accountType: 'atlassian',
          displayName: undefined,
          emailAddress: undefined,
          active: true,
        }),
      }),
    });
  });

  it('reads a user with nothing but its id (a null type and active, or none at all)', () => {
    // Act
    const nulls = read({
      timestamp: 1,
      webhookEvent: 'user_created',
      user: { accountId: 'x', accountType: null, active: null },
    });
    const bare = read({ timestamp: 1, webhookEvent: 'user_deleted', user: { accountId: 'x' } });

    // Assess
    expect(nulls).toMatchObject({
      kind: 'user-event',
      event: { user: { accountId: 'x', accountType: undefined, active: undefined } },
    });
    expect(bare).toMatchObject({
      kind: 'user-event',
      event: { webhookEvent: 'user_deleted', user: { accountId: 'x' } },
    });
  });

  it.each([
    ['another event', { timestamp: 1, webhookEvent: 'jira:issue_deleted', issue: { key: 'CRM-1' } }, 'unhandled-event'],
    [
      'an issue event that names no account',
      { timestamp: 1, webhookEvent: 'jira:issue_created', issue: { key: 'CRM-1' } },
      'no-account-id',
    ],
    [
      'an event Jira may add one day',
      { timestamp: 1, webhookEvent: 'user_merged', user: { accountId: 'x' } },
      'unhandled-event',
    ],
    [
      'a Data Center-style user (name and key)',
      { timestamp: 1, webhookEvent: 'user_created', user: { name: 'ada', key: 'JIRAUSER10100' } },
      'no-account-id',
    ],
    ['a user event without a user', { timestamp: 1, webhookEvent: 'user_updated' }, 'no-account-id'],
    ['a null accountId', { timestamp: 1, webhookEvent: 'user_updated', user: { accountId: null } }, 'no-account-id'],
    ['an empty accountId', { timestamp: 1, webhookEvent: 'user_updated', user: { accountId: '' } }, 'no-account-id'],
    [
      "a corrupted record's accountId",
      { timestamp: 1, webhookEvent: 'user_updated', user: { accountId: 'unknown' } },
      'no-account-id',
    ],
  ])('ignores %s', (_case, payload, reason) => {
    // Act
    const reading = read(payload);

    // Assess
    expect(reading).toEqual({ deliveryId: 'delivery-1', kind: 'ignored', webhookEvent: payload.webhookEvent, reason });
  });

  it.each([
    ['a negative timestamp', { timestamp: -5, webhookEvent: 'user_created', user: { accountId: 'x' } }],
    [
      'an active that is not a boolean',
      { timestamp: 1, webhookEvent: 'user_created', user: { accountId: 'x', active: 'yes' } },
    ],
    ['a numeric email', { timestamp: 1, webhookEvent: 'user_created', user: { accountId: 'x', emailAddress: 42 } }],
    ['no envelope', { hello: 'world' }],
  ])('finds a signed delivery with %s malformed', (_case, payload) => {
    // Act
    const reading = read(payload);

    // Assess
    expect(reading).toMatchObject({ kind: 'malformed', reason: expect.any(String) });
  });

  it.each([
    ['missing', undefined, 'missing'],
    ['followed by non-hex characters', 'GENUINE zz-not-hex', 'malformed'],
    ['made with another secret', 'OTHER', 'mismatch'],
  ])('reads nothing from a delivery whose signature is %s', (_case, given, problem) => {
    // Prepare
    const payload = {
      timestamp: 1,
      webhookEvent: 'user_created',
      user: { accountId: 'x', emailAddress: 'x@example.com' },
    };
    const body = JSON.stringify(payload);
    const signature = given
      ?.replace('GENUINE ', signWebhookBody(body, SECRET))
      .replace('OTHER', signWebhookBody(body, 'another-secret'));

    // Act
    const reading = read(payload, { signature });

    // Assess
    expect(reading).toEqual({ deliveryId: 'delivery-1', kind: 'forged', problem });
  });
});

describe.each([
  ['not JSON', '{"webhookEvent": "user_created",', 'The delivery body is not JSON.'],
  ['empty', '', 'The delivery body is not JSON.'],
  ['JSON but no object', '"user_created"', expect.stringMatching(/^The delivery is not a Jira webhook: /)],
])('a delivery whose body is %s', (_case, body, reason) => {
  it('is malformed when signed: SQS retries it, then dead-letters it', () => {
    // Act
    const reading = readDelivery({
      record: queuedDelivery(body, { secret: SECRET, deliveryId: 'd-1' }),
      secret: SECRET,
      deployment: 'cloud',
    });
    // Assess
    expect(reading).toEqual({ deliveryId: 'd-1', kind: 'malformed', reason });
  });

  it('is forged when unsigned, and its body is never read', () => {
    // Act
    const reading = readDelivery({
      record: queuedDelivery(body, { secret: SECRET, signature: undefined }),
      secret: SECRET,
      deployment: 'cloud',
    });
    // Assess
    expect(reading).toEqual({ deliveryId: undefined, kind: 'forged', problem: 'missing' });
  });
});

describe('readDelivery of issue and comment events', () => {
  it('names the accounts at user, reporter, creator and comment author, each once, apps with their type', () => {
    // Act
    const created = read({
      timestamp: 5,
      webhookEvent: 'jira:issue_created',
      user: { accountId: 'qm:customer', accountType: 'customer' },
      issue: {
        key: 'SUP-1',
        fields: { reporter: { accountId: 'qm:customer' }, creator: { accountId: 'qm:customer' } },
      },
    });
    const updated = read({
      timestamp: 6,
      webhookEvent: 'jira:issue_updated',
      user: { accountId: '557058:automation', accountType: 'app' },
      issue: { fields: { reporter: { accountId: 'qm:reporter' }, creator: null } },
    });
    const commented = read({
      timestamp: 7,
      webhookEvent: 'comment_created',
      comment: { author: { accountId: '712020:agent', accountType: 'atlassian' } },
      issue: { fields: { reporter: { accountId: 'unknown' } } },
    });

    // Assess
    expect(created).toMatchObject({
      kind: 'account-mentions',
      event: { timestamp: 5, accounts: [{ accountId: 'qm:customer', accountType: 'customer' }] },
    });
    expect(updated).toMatchObject({
      kind: 'account-mentions',
      event: {
        accounts: [
          { accountId: '557058:automation', accountType: 'app' },
          { accountId: 'qm:reporter', accountType: undefined },
        ],
      },
    });
    expect(commented).toMatchObject({
      kind: 'account-mentions',
      event: { webhookEvent: 'comment_created', accounts: [{ accountId: '712020:agent' }] },
    });
  });

  it('reads a user of another shape as naming no one, never as malformed', () => {
    // Act
    const reading = read({ timestamp: 1, webhookEvent: 'jira:issue_updated', user: 'someone', issue: { fields: 3 } });
    // Assess
    expect(reading).toMatchObject({ kind: 'ignored', reason: 'no-account-id' });
  });
});
