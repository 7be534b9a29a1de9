export interface EmailAttachment {
  filename: string;
  content: Buffer;
}

export interface OutgoingEmail {
  from: string;
  to: string;
  subject: string;
  html: string;
  text: string;
  /** Extra headers, e.g. `List-Unsubscribe` on bulk mail. */
  headers?: Record<string, string>;
  attachments?: EmailAttachment[];
}

export interface SendContext {
  /** Identical on every attempt and every re-run of one job. */
  idempotencyKey: string;
  queue: string;
  jobId: string;
  signal?: AbortSignal;
}

/** Where a rendered email goes: Resend in production, the outbox folder in development. */
export interface EmailTransport {
  readonly name: string;
  /** Resolves with the provider's message id, or where the outbox put the message (a path or an `s3://` URL). */
  send(email: OutgoingEmail, context: SendContext): Promise<{ id: string }>;
}
