import type { OutgoingEmail } from './email-transport.js';

/**
 * An RFC 5322 message with a plain-text and an HTML part, as a mail client opens it. Header values
 * that are not plain printable ASCII are encoded words, so a subject can never inject a header.
 */
export function toEml(email: OutgoingEmail, meta: { date: Date; messageId: string; idempotencyKey: string }): string {
  const boundary = `nightshift-${meta.messageId.replace(/[^A-Za-z0-9]/g, '')}`;
  const attachments = email.attachments ?? [];
  // With attachments the text and HTML alternatives are one part of a multipart/mixed message.
  const mixed = `${boundary}-mixed`;
  const alternative = [
    `Content-Type: multipart/alternative; boundary="${boundary}"`,
    '',
    `--${boundary}`,
    'Content-Type: text/plain; charset=utf-8',
    'Content-Transfer-Encoding: base64',
    '',
    base64Lines(email.text),
    `--${boundary}`,
    'Content-Type: text/html; charset=utf-8',
    'Content-Transfer-Encoding: base64',
    '',
    base64Lines(email.html),
    `--${boundary}--`,
  ];
  const body =
    attachments.length === 0
      ? alternative
      : [
          `Content-Type: multipart/mixed; boundary="${mixed}"`,
          '',
          `--${mixed}`,
          ...alternative,
          ...attachments.flatMap((attachment) => [
            `--${mixed}`,
            `Content-Type: application/pdf; name="${attachment.filename}"`,
            `Content-Disposition: attachment; filename="${attachment.filename}"`,
            'Content-Transfer-Encoding: base64',
            '',
            base64Lines(attachment.content),
          ]),
          `--${mixed}--`,
        ];
  const lines = [
    `From: ${encodeHeader(email.from)}`,
    `To: ${encodeHeader(email.to)}`,
    `Subject: ${encodeHeader(email.subject)}`,
    `Date: ${meta.date.toUTCString()}`,
    `Message-ID: <${meta.messageId}>`,
    `X-Idempotency-Key: ${encodeHeader(meta.idempotencyKey)}`,
    ...Object.entries(email.headers ?? {}).map(([name, value]) => `${name}: ${encodeHeader(value)}`),
    'MIME-Version: 1.0',
    ...body,
    '',
  ];
  return lines.join('\r\n');
}

function encodeHeader(value: string): string {
  return /^[\x20-\x7e]*$/.test(value) ? value : `=?UTF-8?B?${Buffer.from(value, 'utf8').toString('base64')}?=`;
}

function base64Lines(content: string | Buffer): string {
  return ((typeof content === 'string' ? Buffer.from(content, 'utf8') : content).toString('base64').match(/.{1,76}/g) ?? []).join(
    '\r\n',
  );
}
