import { queueNames } from '@nightshift/contracts';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { authErrors, errorSchema, queueParams, redisErrors } from '../schemas/common.js';
import { jobStates, type ListedJobState, queueSummarySchema } from '../schemas/jobs.js';

const tags = ['queues'];
const pausedSchema = z.object({ name: z.string(), paused: z.boolean() });

export const queueRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get(
    '/queues',
    {
      schema: {
        tags,
        summary: 'Every queue with its job counts and connected workers',
        response: { 200: z.object({ queues: z.array(queueSummarySchema) }), ...authErrors, ...redisErrors },
      },
    },
    async () => ({
      queues: await Promise.all(
        queueNames.map(async (name) => {
          const queue = app.queues[name];
          const [counts, workers, paused] = await Promise.all([
            queue.getJobCounts(...jobStates),
            queue.getWorkersCount(),
            queue.isPaused(),
          ]);
          const byState = Object.fromEntries(jobStates.map((state) => [state, counts[state] ?? 0])) as Record<
            ListedJobState,
            number
          >;
          return { name, paused, workers, counts: { ...byState, paused: paused ? byState.waiting : 0 } };
        }),
      ),
    }),
  );

  for (const action of ['pause', 'resume'] as const) {
    app.post(
      `/queues/:queue/${action}`,
      {
        schema: {
          tags,
          summary: action === 'pause' ? 'Stop workers from taking new jobs of this queue' : 'Let workers take jobs again',
          params: queueParams,
          response: { 200: pausedSchema, 404: errorSchema, ...authErrors, ...redisErrors },
        },
      },
      async (request) => {
        const queue = app.queues[request.params.queue];
        await (action === 'pause' ? queue.pause() : queue.resume());
        return { name: request.params.queue, paused: await queue.isPaused() };
      },
    );
  }
};
