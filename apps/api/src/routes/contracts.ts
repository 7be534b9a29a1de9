import { queueNames } from '@nightshift/contracts';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { jsonResponse, queueParams } from '../schemas/common.js';
import { contractDocumentSchema, contractDocuments, contractListSchema } from '../schemas/contracts.js';
import { authenticatedErrors, errorResponses } from '../schemas/errors.js';

const tags = ['contracts'];

/** The job contracts as JSON Schema, for producers that are not on TypeScript; the same documents ship in @nightshift/contracts. */
export const contractRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get(
    '/contracts',
    {
      schema: {
        tags,
        summary: 'List the queues with their contract versions',
        response: {
          200: jsonResponse('Every queue', contractListSchema),
          ...errorResponses(...authenticatedErrors),
        },
      },
    },
    async () => ({
      contracts: queueNames.map((queue) => ({
        queue,
        version: contractDocuments[queue].version,
        schema: `/v1/contracts/${queue}`,
      })),
    }),
  );

  app.get(
    '/contracts/:queue',
    {
      schema: {
        tags,
        summary: "Read a queue's contract: the JSON Schema of its payload and of its result",
        params: queueParams,
        response: {
          200: jsonResponse("The queue's contract document", contractDocumentSchema),
          ...errorResponses(...authenticatedErrors, 'QUEUE_NOT_FOUND'),
        },
      },
    },
    async (request) => contractDocuments[request.params.queue],
  );
};
