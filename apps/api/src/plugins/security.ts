import fp from 'fastify-plugin';
import helmet from 'helmet';

/**
 * Helmet's headers on every response. Its defaults already suit Bull Board and Swagger UI
 * (same-origin scripts, inline styles, Google Fonts over https). `upgrade-insecure-requests` is
 * dropped: it breaks the dashboard when the API is reached over plain HTTP on a private network.
 * The middleware is built once: @fastify/helmet built it again on every request (5% of the API's
 * CPU per job POST in packages/bench), for per-route options and CSP nonces we do not use.
 */
export const securityPlugin = fp(
  async (app) => {
    const headers = helmet({ contentSecurityPolicy: { directives: { 'upgrade-insecure-requests': null } } });
    app.addHook('onRequest', (request, reply, done) => {
      headers(request.raw, reply.raw, (error?: unknown) => done(error as Error | undefined));
    });
  },
  { name: 'security' },
);
