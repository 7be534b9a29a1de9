import { resourceId } from '@nightshift/contracts';
import { EndpointStore, endpointSecretSchema, generateEndpointSecret } from '@nightshift/jobs';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ApiError } from '../errors/index.js';
import { jsonResponse, withArticle } from '../schemas/common.js';
import { authenticatedErrors, bodyErrors, bodylessErrors, errorResponses } from '../schemas/errors.js';

export interface EndpointRoutesOptions {
  /** The queues whose contracts declare `endpoints`: `webhook` serves `/webhook-endpoints/{id}`. */
  queues: readonly string[];
}

const tags = ['endpoints'];
const params = z.object({ id: resourceId.describe("The endpoint's id, as jobs name it in `endpointId`") });

const endpointStateSchema = z.object({
  id: z.string(),
  enabled: z.boolean().describe('False once deliveries failed too often in a row (or it answered 410 Gone), until enabled again'),
  consecutiveFailures: z.int().describe('Deliveries failed in a row since the last success or enabling'),
  createdAt: z.string(),
  secretSetAt: z.string(),
  disabledAt: z.string().optional(),
  disabledReason: z.string().optional().describe('What the delivery that disabled it met'),
});
const registeredSchema = endpointStateSchema.extend({
  secret: z.string().describe('The signing secret (Standard Webhooks `whsec_…`): give it to the receiver, it is not shown again'),
});
const registerBody = z.strictObject({
  secret: endpointSecretSchema.optional().describe('Your own signing secret; without one a new one is generated'),
});

/**
 * Endpoints for every queue that delivers to registered endpoints, one set of routes per queue
 * and nothing per queue written here: register (or rotate the secret), read the state, enable
 * again after the worker disabled it.
 */
export const endpointRoutes: FastifyPluginAsyncZod<EndpointRoutesOptions> = async (app, { queues }) => {
  for (const queue of queues) {
    // Under the queues' prefix, where the workers read the same endpoints.
    const store = new EndpointStore(app.redis, { prefix: app.queuePrefix, queue });
    const base = `/${queue}-endpoints/:id`;
    const notFound = (id: string) =>
      new ApiError('ENDPOINT_NOT_FOUND', `no ${queue} endpoint ${id}: register it with PUT /v1/${queue}-endpoints/${id}`);

    app.put(
      base,
      {
        schema: {
          tags,
          summary: `Register ${withArticle(queue)} endpoint, or give it a new signing secret`,
          description:
            'Jobs name the endpoint in `endpointId`: they are signed with its secret, and its consecutive failed deliveries are counted. A new secret keeps the state.',
          params,
          body: registerBody,
          response: {
            200: jsonResponse('The secret was replaced', registeredSchema),
            201: jsonResponse('The endpoint was registered, enabled', registeredSchema),
            ...errorResponses(...authenticatedErrors, ...bodyErrors, 'NOT_FOUND', 'INVALID_REQUEST', 'REDIS_UNAVAILABLE'),
          },
        },
      },
      async (request, reply) => {
        const { id } = request.params;
        const secret = request.body.secret ?? generateEndpointSecret();
        const created = await store.register(id, secret);
        const state = await store.state(id);
        if (!state) throw notFound(id);
        return reply.code(created ? 201 : 200).send({ ...state, secret });
      },
    );

    app.get(
      base,
      {
        schema: {
          tags,
          summary: `Read whether deliveries to ${withArticle(queue)} endpoint are on, and its failures in a row`,
          params,
          response: {
            200: jsonResponse("The endpoint's state; its secret is never shown again", endpointStateSchema),
            ...errorResponses(...authenticatedErrors, 'NOT_FOUND', 'ENDPOINT_NOT_FOUND', 'REDIS_UNAVAILABLE'),
          },
        },
      },
      async (request) => {
        const state = await store.state(request.params.id);
        if (!state) throw notFound(request.params.id);
        return state;
      },
    );

    app.post(
      `${base}/enable`,
      {
        schema: {
          tags,
          summary: `Turn deliveries to a disabled ${queue} endpoint back on`,
          description:
            'Starts its failure count again. Jobs that failed while it was disabled stay failed: retry them with POST /v1/queues/{queue}/jobs/{id}/retry.',
          params,
          response: {
            200: jsonResponse('The endpoint, enabled', endpointStateSchema),
            ...errorResponses(...authenticatedErrors, ...bodylessErrors, 'NOT_FOUND', 'ENDPOINT_NOT_FOUND', 'REDIS_UNAVAILABLE'),
          },
        },
      },
      async (request) => {
        const { id } = request.params;
        if (!(await store.enable(id))) throw notFound(id);
        const state = await store.state(id);
        if (!state) throw notFound(id);
        request.log.info({ queue, endpointId: id }, 'endpoint enabled');
        return state;
      },
    );
  }
};
