import { queueNames } from '@nightshift/contracts';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { jsonResponse, queueParams } from '../schemas/common.js';
import { authenticatedErrors, bodylessErrors, errorResponses } from '../schemas/errors.js';
import { jobStates, type ListedJobState, queueSummarySchema } from '../schemas/jobs.js';

const tags = ['queues'];
const pausedSchema = z.object({ name: z.string(), paused: z.boolean() });

export const queueRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get(
    '/queues',
    {
      schema: {
        tags,
        summary: 'List the queues with their job counts and connected workers',
        response: {
          200: jsonResponse('Every queue', z.object({ queues: z.array(queueSummarySchema) })),
          ...errorResponses(...authenticatedErrors, 'REDIS_UNAVAILABLE'),
        },
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
          return {
            name,
            paused,
            workers,
            counts: { ...byState, paused: paused ? byState.waiting : 0 },
            admission: app.admission.limits[name],
          };
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
          summary:
            action === 'pause' ? 'Pause a queue: its workers take no new jobs' : 'Resume a queue: its workers take jobs again',
          params: queueParams,
          response: {
            200: jsonResponse('Whether the queue is paused now', pausedSchema),
            ...errorResponses(...authenticatedErrors, ...bodylessErrors, 'QUEUE_NOT_FOUND', 'REDIS_UNAVAILABLE'),
          },
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
