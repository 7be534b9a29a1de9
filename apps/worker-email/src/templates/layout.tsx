import { Body, Button, Container, Head, Heading, Hr, Html, Link, Preview, Text } from '@react-email/components';
import type { ReactNode } from 'react';
import { useEmailContext } from './email-context.js';

const styles = {
  body: { backgroundColor: '#f6f7f9', fontFamily: 'Helvetica, Arial, sans-serif', margin: 0, padding: '24px 0' },
  container: { backgroundColor: '#ffffff', borderRadius: '8px', margin: '0 auto', maxWidth: '560px', padding: '32px' },
  heading: { color: '#111827', fontSize: '22px', margin: '0 0 16px' },
  text: { color: '#374151', fontSize: '15px', lineHeight: '24px' },
  button: {
    backgroundColor: '#4f46e5',
    borderRadius: '6px',
    color: '#ffffff',
    display: 'inline-block',
    fontSize: '15px',
    padding: '12px 20px',
    textDecoration: 'none',
  },
  footer: { color: '#6b7280', fontSize: '12px', lineHeight: '18px' },
} as const;

/** The frame every template shares: a preview line, a heading, the body, a footer. */
export function Layout({ preview, heading, children }: { preview: string; heading: string; children: ReactNode }) {
  const { unsubscribeUrl } = useEmailContext();
  return (
    <Html lang="en">
      <Head />
      <Preview>{preview}</Preview>
      <Body style={styles.body}>
        <Container style={styles.container}>
          <Heading as="h1" style={styles.heading}>
            {heading}
          </Heading>
          {children}
          <Hr />
          {unsubscribeUrl === undefined ? (
            <Text style={styles.footer}>
              You receive this email because of your account. Replies to this address are not read.
            </Text>
          ) : (
            <Text style={styles.footer}>
              You receive this digest because you have an account. <Link href={unsubscribeUrl}>Unsubscribe</Link> from digests;
              emails about your account still reach you.
            </Text>
          )}
        </Container>
      </Body>
    </Html>
  );
}

export function Paragraph({ children }: { children: ReactNode }) {
  return <Text style={styles.text}>{children}</Text>;
}

/**
 * A button, followed by the same link as text: some clients strip buttons, and the
 * plain-text version needs the address spelled out.
 */
export function ActionLink({ href, label }: { href: string; label: string }) {
  return (
    <>
      <Button href={href} style={styles.button}>
        {label}
      </Button>
      <Text style={styles.footer}>
        Or open this link: <Link href={href}>{href}</Link>
      </Text>
    </>
  );
}
