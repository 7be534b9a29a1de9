import { randomUUID } from 'node:crypto';
import { type JobData, type QueueName, queueNames } from '@nightshift/contracts';
import { type ContractQueue, requestCancellation } from '@nightshift/jobs';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { ApiError } from '../errors/index.js';
import { type AddedJob, addJob, addJobOnce } from '../lib/add-job.js';
import { IdempotencyStore } from '../lib/idempotency-store.js';
import { findFailedChild, toJobView } from '../lib/job-view.js';
import { writingJobs } from '../lib/log-errors.js';
import { refuseSuppressed } from '../lib/refuse-suppressed.js';
import { jobParams, jsonResponse, pascalCase, queueParams, withArticle } from '../schemas/common.js';
import { admissionErrors, authenticatedErrors, bodyErrors, bodylessErrors, errorResponses } from '../schemas/errors.js';
import {
  addJobBody,
  bulkAcceptedSchema,
  bulkJobsBody,
  idempotencyHeaders,
  jobAcceptedSchema,
  jobListSchema,
  jobLogsSchema,
  jobRemovedSchema,
  jobViewSchema,
  listJobsQuery,
  MAX_BULK_JOBS,
  removeJobQuery,
} from '../schemas/jobs.js';

const tags = ['jobs'];
const MAX_LOG_LINES = 1_000;

export const jobRoutes: FastifyPluginAsyncZod = async (app) => {
  const idempotency = new IdempotencyStore(app.redis, app.queuePrefix);

  /** A job by id, wherever its queue keeps it: with the queue's own jobs, or (on a Redis Cluster) with its flow jobs. */
  const findJob = async (queue: QueueName, id: string) => {
    for (const holder of new Set([app.queues[queue], app.flowQueues[queue]])) {
      const job = await holder.getJob(id);
      if (job) return { job, holder };
    }
    return undefined;
  };

  // One route per queue for what carries a payload, so each has its contract as its schema.
  const producerRoutes = <Q extends QueueName>(queueName: Q) => {
    const queue = app.queues[queueName] as ContractQueue<Q>;
    // Email to a suppressed address is refused here already, so the producer hears of it at once.
    const isEmail = queueName === 'email';
    const suppressionErrors = isEmail ? (['EMAIL_SUPPRESSED'] as const) : [];
    const checkRecipients = async (data: JobData[Q][], fieldOf: (index: number) => string) => {
      if (isEmail) await refuseSuppressed(app.suppressions, data as JobData['email'][], fieldOf);
    };

    app.post(
      `/queues/${queueName}/jobs`,
      {
        schema: {
          tags,
          operationId: `add${pascalCase(queueName)}Job`,
          summary: `Add ${withArticle(queueName)} job`,
          headers: idempotencyHeaders,
          body: addJobBody(queueName),
          response: {
            200: jsonResponse(
              'An earlier request with this Idempotency-Key added the job: its id; nothing new was added',
              jobAcceptedSchema,
            ),
            202: jsonResponse('The job is in Redis', jobAcceptedSchema),
            ...errorResponses(
              ...authenticatedErrors,
              ...bodyErrors,
              'INVALID_REQUEST',
              'IDEMPOTENCY_KEY_IN_USE',
              'IDEMPOTENCY_KEY_REUSED',
              ...admissionErrors,
              ...suppressionErrors,
              'REDIS_UNAVAILABLE',
            ),
          },
        },
      },
      async (request, reply) => {
        const { name, opts } = request.body;
        const data = request.body.data as JobData[Q];
        const key = request.headers['idempotency-key'];
        await checkRecipients([data], () => 'data.to');
        const admit = () => app.admission.admit({ [queueName]: 1 });
        let added: AddedJob;
        if (key) added = await addJobOnce(queue, idempotency, key, { name, data, opts }, { log: request.log, admit });
        else {
          await admit();
          added = await addJob(queue, name, data, opts);
        }
        if (!added.created) reply.header('idempotent-replayed', 'true');
        return reply
          .status(added.created ? 202 : 200)
          .send({ id: added.id, queue: queueName, name: added.name, state: added.state });
      },
    );

    app.post(
      `/queues/${queueName}/jobs/bulk`,
      {
        schema: {
          tags,
          operationId: `add${pascalCase(queueName)}Jobs`,
          summary: `Add up to ${MAX_BULK_JOBS} ${queueName} jobs at once`,
          description: 'All are validated before any is added, and they are added in one Redis transaction.',
          body: bulkJobsBody(queueName),
          response: {
            202: jsonResponse('Every job is in Redis; their ids in the order given', bulkAcceptedSchema),
            ...errorResponses(
              ...authenticatedErrors,
              ...bodyErrors,
              'INVALID_REQUEST',
              ...suppressionErrors,
              ...admissionErrors,
              'REDIS_UNAVAILABLE',
            ),
          },
        },
      },
      async (request, reply) => {
        await checkRecipients(
          request.body.jobs.map((job) => job.data as JobData[Q]),
          (index) => `jobs[${index}].data.to`,
        );
        await app.admission.admit({ [queueName]: request.body.jobs.length });
        const jobs = request.body.jobs.map(({ name, data, opts }) => ({
          name,
          data: data as JobData[Q],
          opts: { ...opts, jobId: randomUUID() },
        }));
        // One MULTI in BullMQ: the batch is written whole or not at all.
        const jobIds = jobs.map((job) => job.opts.jobId);
        const added = await writingJobs({ queue: queueName, jobIds }, () => queue.addBulk(jobs));
        return reply.status(202).send({ queue: queueName, ids: added.map((job) => String(job.id)) });
      },
    );
  };
  for (const name of queueNames) producerRoutes(name);

  app.get(
    '/queues/:queue/jobs/:id',
    {
      schema: {
        tags,
        summary: 'Read a job',
        params: jobParams,
        response: {
          200: jsonResponse('The job', jobViewSchema),
          ...errorResponses(...authenticatedErrors, 'QUEUE_NOT_FOUND', 'NOT_FOUND', 'JOB_NOT_FOUND', 'REDIS_UNAVAILABLE'),
        },
      },
    },
    async (request) => {
      const { queue, id } = request.params;
      const found = await findJob(queue, id);
      if (!found) throw jobNotFound(queue, id);
      const view = await toJobView(found.job);
      // A failed child is part of a flow, so it is where flow jobs are.
      return { ...view, failedChild: await findFailedChild(view.failedReason, app.flowQueues, app.queuePrefix) };
    },
  );

  app.get(
    '/queues/:queue/jobs',
    {
      schema: {
        tags,
        summary: 'List the jobs in one state, a page at a time',
        params: queueParams,
        querystring: listJobsQuery,
        response: {
          200: jsonResponse('A page of the jobs in that state', jobListSchema),
          ...errorResponses(...authenticatedErrors, 'QUEUE_NOT_FOUND', 'INVALID_REQUEST', 'REDIS_UNAVAILABLE'),
        },
      },
    },
    async (request) => {
      const { state, limit, cursor } = request.query;
      const queue = app.queues[request.params.queue];
      const offset = cursor === undefined ? 0 : Number(cursor);
      const [jobs, total] = await Promise.all([
        queue.getJobs([state], offset, offset + limit - 1),
        queue.getJobCountByTypes(state),
      ]);
      return {
        jobs: await Promise.all(jobs.map((job) => toJobView(job, state))),
        total,
        nextCursor: offset + limit < total ? String(offset + limit) : null,
      };
    },
  );

  app.get(
    '/queues/:queue/jobs/:id/logs',
    {
      schema: {
        tags,
        summary: 'Read the log lines a job wrote',
        params: jobParams,
        response: {
          200: jsonResponse(`The job's log lines, oldest first, at most ${MAX_LOG_LINES}`, jobLogsSchema),
          ...errorResponses(...authenticatedErrors, 'QUEUE_NOT_FOUND', 'NOT_FOUND', 'JOB_NOT_FOUND', 'REDIS_UNAVAILABLE'),
        },
      },
    },
    async (request) => {
      const { queue, id } = request.params;
      const found = await findJob(queue, id);
      if (!found) throw jobNotFound(queue, id);
      return found.holder.getJobLogs(id, 0, MAX_LOG_LINES - 1, true);
    },
  );

  app.post(
    '/queues/:queue/jobs/:id/retry',
    {
      schema: {
        tags,
        summary: 'Move a failed job back to waiting',
        params: jobParams,
        response: {
          200: jsonResponse('The job is waiting to run again', jobAcceptedSchema),
          ...errorResponses(
            ...authenticatedErrors,
            ...bodylessErrors,
            'QUEUE_NOT_FOUND',
            'NOT_FOUND',
            'JOB_NOT_FOUND',
            'JOB_NOT_FAILED',
            'REDIS_UNAVAILABLE',
          ),
        },
      },
    },
    async (request) => {
      const { queue, id } = request.params;
      const job = (await findJob(queue, id))?.job;
      if (!job) throw jobNotFound(queue, id);
      const state = await job.getState();
      if (state !== 'failed') throw new ApiError('JOB_NOT_FAILED', `job ${id} is ${state}: only failed jobs can be retried`);
      await job.retry('failed');
      return { id, queue, name: job.name, state: await job.getState() };
    },
  );

  app.delete(
    '/queues/:queue/jobs/:id',
    {
      schema: {
        tags,
        summary: 'Remove a job that is not running, or cancel a running one',
        description:
          'A running job is cancelled through every worker process of the queue: the one holding it aborts the signal its processor received.',
        params: jobParams,
        querystring: removeJobQuery,
        response: {
          200: jsonResponse('The job was removed', jobRemovedSchema),
          202: jsonResponse("The job is running: the queue's workers were asked to cancel it", jobRemovedSchema),
          ...errorResponses(
            ...authenticatedErrors,
            ...bodylessErrors,
            'QUEUE_NOT_FOUND',
            'NOT_FOUND',
            'INVALID_REQUEST',
            'JOB_NOT_FOUND',
            'JOB_LOCKED',
            'REDIS_UNAVAILABLE',
          ),
        },
      },
    },
    async (request, reply) => {
      const { queue, id } = request.params;
      const found = await findJob(queue, id);
      if (!found) throw jobNotFound(queue, id);
      const { job, holder } = found;
      const cancel = async () => {
        const target = { prefix: String(holder.opts.prefix), queue };
        const workersNotified = await requestCancellation(app.redis, target, { jobId: id, reason: request.query.reason });
        return reply.status(202).send({ id, queue, outcome: 'cancellation-requested', workersNotified });
      };
      if ((await job.getState()) === 'active') return cancel();
      try {
        await job.remove();
      } catch (error) {
        // A worker took it between our read and the removal: it is running now, so cancel it instead.
        if ((await job.getState()) === 'active') return cancel();
        throw new ApiError('JOB_LOCKED', `job ${id} could not be removed: ${(error as Error).message}`);
      }
      return reply.status(200).send({ id, queue, outcome: 'removed' });
    },
  );
};

function jobNotFound(queue: string, id: string) {
  return new ApiError('JOB_NOT_FOUND', `no job ${id} in queue ${queue}`);
}
