import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { jsonResponse } from '../schemas/common.js';
import { errorResponses } from '../schemas/errors.js';

const tags = ['operations'];
const statusSchema = z.object({ status: z.enum(['ok', 'unavailable']), redis: z.string().optional() });

/** Answers within REDIS_COMMAND_TIMEOUT_MS even when Redis hangs: the producer client times commands out. */
export const healthRoutes: FastifyPluginAsyncZod = async (app) => {
  let closing = false;
  app.addHook('onClose', async () => {
    closing = true;
  });

  app.get(
    '/healthz',
    {
      schema: {
        tags,
        summary: 'Check that the process is up',
        security: [],
        response: { 200: jsonResponse('The process is up', statusSchema), ...errorResponses() },
      },
    },
    async () => ({
      status: 'ok' as const,
    }),
  );

  app.get(
    '/readyz',
    {
      schema: {
        tags,
        summary: 'Check that Redis answers, so the API can take jobs',
        security: [],
        response: {
          200: jsonResponse('Redis answers', statusSchema),
          503: jsonResponse('Redis does not answer, or the API is shutting down', statusSchema),
          ...errorResponses(),
        },
      },
    },
    async (_request, reply) => {
      const answers =
        !closing &&
        (await app.redis.ping().then(
          () => true,
          () => false,
        ));
      return reply.status(answers ? 200 : 503).send({ status: answers ? 'ok' : 'unavailable', redis: app.redis.status });
    },
  );
};
