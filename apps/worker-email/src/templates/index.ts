import type { EmailJob, EmailTemplate, EmailTemplateData } from '@nightshift/contracts';
import { render, toPlainText } from '@react-email/render';
import { createElement, type ReactElement } from 'react';
import { type Brand, DEFAULT_BRAND } from './brand.js';
import { EmailContext } from './email-context.js';
import { InvoiceEmail, invoiceSubject } from './invoice.js';
import { ReportReadyEmail, reportReadySubject } from './report-ready.js';
import { ResetPasswordEmail, resetPasswordSubject } from './reset-password.js';
import { TrialExpiryEmail, trialExpirySubject } from './trial-expiry.js';
import { WeeklyDigestEmail, weeklyDigestSubject } from './weekly-digest.js';
import { WelcomeEmail, welcomeSubject } from './welcome.js';

interface TemplateDefinition<T extends EmailTemplate> {
  /** Used when the job gives no `subject`. */
  subject(data: EmailTemplateData<T>): string;
  component(data: EmailTemplateData<T>): ReactElement;
  /** Why this email is not worth sending, if it is not (a digest with nothing in it). */
  skip?(data: EmailTemplateData<T>): string | undefined;
}

/** One entry per contract template: a template added to the contract without one here does not compile. */
const templates: { [T in EmailTemplate]: TemplateDefinition<T> } = {
  welcome: { subject: welcomeSubject, component: WelcomeEmail },
  'reset-password': { subject: resetPasswordSubject, component: ResetPasswordEmail },
  invoice: { subject: invoiceSubject, component: InvoiceEmail },
  'trial-expiry': { subject: trialExpirySubject, component: TrialExpiryEmail },
  'weekly-digest': {
    subject: weeklyDigestSubject,
    component: WeeklyDigestEmail,
    skip: (data) => ((data.items ?? []).length === 0 ? 'the weekly digest has no items' : undefined),
  },
  'report-ready': { subject: reportReadySubject, component: ReportReadyEmail },
};

export interface RenderedEmail {
  subject: string;
  html: string;
  text: string;
}

/** Why the job's email is not worth sending, or undefined when it is. */
export function skipReason(email: EmailJob): string | undefined {
  const definition = templates[email.template] as TemplateDefinition<typeof email.template>;
  return definition.skip?.(email.data as EmailTemplateData<typeof email.template>);
}

export interface RenderOptions {
  brand?: Brand;
  /** Bulk mail: the signed one-click unsubscribe link for the footer. */
  unsubscribeUrl?: string;
}

/** Headings read as written and links once each: the plain text is meant to read like a written email. */
const textSelectors = ['h1', 'h2', 'h3'].map((selector) => ({ selector, options: { uppercase: false } }));

/** HTML through React (which escapes every value it is given), plain text derived from that HTML. */
export async function renderEmail(email: EmailJob, context: RenderOptions = {}): Promise<RenderedEmail> {
  return renderTemplate(email.template, email.data as EmailTemplateData<typeof email.template>, email.subject, context);
}

async function renderTemplate<T extends EmailTemplate>(
  template: T,
  data: EmailTemplateData<T>,
  subject: string | undefined,
  { brand = DEFAULT_BRAND, unsubscribeUrl }: RenderOptions,
): Promise<RenderedEmail> {
  const definition: TemplateDefinition<T> = templates[template];
  const title = subject ?? definition.subject(data);
  const value = { brand, subject: title, ...(unsubscribeUrl === undefined ? {} : { unsubscribeUrl }) };
  const html = withoutComments(await render(createElement(EmailContext.Provider, { value }, definition.component(data))));
  return { subject: title, html, text: toPlainText(html, { selectors: textSelectors }).trim() };
}

/**
 * React's markers (`<!--$-->`, `<!-- -->` between text nodes) mean nothing in an email and some
 * clients show them; Outlook's conditional comments (`<!--[if mso]>`) are kept, since it reads them.
 */
function withoutComments(html: string): string {
  return html.replace(/<!--(?!\[if )[\s\S]*?-->/g, '');
}
