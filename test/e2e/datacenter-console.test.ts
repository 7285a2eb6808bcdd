import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
import { type TestService, startTestService } from '../helpers/runtime.js';

/**
 * The console's sign-in against Jira Data Center, in a real browser: it asks for a Jira username
 * and a personal access token (the service says which Jira it is in /health), and a PAT alone
 * signs in (sent as Bearer).
 */
const CHROMIUM = '/usr/bin/chromium';

describe('admin console against Jira Data Center', () => {
  let service: TestService;
  let userDataDir: string;
  let context: BrowserContext;
  let page: Page;

  beforeAll(async () => {
    service = await startTestService({ simulator: { deployment: 'datacenter', users: 50 } });
    userDataDir = await mkdtemp(path.join(tmpdir(), 'contact-sync-chromium-dc-'));
    context = await chromium.launchPersistentContext(userDataDir, {
      executablePath: CHROMIUM,
      headless: true,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'],
      viewport: { width: 1280, height: 900 },
    });
    page = context.pages()[0] ?? (await context.newPage());
  }, 60_000);

  afterAll(async () => {
    await context?.close();
    await service?.stop();
    if (userDataDir) await rm(userDataDir, { recursive: true, force: true });
  });

  it('asks for a Jira username and a personal access token, and signs in with the token alone', async () => {
    // Act 1
    await page.goto(`${service.url}/console/`);
    const token = page.getByLabel('Personal access token');
    await token.waitFor();

    // Assess 1
    expect(await page.getByLabel('Jira username').isVisible()).toBe(true);
    expect(await page.getByLabel('Jira email').count()).toBe(0);

    // Act 2: the token alone, no username
    await token.fill(service.jira.admin.apiToken);
    await page.getByRole('button', { name: 'Sign in' }).click();

    // Assess 2: signed in, the contacts shown
    await page.getByLabel('Search by email').waitFor({ timeout: 30_000 });
    expect(await page.getByLabel('Personal access token').count()).toBe(0);
  }, 60_000);
});
