import type { IncomingMessage, ServerResponse } from 'node:http';
import fp from 'fastify-plugin';
import helmet, { type HelmetOptions } from 'helmet';

type Middleware = (request: IncomingMessage, response: ServerResponse, next: (error?: unknown) => void) => void;

/**
 * The headers a helmet middleware sets, recorded once. With no CSP nonces or other directive
 * functions they are the same on every response, so they need not be computed per request.
 */
export function recordHeaders(middleware: Middleware): Record<string, string> {
  const headers: Record<string, string> = {};
  const recorder = {
    setHeader(name: string, value: string | number | readonly string[]) {
      headers[name.toLowerCase()] = String(value);
    },
    removeHeader(name: string) {
      delete headers[name.toLowerCase()];
    },
  };
  let finished = false;
  let failure: unknown;
  middleware({} as IncomingMessage, recorder as unknown as ServerResponse, (error) => {
    finished = true;
    failure = error;
  });
  if (failure) throw failure;
  // A middleware that finishes later (a future helmet, a nonce) would leave this set incomplete.
  if (!finished)
    throw new Error('the security headers middleware did not finish synchronously: its headers cannot be recorded once');
  return headers;
}

export const HELMET_OPTIONS: HelmetOptions = { contentSecurityPolicy: { directives: { 'upgrade-insecure-requests': null } } };

let recorded: Record<string, string> | undefined;

/** Helmet's headers, recorded once: also what `answerFrameworkError` sends, since it runs before any hook. */
export function securityHeaders(): Record<string, string> {
  recorded ??= recordHeaders(helmet(HELMET_OPTIONS));
  return recorded;
}

/**
 * Helmet's headers on every response. Its defaults already suit Bull Board and Swagger UI
 * (same-origin scripts, inline styles, Google Fonts over https). `upgrade-insecure-requests` is
 * dropped: it breaks the dashboard when the API is reached over plain HTTP on a private network.
 * The headers go on Fastify's reply, not the raw response: running helmet's middleware chain on
 * the raw response cost 12 µs of a job POST's 90 (packages/bench), and raw headers also push
 * Node's writeHead onto its slower path for Fastify's own headers.
 */
export const securityPlugin = fp(
  async (app) => {
    app.addHook('onRequest', (_request, reply, done) => {
      reply.headers(securityHeaders());
      done();
    });
  },
  { name: 'security' },
);
