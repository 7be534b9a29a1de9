import { queueNames } from '@nightshift/contracts';
import { type Browser, launchChromium, screenshotPath } from '@nightshift/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN, startTestApp, type TestApp, welcomeEmail } from './helpers.js';

/**
 * The docs page and the dashboard as a person sees them: a real Chromium loads them from the
 * API listening on a port, with credentials. Screenshots go to `.data/screenshots/api/`.
 */
let t: TestApp;
let browser: Browser;
let base: string;
beforeAll(async () => {
  t = await startTestApp();
  await t.app.queues.email.add('welcome', welcomeEmail(), { jobId: 'browser-welcome' });
  base = await t.app.listen({ port: 0, host: '127.0.0.1' });
  browser = await launchChromium();
}, 60_000);
afterAll(async () => {
  await browser?.close();
  await t.close();
});

describe('in a browser', () => {
  it('the docs page shows Nightshift, the main routes first, and an example per email template', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.goto(`${base}/docs/`, { waitUntil: 'domcontentloaded' });
    await page.locator('.swagger-ui .info .title').waitFor({ timeout: 30_000 });
    expect(await page.title()).toBe('Nightshift API');
    expect(await page.locator('.swagger-ui .info .title').textContent()).toContain('Nightshift API');
    expect(await page.locator('.topbar img').getAttribute('src')).toMatch(/^data:image\/svg\+xml;base64,/);
    const sections = await page.locator('.opblock-tag-section .opblock-tag').allInnerTexts();
    expect(sections[0]).toMatch(/^jobs/);
    expect(sections.at(-1)).toMatch(/^operations/);

    const addEmailJob = page.locator('#operations-jobs-addEmailJob');
    await addEmailJob.locator('.opblock-summary').click();
    await expect.poll(() => addEmailJob.locator('.opblock-summary-description').textContent()).toBe('Add an email job');
    const examples = addEmailJob.locator('.examples-select select').first();
    await examples.waitFor({ timeout: 10_000 });
    const names = await examples.locator('option').allInnerTexts();
    for (const template of ['welcome', 'reset-password', 'invoice', 'trial-expiry', 'weekly-digest', 'report-ready']) {
      expect(names.join('\n')).toContain(template);
    }
    await page.screenshot({ path: screenshotPath('api', 'docs'), fullPage: true });
    await page.close();
  }, 120_000);

  it('the dashboard shows Nightshift, every queue and the job in it', async () => {
    const context = await browser.newContext({
      viewport: { width: 1280, height: 900 },
      httpCredentials: { username: ADMIN.user, password: ADMIN.password },
    });
    const page = await context.newPage();
    await page.goto(`${base}/admin/queues/queue/email?status=waiting`, { waitUntil: 'domcontentloaded' });
    const header = page.locator('header');
    await header.getByText('Nightshift').first().waitFor({ timeout: 30_000 });
    expect(await page.title()).toBe('Nightshift');
    expect(await header.locator('img').first().getAttribute('src')).toMatch(/^data:image\/svg\+xml;base64,/);
    for (const queue of queueNames) {
      await expect.poll(() => page.getByRole('link', { name: queue, exact: true }).count()).toBeGreaterThan(0);
    }
    await page.getByText('browser-welcome').first().waitFor({ timeout: 30_000 });
    await page.screenshot({ path: screenshotPath('api', 'dashboard'), fullPage: true });
    await context.close();
  }, 120_000);
});
