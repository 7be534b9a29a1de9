import type { EmailTemplateData } from '@nightshift/contracts';
import { ActionLink, Layout, Paragraph } from './layout.js';

export const invoiceSubject = (data: EmailTemplateData<'invoice'>) => `Invoice ${data.invoiceNumber}`;

/** `amountCents` is in the currency's minor unit: cents for EUR, yen for JPY (no decimals). */
export function formatAmount(amountMinor: number, currency: string): string {
  const format = new Intl.NumberFormat('en', { style: 'currency', currency });
  const decimals = format.resolvedOptions().maximumFractionDigits ?? 2;
  return format.format(amountMinor / 10 ** decimals);
}

export function InvoiceEmail({ invoiceNumber, amountCents, currency, dueDate, invoiceUrl }: EmailTemplateData<'invoice'>) {
  const amount = formatAmount(amountCents, currency);
  return (
    <Layout preview={`Invoice ${invoiceNumber}: ${amount}`} heading={`Invoice ${invoiceNumber}`}>
      <Paragraph>
        Amount due: <strong>{amount}</strong>
        {dueDate === undefined ? null : <>, by {dueDate}</>}.
      </Paragraph>
      {invoiceUrl === undefined ? null : <ActionLink href={invoiceUrl} label="View the invoice" />}
    </Layout>
  );
}
