import rateLimit from '@fastify/rate-limit';
import { endpointQueueNames, isQueueName, queueNames } from '@nightshift/contracts';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { ApiError } from '../errors/index.js';
import type { FileLinks } from '../lib/file-links.js';
import { bearerAuth, redisRateLimitStore, TokenSet } from '../plugins/auth.js';
import { sendError } from '../plugins/errors.js';
import { contractRoutes } from './contracts.js';
import { endpointRoutes } from './endpoints.js';
import { failureRoutes } from './failures.js';
import { fileRoutes } from './files.js';
import { flowRoutes } from './flows.js';
import { jobRoutes } from './jobs.js';
import { queueRoutes } from './queues.js';
import { schedulerRoutes } from './schedulers.js';
import { suppressionRoutes } from './suppressions.js';

export interface V1Options {
  tokens: readonly string[];
  rateLimit: { max: number; windowMs: number };
  imageMaxBytes: number;
  reportMaxBytes: number;
  links: FileLinks;
}

/** Everything under /v1: rate limited per token (in Redis, so one budget across instances), then authenticated, including unknown paths (401 before 404). */
export const v1Routes: FastifyPluginAsyncZod<V1Options> = async (app, options) => {
  const tokens = new TokenSet(options.tokens);
  await app.register(rateLimit, {
    ...redisRateLimitStore(app, 'rate-limit'),
    global: false,
    max: options.rateLimit.max,
    timeWindow: options.rateLimit.windowMs,
    // Per token, so clients behind one proxy do not share a budget; unauthenticated callers per IP.
    keyGenerator: (request) => {
      const token = tokens.match(request);
      return token ? `token:${token}` : `ip:${request.ip}`;
    },
    errorResponseBuilder: (_request, { max, after }) =>
      new ApiError(
        'RATE_LIMITED',
        `rate limit of ${max} requests per ${options.rateLimit.windowMs} ms exceeded: retry in ${after}`,
      ),
  });
  // Ahead of authentication, so guessing tokens is rate limited too.
  app.addHook('onRequest', app.rateLimit());
  app.addHook('onRequest', bearerAuth(tokens));

  await app.register(queueRoutes);
  await app.register(contractRoutes);
  await app.register(jobRoutes);
  await app.register(failureRoutes);
  await app.register(schedulerRoutes);
  const { imageMaxBytes, reportMaxBytes, links } = options;
  await app.register(fileRoutes, { imageMaxBytes, reportMaxBytes, links });
  await app.register(flowRoutes, { links });
  await app.register(endpointRoutes, { queues: endpointQueueNames });
  await app.register(suppressionRoutes);

  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split('?')[0] ?? '';
    // Routes that carry a payload exist once per queue, so an unknown queue lands here rather than in a params check.
    const queue = /^\/v1\/queues\/([^/]+)\//.exec(path)?.[1];
    if (queue !== undefined && !isQueueName(queue)) {
      const error = `unknown queue ${JSON.stringify(queue)}: one of ${queueNames.join(', ')}`;
      return sendError(reply, 'QUEUE_NOT_FOUND', error);
    }
    return sendError(reply, 'ROUTE_NOT_FOUND', `no route ${request.method} ${path}`);
  });
};
