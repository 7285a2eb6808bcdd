import { setUserSync } from '../helpers/api.js';
import { randomUUID } from 'node:crypto';
import { buildWebhookDelivery, signWebhookBody } from '../../local/jira-simulator/index.js';
import type { DeadLetter } from '../../local/queue/index.js';
import { replayDeadLetters } from '../../bin/replay-dead-letters.js';
import { eventually, request } from '../helpers/http.js';
import { type TestService, startTestService } from '../helpers/runtime.js';
import {
  contactsWithEmail,
  enableUserSync,
  eventuallyContacts,
  madeUpAccount,
  postDelivery,
  settled,
  signedDelivery,
} from '../helpers/webhooks.js';

let service: TestService;

/**
 * What the webhook path refuses or holds back: deliveries while syncing is off, forged and unsigned
 * ones, bodies that are not webhooks, and deliveries that keep failing (dead letters, then replay).
 * One service for the file; the tests run in order (syncing starts off).
 */
describe('webhook deliveries that must not change contacts', () => {
  beforeAll(async () => {
    // The failing deliveries below are expected: keep their warnings out of the test output.
    process.env.POWERTOOLS_LOG_LEVEL = 'ERROR';
    service = await startTestService();
  });
  afterAll(async () => {
    await service.stop();
  });

  it('changes nothing while syncing is off', async () => {
    // Prepare
    const crafted = madeUpAccount('Off');
    const email = `off.sim.${randomUUID().slice(0, 8)}@example.com`;

    // Act
    const accepted = await postDelivery(service.url, buildWebhookDelivery('user_created', crafted));
    await service.jira.createAccount({ displayName: 'Off Sim', emailAddress: email });
    await settled(service);

    // Assess
    expect(accepted.status).toBe(202);
    expect(await contactsWithEmail(service, crafted.emailAddress)).toHaveLength(0);
    expect(await contactsWithEmail(service, email)).toHaveLength(0);
    const listed = await request<{ items: unknown[] }>(service.url, 'GET', '/contacts', { auth: service.admin });
    expect(listed.body.items).toHaveLength(0);
    expect(service.runtime.queue.deadLetters()).toHaveLength(0);
  });

  it('ignores forged, unsigned and tampered deliveries once syncing is on', async () => {
    // Prepare
    await enableUserSync(service);
    const forgedAccount = madeUpAccount('Forged');
    const forged = buildWebhookDelivery('user_created', forgedAccount, Date.now(), { secret: 'not-the-secret' });
    const unsignedAccount = madeUpAccount('Unsigned');
    const unsignedDelivery = buildWebhookDelivery('user_created', unsignedAccount);
    const { 'X-Hub-Signature': _dropped, ...unsignedHeaders } = unsignedDelivery.headers;
    const genuineAccount = madeUpAccount('Genuine');
    const genuine = buildWebhookDelivery('user_created', genuineAccount);
    const tamperedAccount = madeUpAccount('Tampered');
    // The genuine signature on a body that names another account.
    const tampered = {
      body: genuine.body.replace(genuineAccount.emailAddress, tamperedAccount.emailAddress),
      headers: genuine.headers,
    };
    const badSignature = {
      body: unsignedDelivery.body,
      headers: { ...unsignedHeaders, 'X-Hub-Signature': 'sha256=zz-not-hex' },
    };
    // Its own genuine signature with junk after it: Buffer.from(hex) alone would stop at the junk and accept it.
    const suffixedAccount = madeUpAccount('Suffixed');
    const suffixedDelivery = buildWebhookDelivery('user_created', suffixedAccount);
    const suffixed = {
      body: suffixedDelivery.body,
      headers: {
        ...suffixedDelivery.headers,
        'X-Hub-Signature': `${suffixedDelivery.headers['X-Hub-Signature']}zz-not-hex`,
      },
    };

    // Act
    const statuses = [
      (await postDelivery(service.url, forged)).status,
      (await postDelivery(service.url, { body: unsignedDelivery.body, headers: unsignedHeaders })).status,
      (await postDelivery(service.url, tampered)).status,
      (await postDelivery(service.url, badSignature)).status,
      (await postDelivery(service.url, suffixed)).status,
    ];
    await settled(service);

    // Assess: accepted (Jira must not retry them) but without any effect, and not dead-lettered
    expect(statuses).toEqual([202, 202, 202, 202, 202]);
    expect(await contactsWithEmail(service, forgedAccount.emailAddress)).toHaveLength(0);
    expect(await contactsWithEmail(service, unsignedAccount.emailAddress)).toHaveLength(0);
    expect(await contactsWithEmail(service, tamperedAccount.emailAddress)).toHaveLength(0);
    expect(await contactsWithEmail(service, suffixedAccount.emailAddress)).toHaveLength(0);
    expect(service.runtime.queue.deadLetters()).toHaveLength(0);
    // The very delivery, correctly signed, is applied: only the signature kept it out.
    expect((await postDelivery(service.url, suffixedDelivery)).status).toBe(202);
    await eventuallyContacts(service, suffixedAccount.emailAddress, (found) => found.length === 1);
  });

  it('refuses what is not a webhook with 400 and a body over 256 KiB with 413', async () => {
    // Prepare
    const account = madeUpAccount('Big');
    const padded = JSON.stringify({
      timestamp: Date.now(),
      webhookEvent: 'user_created',
      user: {
        accountId: account.accountId,
        accountType: 'atlassian',
        displayName: account.displayName,
        emailAddress: account.emailAddress,
        active: true,
      },
      padding: 'x'.repeat(256 * 1024),
    });
    const signed = (body: string) => ({
      'Content-Type': 'application/json',
      'X-Hub-Signature': signWebhookBody(body, service.jira.webhookSecret),
    });
    const post = (body: string) =>
      request(service.url, 'POST', '/webhooks/jira', { rawBody: body, headers: signed(body) });

    // Act
    const notJson = await post('{"webhookEvent": "user_created", ');
    const notAWebhook = await post(JSON.stringify({ hello: 'world' }));
    const tooLarge = await post(padded);
    await settled(service);

    // Assess
    expect(notJson.status).toBe(400);
    expect(notJson.body).toMatchObject({ error: { code: 'BAD_REQUEST' } });
    expect(notAWebhook.status).toBe(400);
    expect(tooLarge.status).toBe(413);
    expect(tooLarge.body).toMatchObject({ error: { code: 'PAYLOAD_TOO_LARGE' } });
    expect(await contactsWithEmail(service, account.emailAddress)).toHaveLength(0);
  });

  it('accepts and ignores other webhook events and users without an accountId', async () => {
    // Prepare
    const issueCreated = signedDelivery(service, {
      timestamp: Date.now(),
      webhookEvent: 'jira:issue_created',
      issue: { key: 'CRM-1' },
    });
    const dataCenterEmail = `dc.${randomUUID().slice(0, 8)}@example.com`;
    const dataCenterUser = signedDelivery(service, {
      timestamp: Date.now(),
      webhookEvent: 'user_created',
      user: {
        name: 'dc.user',
        key: 'JIRAUSER10100',
        displayName: 'Data Center',
        emailAddress: dataCenterEmail,
        active: true,
      },
    });
    const noUser = signedDelivery(service, { timestamp: Date.now(), webhookEvent: 'user_updated' });
    service.jira.resetCallCounts();

    // Act
    const statuses = [
      (await postDelivery(service.url, issueCreated)).status,
      (await postDelivery(service.url, dataCenterUser)).status,
      (await postDelivery(service.url, noUser)).status,
    ];
    await settled(service);

    // Assess: accepted (a 4xx would make Jira give up on the webhook's other events), changing nothing
    expect(statuses).toEqual([202, 202, 202]);
    expect(await contactsWithEmail(service, dataCenterEmail)).toHaveLength(0);
    expect(service.jira.callCounts().user ?? 0).toBe(0);
    expect(service.runtime.queue.deadLetters()).toHaveLength(0);
    expect(service.runtime.queue.stats().visible).toBe(0);
  });

  it('dead-letters a delivery that can never be processed, without holding back the others', async () => {
    // Prepare: the envelope passes the gateway's schema; the consumer's user event schema refuses it
    const broken = signedDelivery(service, {
      timestamp: -5,
      webhookEvent: 'user_created',
      user: {
        accountId: `712020:${randomUUID()}`,
        accountType: 'atlassian',
        displayName: 'Broken',
        emailAddress: 'broken@example.com',
        active: true,
      },
    });
    const healthy = madeUpAccount('Healthy');

    // Act
    const brokenStatus = (await postDelivery(service.url, broken)).status;
    const healthyStatus = (await postDelivery(service.url, buildWebhookDelivery('user_created', healthy))).status;

    // Assess: the healthy one is applied even before the broken one gives up
    expect([brokenStatus, healthyStatus]).toEqual([202, 202]);
    await eventuallyContacts(service, healthy.emailAddress, (found) => found.length === 1);
    const [letter] = await eventually(
      async () => {
        const letters = service.runtime.queue.deadLetters();
        return letters.length === 1 ? letters : undefined;
      },
      30_000,
      'the broken delivery in the dead-letter queue',
    );
    expect(letter?.body).toBe(broken.body);
    expect(letter?.receiveCount).toBe(5);
    expect(await contactsWithEmail(service, 'broken@example.com')).toHaveLength(0);
  });

  it('replays dead letters through the running service once the cause is fixed', async () => {
    // Prepare: Jira fails every lookup, so a delivery without an email keeps failing
    service.jira.setWebhookTarget(undefined);
    const email = `comeback.${randomUUID().slice(0, 8)}@example.com`;
    const account = await service.jira.createAccount({ displayName: 'Come Back', emailAddress: email });
    service.jira.setWebhookTarget(`${service.url}/webhooks/jira`);
    const before = service.runtime.queue.deadLetters().length;
    service.jira.failNext(1_000, 400);
    const delivery = buildWebhookDelivery('user_created', { accountId: account.accountId });
    expect((await postDelivery(service.url, delivery)).status).toBe(202);
    await eventually(
      async () => (service.runtime.queue.deadLetters().length === before + 1 ? true : undefined),
      30_000,
      'a dead letter',
    );
    service.jira.failNext(0);
    const anonymous = await request(service.url, 'GET', '/local/dead-letters');
    const asAgent = await request(service.url, 'GET', '/local/dead-letters', { auth: service.agent });
    const listed = await request<{ items: DeadLetter[] }>(service.url, 'GET', '/local/dead-letters', {
      auth: service.admin,
    });
    expect(anonymous.status).toBe(401);
    expect(asAgent.status).toBe(403);
    expect(listed.status).toBe(200);
    expect(listed.body.items.map((letter) => letter.body)).toContain(delivery.body);

    // Act
    const admin = service.jira.admin;
    const result = await replayDeadLetters({
      env: { CONTACT_SYNC_AUTH: `${admin.email}:${admin.apiToken}` },
      serviceUrl: service.url,
    });

    // Assess: the fixed one is processed; the broken one from before fails again and returns
    expect(result).toEqual({ where: 'service', url: service.url, moved: before + 1 });
    const [contact] = await eventuallyContacts(service, email, (found) => found.length === 1);
    expect(contact?.jiraUser?.accountId).toBe(account.accountId);
    await eventually(
      async () => {
        const letters = service.runtime.queue.deadLetters();
        return letters.length === before && service.runtime.queue.stats().visible === 0 ? true : undefined;
      },
      30_000,
      'the broken delivery back in the dead-letter queue',
    );
    expect(service.runtime.queue.deadLetters().map((letter) => letter.body)).not.toContain(delivery.body);
  });
  it('changes nothing once syncing is turned off again', async () => {
    // Prepare: a synced contact, then syncing off
    const account = madeUpAccount('Switch');
    const t0 = Date.now();
    await postDelivery(service.url, buildWebhookDelivery('user_created', account, t0));
    const [synced] = await eventuallyContacts(service, account.emailAddress, (found) => found[0]?.jiraUser != null);
    await setUserSync(service.url, service.admin, false, 60_000);
    const newcomer = madeUpAccount('Newcomer');

    // Act
    await postDelivery(
      service.url,
      buildWebhookDelivery('user_updated', { ...account, displayName: 'Renamed While Off' }, Date.now() + 60_000),
    );
    await postDelivery(service.url, buildWebhookDelivery('user_created', newcomer));
    await settled(service);

    // Assess
    const contacts = await contactsWithEmail(service, account.emailAddress);
    expect(contacts).toEqual([
      expect.objectContaining({ id: synced?.id, name: account.displayName, jiraUser: null, tags: [] }),
    ]);
    expect(await contactsWithEmail(service, newcomer.emailAddress)).toHaveLength(0);
  });
});
