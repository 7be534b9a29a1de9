import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

export const FILE_LINK_TTL_SECONDS = 7 * 24 * 60 * 60;

export type LinkCheck = 'valid' | 'expired' | 'invalid';

/**
 * Download links for people without an API token (the recipient of a report email):
 * `/v1/files/<fileId>?expires=<unix seconds>&signature=<HMAC-SHA256>`.
 */
export class FileLinks {
  private readonly secret: Buffer;

  constructor(
    secret: string | undefined,
    private readonly baseUrl: string,
    private readonly ttlSeconds = FILE_LINK_TTL_SECONDS,
  ) {
    // Without a configured secret (development), links work until this process restarts.
    this.secret = secret ? Buffer.from(secret) : randomBytes(32);
  }

  url(fileId: string, now = Date.now()): string {
    const expires = Math.floor(now / 1_000) + this.ttlSeconds;
    const query = new URLSearchParams({ expires: String(expires), signature: this.sign(fileId, expires) });
    return `${this.baseUrl}/v1/files/${encodeURIComponent(fileId)}?${query}`;
  }

  check(fileId: string, expires: number, signature: string, now = Date.now()): LinkCheck {
    const expected = Buffer.from(this.sign(fileId, expires));
    const given = Buffer.from(signature);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return 'invalid';
    return expires * 1_000 < now ? 'expired' : 'valid';
  }

  private sign(fileId: string, expires: number): string {
    return createHmac('sha256', this.secret).update(`${fileId}\n${expires}`).digest('base64url');
  }
}
