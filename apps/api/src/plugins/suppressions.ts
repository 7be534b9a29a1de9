import { SuppressionList } from '@nightshift/email-suppressions';
import fp from 'fastify-plugin';

declare module 'fastify' {
  interface FastifyInstance {
    /** The addresses email must not go to, beside the queues in Redis, where the email worker reads them too. */
    suppressions: SuppressionList;
  }
}

export const suppressionsPlugin = fp(
  async (app) => {
    app.decorate('suppressions', new SuppressionList(app.redis, { prefix: app.queuePrefix }));
  },
  { name: 'suppressions', dependencies: ['redis', 'queues'] },
);
