import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
import { eventually, request } from '../helpers/http.js';
import { type TestService, startTestService } from '../helpers/runtime.js';

/**
 * The admin console in a real browser (Debian's headless Chromium, driven by playwright-core)
 * against the local service and a simulated Jira of a few thousand accounts: sign in, switch
 * syncing on and off while the progress shows, find a synced contact, and the agent's view. It
 * takes the README's screenshots, and saves them (docs/console.png, docs/console-mobile.png) only
 * with CONSOLE_SCREENSHOTS=1, so that a test run leaves the work tree as it found it.
 */
const CHROMIUM = '/usr/bin/chromium';
const DOCS = fileURLToPath(new URL('../../docs/', import.meta.url));
const screenshotTo = (file: string) => (process.env.CONSOLE_SCREENSHOTS === '1' ? { path: path.join(DOCS, file) } : {});
const SYNC_RUN_MS = 180_000;

describe('admin console in a browser', () => {
  let service: TestService;
  let userDataDir: string;
  let context: BrowserContext;
  let page: Page;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    service = await startTestService({ simulator: { users: 1_200, customers: 300 } });
    userDataDir = await mkdtemp(path.join(tmpdir(), 'contact-sync-chromium-'));
    context = await chromium.launchPersistentContext(userDataDir, {
      executablePath: CHROMIUM,
      headless: true,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
      viewport: { width: 1280, height: 900 },
    });
    page = context.pages()[0] ?? (await context.newPage());
    // A CSP violation, a failed request or a script error shows here: the console must have none.
    // (The browser also logs the API's expected refusals, a wrong login's 401, the agent's 403 and the
    // empty-body 422 by which the console asks whether the caller may switch: those are not its errors.)
    page.on('console', (message) => {
      const text = message.text();
      if (message.type() === 'error' && !/status of (401|403|422) /.test(text)) pageErrors.push(text);
    });
    page.on('pageerror', (error) => pageErrors.push(error.message));
  }, 60_000);

  afterAll(async () => {
    await context?.close();
    await service?.stop();
    if (userDataDir) await rm(userDataDir, { recursive: true, force: true });
  });

  const signIn = async (email: string, apiToken: string) => {
    await page.getByLabel('Jira email').fill(email);
    await page.getByLabel('API token').fill(apiToken);
    await page.getByRole('button', { name: 'Sign in' }).click();
  };
  const syncSwitch = () => page.getByRole('switch', { name: 'Jira User Syncing' });
  const stateShown = (words: string) => page.getByRole('status').getByText(words, { exact: true });
  const searchByEmail = async (email: string) => {
    await page.getByLabel('Search by email').fill(email);
    await page.getByLabel('Search by email').press('Enter');
    return page.getByRole('list', { name: `Contacts with the email ${email}` }).getByRole('listitem');
  };

  it('is served at /console/ with a strict Content-Security-Policy', async () => {
    // Act
    const html = await request<string>(service.url, 'GET', '/console/');
    const script = await request<string>(service.url, 'GET', '/console/app.js');
    const missing = await request<{ error: { code: string } }>(service.url, 'GET', '/console/nope.js');
    // Assess
    expect(html.status).toBe(200);
    expect(html.headers.get('content-type')).toMatch(/^text\/html/);
    expect(html.headers.get('content-security-policy')).toMatch(/^default-src 'self';/);
    expect(html.body).not.toMatch(/https?:\/\//);
    expect(script.status).toBe(200);
    expect(script.headers.get('content-type')).toMatch(/^text\/javascript/);
    expect(missing.status).toBe(404);
    expect(missing.body.error.code).toBe('NOT_FOUND');
  });

  it("shows the API's own message for a wrong login, and keeps nothing in localStorage or cookies", async () => {
    // Prepare
    const refused = await request<{ error: { message: string } }>(service.url, 'GET', '/contacts', {
      auth: `Basic ${Buffer.from(`${service.jira.admin.email}:wrong-token`).toString('base64')}`,
    });
    await page.goto(`${service.url}/console/`);
    // Act
    await signIn(service.jira.admin.email, 'wrong-token');
    // Assess
    await page.getByRole('alert').getByText(refused.body.error.message).waitFor();
    expect(refused.status).toBe(401);
    expect(await page.evaluate('localStorage.length')).toBe(0);
    expect(await context.cookies()).toEqual([]);
  });

  it('creates a company and a regular contact that belongs to it', async () => {
    // Prepare
    await signIn(service.jira.admin.email, service.jira.admin.apiToken);
    await syncSwitch().waitFor();
    // Act
    await page.getByLabel('Company name').fill('Analytical Engines Ltd');
    await page.getByLabel('Domain').fill('engines.example');
    await page.getByRole('button', { name: 'Add company' }).click();
    await page.getByRole('list', { name: 'Companies' }).getByText('Analytical Engines Ltd').waitFor();
    await page.getByRole('button', { name: 'New contact' }).click();
    const dialog = page.getByRole('dialog', { name: 'New contact' });
    await dialog.getByLabel('Name').fill('Ada Lovelace');
    await dialog.getByLabel('Email').fill('ada@engines.example');
    await dialog.getByLabel('Phone').fill('+44 20 7946 0000');
    await dialog.getByLabel('Analytical Engines Ltd').check();
    await dialog.getByRole('button', { name: 'Create contact' }).click();
    await dialog.waitFor({ state: 'hidden' });
    // Assess
    const ada = (await searchByEmail('ada@engines.example')).first();
    await ada.getByText('Analytical Engines Ltd').waitFor();
    expect(await ada.getByText('Jira User').count()).toBe(0);
    expect(await ada.getByRole('button', { name: 'Delete Ada Lovelace' }).isEnabled()).toBe(true);
    await page.getByRole('button', { name: 'Show all' }).click();
  });

  it('edits a contact by sending only what changed, and takes an internationalized email', async () => {
    // Prepare: watch the requests the page sends
    const patches: unknown[] = [];
    const watch = (request: { method(): string; url(): string; postData(): string | null }) => {
      if (request.method() === 'PATCH' && request.url().includes('/contacts/'))
        patches.push(JSON.parse(request.postData() ?? 'null'));
    };
    page.on('request', watch);
    try {
      // Act: a new contact with a Unicode address, then only its phone changed
      await page.getByRole('button', { name: 'New contact' }).click();
      const created = page.getByRole('dialog', { name: 'New contact' });
      await created.getByLabel('Name').fill('José Bücher');
      await created.getByLabel('Email').fill('josé@bücher.example');
      await created.getByRole('button', { name: 'Create contact' }).click();
      await created.waitFor({ state: 'hidden' });
      const jose = (await searchByEmail('josé@bücher.example')).first();
      await jose.getByRole('button', { name: /^Edit / }).click();
      const editor = page.getByRole('dialog');
      await editor.getByLabel('Phone').fill('+49 30 1234');
      await editor.getByRole('button', { name: 'Save' }).click();
      await editor.waitFor({ state: 'hidden' });
      // Assess
      await jose.getByText('+49 30 1234').waitFor();
      expect(patches).toEqual([{ phone: '+49 30 1234' }]);
      await page.getByRole('button', { name: 'Show all' }).click();
    } finally {
      page.off('request', watch);
    }
  });

  it('wraps a long unbroken name inside its card', async () => {
    // Prepare: a name and an email with no space to break at
    const name = `Wolfeschlegelsteinhausenbergerdorff${'x'.repeat(120)}`;
    const email = `${'long'.repeat(12)}@engines.example`;
    const created = await request(service.url, 'POST', '/contacts', { auth: service.admin, body: { name, email } });
    expect(created.status).toBe(201);
    await page.setViewportSize({ width: 390, height: 844 });
    // Act
    const item = (await searchByEmail(email)).first();
    await item.getByText(name).waitFor();
    // Assess: neither the card nor the page scrolls sideways
    // (A string, evaluated in the page: the test's own TypeScript has no DOM.)
    const overflow = await page.evaluate(`(() => {
      const card = document.querySelector('section.contacts');
      return {
        card: card ? card.scrollWidth - card.clientWidth : -1,
        page: document.documentElement.scrollWidth - document.documentElement.clientWidth,
      };
    })()`);
    expect(overflow).toEqual({ card: 0, page: 0 });
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.getByRole('button', { name: 'Show all' }).click();
  });

  it(
    'switches syncing on, shows the progress, and marks the synced contacts',
    async () => {
      // Prepare: a slow Jira (small pages, each answered late), so the run lasts long enough to be watched
      expect(await syncSwitch().getAttribute('aria-checked')).toBe('false');
      await stateShown('Disabled').waitFor();
      const accounts = service.jira.accountCount();
      service.jira.setQuirks({ pageCap: 20, latencyMs: 300 });
      // Act
      await syncSwitch().click();
      // Assess: the bar appears, moves, and goes once the run reaches Enabled.
      const progress = page.getByRole('progressbar', { name: 'Sync progress' });
      await progress.waitFor();
      // Its maximum is the measured total, and it passes through the middle of it with the time left
      // (not "n of n read so far", which would show a full bar whatever part of Jira was read).
      const middle = await eventually(
        async () => {
          const [now, max, text] = await Promise.all([
            progress.getAttribute('aria-valuenow', { timeout: 1_000 }),
            progress.getAttribute('aria-valuemax', { timeout: 1_000 }),
            progress.getAttribute('aria-valuetext', { timeout: 1_000 }),
          ]);
          const share = Number(now) / Number(max);
          return Number(max) === accounts && share >= 0.25 && share <= 0.75 ? { share, text } : undefined;
        },
        SYNC_RUN_MS,
        'the progress bar to pass through the middle of the real total',
      );
      expect(middle.text).toMatch(
        new RegExp(
          `of about ${new Intl.NumberFormat('en').format(accounts)} accounts · \\d+ % · (about \\d+ min|less than a minute) left`,
        ),
      );
      const caption = await page.locator('.progress-caption').textContent();
      expect(caption).toMatch(/ % · /);
      service.jira.setQuirks({ pageCap: 1000, latencyMs: 0 });
      const moved = await eventually(
        async () => {
          const now = Number(await progress.getAttribute('aria-valuenow', { timeout: 1_000 }));
          return now > 0 ? now : undefined;
        },
        SYNC_RUN_MS,
        'the progress bar to move',
      );
      expect(moved).toBeGreaterThan(0);
      expect(Number(await progress.getAttribute('aria-valuemax'))).toBeGreaterThanOrEqual(moved);
      await stateShown('Enabled').waitFor({ timeout: SYNC_RUN_MS });
      expect(await syncSwitch().getAttribute('aria-checked')).toBe('true');
      expect(await progress.count()).toBe(0);

      const admin = (await searchByEmail(service.jira.admin.email)).first();
      await admin.getByText('Jira User', { exact: true }).waitFor();
      await admin.getByText('User account').waitFor();
      await admin.getByText('Synced with Jira: change the user in Jira').waitFor();
      expect(await admin.getByRole('button', { name: /^Delete / }).isDisabled()).toBe(true);
      await admin.getByRole('button', { name: /^Edit / }).click();
      const editor = page.getByRole('dialog');
      expect(await editor.getByLabel('Name').isEditable()).toBe(false);
      expect(await editor.getByLabel('Email').isEditable()).toBe(false);
      expect(await editor.getByLabel('Phone').isEditable()).toBe(true);
      await editor.getByRole('button', { name: 'Cancel' }).click();
      await editor.waitFor({ state: 'hidden' });

      await page.getByRole('button', { name: 'Show all' }).click();
      await page
        .getByRole('list', { name: 'Contacts, newest first' })
        .getByText('Jira User', { exact: true })
        .first()
        .waitFor();
      await page.screenshot(screenshotTo('console.png'));
      await page.setViewportSize({ width: 390, height: 844 });
      await page.screenshot(screenshotTo('console-mobile.png'));
      await page.setViewportSize({ width: 1280, height: 900 });
    },
    SYNC_RUN_MS * 2,
  );

  it(
    'switches syncing off, and the contact loses its Jira User tag',
    async () => {
      // Act
      await syncSwitch().click();
      await stateShown('Disabled').waitFor({ timeout: SYNC_RUN_MS });
      // Assess
      const admin = (await searchByEmail(service.jira.admin.email)).first();
      await admin.getByText('Regular contact').waitFor();
      expect(await admin.getByText('Jira User', { exact: true }).count()).toBe(0);
      expect(await admin.getByRole('button', { name: /^Delete / }).isEnabled()).toBe(true);
      expect(await syncSwitch().getAttribute('aria-checked')).toBe('false');
    },
    SYNC_RUN_MS * 2,
  );

  it('shows an agent no switch, and says why', async () => {
    // Act
    await page.getByRole('button', { name: 'Sign out' }).click();
    await signIn(service.jira.agent.email, service.jira.agent.apiToken);
    // Assess
    await page.getByText('Only Jira administrators can see and change user syncing.', { exact: false }).waitFor();
    expect(await syncSwitch().count()).toBe(0);
    await page.getByRole('heading', { name: 'Contacts' }).waitFor();
    expect(pageErrors).toEqual([]);
  });

  it('explains to a JSM customer, whose login Jira accepts, why the CRM does not open', async () => {
    // Prepare
    const customer = service.jira.accounts().find((account) => account.accountType === 'customer' && account.active);
    const token = service.jira.issueToken(customer?.accountId ?? '');
    await page.getByRole('button', { name: 'Sign out' }).click();
    // Act
    await signIn(token.email, token.apiToken);
    // Assess
    await page.getByText('Jira knows this account, but it may not open the CRM.', { exact: false }).waitFor();
    await page.getByText("Jira Service Management customer's account", { exact: false }).waitFor();
    expect(await page.getByRole('heading', { name: 'Contacts' }).count()).toBe(0);
    expect(pageErrors).toEqual([]);
  });
});
