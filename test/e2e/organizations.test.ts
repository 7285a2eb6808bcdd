import type { Company } from '../../lambdas/domain/company.js';
import type { Contact } from '../../lambdas/domain/contact.js';
import type { UserSyncView } from '../../lambdas/domain/sync/user-sync-runs.js';
import type { SimulatedAccount } from '../../local/jira-simulator/accounts.js';
import { expectError, listAll, reconcileNow, setUserSync } from '../helpers/api.js';
import { request } from '../helpers/http.js';
import { type TestService, startTestService } from '../helpers/runtime.js';
import { contactsWithEmail } from '../helpers/webhooks.js';

/**
 * JSM organizations as companies, end to end over HTTP, with JSM's burst limit on as the simulator
 * has it by default, and its pages capped at 10 rather than 50 so that two pages take 12
 * organizations, not 55 (each organization's members cost a call under that limit). JSM sends no
 * webhook for organizations, so every change arrives with a reconcile.
 */
const PAGE_CAP = 10;
/** Globex Ltd, Initech, and enough others for a second page. */
const ORGANIZATIONS = PAGE_CAP + 2;
describe('JSM organizations become companies', () => {
  let service: TestService;
  let customers: SimulatedAccount[];
  const companies = () => listAll<Company>(service.url, service.agent, 'companies');
  const companyNamed = async (name: string): Promise<Company> => {
    const found = (await companies()).filter((company) => company.name === name);
    expect(found).toHaveLength(1);
    return found[0] as Company;
  };
  const contactOf = async (account: SimulatedAccount): Promise<Contact> => {
    const found = await contactsWithEmail(service, account.emailAddress ?? '');
    expect(found).toHaveLength(1);
    return found[0] as Contact;
  };
  const customer = (index: number): SimulatedAccount => customers[index] as SimulatedAccount;
  const reconcile = () => reconcileNow(service.url, service.admin, 120_000);
  const organizationsOf = (view: UserSyncView) => view.progress?.organizations;

  beforeAll(async () => {
    service = await startTestService({ simulator: { users: 10, customers: 12 } });
    service.jira.setWebhookTarget(undefined);
    customers = service.jira
      .accounts()
      .filter((account) => account.accountType === 'customer' && account.active && account.emailAddress);
    expect(service.jira.organizations.setQuirks({ pageCap: PAGE_CAP })).toEqual({
      pageCap: PAGE_CAP,
      burstLimit: true,
    });
  }, 60_000);
  afterAll(async () => {
    await service.stop();
  });

  let globex: Company;
  let handPicked: Company;
  const organizationIds: Record<string, string> = {};

  it('creates a company for each organization, links a regular one of the same name (any case), and fills companyIds', async () => {
    // Prepare: companies made in the CRM before syncing; 12 organizations (two JSM pages)
    const existing = await request<Company>(service.url, 'POST', '/companies', {
      auth: service.agent,
      body: { name: 'globex ltd', domain: 'globex.example' },
    });
    handPicked = (
      await request<Company>(service.url, 'POST', '/companies', { auth: service.agent, body: { name: 'Hand Picked' } })
    ).body;
    const ids = (...indexes: number[]) => indexes.map((index) => customer(index).accountId);
    organizationIds.globex = service.jira.organizations.create({ name: 'Globex Ltd', members: ids(0, 1, 2) }).id;
    organizationIds.initech = service.jira.organizations.create({ name: 'Initech', members: ids(2, 3) }).id;
    for (let index = 1; index <= ORGANIZATIONS - 2; index += 1)
      organizationIds[`org${index}`] = service.jira.organizations.create({
        name: `Org ${String(index).padStart(2, '0')}`,
      }).id;

    // Act
    const done = await setUserSync(service.url, service.admin, true, 120_000);

    // Assess
    expect(organizationsOf(done)).toMatchObject({
      read: ORGANIZATIONS,
      created: ORGANIZATIONS - 1,
      linked: 1,
      renamed: 0,
      membershipsAdded: 5,
    });
    globex = await companyNamed('Globex Ltd');
    expect(globex).toMatchObject({
      id: existing.body.id,
      domain: 'globex.example',
      jsmOrganization: { id: organizationIds.globex },
    });
    const initech = await companyNamed('Initech');
    expect(initech.jsmOrganization).toEqual({ id: organizationIds.initech });
    const all = await companies();
    expect(all).toHaveLength(ORGANIZATIONS + 1);
    expect(all.filter((company) => company.jsmOrganization !== null)).toHaveLength(ORGANIZATIONS);
    expect((await companyNamed('Hand Picked')).jsmOrganization).toBeNull();
    expect((await contactOf(customer(0))).companyIds).toEqual([globex.id]);
    expect((await contactOf(customer(2))).companyIds.sort()).toEqual([globex.id, initech.id].sort());
    expect((await contactOf(customer(3))).companyIds).toEqual([initech.id]);
    expect((await contactOf(customer(4))).companyIds).toEqual([]);
  }, 180_000);

  it('refuses to rename or delete a synced company (409), and lets its domain change', async () => {
    // Act
    const rename = await request(service.url, 'PATCH', `/companies/${globex.id}`, {
      auth: service.agent,
      body: { name: 'Globex International' },
    });
    const deletion = await request(service.url, 'DELETE', `/companies/${globex.id}`, { auth: service.agent });
    const domain = await request<Company>(service.url, 'PATCH', `/companies/${globex.id}`, {
      auth: service.agent,
      body: { domain: 'globex.test' },
    });
    // Assess
    expectError(rename, 409, 'CONFLICT', /Rename the organization in JSM/);
    expectError(deletion, 409, 'CONFLICT', /Delete the organization in JSM/);
    expect(domain.status).toBe(200);
    expect(domain.body).toMatchObject({ name: 'Globex Ltd', domain: 'globex.test' });
  });

  it('follows a rename, a membership added and one removed, and a deleted organization; a hand-added company stays', async () => {
    // Prepare: CRM users add companies by hand, then JSM changes (no webhook)
    const third = await contactOf(customer(3));
    const handAdded = await request<Contact>(service.url, 'PATCH', `/contacts/${third.id}`, {
      auth: service.agent,
      body: { companyIds: [...third.companyIds, globex.id] },
    });
    expect(handAdded.status).toBe(200);
    const first = await contactOf(customer(0));
    await request(service.url, 'PATCH', `/contacts/${first.id}`, {
      auth: service.agent,
      body: { companyIds: [...first.companyIds, handPicked.id] },
    });
    const { organizations } = service.jira;
    organizations.rename(organizationIds.initech ?? '', 'Initech Group');
    organizations.removeMembers(organizationIds.globex ?? '', [customer(1).accountId]);
    organizations.addMembers(organizationIds.globex ?? '', [customer(3).accountId, customer(4).accountId]);
    organizations.delete(organizationIds.org1 ?? '');

    // Act
    const done = await reconcile();

    // Assess
    expect(organizationsOf(done)).toMatchObject({
      read: ORGANIZATIONS - 1,
      created: 0,
      linked: 0,
      renamed: 1,
      unlinked: 1,
      membershipsAdded: 1,
      membershipsRemoved: 1,
    });
    const initech = await companyNamed('Initech Group');
    expect(initech.jsmOrganization).toEqual({ id: organizationIds.initech });
    expect((await companyNamed('Org 01')).jsmOrganization).toBeNull();
    expect((await contactOf(customer(1))).companyIds).toEqual([]);
    expect((await contactOf(customer(3))).companyIds).toEqual([initech.id, globex.id]);
    expect((await contactOf(customer(4))).companyIds).toEqual([globex.id]);
    expect((await contactOf(customer(0))).companyIds).toEqual([globex.id, handPicked.id]);

    // Act: the customer whose Globex was added by hand leaves it in JSM; the one the sync added goes
    organizations.removeMembers(organizationIds.globex ?? '', [customer(3).accountId, customer(4).accountId]);
    const again = await reconcile();

    // Assess
    expect(organizationsOf(again)).toMatchObject({
      renamed: 0,
      unlinked: 0,
      membershipsAdded: 0,
      membershipsRemoved: 1,
    });
    expect((await contactOf(customer(3))).companyIds).toEqual([initech.id, globex.id]);
    expect((await contactOf(customer(4))).companyIds).toEqual([]);
  }, 240_000);

  it('turning syncing off leaves every company, all regular, and the contacts their companies', async () => {
    // Act
    const done = await setUserSync(service.url, service.admin, false, 120_000);
    // Assess
    expect(organizationsOf(done)).toMatchObject({ unlinked: ORGANIZATIONS - 1 });
    const all = await companies();
    expect(all).toHaveLength(ORGANIZATIONS + 1);
    expect(all.every((company) => company.jsmOrganization === null)).toBe(true);
    expect((await contactOf(customer(2))).companyIds).toHaveLength(2);
    const renamed = await request(service.url, 'PATCH', `/companies/${globex.id}`, {
      auth: service.agent,
      body: { name: 'Globex (regular)' },
    });
    expect(renamed.status).toBe(200);
  }, 180_000);
});
