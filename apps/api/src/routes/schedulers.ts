import { type JobData, type QueueName, queueNames } from '@nightshift/contracts';
import type { ContractQueue } from '@nightshift/jobs';
import type { JobSchedulerJson } from 'bullmq';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ApiError } from '../errors/index.js';
import { jsonResponse, pascalCase, queueNameSchema, queueParams, withArticle } from '../schemas/common.js';
import { authenticatedErrors, bodyErrors, bodylessErrors, errorResponses } from '../schemas/errors.js';
import { schedulerIdSchema, schedulerViewSchema, upsertSchedulerBody } from '../schemas/schedulers.js';

const tags = ['schedulers'];
const MAX_LISTED = 1_000;

export const schedulerRoutes: FastifyPluginAsyncZod = async (app) => {
  const upsertRoute = <Q extends QueueName>(queueName: Q) => {
    const queue = app.queues[queueName] as ContractQueue<Q>;
    app.put(
      `/queues/${queueName}/schedulers/:id`,
      {
        schema: {
          tags,
          operationId: `put${pascalCase(queueName)}Scheduler`,
          summary: `Create or replace ${withArticle(queueName)} job scheduler`,
          description: 'Atomic per id: API instances upserting the same scheduler at once leave exactly one.',
          params: z.object({ id: schedulerIdSchema }),
          body: upsertSchedulerBody(queueName),
          response: {
            200: jsonResponse('The scheduler as stored, with its next run', schedulerViewSchema),
            ...errorResponses(
              ...authenticatedErrors,
              ...bodyErrors,
              'NOT_FOUND',
              'INVALID_REQUEST',
              'SCHEDULER_NOT_FOUND',
              'REDIS_UNAVAILABLE',
            ),
          },
        },
      },
      async (request) => {
        const { pattern, every, tz, job } = request.body;
        const { id } = request.params;
        await queue.upsertJobScheduler(id, pattern === undefined ? { every } : { pattern, tz }, {
          name: job.name,
          data: job.data as JobData[Q],
          opts: job.opts,
        });
        const scheduler = await queue.getJobScheduler(id);
        if (!scheduler) throw new ApiError('SCHEDULER_NOT_FOUND', `scheduler ${id} was removed while it was being written`);
        return toView(queueName, scheduler);
      },
    );
  };
  for (const name of queueNames) upsertRoute(name);

  app.get(
    '/queues/:queue/schedulers',
    {
      schema: {
        tags,
        summary: 'List job schedulers with their next run',
        params: queueParams,
        response: {
          200: jsonResponse("The queue's schedulers", z.object({ schedulers: z.array(schedulerViewSchema) })),
          ...errorResponses(...authenticatedErrors, 'QUEUE_NOT_FOUND', 'REDIS_UNAVAILABLE'),
        },
      },
    },
    async (request) => {
      const { queue } = request.params;
      const schedulers = await app.queues[queue].getJobSchedulers(0, MAX_LISTED - 1, true);
      return { schedulers: schedulers.map((scheduler) => toView(queue, scheduler)) };
    },
  );

  app.delete(
    '/queues/:queue/schedulers/:id',
    {
      schema: {
        tags,
        summary: 'Remove a job scheduler (its already created jobs stay)',
        params: z.object({ queue: queueNameSchema, id: schedulerIdSchema }),
        response: {
          204: z.null().meta({ 'x-response-description': 'The scheduler was removed' }),
          ...errorResponses(
            ...authenticatedErrors,
            ...bodylessErrors,
            'QUEUE_NOT_FOUND',
            'NOT_FOUND',
            'SCHEDULER_NOT_FOUND',
            'REDIS_UNAVAILABLE',
          ),
        },
      },
    },
    async (request, reply) => {
      const { queue, id } = request.params;
      if (!(await app.queues[queue].removeJobScheduler(id))) {
        throw new ApiError('SCHEDULER_NOT_FOUND', `no scheduler ${id} in queue ${queue}`);
      }
      return reply.status(204).send(null);
    },
  );
};

function toView(queue: string, scheduler: JobSchedulerJson) {
  return {
    id: scheduler.id ?? scheduler.key,
    queue,
    name: scheduler.name,
    pattern: scheduler.pattern ?? null,
    every: scheduler.every === undefined ? null : Number(scheduler.every),
    tz: scheduler.tz ?? null,
    next: scheduler.next === undefined ? null : new Date(Number(scheduler.next)).toISOString(),
    iterationCount: scheduler.iterationCount === undefined ? null : Number(scheduler.iterationCount),
    data: scheduler.template?.data ?? null,
  };
}
