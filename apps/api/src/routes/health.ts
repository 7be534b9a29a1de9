import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { readRedisMemory, whyRedisIsFull } from '../lib/redis-memory.js';
import { jsonResponse } from '../schemas/common.js';
import { errorResponses } from '../schemas/errors.js';

const tags = ['operations'];
const statusSchema = z.object({
  status: z.enum(['ok', 'unavailable']),
  redis: z.string().optional(),
  reason: z.string().optional().describe('Why the API cannot take jobs, when it cannot'),
});

/** Answers within REDIS_COMMAND_TIMEOUT_MS even when Redis hangs: the producer client times commands out. */
export const healthRoutes: FastifyPluginAsyncZod = async (app) => {
  let closing = false;
  app.addHook('onClose', async () => {
    closing = true;
  });

  /** Undefined when Redis answers and takes writes; otherwise why not. */
  async function whyRedisCannotTakeJobs(): Promise<string | undefined> {
    try {
      return whyRedisIsFull(await readRedisMemory(app.redis));
    } catch (error) {
      return `Redis does not answer (${(error as Error).message})`;
    }
  }

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
        summary: 'Check that Redis answers and has room, so the API can take jobs',
        security: [],
        response: {
          200: jsonResponse('Redis answers', statusSchema),
          503: jsonResponse('Redis does not answer or is full, or the API is shutting down: `reason` says which', statusSchema),
          ...errorResponses(),
        },
      },
    },
    async (_request, reply) => {
      const reason = closing ? 'the API is shutting down' : await whyRedisCannotTakeJobs();
      if (reason) return reply.status(503).send({ status: 'unavailable', redis: app.redis.status, reason });
      return reply.status(200).send({ status: 'ok', redis: app.redis.status });
    },
  );
};
