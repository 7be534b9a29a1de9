import type { EmailJob } from '@nightshift/contracts';
import { type Browser, launchChromium, screenshotPath } from '@nightshift/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderEmail } from '../src/templates/index.js';

/**
 * Every template as a person sees it: rendered, then laid out by a real Chromium at a phone's
 * width and a desktop's. Screenshots go to `.data/screenshots/email/<template>-<width>.png`.
 */
let browser: Browser;
beforeAll(async () => {
  browser = await launchChromium();
}, 60_000);
afterAll(() => browser?.close());

const to = 'ada@example.com';
// A long unbroken address is what pushes a narrow layout sideways, if anything does.
const longUrl = `https://app.example.com/activate/${'a1b2c3d4e5'.repeat(12)}`;
const brand = {
  name: 'Acme',
  logoUrl: `data:image/svg+xml;base64,${Buffer.from(
    '<svg xmlns="http://www.w3.org/2000/svg" width="96" height="32"><rect width="96" height="32" rx="6" fill="#0a7f5a"/></svg>',
  ).toString('base64')}`,
  postalAddress: '1 Main Street, Springfield',
  primaryColor: '#0a7f5a',
  supportAddress: 'help@acme.test',
};

/** One job per template, each with its call to action where it has one. */
const examples: { email: EmailJob; button: boolean }[] = [
  { email: { to, template: 'welcome', data: { name: 'Ada Lovelace', activationUrl: longUrl } }, button: true },
  { email: { to, template: 'reset-password', data: { resetUrl: longUrl, expiresInMinutes: 60 } }, button: true },
  {
    email: {
      to,
      template: 'invoice',
      data: {
        invoiceNumber: 'INV-2026-0042',
        amountCents: 4_500,
        currency: 'EUR',
        dueDate: '2026-12-31',
        invoiceUrl: longUrl,
        lineItems: [
          {
            description: 'Pro plan, December, with a description long enough to wrap on a phone',
            quantity: 1,
            unitAmountCents: 2_500,
          },
          { description: 'Extra seat', quantity: 2, unitAmountCents: 1_000 },
        ],
        issuer: { name: 'Acme Ltd', address: '1 Main Street\nSpringfield', taxId: 'GB123456789' },
        billedTo: { name: 'Ada Lovelace', address: '12 St James Square\nLondon', email: to },
      },
    },
    button: true,
  },
  { email: { to, template: 'trial-expiry', data: { name: 'Ada', daysLeft: 3, upgradeUrl: longUrl } }, button: true },
  {
    email: {
      to,
      template: 'weekly-digest',
      data: {
        name: 'Ada',
        items: [
          { title: 'Queue latency down 40% after the November release', url: 'https://app.example.com/posts/1' },
          { title: 'Reports now carry totals', url: 'https://app.example.com/posts/2' },
        ],
      },
    },
    button: false,
  },
  {
    email: { to, template: 'report-ready', data: { reportTitle: 'Quarterly sales', downloadUrl: longUrl } },
    button: true,
  },
];

describe.each([390, 1280])('every template at %i px', (width) => {
  it.each(examples)(
    '$email.template fits, shows its button and its footer',
    async ({ email, button }) => {
      const unsubscribeUrl =
        email.template === 'weekly-digest' ? 'https://api.acme.test/v1/unsubscribe?email=a&signature=b' : undefined;
      const { html } = await renderEmail(email, { brand, ...(unsubscribeUrl === undefined ? {} : { unsubscribeUrl }) });
      const page = await browser.newPage({ viewport: { width, height: 900 } });
      try {
        await page.setContent(html, { waitUntil: 'load' });
        // A string, run in the page: this package compiles without the DOM's types.
        const layout = (await page.evaluate(
          '({ scrollWidth: document.documentElement.scrollWidth, innerWidth: window.innerWidth })',
        )) as { scrollWidth: number; innerWidth: number };
        expect(layout.scrollWidth, 'no horizontal scroll').toBeLessThanOrEqual(layout.innerWidth);

        if (button) {
          const action = page.locator('a[data-skip-in-text="true"]');
          await expect.poll(() => action.isVisible()).toBe(true);
          const box = await action.boundingBox();
          expect(box?.width).toBeGreaterThan(0);
          expect((box?.x ?? 0) + (box?.width ?? 0)).toBeLessThanOrEqual(width);
        }
        const footer = page.locator('[data-footer]');
        expect(await footer.isVisible()).toBe(true);
        expect(await footer.textContent()).toBe('Acme · 1 Main Street, Springfield');
        expect(await page.locator('img[alt="Acme"]').isVisible()).toBe(true);
        if (unsubscribeUrl) expect(await page.getByRole('link', { name: 'Unsubscribe' }).isVisible()).toBe(true);

        await page.screenshot({ path: screenshotPath('email', `${email.template}-${width}`), fullPage: true });
      } finally {
        await page.close();
      }
    },
    60_000,
  );
});
