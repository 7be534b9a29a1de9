import { randomUUID } from 'node:crypto';
import { maxHeaderSize, type Server, type ServerResponse, STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import { InvalidJobDataError } from '@nightshift/contracts';
import { StorageUnavailableError } from '@nightshift/storage';
import type {
  ConnectionError,
  FastifyError,
  FastifyInstance,
  FastifyReply,
  FastifyRequest,
  FastifySchemaCompiler,
} from 'fastify';
import fp from 'fastify-plugin';
import type { z } from 'zod';
import { ApiError, type ApiErrorOptions, type ErrorCode, errorCodes, RequestValidationError } from '../errors/index.js';
import { jobContextOf } from '../lib/log-errors.js';
import { isRedisFull, isRedisUnavailable } from '../lib/redis-errors.js';
import { validationIssues } from '../lib/validation-issues.js';
import { MAX_JOB_ID_LENGTH } from '../schemas/common.js';
import { declaredErrorCodes, type ErrorBody } from '../schemas/errors.js';
import { securityHeaders } from './security.js';

/**
 * Validates every request part with its route's zod schema (from the job contracts), keeping
 * zod's paths so a 400 names the field: `data.to`, `jobs[3].data.operations[0].params.width`.
 */
export const zodValidatorCompiler: FastifySchemaCompiler<z.ZodType> =
  ({ schema, httpPart }) =>
  (data) => {
    const result = schema.safeParse(data);
    if (result.success) return { value: result.data };
    return { error: new RequestValidationError(httpPart ?? 'request', validationIssues(result.error)) };
  };

/** Memory comes back as workers finish jobs and retention removes them: seconds, not the instant an outage may take. */
const REDIS_FULL_RETRY_AFTER_SECONDS = 5;

/** A documented route answering a code its `errorResponses` do not declare. */
export interface UndeclaredErrorCode {
  method: string;
  url: string;
  code: ErrorCode;
  declared: readonly ErrorCode[];
}

declare module 'fastify' {
  interface FastifyContextConfig {
    /** On documented routes while undeclared codes are reported: the codes the route declares, and whom to tell. */
    errorCodeCheck?: { declared: readonly ErrorCode[]; report: (undeclared: UndeclaredErrorCode) => void };
  }
}

/** The one way an error is answered: `{ error, code, issues? }` with the code's status. */
export function sendError(reply: FastifyReply, code: ErrorCode, message: string, { issues, headers = {} }: ApiErrorOptions = {}) {
  const check = reply.request.routeOptions.config?.errorCodeCheck;
  if (check && !check.declared.includes(code)) {
    const { method, url = reply.request.url } = reply.request.routeOptions;
    check.report({ method: String(method), url, code, declared: check.declared });
  }
  const body: ErrorBody = issues ? { error: message, code, issues } : { error: message, code };
  return (
    reply
      .status(errorCodes[code].status)
      .headers(headers)
      // Built here from typed parts: the route's response schema documents the body and is not run on it again.
      .serializer(JSON.stringify)
      .send(body)
  );
}

/** Fastify's own client errors, as codes of ours with messages that say what to send instead. */
const fastifyErrors: Record<string, { code: ErrorCode; message: (request: FastifyRequest) => string }> = {
  FST_ERR_CTP_INVALID_JSON_BODY: {
    code: 'INVALID_JSON',
    message: () => 'the body is not valid JSON, or holds a forbidden "__proto__" or "constructor.prototype" key',
  },
  FST_ERR_CTP_EMPTY_JSON_BODY: {
    code: 'EMPTY_BODY',
    message: () => 'the body is empty but this route takes one: send it as JSON',
  },
  FST_ERR_CTP_BODY_TOO_LARGE: {
    code: 'BODY_TOO_LARGE',
    message: (request) => `the body is too large: this route takes at most ${request.routeOptions.bodyLimit} bytes`,
  },
  FST_ERR_CTP_INVALID_MEDIA_TYPE: {
    code: 'UNSUPPORTED_MEDIA_TYPE',
    message: (request) => {
      const accepted = (request.routeOptions.schema as { consumes?: string[] } | undefined)?.consumes ?? ['application/json'];
      return `Content-Type ${request.headers['content-type'] ?? 'none'} is not accepted here: send ${accepted.join(', ')}`;
    },
  },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: {
    code: 'BAD_REQUEST',
    message: () => 'the body is not as long as its Content-Length says',
  },
};

/**
 * Fastify's `frameworkErrors`: what it finds before routing (no hooks have run). A parameter
 * longer than the router takes (MAX_JOB_ID_LENGTH) is longer than any id, so names nothing.
 */
export function answerFrameworkError(error: FastifyError, request: FastifyRequest, reply: FastifyReply) {
  // No hook has run: the headers every answer carries are set here. The path is not echoed back,
  // since it is the very thing that is malformed or oversized.
  reply.headers(securityHeaders()).header('x-request-id', request.id);
  if (error.code === 'FST_ERR_BAD_URL') return sendError(reply, 'INVALID_URL', 'the path holds a malformed percent-encoding');
  if (error.code === 'FST_ERR_MAX_PARAM_LENGTH') {
    return sendError(reply, 'NOT_FOUND', `the path has a parameter longer than ${MAX_JOB_ID_LENGTH} characters, which no id is`);
  }
  request.log.error({ err: error }, 'request failed before routing');
  return sendError(reply, 'INTERNAL', 'internal error');
}

/** Node's HTTP parser errors we answer with a code of our own; any other parse error is a 400 BAD_REQUEST. */
const clientErrors: Record<string, (server: Server) => { code: ErrorCode; message: string }> = {
  ERR_HTTP_REQUEST_TIMEOUT: (server) => ({
    code: 'REQUEST_TIMEOUT',
    message: `the request headers did not arrive within ${server.headersTimeout} ms (HEADERS_TIMEOUT_MS)`,
  }),
  HPE_HEADER_OVERFLOW: () => ({
    code: 'HEADERS_TOO_LARGE',
    message: `the request headers exceed ${maxHeaderSize} bytes: send fewer or shorter ones`,
  }),
};

/**
 * Fastify's `clientErrorHandler`: what Node's HTTP server refuses before Fastify sees a request (a
 * malformed request line or header, headers too large or too slow). There is no request or reply
 * yet, so the answer is written on the socket as raw HTTP, in the API's error shape with the
 * headers every answer carries, and without echoing any of what was sent.
 */
export function answerClientError(this: FastifyInstance, error: ConnectionError, socket: Socket): void {
  // A connection reset or already closed: nobody to answer.
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const { code, message } = clientErrors[error.code]?.(this.server) ?? {
    code: 'BAD_REQUEST' as const,
    message: `the request is not valid HTTP/1.1 (${error.code}): check its request line and headers`,
  };
  const requestId = randomUUID();
  this.log.info({ reqId: requestId, code, reason: error.code }, 'request refused by the HTTP parser');
  // As Node does: a response already under way on this connection must not be corrupted by a second one.
  const inFlight = (socket as Socket & { _httpMessage?: ServerResponse })._httpMessage;
  if (socket.writable && !inFlight?.headersSent) {
    const body = JSON.stringify({ error: message, code } satisfies ErrorBody);
    const { status } = errorCodes[code];
    const headers = {
      ...securityHeaders(),
      'content-type': 'application/json; charset=utf-8',
      'content-length': String(Buffer.byteLength(body)),
      'x-request-id': requestId,
      connection: 'close',
    };
    const head = Object.entries(headers).map(([name, value]) => `${name}: ${value}\r\n`);
    socket.write(`HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\n${head.join('')}\r\n${body}`);
  }
  socket.destroy(error);
}

export interface ErrorsPluginOptions {
  /**
   * Told when a documented route answers a code it does not declare (development logs it, tests
   * fail on it). Unset in production: no route's codes are kept or checked.
   */
  onUndeclaredCode?: ((undeclared: UndeclaredErrorCode) => void) | undefined;
}

/** One error shape for every route: `{ error, code, issues? }`, with a code from the list in errors/error-codes.ts. */
export const errorsPlugin = fp<ErrorsPluginOptions>(
  async (app, { onUndeclaredCode }) => {
    app.setValidatorCompiler(zodValidatorCompiler);

    if (onUndeclaredCode) {
      app.addHook('onRoute', (route) => {
        if (!route.schema || route.schema.hide) return;
        const errorCodeCheck = { declared: declaredErrorCodes(route.schema.response), report: onUndeclaredCode };
        route.config = { ...route.config, errorCodeCheck };
      });
    }

    app.setErrorHandler((error: FastifyError | Error, request, reply) => {
      if (error instanceof ApiError) return sendError(reply, error.code, error.message, error);
      if (error instanceof InvalidJobDataError) return sendError(reply, error.code, error.message, { issues: error.issues });
      const known = 'code' in error && typeof error.code === 'string' ? fastifyErrors[error.code] : undefined;
      if (known) return sendError(reply, known.code, known.message(request));
      if (error instanceof StorageUnavailableError) {
        request.log.warn({ err: error }, 'storage unavailable');
        const message = `storage is not answering (${error.message}): retry later`;
        return sendError(reply, 'STORAGE_UNAVAILABLE', message, { headers: { 'retry-after': '1' } });
      }
      if (request.raw.socket?.destroyed) {
        // The client went away, or was cut off by a timeout, mid-request: no one reads this answer, and Redis is not at fault.
        // Its reason, not the error: a stack here says nothing about our code.
        request.log.info({ reason: error.message }, 'connection closed before the request was complete');
        const message =
          'the request was cut off before its body arrived: the client closed the connection, or passed REQUEST_TIMEOUT_MS or CONNECTION_IDLE_TIMEOUT_MS';
        return sendError(reply, 'BAD_REQUEST', message);
      }
      const statusCode = 'statusCode' in error ? error.statusCode : undefined;
      if (statusCode !== undefined && statusCode >= 400 && statusCode < 500) {
        // A client error from Fastify or a plugin that has no entry above: a listed code all the same.
        request.log.warn({ err: error }, 'client error without a code of its own, answered as BAD_REQUEST');
        return sendError(reply, 'BAD_REQUEST', error.message);
      }
      if (isRedisFull(error)) {
        request.log.warn({ err: error, code: 'REDIS_FULL', ...jobContextOf(error) }, 'redis full');
        const message = `Redis is full (${error.message.split('.')[0]}): nothing was changed; retry later`;
        return sendError(reply, 'REDIS_FULL', message, { headers: { 'retry-after': String(REDIS_FULL_RETRY_AFTER_SECONDS) } });
      }
      if (isRedisUnavailable(error, app.hasDecorator('redis') ? app.redis : undefined)) {
        request.log.warn({ err: error, code: 'REDIS_UNAVAILABLE', ...jobContextOf(error) }, 'redis unavailable');
        // A command that timed out may still run once Redis wakes up; a refused one never ran.
        const outcome = /timed out/i.test(error.message)
          ? 'the change may still be applied; retry with the same Idempotency-Key to avoid a duplicate'
          : 'nothing was changed; retry later';
        const message = `Redis is not answering (${error.message}): ${outcome}`;
        return sendError(reply, 'REDIS_UNAVAILABLE', message, { headers: { 'retry-after': '1' } });
      }
      request.log.error({ err: error, ...jobContextOf(error) }, 'request failed');
      return sendError(reply, 'INTERNAL', 'internal error');
    });

    app.setNotFoundHandler((request, reply) =>
      sendError(reply, 'ROUTE_NOT_FOUND', `no route ${request.method} ${request.url.split('?')[0]}`),
    );
  },
  { name: 'errors' },
);
