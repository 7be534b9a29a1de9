import type { EmailTemplateData } from '@nightshift/contracts';
import { Column, Row, Section, Text } from '@react-email/components';
import { ActionLink, Layout, Paragraph } from './layout.js';

export const invoiceSubject = (data: EmailTemplateData<'invoice'>) => `Invoice ${data.invoiceNumber}`;

/** `amountCents` is in the currency's minor unit: cents for EUR, yen for JPY (no decimals). */
export function formatAmount(amountMinor: number, currency: string): string {
  const format = new Intl.NumberFormat('en', { style: 'currency', currency });
  const decimals = format.resolvedOptions().maximumFractionDigits ?? 2;
  return format.format(amountMinor / 10 ** decimals);
}

type Party = NonNullable<EmailTemplateData<'invoice'>['billedTo']>;

const styles = {
  label: { color: '#6b7280', fontSize: '12px', lineHeight: '18px', margin: '0', textTransform: 'uppercase' },
  party: { color: '#374151', fontSize: '14px', lineHeight: '20px', margin: '0 0 16px', whiteSpace: 'pre-line' },
  cell: { color: '#374151', fontSize: '14px', lineHeight: '20px', padding: '6px 0', borderBottom: '1px solid #eaeaea' },
  amount: { textAlign: 'right' },
  total: { color: '#111827', fontSize: '15px', fontWeight: 700, padding: '10px 0' },
} as const;

function PartyBlock({ label, party }: { label: string; party: Party }) {
  const lines = [party.name, party.address, party.email, party.taxId ? `Tax ID ${party.taxId}` : undefined].filter(Boolean);
  return (
    <Column style={{ verticalAlign: 'top', width: '50%' }}>
      <Text style={styles.label}>{label}</Text>
      <Text style={styles.party}>{lines.join('\n')}</Text>
    </Column>
  );
}

export function InvoiceEmail({
  invoiceNumber,
  amountCents,
  currency,
  dueDate,
  invoiceUrl,
  lineItems = [],
  billedTo,
  issuer,
  attachmentFileId,
}: EmailTemplateData<'invoice'>) {
  const amount = formatAmount(amountCents, currency);
  return (
    <Layout preview={`Invoice ${invoiceNumber}: ${amount}`} heading={`Invoice ${invoiceNumber}`}>
      {issuer || billedTo ? (
        <Section>
          <Row>
            {issuer ? <PartyBlock label="From" party={issuer} /> : null}
            {billedTo ? <PartyBlock label="Billed to" party={billedTo} /> : null}
          </Row>
        </Section>
      ) : null}
      {lineItems.length > 0 ? (
        <Section>
          {lineItems.map((item, index) => (
            // Items carry no id; their order is the invoice's and never changes.
            <Row key={index}>
              <Column style={styles.cell}>
                {item.quantity > 1 ? `${item.quantity} × ${item.description}` : item.description}
              </Column>
              <Column style={{ ...styles.cell, ...styles.amount }}>
                {formatAmount(item.quantity * item.unitAmountCents, currency)}
              </Column>
            </Row>
          ))}
          <Row>
            <Column style={styles.total}>Total</Column>
            <Column style={{ ...styles.total, ...styles.amount }}>{amount}</Column>
          </Row>
        </Section>
      ) : null}
      <Paragraph>
        Amount due: <strong>{amount}</strong>
        {dueDate === undefined ? null : <>, by {dueDate}</>}.
      </Paragraph>
      {attachmentFileId === undefined ? null : <Paragraph>The invoice is attached as a PDF.</Paragraph>}
      {invoiceUrl === undefined ? null : <ActionLink href={invoiceUrl} label="View the invoice" />}
    </Layout>
  );
}
