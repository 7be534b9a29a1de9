import { type EmailJob, emailJobSchema } from '@nightshift/contracts';
import { describe, expect, it } from 'vitest';
import { renderEmail, skipReason } from './index.js';
import { formatAmount } from './invoice.js';

const to = 'user@example.com';

/** One job per template, as the seed examples and the report flow write them. */
const examples: EmailJob[] = [
  { to, template: 'welcome', data: { name: 'John Doe', activationUrl: 'https://app.example.com/activate/abc123' } },
  { to, template: 'reset-password', data: { resetUrl: 'https://app.example.com/reset/xyz789' } },
  { to, template: 'invoice', data: { invoiceNumber: 'INV-7', amountCents: 123_45, currency: 'EUR' } },
  { to, template: 'trial-expiry', data: { upgradeUrl: 'https://app.example.com/upgrade' } },
  {
    to,
    template: 'weekly-digest',
    data: { items: [{ title: 'Queue latency down 40%', url: 'https://app.example.com/posts/1' }] },
  },
  { to, template: 'report-ready', data: { reportTitle: 'November', downloadUrl: 'https://app.example.com/files/report.pdf' } },
];

describe('renderEmail', () => {
  it('renders every template to HTML and text with a default subject', async () => {
    const subjects: Record<string, string> = {};
    for (const example of examples) {
      const email = emailJobSchema.parse(example);
      const rendered = await renderEmail(email);
      expect(rendered.html).toMatch(/^<!DOCTYPE html/);
      expect(rendered.text.length).toBeGreaterThan(20);
      subjects[email.template] = rendered.subject;
    }
    expect(subjects).toEqual({
      welcome: 'Welcome, John Doe',
      'reset-password': 'Reset your password',
      invoice: 'Invoice INV-7',
      'trial-expiry': 'Your trial ends soon',
      'weekly-digest': 'Your weekly digest',
      'report-ready': 'Your report "November" is ready',
    });
  });

  it('puts the action links in the HTML and spells them out in the text', async () => {
    const rendered = await renderEmail({
      to,
      template: 'welcome',
      data: { name: 'Ada', activationUrl: 'https://app.example.com/activate/abc?x=1&y=2' },
    });
    expect(rendered.html).toContain('href="https://app.example.com/activate/abc?x=1&amp;y=2"');
    expect(rendered.text).toContain('https://app.example.com/activate/abc?x=1&y=2');

    const digest = await renderEmail({
      to,
      template: 'weekly-digest',
      data: { items: [{ title: 'Queue latency down 40%', url: 'https://app.example.com/posts/1' }] },
    });
    expect(digest.html).toContain('href="https://app.example.com/posts/1"');
    expect(digest.html).toContain('Queue latency down 40%');
  });

  it('escapes user data: a <script> in the name is text, never markup', async () => {
    const rendered = await renderEmail({
      to,
      template: 'welcome',
      data: { name: '<script>alert("x")</script>', activationUrl: 'https://app.example.com/a' },
    });
    expect(rendered.html).not.toContain('<script>');
    expect(rendered.html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;');
    // The text part is text: the name reads as typed.
    expect(rendered.text).toContain('<script>alert("x")</script>');
  });

  it('uses the subject the job gives over the default', async () => {
    const rendered = await renderEmail({ ...examples[0], subject: 'Welcome to our platform!' } as EmailJob);
    expect(rendered.subject).toBe('Welcome to our platform!');
  });

  it('formats amounts in the minor unit of their currency', () => {
    expect(formatAmount(123_45, 'EUR')).toBe('€123.45');
    expect(formatAmount(500, 'JPY')).toBe('¥500');
  });
});

const brand = {
  name: 'Acme',
  logoUrl: 'https://cdn.acme.test/logo.png',
  postalAddress: '1 Main Street, Springfield',
  primaryColor: '#0a7f5a',
  supportAddress: 'help@acme.test',
};

describe('the layout', () => {
  it('has a title, viewport and color-scheme, and no comments but Outlook’s', async () => {
    for (const example of examples) {
      const { html, subject } = await renderEmail(example, { brand });
      expect(html, example.template).toContain(`<title>${subject.replaceAll('"', '&quot;')}</title>`);
      expect(html).toContain('<meta name="viewport" content="width=device-width, initial-scale=1"/>');
      expect(html).toContain('<meta name="color-scheme" content="light"/>');
      expect(html.match(/<!--(?!\[if mso\])/g) ?? []).toEqual([]);
    }
  });

  it('shows the brand: logo in the header, name and postal address in the footer, its colour on buttons and links', async () => {
    const { html, text } = await renderEmail(examples[0] as EmailJob, { brand });
    expect(html).toContain('src="https://cdn.acme.test/logo.png"');
    expect(html).toContain('alt="Acme"');
    expect(html).toContain('Acme · 1 Main Street, Springfield');
    expect(html).toContain('background-color:#0a7f5a');
    expect(html).toContain('href="mailto:help@acme.test"');
    expect(text).toContain('Acme · 1 Main Street, Springfield');
  });

  it('reads as a written email in plain text: each address once, headings as written', async () => {
    for (const example of examples) {
      const { text } = await renderEmail(example, { brand });
      for (const url of text.match(/https?:\/\/\S+/g) ?? []) {
        expect(text.split(url).length - 1, `${example.template}: ${url}`).toBe(1);
      }
    }
    const { text } = await renderEmail(examples[0] as EmailJob, { brand });
    expect(text).toContain('Welcome, John Doe!');
    expect(text).toContain('Activate your account: https://app.example.com/activate/abc123');
  });
});

describe('the templates’ content', () => {
  it('skips a weekly digest with nothing in it, and only that', () => {
    expect(skipReason({ to, template: 'weekly-digest', data: {} })).toBe('the weekly digest has no items');
    expect(skipReason({ to, template: 'weekly-digest', data: { items: [] } })).toBe('the weekly digest has no items');
    for (const example of examples) expect(skipReason(example)).toBeUndefined();
  });

  it('requires trial-expiry’s upgrade URL, the one thing its button does', () => {
    const parsed = emailJobSchema.safeParse({ to, template: 'trial-expiry', data: { daysLeft: 3 } });
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues[0]?.path).toEqual(['data', 'upgradeUrl']);
  });

  it('lists an invoice’s line items, the issuer and the billed party', async () => {
    const { html, text } = await renderEmail({
      to,
      template: 'invoice',
      data: {
        invoiceNumber: 'INV-9',
        amountCents: 4_500,
        currency: 'EUR',
        lineItems: [
          { description: 'Pro plan', quantity: 1, unitAmountCents: 2_500 },
          { description: 'Extra seat', quantity: 2, unitAmountCents: 1_000 },
        ],
        issuer: { name: 'Acme Ltd', address: '1 Main Street\nSpringfield', taxId: 'GB123' },
        billedTo: { name: 'Ada Lovelace', email: 'ada@example.com' },
      },
    });
    expect(text).toMatch(/From\s+Acme Ltd\s+1 Main Street\s+Springfield\s+Tax ID GB123/);
    expect(text).toMatch(/Billed to\s+Ada Lovelace\s+ada@example.com/);
    expect(text).toMatch(/Pro plan\s+€25.00/);
    expect(text).toMatch(/2 × Extra seat\s+€20.00/);
    expect(text).toMatch(/Total\s+€45.00/);
    expect(html).toContain('2 × Extra seat');
  });
});
