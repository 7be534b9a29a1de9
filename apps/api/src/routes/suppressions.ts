import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ApiError } from '../errors/index.js';
import { jsonResponse } from '../schemas/common.js';
import { authenticatedErrors, bodylessErrors, errorResponses } from '../schemas/errors.js';

const tags = ['email'];

const suppressionSchema = z
  .object({
    email: z.string().describe('Lower-cased: addresses compare case-insensitively'),
    reason: z
      .enum(['bounced', 'complained', 'unsubscribed'])
      .describe('`bounced` and `complained` stop every email; `unsubscribed` stops bulk email (the weekly digest) only'),
    detail: z.string().optional().describe("What Resend reported, e.g. the bounce's type and message"),
    eventId: z.string().nullable().describe('The Resend webhook event that added it; null for a one-click unsubscribe'),
    suppressedAt: z.string().describe('ISO 8601'),
  })
  .meta({ id: 'Suppression' });

const params = z.object({ email: z.email().max(254).describe('The address, in any case') });

const listQuery = z.strictObject({
  cursor: z
    .string()
    .regex(/^\d{1,20}$/, 'must be a cursor returned by a previous page')
    .optional(),
  limit: z.coerce
    .number()
    .int()
    .min(1)
    .max(1_000)
    .default(100)
    .describe('About this many per page (Redis may return a few more)'),
});

/** List, read and lift suppressions: the operator's way to let mail through to an address again. */
export const suppressionRoutes: FastifyPluginAsyncZod = async (app) => {
  const notFound = (email: string) => new ApiError('SUPPRESSION_NOT_FOUND', `${email} is not suppressed: email to it is sent`);

  app.get(
    '/suppressions',
    {
      schema: {
        tags,
        summary: 'List the suppressed addresses, a page at a time',
        querystring: listQuery,
        response: {
          200: jsonResponse(
            'A page of suppressions, in no particular order',
            z.object({
              suppressions: z.array(suppressionSchema),
              nextCursor: z.string().nullable().describe('Pass as `cursor` for the next page; null on the last page'),
            }),
          ),
          ...errorResponses(...authenticatedErrors, 'INVALID_REQUEST', 'REDIS_UNAVAILABLE'),
        },
      },
    },
    async (request) => app.suppressions.list(request.query.cursor, request.query.limit),
  );

  app.get(
    '/suppressions/:email',
    {
      schema: {
        tags,
        summary: 'Read why an address is suppressed',
        params,
        response: {
          200: jsonResponse(
            'The suppression, with the transient bounces counted for the address',
            suppressionSchema.extend({ transientBounces: z.int() }),
          ),
          ...errorResponses(...authenticatedErrors, 'NOT_FOUND', 'SUPPRESSION_NOT_FOUND', 'REDIS_UNAVAILABLE'),
        },
      },
    },
    async (request) => {
      const { email } = request.params;
      const suppression = await app.suppressions.find(email);
      if (!suppression) throw notFound(email);
      return { ...suppression, transientBounces: await app.suppressions.transientBounces(email) };
    },
  );

  app.delete(
    '/suppressions/:email',
    {
      schema: {
        tags,
        summary: 'Lift a suppression, so email goes to the address again',
        params,
        response: {
          200: jsonResponse('The suppression that was lifted', suppressionSchema),
          ...errorResponses(...authenticatedErrors, ...bodylessErrors, 'NOT_FOUND', 'SUPPRESSION_NOT_FOUND', 'REDIS_UNAVAILABLE'),
        },
      },
    },
    async (request) => {
      const lifted = await app.suppressions.lift(request.params.email);
      if (!lifted) throw notFound(request.params.email);
      request.log.info({ email: lifted.email, reason: lifted.reason }, 'suppression lifted');
      return lifted;
    },
  );
};
