import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import fp from 'fastify-plugin';
import { jsonSchemaTransform, jsonSchemaTransformObject } from 'fastify-type-provider-zod';
import { withContractComponents } from '../schemas/contracts.js';

/**
 * OpenAPI from the routes' zod schemas, served at /docs/json and browsed at /docs. Request bodies
 * refer to each queue's payload as a component that holds its contract document's JSON Schema.
 */
export const docsPlugin = fp(
  async (app) => {
    await app.register(swagger, {
      openapi: {
        openapi: '3.1.0',
        info: {
          title: 'Nightshift API',
          version: '1.0.0',
          description:
            'Produces background jobs: email, PDF/XLSX reports and image processing.\n\n' +
            "Each queue's payload is its job contract: `GET /v1/contracts/{queue}` serves it as JSON Schema, and the request " +
            'bodies refer to the same schema as the `<Queue>JobDataInput` components.\n\n' +
            'Every error is an `Error`: `{ error, code, issues? }`. `code` is stable, for clients to branch on: the `ErrorCode` ' +
            'schema lists and describes every code, and each response lists those its route answers with that status.',
        },
        components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
        security: [{ bearer: [] }],
      },
      transform: jsonSchemaTransform,
      transformObject: (document) => withContractComponents(jsonSchemaTransformObject(document)),
    });
    await app.register(swaggerUi, { routePrefix: '/docs' });
  },
  { name: 'docs' },
);
