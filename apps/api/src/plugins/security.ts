import helmet from '@fastify/helmet';
import fp from 'fastify-plugin';

/**
 * Helmet's defaults already suit Bull Board and Swagger UI (same-origin scripts, inline styles,
 * Google Fonts over https). `upgrade-insecure-requests` is dropped: it breaks the dashboard
 * when the API is reached over plain HTTP on a private network.
 */
export const securityPlugin = fp(
  async (app) => {
    await app.register(helmet, {
      contentSecurityPolicy: { directives: { 'upgrade-insecure-requests': null } },
    });
  },
  { name: 'security' },
);
