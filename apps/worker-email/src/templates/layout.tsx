import { Body, Button, Container, Head, Heading, Hr, Html, Img, Link, Preview, Section, Text } from '@react-email/components';
import type { ReactNode } from 'react';
import { useEmailContext } from './email-context.js';

const styles = {
  body: { backgroundColor: '#f6f7f9', fontFamily: 'Helvetica, Arial, sans-serif', margin: 0, padding: '24px 0' },
  container: {
    backgroundColor: '#ffffff',
    borderRadius: '8px',
    margin: '0 auto',
    maxWidth: '560px',
    padding: '32px',
    boxSizing: 'border-box',
  },
  header: { margin: '0 0 24px' },
  brandName: { fontSize: '18px', fontWeight: 700, margin: 0 },
  heading: { color: '#111827', fontSize: '22px', lineHeight: '30px', margin: '0 0 16px' },
  text: { color: '#374151', fontSize: '15px', lineHeight: '24px' },
  button: {
    borderRadius: '6px',
    color: '#ffffff',
    display: 'inline-block',
    fontSize: '15px',
    padding: '12px 20px',
    textDecoration: 'none',
  },
  fallback: { color: '#6b7280', fontSize: '13px', lineHeight: '20px', wordBreak: 'break-all' },
  footer: { color: '#6b7280', fontSize: '12px', lineHeight: '18px', margin: '8px 0' },
} as const;

/**
 * The frame every template shares: the brand's logo (or name) above a heading and the body, and
 * a footer with why the email came, where to ask, and the company's name and postal address.
 * Links and buttons take the brand's colour.
 */
export function Layout({ preview, heading, children }: { preview: string; heading: string; children: ReactNode }) {
  const { brand, subject, unsubscribeUrl } = useEmailContext();
  const link = { color: brand.primaryColor };
  return (
    <Html lang="en">
      <Head>
        <title>{subject}</title>
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="color-scheme" content="light" />
        <meta name="supported-color-schemes" content="light" />
      </Head>
      <Preview>{preview}</Preview>
      <Body style={styles.body}>
        <Container style={styles.container}>
          <Section style={styles.header}>
            {brand.logoUrl ? (
              <Img src={brand.logoUrl} alt={brand.name} height="32" />
            ) : (
              <Text style={{ ...styles.brandName, color: brand.primaryColor }}>{brand.name}</Text>
            )}
          </Section>
          <Heading as="h1" style={styles.heading}>
            {heading}
          </Heading>
          {children}
          <Hr />
          {unsubscribeUrl === undefined ? (
            <Text style={styles.footer}>You receive this email because of your {brand.name} account.</Text>
          ) : (
            <Text style={styles.footer}>
              You receive this digest because you have a {brand.name} account.{' '}
              <Link href={unsubscribeUrl} style={link}>
                Unsubscribe
              </Link>{' '}
              from digests; emails about your account still reach you.
            </Text>
          )}
          {brand.supportAddress ? (
            <Text style={styles.footer}>
              Questions? Write to{' '}
              <Link href={`mailto:${brand.supportAddress}`} style={link}>
                {brand.supportAddress}
              </Link>
              ; replies to this email are not read.
            </Text>
          ) : null}
          <Text style={styles.footer} data-footer="">
            {brand.name}
            {brand.postalAddress ? ` · ${brand.postalAddress}` : ''}
          </Text>
        </Container>
      </Body>
    </Html>
  );
}

export function Paragraph({ children }: { children: ReactNode }) {
  return <Text style={styles.text}>{children}</Text>;
}

/**
 * A button in the brand's colour, then the same address as text: some clients strip buttons. The
 * plain-text part keeps only the second, so each address appears once there.
 */
export function ActionLink({ href, label }: { href: string; label: string }) {
  const { brand } = useEmailContext();
  return (
    <>
      <Button href={href} style={{ ...styles.button, backgroundColor: brand.primaryColor }} data-skip-in-text="true">
        {label}
      </Button>
      <Text style={styles.fallback}>
        {label}:{' '}
        <Link href={href} style={{ color: brand.primaryColor }}>
          {href}
        </Link>
      </Text>
    </>
  );
}
