import { createHmac, timingSafeEqual } from 'node:crypto';
import { normalizeAddress } from './suppression-list.js';

/** The API path the links point at: a GET shows a page, a POST (RFC 8058 one-click) unsubscribes. */
export const UNSUBSCRIBE_PATH = '/v1/unsubscribe';

/**
 * Signed one-click unsubscribe links, built by the email worker and checked by the API:
 * `<base>/v1/unsubscribe?email=<address>&signature=<HMAC-SHA256>`. They never expire: a person
 * may unsubscribe from a digest months after it came, and the link can do nothing but that.
 */
export class UnsubscribeLinks {
  private readonly secret: Buffer;

  constructor(
    secret: string,
    private readonly baseUrl: string,
  ) {
    this.secret = Buffer.from(secret);
  }

  url(email: string): string {
    const address = normalizeAddress(email);
    const query = new URLSearchParams({ email: address, signature: this.sign(address) });
    return `${this.baseUrl.replace(/\/+$/, '')}${UNSUBSCRIBE_PATH}?${query}`;
  }

  check(email: string, signature: string): boolean {
    const expected = Buffer.from(this.sign(normalizeAddress(email)));
    const given = Buffer.from(signature);
    return given.length === expected.length && timingSafeEqual(given, expected);
  }

  private sign(address: string): string {
    return createHmac('sha256', this.secret).update(`unsubscribe\n${address}`).digest('base64url');
  }
}

/**
 * Development only, where the API and the email worker run unconfigured side by side: both sign
 * with it, so links work. Production refuses to start without `UNSUBSCRIBE_LINK_SECRET`.
 */
export const DEVELOPMENT_UNSUBSCRIBE_SECRET = 'nightshift-development-unsubscribe-secret';
