import { listFailureGroups, removeFailureGroup, retryFailureGroup } from '@nightshift/jobs';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { jsonResponse, queueParams } from '../schemas/common.js';
import { authenticatedErrors, bodylessErrors, errorResponses } from '../schemas/errors.js';
import { failureGroupActionSchema, failureGroupListSchema, failureGroupParams, listFailuresQuery } from '../schemas/failures.js';

const tags = ['failures'];
const groupErrors = [...authenticatedErrors, ...bodylessErrors, 'QUEUE_NOT_FOUND', 'NOT_FOUND', 'REDIS_UNAVAILABLE'] as const;

/** A queue's failed jobs grouped by cause, and each group retried or removed at once (`@nightshift/jobs`' failure groups). */
export const failureRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get(
    '/queues/:queue/failures',
    {
      schema: {
        tags,
        summary: "The queue's failed jobs grouped by cause, largest group first",
        description:
          'A group is the error class, the message with ids, numbers, emails and URLs normalised, and the first stack frame of our code. Each call reads every failed job the queue keeps.',
        params: queueParams,
        querystring: listFailuresQuery,
        response: {
          200: jsonResponse('A page of failure groups', failureGroupListSchema),
          ...errorResponses(...authenticatedErrors, 'INVALID_REQUEST', 'QUEUE_NOT_FOUND', 'REDIS_UNAVAILABLE'),
        },
      },
    },
    async (request) => {
      const { limit, cursor } = request.query;
      const page = await listFailureGroups(app.queues[request.params.queue], { offset: Number(cursor ?? 0), limit });
      return {
        groups: page.groups.map((group) => ({
          ...group,
          firstSeen: new Date(group.firstSeen).toISOString(),
          lastSeen: new Date(group.lastSeen).toISOString(),
        })),
        totalGroups: page.totalGroups,
        totalFailed: page.totalFailed,
        nextCursor: page.nextOffset === null ? null : String(page.nextOffset),
      };
    },
  );

  app.post(
    '/queues/:queue/failures/:fingerprint/retry',
    {
      schema: {
        tags,
        summary: 'Move every failed job of the group back to waiting',
        description:
          'In bounded batches. Safe to call again: a job moves only while it is failed, so a repeated call moves none twice, and answers 0 once the group is empty.',
        params: failureGroupParams,
        response: {
          200: jsonResponse('How many jobs this call moved', failureGroupActionSchema),
          ...errorResponses(...groupErrors),
        },
      },
    },
    async (request) => {
      const { queue, fingerprint } = request.params;
      const moved = await retryFailureGroup(app.queues[queue], fingerprint);
      request.log.info({ queue, fingerprint, moved }, 'failure group retried');
      return { queue, fingerprint, moved };
    },
  );

  app.delete(
    '/queues/:queue/failures/:fingerprint',
    {
      schema: {
        tags,
        summary: 'Remove every failed job of the group',
        description: 'In bounded batches; a job retried meanwhile is left alone.',
        params: failureGroupParams,
        response: {
          200: jsonResponse('How many jobs this call removed', failureGroupActionSchema),
          ...errorResponses(...groupErrors),
        },
      },
    },
    async (request) => {
      const { queue, fingerprint } = request.params;
      const removed = await removeFailureGroup(app.queues[queue], fingerprint);
      request.log.info({ queue, fingerprint, removed }, 'failure group removed');
      return { queue, fingerprint, removed };
    },
  );
};
