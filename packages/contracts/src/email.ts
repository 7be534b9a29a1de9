import { z } from 'zod';
import { defineContract } from './define-contract.js';
import { boundedText, headerText, httpUrl, replaceControlCharacters } from './fields.js';
import { type PayloadRecord, UpcastError, type Upcaster } from './versions/upcaster.js';

/** A party on an invoice: who bills and who is billed. */
const invoiceParty = z.strictObject({
  name: boundedText(200),
  /** Postal address, lines separated by newlines. */
  address: boundedText(500).optional(),
  email: z.email().max(254).optional(),
  /** VAT or other tax number. */
  taxId: boundedText(64).optional(),
});

/**
 * Each template's `data` has its own schema, so a producer cannot queue an email
 * that its template cannot render. Templates that need nothing accept `{}`.
 */
export const emailTemplateData = {
  welcome: z.strictObject({
    // Each field that a template's default subject holds is header text.
    name: headerText(200),
    activationUrl: httpUrl,
  }),
  'reset-password': z.strictObject({
    resetUrl: httpUrl,
    expiresInMinutes: z.int().min(1).max(10_080).optional(),
  }),
  invoice: z.strictObject({
    invoiceNumber: headerText(64),
    /** The total due, in the currency's minor unit. */
    amountCents: z.int().min(0).max(1_000_000_000_00),
    currency: z.string().regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code such as EUR'),
    dueDate: z.iso.date().optional(),
    invoiceUrl: httpUrl.optional(),
    /** What is billed, one row each, amounts in the minor unit like `amountCents`. */
    lineItems: z
      .array(
        z.strictObject({
          description: boundedText(300),
          quantity: z.int().min(1).max(1_000_000),
          unitAmountCents: z.int().min(0).max(1_000_000_000_00),
        }),
      )
      .max(100)
      .optional(),
    billedTo: invoiceParty.optional(),
    issuer: invoiceParty.optional(),
    /** A file in storage (a PDF worker's output, `pdf-<job id>.pdf`) attached to the email. */
    attachmentFileId: z
      .string()
      .max(200)
      .regex(/^[A-Za-z0-9_-]+(\.[A-Za-z0-9]+)*$/, 'must be a file id such as pdf-42.pdf')
      .optional(),
  }),
  'trial-expiry': z.strictObject({
    name: boundedText(200).optional(),
    daysLeft: z.int().min(0).max(365).optional(),
    /** Required since version 2: the email's one call to action links there. */
    upgradeUrl: httpUrl,
  }),
  'weekly-digest': z.strictObject({
    name: boundedText(200).optional(),
    items: z
      .array(z.strictObject({ title: boundedText(300), url: httpUrl }))
      .max(50)
      .optional(),
  }),
  'report-ready': z.strictObject({
    reportTitle: headerText(300),
    downloadUrl: httpUrl,
  }),
} as const;

export type EmailTemplate = keyof typeof emailTemplateData;
/** What one template's `data` holds, e.g. `EmailTemplateData<'welcome'>`. */
export type EmailTemplateData<T extends EmailTemplate> = z.infer<(typeof emailTemplateData)[T]>;
export const emailTemplates = Object.keys(emailTemplateData) as [EmailTemplate, ...EmailTemplate[]];

/**
 * Transactional mail answers something the recipient did or must know; bulk mail goes out on a
 * schedule to many. Bulk mail carries one-click unsubscribe (RFC 8058), and an address that
 * unsubscribed gets no more of it, while transactional mail still reaches it.
 */
export type EmailKind = 'transactional' | 'bulk';
export const emailTemplateKinds: { readonly [T in EmailTemplate]: EmailKind } = {
  welcome: 'transactional',
  'reset-password': 'transactional',
  invoice: 'transactional',
  'trial-expiry': 'transactional',
  'weekly-digest': 'bulk',
  'report-ready': 'transactional',
};

const emailAddress = z.email().max(254);

const emailFor = <T extends EmailTemplate>(template: T) =>
  z.strictObject({
    to: emailAddress,
    /** Optional: each template has a default subject. */
    subject: headerText(200).optional(),
    template: z.literal(template),
    data: emailTemplateData[template],
    /**
     * Send even when the address is on the suppression list (it bounced, complained or
     * unsubscribed): for mail the recipient asked for after fixing their mailbox, such as a
     * password reset. Without it the API refuses the job (422) and the worker fails it unsent.
     */
    ignoreSuppression: z.literal(true).optional(),
  });

export const emailJobSchema = z.discriminatedUnion('template', [
  emailFor('welcome'),
  emailFor('reset-password'),
  emailFor('invoice'),
  emailFor('trial-expiry'),
  emailFor('weekly-digest'),
  emailFor('report-ready'),
]);
export type EmailJob = z.infer<typeof emailJobSchema>;

export const emailResultSchema = z.union([
  z.strictObject({
    /** The provider's message id, or the outbox path in development. */
    id: z.string(),
    sentAt: z.iso.datetime(),
  }),
  /** Nothing worth sending (a weekly digest with no items): the job completes without an email. */
  z.strictObject({ skipped: z.literal(true), reason: z.string() }),
]);
export type EmailResult = z.infer<typeof emailResultSchema>;

/** The fields of a payload that become the subject: the job's own, or its template's default. */
const headerFields = ['name', 'invoiceNumber', 'reportTitle'] as const;
const withoutControls = (value: unknown) => (typeof value === 'string' ? replaceControlCharacters(value) : value);

/**
 * Version 2 requires trial-expiry's `upgradeUrl` (its call to action has nowhere to go without
 * one), adds the skipped result, and refuses control characters in header text and links with
 * user info. A version 1 job still in a queue gets a space for each control character of its
 * header text; a trial-expiry job without a URL cannot be completed, and a link with user info
 * stays, so the job fails on it, naming the field, rather than sending it.
 */
const toVersion2: Upcaster = {
  from: 1,
  upgrade: (payload) => {
    const data = payload.data as PayloadRecord | undefined;
    if (payload.template === 'trial-expiry' && data?.upgradeUrl === undefined) {
      throw new UpcastError('data.upgradeUrl', 'is required since version 2: the email links to it to upgrade');
    }
    const upgraded: PayloadRecord = { ...payload };
    if (payload.subject !== undefined) upgraded.subject = withoutControls(payload.subject);
    if (data && typeof data === 'object') {
      const cleaned: PayloadRecord = { ...data };
      for (const field of headerFields) if (field in data) cleaned[field] = withoutControls(data[field]);
      upgraded.data = cleaned;
    }
    return upgraded;
  },
  examples: [
    {
      before: { to: 'ada@example.com', template: 'trial-expiry', data: { upgradeUrl: 'https://app.example.com/upgrade' } },
      after: { to: 'ada@example.com', template: 'trial-expiry', data: { upgradeUrl: 'https://app.example.com/upgrade' } },
    },
    {
      before: {
        to: 'ada@example.com',
        subject: 'Hi\r\nBcc: all@example.com',
        template: 'invoice',
        data: { invoiceNumber: 'INV\n1', amountCents: 1, currency: 'EUR' },
      },
      after: {
        to: 'ada@example.com',
        subject: 'Hi  Bcc: all@example.com',
        template: 'invoice',
        data: { invoiceNumber: 'INV 1', amountCents: 1, currency: 'EUR' },
      },
    },
    {
      before: { to: 'ada@example.com', template: 'weekly-digest', data: {} },
      after: { to: 'ada@example.com', template: 'weekly-digest', data: {} },
    },
  ],
};

export const emailContract = defineContract({
  version: 2,
  data: emailJobSchema,
  result: emailResultSchema,
  upcasters: [toVersion2],
  jobNames: emailTemplates,
  examples: [
    {
      to: 'ada@example.com',
      subject: 'Welcome to Nightshift',
      template: 'welcome',
      data: { name: 'Ada', activationUrl: 'https://app.example.com/activate/abc' },
    },
    {
      to: 'ada@example.com',
      template: 'reset-password',
      data: { resetUrl: 'https://app.example.com/reset/xyz', expiresInMinutes: 60 },
    },
    { to: 'ada@example.com', template: 'trial-expiry', data: { daysLeft: 3, upgradeUrl: 'https://app.example.com/upgrade' } },
    {
      to: 'ada@example.com',
      template: 'weekly-digest',
      data: { items: [{ title: 'Queue latency down 40%', url: 'https://app.example.com/posts/1' }] },
    },
    {
      to: 'ada@example.com',
      template: 'invoice',
      data: {
        invoiceNumber: 'INV-1',
        amountCents: 1999,
        currency: 'EUR',
        lineItems: [{ description: 'Pro plan, December', quantity: 1, unitAmountCents: 1999 }],
        billedTo: { name: 'Ada Lovelace', address: '12 St James Square\nLondon' },
        issuer: { name: 'Acme Ltd', address: '1 Main Street\nSpringfield', taxId: 'GB123456789' },
      },
    },
    {
      to: 'ada@example.com',
      template: 'report-ready',
      data: { reportTitle: 'Q3', downloadUrl: 'http://localhost:3000/v1/files/a.pdf' },
    },
  ],
});
