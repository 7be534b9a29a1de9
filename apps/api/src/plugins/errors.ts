import { InvalidJobDataError, toJobDataIssues } from '@nightshift/contracts';
import type { FastifyError, FastifySchemaCompiler } from 'fastify';
import fp from 'fastify-plugin';
import type { Redis } from 'ioredis';
import { ZodError, type z } from 'zod';
import { ApiError, RequestValidationError } from '../errors/index.js';

/**
 * Validates every request part with its route's zod schema (from the job contracts), keeping
 * zod's paths so a 400 names the field: `data.to`, `jobs[3].data.operations[0].params.width`.
 */
export const zodValidatorCompiler: FastifySchemaCompiler<z.ZodType> =
  ({ schema, httpPart }) =>
  (data) => {
    const result = schema.safeParse(data);
    if (result.success) return { value: result.data };
    return { error: new RequestValidationError(httpPart ?? 'request', toJobDataIssues(namingUnknownKeys(result.error))) };
  };

/** zod reports unknown fields once, at their parent; one issue per field names each of them. */
function namingUnknownKeys(error: z.ZodError): z.ZodError {
  const issues = error.issues.flatMap((issue): z.core.$ZodIssue[] =>
    issue.code === 'unrecognized_keys'
      ? issue.keys.map((key) => ({
          code: 'custom',
          path: [...issue.path, key],
          message: 'is not a known field',
          input: undefined,
        }))
      : [issue],
  );
  return new ZodError(issues);
}

// ioredis and BullMQ report an unreachable Redis with these messages, not with a class.
const REDIS_UNAVAILABLE =
  /Stream isn't writeable|Connection is closed|Command timed out|max retries per request|ECONNREFUSED|ECONNRESET|EPIPE|ETIMEDOUT|LOADING/i;

export function isRedisUnavailable(error: Error, client: Redis | undefined): boolean {
  if ('statusCode' in error && typeof error.statusCode === 'number') return false;
  return REDIS_UNAVAILABLE.test(error.message) || (client !== undefined && client.status !== 'ready');
}

/** One error shape for every route: `{ error, code, issues? }`. */
export const errorsPlugin = fp(
  async (app) => {
    app.setValidatorCompiler(zodValidatorCompiler);

    app.setErrorHandler((error: FastifyError | Error, request, reply) => {
      if (error instanceof RequestValidationError) {
        // A path parameter that cannot exist (an unknown queue, a malformed id) names a resource that is not there.
        if (error.part === 'params')
          return reply.status(404).send({ error: error.message, code: 'NOT_FOUND', issues: error.issues });
        return reply.status(400).send({ error: error.message, code: error.code, issues: error.issues });
      }
      if (error instanceof InvalidJobDataError) {
        return reply.status(400).send({ error: error.message, code: error.code, issues: error.issues });
      }
      if (error instanceof ApiError) {
        return reply.status(error.statusCode).headers(error.headers).send({ error: error.message, code: error.code });
      }
      if ('code' in error && error.code === 'FST_ERR_CTP_INVALID_JSON_BODY') {
        const message = 'the body is not valid JSON, or holds a forbidden "__proto__" or "constructor.prototype" key';
        return reply.status(400).send({ error: message, code: 'INVALID_JSON' });
      }
      if ('code' in error && error.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') {
        const accepted = (request.routeOptions.schema as { consumes?: string[] } | undefined)?.consumes ?? ['application/json'];
        const given = request.headers['content-type'] ?? 'none';
        const message = `Content-Type ${given} is not accepted here: send ${accepted.join(', ')}`;
        return reply.status(415).send({ error: message, code: 'UNSUPPORTED_MEDIA_TYPE' });
      }
      const statusCode = 'statusCode' in error ? error.statusCode : undefined;
      if (statusCode !== undefined && statusCode >= 400 && statusCode < 500) {
        return reply.status(statusCode).send({ error: error.message, code: 'code' in error ? error.code : 'BAD_REQUEST' });
      }
      if (isRedisUnavailable(error, app.hasDecorator('redis') ? app.redis : undefined)) {
        request.log.warn({ err: error }, 'redis unavailable');
        // A command that timed out may still run once Redis wakes up; a refused one never ran.
        const outcome = /timed out/i.test(error.message)
          ? 'the change may still be applied; retry with the same Idempotency-Key to avoid a duplicate'
          : 'nothing was changed; retry later';
        const message = `Redis is not answering (${error.message}): ${outcome}`;
        return reply.status(503).header('retry-after', '1').send({ error: message, code: 'REDIS_UNAVAILABLE' });
      }
      request.log.error({ err: error }, 'request failed');
      return reply.status(500).send({ error: 'internal error', code: 'INTERNAL' });
    });

    app.setNotFoundHandler((request, reply) =>
      reply.status(404).send({ error: `no route ${request.method} ${request.url.split('?')[0]}`, code: 'ROUTE_NOT_FOUND' }),
    );
  },
  { name: 'errors' },
);
