import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Company } from '../../lambdas/domain/company.js';
import type { Contact } from '../../lambdas/domain/contact.js';
import type { Page } from '../../lambdas/domain/page.js';
import { setUserSync } from '../helpers/api.js';
import { request } from '../helpers/http.js';
import { type SpawnedService, spawnService } from '../helpers/spawn-service.js';

/** The real service (`node --import tsx bin/local.ts`, as `npm start` runs it) in a child process. */
describe('the service across restarts', () => {
  let dataDir: string;
  let running: SpawnedService | undefined;

  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'contact-sync-restart-'));
  });

  afterAll(async () => {
    // A failed test must not leave a service behind.
    if (running && running.process.exitCode === null && running.process.signalCode === null) await running.kill();
    await rm(dataDir, { recursive: true, force: true });
  });

  async function start(): Promise<SpawnedService & { admin: string }> {
    const service = await spawnService({ dataDir });
    running = service;
    const { admin } = service;
    if (!admin) throw new Error(`The service printed no administrator credentials:\n${service.output()}`);
    return { ...service, admin };
  }

  let contact: Contact;
  let company: Company;
  let deletedId: string;
  // Each cold start costs seconds: a test that ends on a running service hands it to the next one.
  let handedOn: (SpawnedService & { admin: string }) | undefined;
  const takeOver = async () => {
    const service = handedOn ?? (await start());
    handedOn = undefined;
    return service;
  };

  it('prints its URL once ready, answers /health, and stops on SIGTERM with exit code 0', async () => {
    // Prepare
    const service = await start();
    // Act
    const health = await request(service.url, 'GET', '/health');
    company = (
      await request<Company>(service.url, 'POST', '/companies', {
        auth: service.admin,
        body: { name: 'Durable Ltd', domain: 'durable.example' },
      })
    ).body;
    contact = (
      await request<Contact>(service.url, 'POST', '/contacts', {
        auth: service.admin,
        body: {
          name: 'Durable Dora',
          email: 'Dora@Durable.example',
          phone: '+1 555 0101',
          tags: ['keeper'],
          companyIds: [company.id],
        },
      })
    ).body;
    const changed = await request<Contact>(service.url, 'PATCH', `/contacts/${contact.id}`, {
      auth: service.admin,
      body: { phone: '+1 555 0102' },
    });
    contact = changed.body;
    deletedId = (
      await request<Contact>(service.url, 'POST', '/contacts', { auth: service.admin, body: { name: 'Deleted Dan' } })
    ).body.id;
    const deleted = await request(service.url, 'DELETE', `/contacts/${deletedId}`, { auth: service.admin });
    const exit = await service.stop('SIGTERM');
    // Assess
    expect(service.url).toBe(`http://127.0.0.1:${service.port}`);
    expect(service.output().match(/listening on/g)).toHaveLength(1);
    expect(health.status).toBe(200);
    expect(company.id).toEqual(expect.any(String));
    expect(changed.status).toBe(200);
    expect(deleted.status).toBe(204);
    expect(exit).toEqual({ code: 0, signal: null });
    expect(service.output()).toMatch(/SIGTERM: finishing accepted work, then stopping/);
    await expect(fetch(`${service.url}/health`)).rejects.toThrow();
  });

  it('finds the data again after a restart on the same DATA_DIR', async () => {
    // Prepare
    const service = await start();
    // Act
    const readContact = await request<Contact>(service.url, 'GET', `/contacts/${contact.id}`, { auth: service.admin });
    const readCompany = await request<Company>(service.url, 'GET', `/companies/${company.id}`, { auth: service.admin });
    const byEmail = await request<Page<Contact>>(service.url, 'GET', '/contacts?email=dora%40durable.example', {
      auth: service.admin,
    });
    const deleted = await request(service.url, 'GET', `/contacts/${deletedId}`, { auth: service.admin });
    const list = await request<Page<Contact>>(service.url, 'GET', '/contacts', { auth: service.admin });
    handedOn = service; // the next test stops it with SIGTERM, and expects exit code 0
    // Assess
    expect(readContact.status).toBe(200);
    expect(readContact.body).toEqual(contact);
    expect(readContact.body).toMatchObject({ phone: '+1 555 0102', companyIds: [company.id], tags: ['keeper'] });
    expect(readCompany.body).toEqual(company);
    expect(byEmail.body.items.map((item) => item.id)).toEqual([contact.id]);
    expect(deleted.status).toBe(404);
    expect(list.body.items.map((item) => item.id)).toEqual([contact.id]);
  });

  it('keeps user syncing on, and the synced contacts, across a restart', async () => {
    // Prepare: syncing turned on and finished (on the service the previous test restarted)
    const service = await takeOver();
    await setUserSync(service.url, service.admin, true, 60_000);
    const before = await request<Page<Contact>>(service.url, 'GET', '/contacts?limit=100', { auth: service.admin });
    expect(before.body.items.filter((item) => item.jiraUser !== null).length).toBeGreaterThan(0);
    expect(await service.stop('SIGTERM')).toEqual({ code: 0, signal: null });
    // Act
    const restarted = await start();
    const settings = await request<{ enabled: boolean; state: string }>(restarted.url, 'GET', '/settings/user-sync', {
      auth: restarted.admin,
    });
    const after = await request<Page<Contact>>(restarted.url, 'GET', '/contacts?limit=100', { auth: restarted.admin });
    handedOn = restarted; // the next test stops it, with SIGINT, and expects exit code 0
    // Assess
    expect(settings.body).toMatchObject({ enabled: true, state: 'ENABLED' });
    expect(after.body).toEqual(before.body);
  });

  it('stops on SIGINT with exit code 0, and starts again on the same data', async () => {
    // Prepare
    const service = await takeOver();
    const probe = await request<Contact>(service.url, 'POST', '/contacts', {
      auth: service.admin,
      body: { name: 'Written Before SIGINT' },
    });
    // Act
    const exit = await service.stop('SIGINT');
    const again = await start();
    const read = await request<Contact>(again.url, 'GET', `/contacts/${probe.body.id}`, { auth: again.admin });
    const finalExit = await again.stop('SIGTERM');
    // Assess
    expect(probe.status).toBe(201);
    expect(exit).toEqual({ code: 0, signal: null });
    expect(service.output()).toMatch(/SIGINT: finishing accepted work, then stopping/);
    expect(read.status).toBe(200);
    expect(read.body).toEqual(probe.body);
    expect(finalExit).toEqual({ code: 0, signal: null });
  });
});
