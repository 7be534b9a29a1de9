import { RateLimitedError, ServiceRefusedError } from '@nightshift/worker-runtime';
import { UnrecoverableError } from 'bullmq';
import { type ErrorResponse, Resend } from 'resend';
import { EmailDeliveryError } from './email-delivery-error.js';
import type { EmailTransport, OutgoingEmail, SendContext } from './email-transport.js';
import { retryAfterMs } from './retry-after.js';

const RATE_LIMITED = new Set(['rate_limit_exceeded', 'daily_quota_exceeded', 'monthly_quota_exceeded']);
/** The account, not the message: a missing, wrong or restricted key. */
const ACCOUNT_REFUSED = new Set(['missing_api_key', 'invalid_api_key', 'restricted_api_key', 'invalid_access']);
/** What the SDK reports for network failures and bodies it could not read. */
const TRANSIENT = new Set(['application_error', 'internal_server_error', 'concurrent_idempotent_requests']);

/** Sends through the Resend API with the job's idempotency key, so Resend itself drops a repeated send. */
export class ResendTransport implements EmailTransport {
  readonly name = 'resend';
  private readonly client: Resend;

  constructor(options: { apiKey: string; baseUrl?: string }) {
    this.client = new Resend(options.apiKey, options.baseUrl === undefined ? undefined : { baseUrl: options.baseUrl });
  }

  async send(email: OutgoingEmail, { idempotencyKey, signal }: SendContext): Promise<{ id: string }> {
    const { data, error, headers } = await this.client.emails.send(email, { idempotencyKey, signal });
    if (data) return { id: data.id };
    throw resendFailure(error, headers);
  }
}

/**
 * What BullMQ should do about a Resend error:
 * - 429 or a quota → wait as Retry-After says without spending an attempt (bounded by the runtime);
 * - 401, 403 or a key error → the account is refused (revoked key, unverified domain): every email
 *   would fail alike until the configuration is fixed, so the queue pauses and keeps its jobs;
 * - any other 4xx (the message itself: an address, a field) → fail for good, retrying cannot help;
 * - 5xx, network and a concurrent request with the same key → retry with backoff.
 */
export function resendFailure(error: ErrorResponse, headers: Record<string, string> | null): Error {
  const status = typeof error.statusCode === 'number' ? error.statusCode : null;
  const message = `Resend answered ${status ?? 'nothing'} ${error.name}: ${error.message}`;
  if (status === 429 || RATE_LIMITED.has(error.name)) {
    return new RateLimitedError(retryAfterMs(headers?.['retry-after']), message);
  }
  if (status === 401 || status === 403 || ACCOUNT_REFUSED.has(error.name)) return new ServiceRefusedError(message);
  const permanent =
    status !== null
      ? status >= 400 && status < 500 && error.name !== 'concurrent_idempotent_requests'
      : !TRANSIENT.has(error.name);
  return permanent ? new UnrecoverableError(message) : new EmailDeliveryError(message, status);
}
