import { type EmailJob, emailJobSchema } from '@nightshift/contracts';
import { describe, expect, it } from 'vitest';
import { renderEmail } from './index.js';
import { formatAmount } from './invoice.js';

const to = 'user@example.com';

/** One job per template, as the seed examples and the report flow write them. */
const examples: EmailJob[] = [
  { to, template: 'welcome', data: { name: 'John Doe', activationUrl: 'https://app.example.com/activate/abc123' } },
  { to, template: 'reset-password', data: { resetUrl: 'https://app.example.com/reset/xyz789' } },
  { to, template: 'invoice', data: { invoiceNumber: 'INV-7', amountCents: 123_45, currency: 'EUR' } },
  { to, template: 'trial-expiry', data: {} },
  { to, template: 'weekly-digest', data: {} },
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
    // The text part is text: the name reads as typed (headings come out upper-cased).
    expect(rendered.text).toMatch(/<script>alert\("x"\)<\/script>/i);
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
