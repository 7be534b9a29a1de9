import { Webhook } from 'standardwebhooks';

/** A test signing secret in the form Resend shows one: `whsec_` and base64. */
export const TEST_RESEND_WEBHOOK_SECRET = `whsec_${Buffer.from('nightshift-test-resend-webhook-secret').toString('base64')}`;

export interface SignedResendWebhook {
  body: string;
  headers: { 'content-type': string; 'svix-id': string; 'svix-timestamp': string; 'svix-signature': string };
}

/**
 * An event as Resend delivers it: the JSON body and the svix headers, signed with `secret` by
 * the Standard Webhooks library Resend's own SDK verifies with (`v1,` and an HMAC-SHA256 of
 * `<id>.<timestamp>.<body>`). `sentAt` lets a test send a stale timestamp.
 */
export function signResendWebhook(
  event: { type: string; created_at?: string; data: Record<string, unknown> },
  { id, secret = TEST_RESEND_WEBHOOK_SECRET, sentAt = new Date() }: { id: string; secret?: string; sentAt?: Date },
): SignedResendWebhook {
  const body = JSON.stringify({ created_at: sentAt.toISOString(), ...event });
  return {
    body,
    headers: {
      'content-type': 'application/json',
      'svix-id': id,
      'svix-timestamp': String(Math.floor(sentAt.getTime() / 1_000)),
      'svix-signature': new Webhook(secret).sign(id, sentAt, body),
    },
  };
}

/** `email.bounced` for `to`: `Permanent` suppresses, `Transient` is only counted. */
export function resendBounce(to: string, type: 'Permanent' | 'Transient' = 'Permanent') {
  return {
    type: 'email.bounced',
    data: {
      email_id: 'ae2014de-c168-4c61-8267-70d2662a1ce1',
      from: 'Acme <no-reply@acme.test>',
      to: [to],
      subject: 'Welcome',
      bounce: {
        type,
        subType: type === 'Permanent' ? 'General' : 'MailboxFull',
        message: type === 'Permanent' ? 'The recipient does not exist.' : 'The mailbox is full.',
      },
    },
  };
}

/** `email.complained` for `to`: its owner marked the email as spam. */
export function resendComplaint(to: string) {
  return {
    type: 'email.complained',
    data: { email_id: 'be2014de-c168-4c61-8267-70d2662a1ce2', from: 'Acme <no-reply@acme.test>', to: [to], subject: 'Digest' },
  };
}
