import { mkdir, readFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { type Browser, chromium, type Page } from 'playwright-core';
import request from 'supertest';
import { createDashboard } from '../support/dashboards.js';
import { startTestApp, TestApp } from '../support/test-app.js';
import { bearer, tokenFor } from '../support/tokens.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const ARTIFACTS = 'test-results/console';

/** The audit console in Chromium: sign-in, the log, filters, a diff, verify, export, and a non-admin refused. */
describe('audit console in a browser', () => {
  let testApp: TestApp;
  let browser: Browser;
  let base: string;
  const tenant = 'console-browser';
  const adminToken = tokenFor({ tenant, sub: 'ada', roles: ['admin'] }, { expiresIn: '30m' });
  const user = bearer(tokenFor({ tenant, sub: 'ursula' }, { expiresIn: '30m' }));

  beforeAll(async () => {
    await mkdir(ARTIFACTS, { recursive: true });
    testApp = await startTestApp({ NODE_ENV: 'development' });
    await testApp.app.listen(0, '127.0.0.1');
    base = `http://127.0.0.1:${(testApp.app.getHttpServer().address() as AddressInfo).port}`;
    const dashboard = await createDashboard(testApp, user, { name: 'Quarterly revenue' });
    await request(testApp.server)
      .patch(`/api/dashboards/${dashboard.id}`)
      .set(user)
      .set('If-Match', `"${dashboard.version}"`)
      .send({ name: 'Quarterly revenue (EU)' });
    await createDashboard(testApp, user, { name: 'Churn' });
    browser = await chromium.launch({ executablePath: CHROMIUM });
  });
  afterAll(async () => {
    await browser?.close();
    await testApp?.close();
  });

  async function signIn(page: Page, token: string) {
    await page.goto(`${base}/console/`);
    await page.getByLabel('Bearer token').fill(token);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  }

  it('signs an administrator in and shows the entries the API calls made, newest first', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const errors: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error') errors.push(message.text());
    });
    await signIn(page, adminToken);
    await page.getByRole('heading', { name: 'Audit log' }).waitFor();
    await page.locator('#entries tbody tr').first().waitFor();
    const actions = await page.locator('#entries tbody tr td:nth-child(3)').allTextContents();
    expect(actions).toEqual(expect.arrayContaining(['dashboard.create', 'dashboard.update']));
    await page.locator('#chart svg rect').first().waitFor();
    await page.screenshot({ path: `${ARTIFACTS}/log.png`, fullPage: true });
    await page.screenshot({ path: 'docs/console.png' });
    expect(errors).toEqual([]);

    // Filters go into the URL; a reload keeps them.
    await page.getByLabel('Action or prefix').fill('dashboard.update');
    await page.getByRole('button', { name: 'Apply' }).click();
    await page.waitForURL(/action=dashboard.update/);
    await page.reload();
    await page.locator('#list-status', { hasText: 'entries shown' }).waitFor();
    const filtered = await page.locator('#entries tbody tr td:nth-child(3)').allTextContents();
    expect(filtered.length).toBeGreaterThan(0);
    expect(new Set(filtered)).toEqual(new Set(['dashboard.update']));
    expect(await page.getByLabel('Action or prefix').inputValue()).toBe('dashboard.update');

    // The entry's diff.
    await page.locator('#entries tbody tr').first().click();
    const dialog = page.getByRole('dialog');
    await dialog.waitFor();
    const diff = await page.locator('#diff tbody tr').allTextContents();
    expect(diff.some((row) => row.includes('"Quarterly revenue"') && row.includes('"Quarterly revenue (EU)"'))).toBe(true);
    await page.screenshot({ path: `${ARTIFACTS}/detail.png` });
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden' });
    await page.close();
  });

  it('verifies the chains with a progress bar', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await signIn(page, adminToken);
    await page.getByRole('button', { name: 'Verify the chains' }).click();
    await page.locator('#verify-result.ok').waitFor();
    expect(await page.locator('#verify-result').textContent()).toMatch(/^Intact: all \d+ entries/);
    await page.close();
  });

  it('exports the current filter, line for line what the API exports', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 }, acceptDownloads: true });
    await signIn(page, adminToken);
    await page.goto(`${base}/console/?action=dashboard.`);
    await page.locator('#entries tbody tr').first().waitFor();
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Export the filtered entries' }).click(),
    ]);
    const file = await readFile((await download.path())!, 'utf8');
    const api = await request(testApp.server)
      .get('/api/audit-logs/export')
      .query({ action: 'dashboard.', format: 'ndjson' })
      .set(bearer(adminToken))
      .expect(200);
    const ids = (text: string) =>
      text
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line).id as string);
    expect(ids(file)).toEqual(ids(api.text));
    expect(ids(file).length).toBeGreaterThanOrEqual(3);
    await page.close();
  });

  it('tells a user without the admin role that the console is for administrators', async () => {
    const page = await browser.newPage({ viewport: { width: 390, height: 844 } });
    await signIn(page, tokenFor({ tenant, sub: 'ursula' }, { expiresIn: '30m' }));
    await page.getByRole('heading', { name: 'Administrators only' }).waitFor();
    expect(await page.locator('#console').isHidden()).toBe(true);
    await page.screenshot({ path: `${ARTIFACTS}/denied-phone.png` });
    await page.close();
  });

  it('signs in with one click in development and fits a phone', async () => {
    const page = await browser.newPage({ viewport: { width: 390, height: 844 } });
    await page.goto(`${base}/console/`);
    await page.getByRole('button', { name: 'Sign in with a development token' }).click();
    await page.getByRole('heading', { name: 'Audit log' }).waitFor();
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await page.screenshot({ path: `${ARTIFACTS}/phone.png`, fullPage: true });
    await page.close();
  });
});
