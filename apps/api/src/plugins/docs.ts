import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import fp from 'fastify-plugin';
import { jsonSchemaTransform, jsonSchemaTransformObject } from 'fastify-type-provider-zod';
import { BRAND_NAME, logoMarkSvg, logoWordmarkSvg } from '../lib/brand.js';
import { withContractComponents } from '../schemas/contracts.js';
import { operationIdOf } from '../schemas/operation-id.js';

/** The groups of the docs page, in the order a reader needs them: producing jobs first, running the service last. */
const tags = [
  { name: 'jobs', description: 'Add jobs to a queue, read them, retry, remove or cancel them' },
  { name: 'schedulers', description: 'Jobs added on a cron pattern or at an interval' },
  { name: 'flows', description: 'Jobs that wait for other jobs' },
  { name: 'files', description: 'Images in, reports in, rendered files out' },
  { name: 'contracts', description: "Each queue's payload and result as JSON Schema" },
  { name: 'queues', description: 'Job counts and workers; pause and resume' },
  { name: 'failures', description: 'Failed jobs grouped by cause, retried or removed a group at a time' },
  { name: 'endpoints', description: 'Addresses that webhook jobs deliver to' },
  {
    name: 'email',
    description: "Addresses email must not go to: Resend's bounce and complaint events, one-click unsubscribes, lifting them",
  },
  { name: 'operations', description: 'Health and metrics for the platform, without a token' },
];

/** Paths under /v1 first, then health and metrics, each group in the order its routes were registered. */
function mainRoutesFirst<P extends object>(paths: P): P {
  const entries = Object.entries(paths);
  const isMain = ([path]: [string, unknown]) => path.startsWith('/v1/');
  return Object.fromEntries([...entries.filter(isMain), ...entries.filter((entry) => !isMain(entry))]) as P;
}

/**
 * OpenAPI from the routes' zod schemas, served at /docs/json and browsed at /docs. Request bodies
 * refer to each queue's payload as a component that holds its contract document's JSON Schema.
 * Every operation gets an id from its method and path unless its route names one.
 */
export const docsPlugin = fp(
  async (app) => {
    await app.register(swagger, {
      openapi: {
        openapi: '3.1.0',
        info: {
          title: `${BRAND_NAME} API`,
          version: '1.0.0',
          description:
            'Produces background jobs: email, PDF/XLSX reports and image processing.\n\n' +
            "Each queue's payload is its job contract: `GET /v1/contracts/{queue}` serves it as JSON Schema, and the request " +
            'bodies refer to the same schema as the `<Queue>JobDataInput` components. The examples of each request body come ' +
            'from the examples kept beside the contracts, which the contracts check: each can be sent as it is.\n\n' +
            'Every error is an `Error`: `{ error, code, issues? }`. `code` is stable, for clients to branch on: the `ErrorCode` ' +
            'schema lists and describes every code, and each response lists those its route answers with that status.',
        },
        tags,
        components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
        security: [{ bearer: [] }],
      },
      transform: (input) => {
        const transformed = jsonSchemaTransform(input);
        const schema = transformed.schema as Record<string, unknown>;
        const operationId = schema.operationId ?? operationIdOf(input.route.method, input.url);
        return { ...transformed, schema: { ...schema, operationId } as typeof transformed.schema };
      },
      transformObject: (input) => {
        const document = withContractComponents(jsonSchemaTransformObject(input));
        if (!('paths' in document) || !document.paths) return document;
        return { ...document, paths: mainRoutesFirst(document.paths) } as typeof document;
      },
    });
    await app.register(swaggerUi, {
      routePrefix: '/docs',
      theme: {
        title: `${BRAND_NAME} API`,
        favicon: [{ filename: 'favicon.svg', rel: 'icon', type: 'image/svg+xml', sizes: 'any', content: logoMarkSvg }],
        // The top bar in Nightshift's colour, without Swagger UI's box for exploring other documents.
        css: [
          {
            filename: 'nightshift.css',
            content:
              '.swagger-ui .topbar { background-color: #1e1b4b; } .swagger-ui .topbar .download-url-wrapper { display: none; }',
          },
        ],
      },
      logo: { type: 'image/svg+xml', content: logoWordmarkSvg, href: '/docs', target: '_self' },
      uiConfig: { docExpansion: 'list', displayOperationId: true },
    });
  },
  { name: 'docs' },
);
