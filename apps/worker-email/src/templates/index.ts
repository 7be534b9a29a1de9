import type { EmailJob, EmailTemplate, EmailTemplateData } from '@nightshift/contracts';
import { render, toPlainText } from '@react-email/render';
import { createElement, type ReactElement } from 'react';
import { EmailContext, type EmailContextValue } from './email-context.js';
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
}

/** One entry per contract template: a template added to the contract without one here does not compile. */
const templates: { [T in EmailTemplate]: TemplateDefinition<T> } = {
  welcome: { subject: welcomeSubject, component: WelcomeEmail },
  'reset-password': { subject: resetPasswordSubject, component: ResetPasswordEmail },
  invoice: { subject: invoiceSubject, component: InvoiceEmail },
  'trial-expiry': { subject: trialExpirySubject, component: TrialExpiryEmail },
  'weekly-digest': { subject: weeklyDigestSubject, component: WeeklyDigestEmail },
  'report-ready': { subject: reportReadySubject, component: ReportReadyEmail },
};

export interface RenderedEmail {
  subject: string;
  html: string;
  text: string;
}

/** HTML through React (which escapes every value it is given), plain text derived from that HTML. */
export async function renderEmail(email: EmailJob, context: EmailContextValue = {}): Promise<RenderedEmail> {
  return renderTemplate(email.template, email.data as EmailTemplateData<typeof email.template>, email.subject, context);
}

async function renderTemplate<T extends EmailTemplate>(
  template: T,
  data: EmailTemplateData<T>,
  subject: string | undefined,
  context: EmailContextValue,
): Promise<RenderedEmail> {
  const definition: TemplateDefinition<T> = templates[template];
  const html = await render(createElement(EmailContext.Provider, { value: context }, definition.component(data)));
  return { subject: subject ?? definition.subject(data), html, text: toPlainText(html) };
}
