import { randomUUID } from 'node:crypto';
import type { Contact } from '../../lambdas/domain/contact.js';
import { buildWebhookDelivery } from '../../local/jira-simulator/index.js';
import { request } from '../helpers/http.js';
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

/**
 * Live sync, end to end: Jira (the simulator, or deliveries crafted as Jira sends them) -->
 * POST /webhooks/jira --> queue --> consumer --> contacts, observed only through the HTTP API.
 */
describe('webhooks keep contacts in step with Jira users', () => {
  let service: TestService;
  const one = (contacts: Contact[]) => contacts.length === 1;

  beforeAll(async () => {
    service = await startTestService();
    await enableUserSync(service);
  });
  afterAll(async () => {
    await service.stop();
  });

  it('makes a new Jira user a synced contact', async () => {
    // Act
    const account = await service.jira.createAccount({
      displayName: 'Ada Lovelace',
      emailAddress: `ada.${randomUUID().slice(0, 8)}@example.com`,
    });

    // Assess
    const [contact] = await eventuallyContacts(service, account.emailAddress ?? '', one);
    expect(contact).toMatchObject({
      name: 'Ada Lovelace',
      email: account.emailAddress,
      tags: ['Jira User'],
      jiraUser: { accountId: account.accountId, accountType: 'atlassian' },
    });
  });

  it('links an existing contact with the same email in another case instead of making a second one', async () => {
    // Prepare
    const unique = randomUUID().slice(0, 8);
    const created = await request<Contact>(service.url, 'POST', '/contacts', {
      auth: service.admin,
      body: { name: 'Grace (CRM)', email: `Grace.Hopper.${unique}@EXAMPLE.com`, phone: '+1 555 0100', tags: ['vip'] },
    });
    expect(created.status).toBe(201);

    // Act
    const account = await service.jira.createAccount({
      displayName: 'Grace Hopper',
      emailAddress: `grace.hopper.${unique}@example.com`,
    });

    // Assess
    const [contact] = await eventuallyContacts(
      service,
      `grace.hopper.${unique}@example.com`,
      (found) => found[0]?.jiraUser !== null,
    );
    const all = await contactsWithEmail(service, `GRACE.HOPPER.${unique}@example.com`);
    expect(all).toHaveLength(1);
    expect(contact).toMatchObject({
      id: created.body.id,
      name: 'Grace Hopper',
      email: `grace.hopper.${unique}@example.com`,
      phone: '+1 555 0100',
      tags: ['Jira User', 'vip'],
      jiraUser: { accountId: account.accountId },
    });
  });

  it('follows name and email changes made in Jira', async () => {
    // Prepare
    const account = await service.jira.createAccount({
      displayName: 'Alan Turing',
      emailAddress: `alan.${randomUUID().slice(0, 8)}@example.com`,
    });
    const [before] = await eventuallyContacts(service, account.emailAddress ?? '', one);
    const newEmail = `a.m.turing.${randomUUID().slice(0, 8)}@example.com`;

    // Act
    await service.jira.updateAccount(account.accountId, { displayName: 'Alan M. Turing', emailAddress: newEmail });

    // Assess
    const [after] = await eventuallyContacts(service, newEmail, one);
    expect(after).toMatchObject({
      id: before?.id,
      name: 'Alan M. Turing',
      email: newEmail,
      jiraUser: { accountId: account.accountId },
    });
    expect(await contactsWithEmail(service, account.emailAddress ?? '')).toHaveLength(0);
  });

  it('lets an older update that arrives after a newer one lose', async () => {
    // Prepare
    const account = madeUpAccount('Order');
    const t0 = Date.now();
    await postDelivery(service.url, buildWebhookDelivery('user_created', account, t0));
    await settled(service);
    const newer = buildWebhookDelivery('user_updated', { ...account, displayName: 'Newest Name' }, t0 + 2_000);
    const older = buildWebhookDelivery('user_updated', { ...account, displayName: 'Older Name' }, t0 + 1_000);

    // Act
    expect((await postDelivery(service.url, newer)).status).toBe(202);
    await settled(service);
    expect((await postDelivery(service.url, older)).status).toBe(202);
    await settled(service);

    // Assess
    const contacts = await contactsWithEmail(service, account.emailAddress);
    expect(contacts).toHaveLength(1);
    expect(contacts[0]?.name).toBe('Newest Name');
  });

  it('makes one contact from repeated deliveries of the same event', async () => {
    // Prepare
    const account = madeUpAccount('Repeat');
    const delivery = buildWebhookDelivery('user_created', account, Date.now(), { identifier: randomUUID() });

    // Act
    for (let attempt = 0; attempt < 5; attempt += 1) {
      expect((await postDelivery(service.url, delivery)).status).toBe(202);
    }
    await settled(service);

    // Assess
    const contacts = await contactsWithEmail(service, account.emailAddress);
    expect(contacts).toHaveLength(1);
    expect(contacts[0]?.jiraUser?.accountId).toBe(account.accountId);
  });

  it('makes one contact from 30 concurrent deliveries for one new user', async () => {
    // Prepare: duplicates of one delivery and separate created/updated events, all at once
    const account = madeUpAccount('Burst');
    const t0 = Date.now();
    const deliveries = Array.from({ length: 30 }, (_, index) =>
      index % 3 === 0
        ? buildWebhookDelivery('user_created', account, t0, { identifier: 'burst-created' })
        : buildWebhookDelivery(index % 3 === 1 ? 'user_created' : 'user_updated', account, t0 + index),
    );

    // Act
    const statuses = await Promise.all(
      deliveries.map(async (delivery) => (await postDelivery(service.url, delivery)).status),
    );
    await settled(service);

    // Assess
    expect(statuses.every((status) => status === 202)).toBe(true);
    const contacts = await contactsWithEmail(service, account.emailAddress);
    expect(contacts).toHaveLength(1);
    expect(contacts[0]?.jiraUser?.accountId).toBe(account.accountId);
    expect(service.runtime.queue.deadLetters()).toHaveLength(0);
  });

  it('links the existing contact, once, when 30 concurrent deliveries name a user with its email', async () => {
    // Prepare
    const account = madeUpAccount('Racer');
    const existing = await request<Contact>(service.url, 'POST', '/contacts', {
      auth: service.agent,
      body: { name: 'Racer (CRM)', email: account.emailAddress.toUpperCase() },
    });
    const t0 = Date.now();
    const deliveries = Array.from({ length: 30 }, (_, index) =>
      buildWebhookDelivery('user_created', account, t0 + (index % 5)),
    );

    // Act
    const statuses = await Promise.all(
      deliveries.map(async (delivery) => (await postDelivery(service.url, delivery)).status),
    );
    await settled(service);

    // Assess
    expect(statuses.every((status) => status === 202)).toBe(true);
    const contacts = await contactsWithEmail(service, account.emailAddress);
    expect(contacts).toHaveLength(1);
    expect(contacts[0]).toMatchObject({
      id: existing.body.id,
      name: account.displayName,
      jiraUser: { accountId: account.accountId },
    });
  });

  it('keeps a synced contact from being deleted or renamed, but lets its own fields change', async () => {
    // Prepare
    const account = madeUpAccount('Locked');
    await postDelivery(service.url, buildWebhookDelivery('user_created', account));
    const [contact] = await eventuallyContacts(service, account.emailAddress, one);
    const path = `/contacts/${contact?.id ?? ''}`;

    // Act
    const deleted = await request(service.url, 'DELETE', path, { auth: service.agent });
    const renamed = await request(service.url, 'PATCH', path, { auth: service.agent, body: { name: 'Someone Else' } });
    const readdressed = await request(service.url, 'PATCH', path, {
      auth: service.agent,
      body: { email: 'someone@example.com' },
    });
    const edited = await request<Contact>(service.url, 'PATCH', path, {
      auth: service.agent,
      body: { phone: '+44 20 7946 0000', tags: ['partner'] },
    });

    // Assess
    expect(deleted.status).toBe(409);
    expect(renamed.status).toBe(409);
    expect(readdressed.status).toBe(409);
    expect(edited.status).toBe(200);
    expect(edited.body).toMatchObject({
      name: account.displayName,
      email: account.emailAddress,
      phone: '+44 20 7946 0000',
      tags: ['Jira User', 'partner'],
    });
    const stored = await request<Contact>(service.url, 'GET', path, { auth: service.agent });
    expect(stored.body).toMatchObject({
      name: account.displayName,
      email: account.emailAddress,
      phone: '+44 20 7946 0000',
    });
  });

  it('leaves a regular, deletable contact when the user is deleted in Jira', async () => {
    // Prepare
    const account = await service.jira.createAccount({
      displayName: 'Leaving User',
      emailAddress: `leaving.${randomUUID().slice(0, 8)}@example.com`,
    });
    const email = account.emailAddress ?? '';
    const [synced] = await eventuallyContacts(service, email, one);

    // Act
    await service.jira.deleteAccount(account.accountId);

    // Assess
    const [regular] = await eventuallyContacts(
      service,
      email,
      (found) => found.length === 1 && found[0]?.jiraUser === null,
    );
    expect(regular).toMatchObject({ id: synced?.id, name: 'Leaving User', tags: [], jiraUser: null });
    expect(
      (await request(service.url, 'DELETE', `/contacts/${regular?.id ?? ''}`, { auth: service.agent })).status,
    ).toBe(204);
    expect(await contactsWithEmail(service, email)).toHaveLength(0);
  });

  it('does not bring a deleted user back when an older update arrives late', async () => {
    // Prepare
    const account = madeUpAccount('Late');
    const t0 = Date.now();
    await postDelivery(service.url, buildWebhookDelivery('user_created', account, t0));
    await settled(service);
    await postDelivery(service.url, buildWebhookDelivery('user_deleted', account, t0 + 2_000));
    await settled(service);

    // Act
    await postDelivery(
      service.url,
      buildWebhookDelivery('user_updated', { ...account, displayName: 'Ghost' }, t0 + 1_000),
    );
    await settled(service);

    // Assess
    const contacts = await contactsWithEmail(service, account.emailAddress);
    expect(contacts).toHaveLength(1);
    expect(contacts[0]).toMatchObject({ jiraUser: null, name: account.displayName });
  });

  it('makes the contact regular when the user is deactivated', async () => {
    // Prepare
    const account = await service.jira.createAccount({
      displayName: 'Dormant User',
      emailAddress: `dormant.${randomUUID().slice(0, 8)}@example.com`,
    });
    const email = account.emailAddress ?? '';
    await eventuallyContacts(service, email, one);

    // Act
    await service.jira.updateAccount(account.accountId, { active: false });

    // Assess
    const [regular] = await eventuallyContacts(
      service,
      email,
      (found) => found.length === 1 && found[0]?.jiraUser === null,
    );
    expect(regular?.tags).toEqual([]);
  });

  it('syncs JSM customers but never apps', async () => {
    // Prepare
    const customer = madeUpAccount('Customer', { accountId: `qm:${randomUUID()}`, accountType: 'customer' });
    const app = madeUpAccount('Robot', { accountId: randomUUID().replace(/-/g, '').slice(0, 24), accountType: 'app' });

    // Act
    expect((await postDelivery(service.url, buildWebhookDelivery('user_created', customer))).status).toBe(202);
    expect((await postDelivery(service.url, buildWebhookDelivery('user_created', app))).status).toBe(202);
    await settled(service);

    // Assess
    const customers = await contactsWithEmail(service, customer.emailAddress);
    expect(customers).toHaveLength(1);
    expect(customers[0]?.jiraUser).toEqual({ accountId: customer.accountId, accountType: 'customer' });
    expect(await contactsWithEmail(service, app.emailAddress)).toHaveLength(0);
  });

  it('looks the user up in Jira when the delivery carries no email', async () => {
    // Prepare: Jira knows the account; the delivery (privacy settings) names only its id
    service.jira.setWebhookTarget(undefined);
    const email = `private.${randomUUID().slice(0, 8)}@example.com`;
    const account = await service.jira
      .createAccount({ displayName: 'Private Person', emailAddress: email })
      .finally(() => service.jira.setWebhookTarget(`${service.url}/webhooks/jira`));
    const delivery = buildWebhookDelivery('user_created', {
      accountId: account.accountId,
      displayName: 'Private Person',
    });
    expect(JSON.parse(delivery.body)).not.toHaveProperty('user.emailAddress');
    service.jira.resetCallCounts();

    // Act
    expect((await postDelivery(service.url, delivery)).status).toBe(202);
    await settled(service);

    // Assess
    expect(service.jira.callCounts().user).toBe(1);
    const contacts = await contactsWithEmail(service, email);
    expect(contacts).toHaveLength(1);
    expect(contacts[0]).toMatchObject({ name: 'Private Person', jiraUser: { accountId: account.accountId } });
  });

  it.each([
    [
      'a null email and display name',
      { emailAddress: null, displayName: null, accountType: 'atlassian', active: true },
    ],
    ['no account type and no active', { emailAddress: null, displayName: 'Whoever' }],
    ['an email but no account type', { displayName: null }],
  ])('applies a delivery with %s, looking the user up in Jira', async (_case, fields) => {
    // Prepare: Jira knows the account; the delivery says less (or null) about it
    service.jira.setWebhookTarget(undefined);
    const email = `nulls.${randomUUID().slice(0, 8)}@example.com`;
    const account = await service.jira
      .createAccount({ displayName: 'Null Person', emailAddress: email })
      .finally(() => service.jira.setWebhookTarget(`${service.url}/webhooks/jira`));
    const user = {
      accountId: account.accountId,
      ...('emailAddress' in fields ? {} : { emailAddress: email }),
      ...fields,
    };
    const delivery = signedDelivery(service, { timestamp: Date.now(), webhookEvent: 'user_created', user });
    service.jira.resetCallCounts();

    // Act
    const response = await postDelivery(service.url, delivery);
    await settled(service);

    // Assess: applied with what Jira says, not refused or dead-lettered
    expect(response.status).toBe(202);
    expect(service.jira.callCounts().user).toBe(1);
    const contacts = await contactsWithEmail(service, email);
    expect(contacts).toEqual([
      expect.objectContaining({
        name: 'Null Person',
        jiraUser: { accountId: account.accountId, accountType: 'atlassian' },
      }),
    ]);
    expect(service.runtime.queue.deadLetters()).toHaveLength(0);
  });

  it('applies a delivery with a null display name and no active without asking Jira', async () => {
    // Prepare: a synced contact
    const account = madeUpAccount('Nameless');
    const t0 = Date.now();
    await postDelivery(service.url, buildWebhookDelivery('user_created', account, t0));
    const [before] = await eventuallyContacts(service, account.emailAddress, one);
    const newEmail = `renamed.${randomUUID().slice(0, 8)}@example.com`;
    const update = signedDelivery(service, {
      timestamp: t0 + 1_000,
      webhookEvent: 'user_updated',
      user: { accountId: account.accountId, accountType: 'atlassian', displayName: null, emailAddress: newEmail },
    });
    service.jira.resetCallCounts();

    // Act
    const response = await postDelivery(service.url, update);
    await settled(service);

    // Assess: the email follows Jira; the contact stays synced (a missing `active` means active)
    expect(response.status).toBe(202);
    expect(service.jira.callCounts().user ?? 0).toBe(0);
    const [after] = await contactsWithEmail(service, newEmail);
    expect(after).toMatchObject({ id: before?.id, jiraUser: { accountId: account.accountId } });
    expect(after?.name).toEqual(expect.any(String));
    expect(after?.name).not.toBe('');
    expect(service.runtime.queue.deadLetters()).toHaveLength(0);
  });

  it('skips a user whose email stays hidden, and syncs it once the email shows', async () => {
    // Prepare
    const email = `shy.${randomUUID().slice(0, 8)}@example.com`;
    const account = await service.jira.createAccount({ displayName: 'Shy Person' });
    await settled(service);
    expect(service.runtime.queue.deadLetters()).toHaveLength(0);

    // Act
    await service.jira.updateAccount(account.accountId, { emailAddress: email });

    // Assess
    const [contact] = await eventuallyContacts(service, email, one);
    expect(contact?.jiraUser?.accountId).toBe(account.accountId);
  });
});
