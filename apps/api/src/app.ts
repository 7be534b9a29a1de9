import { randomUUID } from 'node:crypto';
import { redisLocation, storageLocation } from '@nightshift/config';
import { queueNames } from '@nightshift/contracts';
import { UnsubscribeLinks } from '@nightshift/email-suppressions';
import { startTracing, traceLogFields } from '@nightshift/telemetry';
import Fastify, { LogController } from 'fastify';
import { serializerCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import { pino } from 'pino';
import { adminPasswordWeakness, type Env } from './env.js';
import { ApiError } from './errors/index.js';
import { FileLinks } from './lib/file-links.js';
import { MAX_JSON_DEPTH, nestsDeeperThan, tooDeepMessage } from './lib/json-depth.js';
import { serializeError } from './lib/log-errors.js';
import { type AdmissionPluginOptions, admissionPlugin } from './plugins/admission.js';
import { BULL_BOARD_PATH, bullBoardPlugin } from './plugins/bull-board.js';
import { docsPlugin } from './plugins/docs.js';
import { answerClientError, answerFrameworkError, errorsPlugin, type UndeclaredErrorCode } from './plugins/errors.js';
import { metricsPlugin } from './plugins/metrics.js';
import { type QueuesPluginOptions, queuesPlugin } from './plugins/queues.js';
import { redisPlugin } from './plugins/redis.js';
import { securityPlugin } from './plugins/security.js';
import { storagePlugin } from './plugins/storage.js';
import { suppressionsPlugin } from './plugins/suppressions.js';
import { healthRoutes } from './routes/health.js';
import { resendWebhookRoutes } from './routes/resend-webhook.js';
import { unsubscribeRoutes } from './routes/unsubscribe.js';
import { v1Routes } from './routes/v1.js';
import { MAX_JOB_ID_LENGTH } from './schemas/common.js';

export interface BuildAppOptions {
  /** Tests collect these to fail on them; otherwise development logs them and production does not check. */
  onUndeclaredErrorCode?: (undeclared: UndeclaredErrorCode) => void;
}

/** The API as a Fastify instance; `server.ts` starts it, tests `inject` into it or listen on port 0. */
export async function buildApp(env: Env, options: BuildAppOptions = {}) {
  // Undefined without OTEL_EXPORTER_OTLP_ENDPOINT: then nothing below adds a hook, a mixin or a span.
  const tracing = startTracing(env, 'nightshift-api');
  const app = Fastify({
    logger: {
      ...(tracing && { mixin: traceLogFields }),
      level: env.LOG_LEVEL,
      base: { app: 'api' },
      timestamp: pino.stdTimeFunctions.isoTime,
      // No `redact`: it cost every line a pass over its fields, and Fastify's `req` serializer, the
      // one way a request reaches a line, writes no headers, so a bearer token never gets that far.
      // Redis errors carry their command's arguments, a job's data among them: logged without.
      serializers: { err: serializeError },
      // Written synchronously: pino's default hands each line to libuv's thread pool, which cost the
      // job POST several times the write itself (packages/bench), and a sync line is out before a crash.
      stream: pino.destination({ dest: 1, sync: true }),
    },
    // One access line per request, written below; Fastify's default writes two, and the second
    // cost job POSTs about a third of their throughput in packages/bench.
    logController: new LogController({ disableRequestLogging: true }),
    // The caller's x-request-id when it looks like an id, else one of ours: a client must not fill logs and answers with kilobytes.
    requestIdHeader: false,
    genReqId: (request) => {
      const given = request.headers['x-request-id'];
      return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
    },
    // Off unless set: X-Forwarded-For is whatever the client wrote, unless a proxy we trust wrote it.
    trustProxy: env.TRUST_PROXY,
    bodyLimit: env.BODY_LIMIT_BYTES,
    // Without it a stalled client holds its connection (and an upload's buffers) for ever; REQUEST_TIMEOUT_MS is below.
    connectionTimeout: env.CONNECTION_IDLE_TIMEOUT_MS,
    // A JSON body with __proto__ or constructor.prototype is refused (400), never merged into objects.
    onProtoPoisoning: 'error',
    onConstructorPoisoning: 'error',
    routerOptions: { maxParamLength: MAX_JOB_ID_LENGTH },
    frameworkErrors: answerFrameworkError,
    clientErrorHandler: answerClientError,
    // Node checks for late headers on an interval, thirty seconds unless told: a fraction of the timeout keeps a 408 near it.
    http: {
      headersTimeout: env.HEADERS_TIMEOUT_MS,
      connectionsCheckingInterval: Math.min(env.HEADERS_TIMEOUT_MS / 4, 30_000),
    },
  }).withTypeProvider<ZodTypeProvider>();
  app.setSerializerCompiler(serializerCompiler);
  // A route without a body takes an empty one whatever its Content-Type: many clients send
  // `application/json` on every request. Where a body is due, empty is still EMPTY_BODY.
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    const text = body.toString();
    if (text === '' && request.routeOptions.schema?.body === undefined) return done(null, undefined);
    if (nestsDeeperThan(text, MAX_JSON_DEPTH)) return done(new ApiError('JSON_TOO_DEEP', tooDeepMessage));
    return parseJson(request, text, done);
  });
  // Requests still in flight at shutdown close their keep-alive connection, or close() would wait for the client to hang up.
  let closing = false;
  app.addHook('preClose', async () => {
    closing = true;
  });
  // A body still arriving after REQUEST_TIMEOUT_MS (a trickling upload) ends the connection. Our own timer: Node's
  // `requestTimeout` did not fire for a body a handler was still reading (Node 26, apps/api/test/timeouts.test.ts).
  app.addHook('onRequest', (request, reply, done) => {
    const timer = setTimeout(() => {
      if (request.raw.complete) return;
      request.log.warn(
        { timeoutMs: env.REQUEST_TIMEOUT_MS },
        'request body still arriving after REQUEST_TIMEOUT_MS: connection closed',
      );
      request.raw.socket.destroy();
    }, env.REQUEST_TIMEOUT_MS).unref();
    reply.raw.once('close', () => clearTimeout(timer));
    done();
  });
  // Only at debug: a hook on every request costs each request, whether it logs or not.
  if (env.LOG_LEVEL === 'debug' || env.LOG_LEVEL === 'trace') {
    app.addHook('onRequest', (request, _reply, done) => {
      request.log.debug({ method: request.method, url: loggedUrl(request.url) }, 'incoming request');
      done();
    });
  }
  app.addHook('onResponse', (request, reply, done) => {
    const { method } = request;
    const url = loggedUrl(request.url);
    request.log.info({ method, url, statusCode: reply.statusCode, responseTimeMs: reply.elapsedTime }, 'request completed');
    done();
  });
  app.addHook('onSend', (request, reply, payload, done) => {
    reply.header('x-request-id', request.id);
    if (closing) reply.header('connection', 'close');
    done(null, payload);
  });

  const onUndeclaredCode =
    options.onUndeclaredErrorCode ??
    (env.NODE_ENV === 'production'
      ? undefined
      : ({ method, url, code, declared }: UndeclaredErrorCode) =>
          app.log.error({ code, declared }, `${method} ${url} answered ${code}, which its errorResponses do not declare`));
  if (tracing) {
    await app.register(tracing.fastifyPlugin());
    app.addHook('onClose', () =>
      tracing.shutdown().catch((error: unknown) => app.log.warn({ err: error }, 'buffered spans not exported')),
    );
  }
  await app.register(errorsPlugin, { onUndeclaredCode });
  await app.register(securityPlugin);
  await app.register(docsPlugin);
  await app.register(redisPlugin, {
    location: redisLocation(env),
    production: env.NODE_ENV === 'production',
    allowWithoutPersistence: env.REDIS_ALLOW_NO_PERSISTENCE,
  });
  const keepCompleted = Object.fromEntries(
    queueNames.map((queue) => [
      queue,
      { age: env.COMPLETED_JOBS_KEEP_SECONDS[queue], count: env.COMPLETED_JOBS_KEEP_COUNT[queue] },
    ]),
  ) as QueuesPluginOptions['keepCompleted'];
  await app.register(queuesPlugin, { prefix: env.QUEUE_PREFIX, keepCompleted, telemetry: tracing?.bullmq });
  await app.register(admissionPlugin, { limits: admissionLimits(env) });
  await app.register(suppressionsPlugin);
  await app.register(storagePlugin, { location: storageLocation(env) });
  await app.register(metricsPlugin);
  await app.register(healthRoutes);

  if (env.ADMIN_USER && env.ADMIN_PASSWORD) {
    await app.register(bullBoardPlugin, {
      prefix: BULL_BOARD_PATH,
      user: env.ADMIN_USER,
      password: env.ADMIN_PASSWORD,
      loginFailures: { max: env.ADMIN_LOGIN_MAX_FAILURES, windowMs: env.ADMIN_LOGIN_WINDOW_MS },
    });
    const weakness = adminPasswordWeakness(env.ADMIN_PASSWORD, env.ADMIN_USER);
    // Production refuses to start with it (env.ts); elsewhere it is said once, at start.
    if (weakness) app.log.warn(`ADMIN_PASSWORD ${weakness}: production refuses to start with it`);
    app.log.info(
      { maxFailures: env.ADMIN_LOGIN_MAX_FAILURES, windowMs: env.ADMIN_LOGIN_WINDOW_MS },
      `dashboard at ${BULL_BOARD_PATH}: failed logins are limited per client across instances`,
    );
  } else {
    app.log.warn(`ADMIN_USER and ADMIN_PASSWORD are not set: the dashboard at ${BULL_BOARD_PATH} is off`);
  }
  if (env.API_TOKENS.length === 0) app.log.warn('API_TOKENS is empty: every /v1 request answers 401');
  if (!env.FILE_LINK_SECRET) app.log.warn('FILE_LINK_SECRET is not set: download links stop working when this process restarts');

  await app.register(v1Routes, {
    prefix: '/v1',
    tokens: env.API_TOKENS,
    rateLimit: { max: env.RATE_LIMIT_MAX, windowMs: env.RATE_LIMIT_WINDOW_MS },
    imageMaxBytes: env.IMAGE_MAX_BYTES,
    reportMaxBytes: env.REPORT_MAX_BYTES,
    links: new FileLinks(env.FILE_LINK_SECRET, env.PUBLIC_BASE_URL),
  });
  // Beside /v1, not in it: these routes authenticate by a signature, not by a bearer token.
  if (env.RESEND_WEBHOOK_ENABLED && env.RESEND_WEBHOOK_SECRET) {
    await app.register(resendWebhookRoutes, { prefix: '/v1', secret: env.RESEND_WEBHOOK_SECRET });
  } else if (env.RESEND_WEBHOOK_ENABLED) {
    app.log.warn('RESEND_WEBHOOK_SECRET is not set: POST /v1/webhooks/resend is off, and bounces do not suppress addresses');
  }
  await app.register(unsubscribeRoutes, {
    prefix: '/v1',
    links: new UnsubscribeLinks(env.UNSUBSCRIBE_LINK_SECRET, env.PUBLIC_BASE_URL),
  });
  return app;
}

function admissionLimits(env: Env): AdmissionPluginOptions['limits'] {
  return Object.fromEntries(
    queueNames.map((queue) => [
      queue,
      { maxWaiting: env.ADMISSION_MAX_WAITING[queue], maxMemoryShare: env.ADMISSION_MAX_MEMORY_SHARE[queue] },
    ]),
  ) as AdmissionPluginOptions['limits'];
}

/** What a caller's request id may be: a UUID, a trace id, a short token. */
const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

const LINK_SIGNATURE = /([?&]signature=)[^&#]*/gi;

/** A request's URL for the logs: a signed download link's signature is a credential for days, so whoever reads logs must not get it. */
export function loggedUrl(url: string): string {
  return url.includes('?') ? url.replace(LINK_SIGNATURE, '$1[redacted]') : url;
}

export type App = Awaited<ReturnType<typeof buildApp>>;
