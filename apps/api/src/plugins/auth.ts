import { createHash, timingSafeEqual } from 'node:crypto';
import type { RateLimitPluginOptions } from '@fastify/rate-limit';
import type { FastifyInstance, FastifyReply, FastifyRequest, onRequestHookHandler } from 'fastify';
import { batchedRedisRateLimitStore } from '../lib/batched-rate-limit-store.js';
import type { LinkCheck } from '../lib/file-links.js';
import { sendError } from './errors.js';

const digest = (value: string) => createHash('sha256').update(value).digest();

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Lets a route accept a signed download link instead of a bearer token. */
    signedLink?: (request: FastifyRequest) => LinkCheck | 'absent';
  }
}

/** Digests of the accepted tokens: lookups compare hashes, never the secrets themselves. */
export class TokenSet {
  private readonly digests: Set<string>;
  // The rate limit's key and the authentication both ask for every request: hash once (null: no match).
  private readonly matched = new WeakMap<FastifyRequest, string | null>();

  constructor(tokens: readonly string[]) {
    this.digests = new Set(tokens.map((token) => digest(token).toString('hex')));
  }

  /** The presented bearer token's digest when it is one of ours, else undefined. */
  match(request: FastifyRequest): string | undefined {
    let hex = this.matched.get(request);
    if (hex === undefined) {
      hex = this.lookup(request.headers.authorization);
      this.matched.set(request, hex);
    }
    return hex ?? undefined;
  }

  private lookup(authorization: string | undefined): string | null {
    const token = /^Bearer +(\S+)$/i.exec(authorization ?? '')?.[1];
    if (!token) return null;
    const hex = digest(token).toString('hex');
    return this.digests.has(hex) ? hex : null;
  }
}

export function bearerAuth(tokens: TokenSet): onRequestHookHandler {
  return async (request, reply) => {
    if (tokens.match(request)) return;
    const link = request.routeOptions.config.signedLink?.(request) ?? 'absent';
    if (link === 'valid') return;
    if (link === 'expired') {
      await sendError(reply, 'LINK_EXPIRED', 'this download link has expired: ask for a new one');
      return;
    }
    const given = request.headers.authorization ? 'is not a valid token' : 'is missing';
    await sendError(reply, 'UNAUTHORIZED', `Authorization: Bearer <token> ${given}`, {
      headers: { 'www-authenticate': 'Bearer' },
    });
  };
}

/**
 * @fastify/rate-limit counting in Redis under the queue prefix (`batchedRedisRateLimitStore`): every
 * API instance counts against one budget. A Redis that does not answer fails the request (503)
 * rather than lifting the limit.
 */
export function redisRateLimitStore(app: FastifyInstance, name: string): Pick<RateLimitPluginOptions, 'store' | 'skipOnError'> {
  return { store: batchedRedisRateLimitStore(app.redis, `${app.queuePrefix}:${name}:`), skipOnError: false };
}

/** Checks a client's failed logins: peeks before the password is compared, counts a failure after. */
export type LoginLimiter = (
  request: FastifyRequest,
  callOptions?: { increment?: boolean },
) => Promise<{ isAllowed: true } | { isAllowed: false; remaining: number; ttlInSeconds: number; max: number }>;

/**
 * HTTP basic auth for the dashboard: every page, asset and API route behind it. A client that
 * used up its failed logins gets 429 until its window ends, right credentials or not, so a
 * password cannot be guessed at the speed of the network.
 */
export function basicAuth(user: string, password: string, failedLogins: LoginLimiter): onRequestHookHandler {
  const expected = digest(`${user}:${password}`);
  return async (request: FastifyRequest, reply: FastifyReply) => {
    const before = await failedLogins(request, { increment: false });
    if (!before.isAllowed && before.remaining === 0) {
      await sendError(
        reply,
        'RATE_LIMITED',
        `too many failed dashboard logins from ${request.ip}: retry in ${before.ttlInSeconds} s`,
        {
          headers: { 'retry-after': String(before.ttlInSeconds) },
        },
      );
      return;
    }
    const encoded = /^Basic +(\S+)$/i.exec(request.headers.authorization ?? '')?.[1];
    const given = digest(encoded ? Buffer.from(encoded, 'base64').toString('utf8') : '');
    if (timingSafeEqual(given, expected)) return;
    // A request without credentials is the browser asking for them, not a guess.
    if (encoded) await failedLogins(request);
    // Sent, not thrown: the dashboard's routes have Bull Board's own error handler.
    await sendError(reply, 'UNAUTHORIZED', 'admin credentials are missing or wrong', {
      headers: { 'www-authenticate': 'Basic realm="Nightshift admin", charset="UTF-8"' },
    });
  };
}
