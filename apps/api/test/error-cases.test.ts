import { endpointQueueNames, jobContracts, type QueueName, queueNames } from '@nightshift/contracts';
import { UnsubscribeLinks } from '@nightshift/email-suppressions';
import { createWorker } from '@nightshift/jobs';
import { storageKeys } from '@nightshift/storage';
import {
  resendBounce,
  signResendWebhook,
  TEST_RESEND_WEBHOOK_SECRET,
  TEST_S3_CREDENTIALS,
  TestRedisServer,
  TestS3Server,
} from '@nightshift/test-support';
import type { Job, Worker } from 'bullmq';
import type { InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type ErrorCode, errorCodes } from '../src/errors/index.js';
import { FileLinks } from '../src/lib/file-links.js';
import { IdempotencyStore } from '../src/lib/idempotency-store.js';
import { MAX_JSON_DEPTH } from '../src/lib/json-depth.js';
import { RESEND_WEBHOOK_BODY_LIMIT } from '../src/routes/resend-webhook.js';
import { auth, FILE_LINK_SECRET, ROTATED_TOKEN, startTestApp, type TestApp } from './helpers.js';
import { type DocumentedOperation, declaredCodes, type OpenApiDocument, operationsOf } from './openapi.js';

/**
 * Every documented route driven into each error it declares: the codes a route's OpenAPI
 * responses list are exactly the codes these requests get from it, and TestApp.close fails on
 * any answer a route does not declare. Redis is a server of this file's own, stopped at the end.
 */
let redis: TestRedisServer;
let t: TestApp;
/** The same API with a budget of one request, which ROTATED_TOKEN spends before the cases run. */
let limited: TestApp;
/** The same API on an S3 bucket whose server is stopped before the cases run. */
let storageDown: TestApp;
let s3: TestS3Server;
let operations: DocumentedOperation[];

/** Codes no request can provoke on purpose, with the operations that declare them. */
const unprovoked: Partial<Record<ErrorCode, RegExp>> = {
  // An unexpected failure: provoking one takes breaking the server.
  INTERNAL: /./,
  // An upsert whose scheduler is removed before its read-back: a race no request can time.
  SCHEDULER_NOT_FOUND: /^PUT /,
  // Declared wherever REDIS_UNAVAILABLE is; filling a Redis per route would take a server each. redis-full.test.ts provokes it.
  REDIS_FULL: /./,
  // Admission limits need an API configured for them: admission.test.ts provokes both on single, bulk and flow enqueues.
  QUEUE_FULL: /./,
  REDIS_MEMORY_HIGH: /./,
  // An upload cut off mid-body, which inject cannot send: timeouts.test.ts cuts one off.
  BAD_REQUEST: /^POST \/v1\/images$/,
};

const LIMIT_BYTES = 4_096;
/** A valid job per queue: the first example of its contract. */
const validJob = Object.fromEntries(
  queueNames.map((queue) => [queue, { name: 'example', data: jobContracts[queue].examples[0] }]),
) as Record<QueueName, { name: string; data: unknown }>;
const report = { title: 'Sales', columns: [{ key: 'region', label: 'Region' }], rows: [{ region: 'North' }] };
const delivery = { reportId: 'q3', userId: 'u1', format: 'pdf', to: 'boss@example.com' };
const png = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(64, 7)]);
const jpeg = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(64, 1)]);
/** On the suppression list (a bounce) from beforeAll on. */
const SUPPRESSED = 'bounced@example.com';
const toSuppressed = (job: { name: string; data: unknown }) => ({ ...job, data: { ...(job.data as object), to: SUPPRESSED } });
const UNSUBSCRIBE_LINK_SECRET = 'an-unsubscribe-secret-long-enough-0123456';
/** Routes that a signature authenticates, not a bearer token. */
const signedRoutes = ['/v1/webhooks/resend', '/v1/unsubscribe'];

/** What the cases need in Redis and storage, made in beforeAll. */
const fixtures = { waitingJobId: '', lockedRootId: '' };
let releaseImage: () => void = () => undefined;
let imageWorker: Worker | undefined;

beforeAll(async () => {
  redis = await TestRedisServer.start();
  const limits = { REDIS_URL: redis.url, BODY_LIMIT_BYTES: String(LIMIT_BYTES), REPORT_MAX_BYTES: String(LIMIT_BYTES) };
  t = await startTestApp({ ...limits, IMAGE_MAX_BYTES: '1024', UNSUBSCRIBE_LINK_SECRET });
  limited = await startTestApp({ ...limits, RATE_LIMIT_MAX: '1' });
  vi.stubEnv('AWS_ACCESS_KEY_ID', TEST_S3_CREDENTIALS.accessKeyId);
  vi.stubEnv('AWS_SECRET_ACCESS_KEY', TEST_S3_CREDENTIALS.secretAccessKey);
  s3 = await TestS3Server.start();
  storageDown = await startTestApp({ ...limits, STORAGE_URL: s3.storageUrl() });
  await s3.stop();
  await limited.app.inject({ method: 'GET', url: '/v1/queues', headers: auth(ROTATED_TOKEN) });
  operations = operationsOf(t.app.swagger() as unknown as OpenApiDocument);

  const send = (method: 'POST' | 'PUT', url: string, payload: object) => t.app.inject({ method, url, headers: auth(), payload });
  fixtures.waitingJobId = (await send('POST', '/v1/queues/email/jobs', validJob.email)).json().id;
  const store = new IdempotencyStore(t.app.redis, t.env.QUEUE_PREFIX);
  for (const queue of queueNames) {
    await store.reserve(queue, 'in-flight', { jobId: `pending-${queue}`, name: 'x', status: 'pending', since: Date.now() });
    // A key first sent with another request: its fingerprint matches no body.
    await store.reserve(queue, 'reused', {
      jobId: `done-${queue}`,
      name: 'x',
      status: 'done',
      since: Date.now(),
      fingerprint: 'other',
    });
  }
  await send('PUT', '/v1/reports/q3', report);
  await t.app.suppressions.suppress([SUPPRESSED], { reason: 'bounced', eventId: 'msg_fixture' });
  // As an older version may have stored it: a title longer than the email contract takes.
  await t.app.storage.put(storageKeys.report('old-title'), JSON.stringify({ ...report, title: 'x'.repeat(301) }));

  // A flow whose image child a worker is processing: its root cannot be removed while the child is locked.
  const uploaded = await t.app.inject({
    method: 'POST',
    url: '/v1/images',
    headers: { ...auth(), 'content-type': 'image/png' },
    payload: png,
  });
  const released = new Promise<void>((resolve) => {
    releaseImage = resolve;
  });
  const worker = createWorker(
    'image-processing',
    async () => released.then(() => ({ fileId: 'x', format: 'png' as const, width: 1, height: 1, bytes: 1 })),
    {
      redisUrl: redis.url,
      prefix: t.env.QUEUE_PREFIX,
    },
  );
  imageWorker = worker;
  const active = new Promise<Job>((resolve) => worker.once('active', resolve));
  const flow = await send('POST', '/v1/flows/report-delivery', { ...delivery, imageIds: [uploaded.json().imageId] });
  fixtures.lockedRootId = flow.json().id;
  await active;
});

afterAll(async () => {
  releaseImage();
  await imageWorker?.close();
  await redis?.resume();
  await limited?.close();
  await storageDown?.close();
  await s3?.destroy();
  vi.unstubAllEnvs();
  await t?.close();
  await redis?.destroy();
});

interface ErrorCase {
  code: ErrorCode;
  request: InjectOptions;
  /** Sent to the API whose budget ROTATED_TOKEN spent. */
  limited?: boolean;
  /** Sent once Redis is stopped. */
  redisDown?: boolean;
  /** Sent to the API whose bucket does not answer. */
  storageDown?: boolean;
}

const defaults: Record<string, string> = {
  queue: 'email',
  id: '00000000-0000-4000-8000-000000000000',
  reportId: 'q3',
  fileId: 'pdf-missing.pdf',
  email: 'nobody@example.com',
  fingerprint: '0123456789abcdef',
};
const fill = (path: string, values: Record<string, string> = {}) =>
  path.replace(/\{(\w+)\}/g, (_match, name: string) => encodeURIComponent(values[name] ?? defaults[name] ?? 'x'));
const json = { ...auth(), 'content-type': 'application/json' };

/** The requests that should get each error from one operation, built from its method and path, not from what it declares. */
function casesFor({ name, method, path, takesBody }: DocumentedOperation): ErrorCase[] {
  const url = fill(path);
  const cases: ErrorCase[] = [];
  const add = (code: ErrorCode, request: Partial<InjectOptions> = {}, options: Omit<ErrorCase, 'code' | 'request'> = {}) =>
    cases.push({ code, request: { method: method as InjectOptions['method'], url, headers: auth(), ...request }, ...options });

  if (path.startsWith('/v1/') && !signedRoutes.includes(path)) {
    add('UNAUTHORIZED', { headers: {} });
    add('RATE_LIMITED', { headers: auth(ROTATED_TOKEN) }, { limited: true });
    // The rate limit is counted in Redis, so every /v1 route needs it.
    add('REDIS_UNAVAILABLE', {}, { redisDown: true });
  }
  if (path.includes('{queue}')) add('QUEUE_NOT_FOUND', { url: fill(path, { queue: 'sms' }) });
  const idParam = /\{(id|reportId|fileId|email)\}/.exec(path)?.[1];
  if (idParam) add('NOT_FOUND', { url: fill(path, { [idParam]: 'bad$id' }) });
  if (['POST', 'PUT', 'DELETE'].includes(method) && path !== '/v1/images' && path !== '/v1/webhooks/resend') {
    add('INVALID_JSON', { headers: json, payload: '{' });
    add('JSON_TOO_DEEP', { headers: json, payload: `${'['.repeat(MAX_JSON_DEPTH + 1)}${']'.repeat(MAX_JSON_DEPTH + 1)}` });
    // A route without a body takes an empty one, even sent as JSON.
    if (takesBody) add('EMPTY_BODY', { headers: json });
    add('BODY_TOO_LARGE', { headers: json, payload: JSON.stringify('x'.repeat(LIMIT_BYTES)) });
    add('UNSUPPORTED_MEDIA_TYPE', { headers: { ...auth(), 'content-type': 'application/xml' }, payload: '<job/>' });
    add('BAD_REQUEST', { headers: { ...json, 'content-length': '10' }, payload: '{}' });
  }

  const queue = /^\/v1\/queues\/([a-z-]+)\//.exec(path)?.[1] as QueueName | undefined;
  const redisDown = (request: Partial<InjectOptions> = {}) => add('REDIS_UNAVAILABLE', request, { redisDown: true });
  const bucketDown = (request: Partial<InjectOptions> = {}) => add('STORAGE_UNAVAILABLE', request, { storageDown: true });
  const route = name
    .replace(new RegExp(`/queues/(${queueNames.join('|')})/`), '/queues/{q}/')
    .replace(new RegExp(`^(\\w+) /v1/(${endpointQueueNames.join('|')})-endpoints/`), '$1 /v1/{q}-endpoints/');
  switch (route) {
    case 'GET /v1/queues':
    case 'POST /v1/queues/{queue}/pause':
    case 'POST /v1/queues/{queue}/resume':
    case 'GET /v1/queues/{queue}/schedulers':
      redisDown();
      break;
    case 'POST /v1/queues/{q}/jobs':
      add('INVALID_REQUEST', { payload: { name: 'x', data: {} } });
      if (queue === 'email') add('EMAIL_SUPPRESSED', { payload: toSuppressed(validJob.email) });
      add('IDEMPOTENCY_KEY_IN_USE', {
        headers: { ...auth(), 'idempotency-key': 'in-flight' },
        payload: validJob[queue ?? 'email'],
      });
      add('IDEMPOTENCY_KEY_REUSED', {
        headers: { ...auth(), 'idempotency-key': 'reused' },
        payload: validJob[queue ?? 'email'],
      });
      redisDown({ payload: validJob[queue ?? 'email'] });
      break;
    case 'POST /v1/queues/{q}/jobs/bulk':
      add('INVALID_REQUEST', { payload: { jobs: [] } });
      if (queue === 'email') add('EMAIL_SUPPRESSED', { payload: { jobs: [validJob.email, toSuppressed(validJob.email)] } });
      redisDown({ payload: { jobs: [validJob[queue ?? 'email']] } });
      break;
    case 'GET /v1/queues/{queue}/jobs':
      add('INVALID_REQUEST', { url: `${url}?state=sleeping` });
      redisDown();
      break;
    case 'GET /v1/queues/{queue}/jobs/{id}':
    case 'GET /v1/queues/{queue}/jobs/{id}/logs':
      add('JOB_NOT_FOUND');
      redisDown();
      break;
    case 'POST /v1/queues/{queue}/jobs/{id}/retry':
      add('JOB_NOT_FOUND');
      add('JOB_NOT_FAILED', { url: fill(path, { id: fixtures.waitingJobId }) });
      redisDown();
      break;
    case 'DELETE /v1/queues/{queue}/jobs/{id}':
      add('JOB_NOT_FOUND');
      add('INVALID_REQUEST', { url: `${url}?reason=${'x'.repeat(501)}` });
      add('JOB_LOCKED', { url: fill(path, { id: fixtures.lockedRootId }) });
      redisDown();
      break;
    case 'GET /v1/queues/{queue}/failures':
      add('INVALID_REQUEST', { url: `${url}?limit=0` });
      redisDown();
      break;
    case 'POST /v1/queues/{queue}/failures/{fingerprint}/retry':
    case 'DELETE /v1/queues/{queue}/failures/{fingerprint}':
      add('NOT_FOUND', { url: fill(path, { fingerprint: 'not-a-fingerprint' }) });
      redisDown();
      break;
    case 'PUT /v1/queues/{q}/schedulers/{id}':
      add('INVALID_REQUEST', { payload: {} });
      redisDown({ payload: { every: 60_000, job: validJob[queue ?? 'email'] } });
      break;
    case 'DELETE /v1/queues/{queue}/schedulers/{id}':
      add('SCHEDULER_NOT_FOUND');
      redisDown();
      break;
    case 'POST /v1/images': {
      const upload = (contentType: string, payload: Buffer | string) => ({
        headers: { ...auth(), 'content-type': contentType },
        payload,
      });
      add('UNSUPPORTED_MEDIA_TYPE', upload('text/plain', 'hello'));
      add('EMPTY_BODY', upload('image/png', Buffer.alloc(0)));
      add('IMAGE_TOO_LARGE', upload('image/png', Buffer.concat([png, Buffer.alloc(2048)])));
      add('IMAGE_TYPE_MISMATCH', upload('image/png', jpeg));
      bucketDown(upload('image/png', png));
      break;
    }
    case 'PUT /v1/reports/{reportId}':
      add('INVALID_REQUEST', { payload: {} });
      bucketDown({ payload: report });
      break;
    case 'GET /v1/files/{fileId}': {
      add('INVALID_REQUEST', { url: `${url}?expires=soon&signature=x` });
      add('FILE_NOT_FOUND');
      const expired = new FileLinks(FILE_LINK_SECRET, t.env.PUBLIC_BASE_URL).url('pdf-x.pdf', Date.now() - 8 * 86_400_000);
      add('LINK_EXPIRED', { url: expired.replace(t.env.PUBLIC_BASE_URL, ''), headers: {} });
      bucketDown();
      break;
    }
    case 'PUT /v1/{q}-endpoints/{id}':
      add('INVALID_REQUEST', { payload: { secret: 'hunter2' } });
      redisDown({ payload: {} });
      break;
    case 'GET /v1/{q}-endpoints/{id}':
    case 'POST /v1/{q}-endpoints/{id}/enable':
      add('ENDPOINT_NOT_FOUND');
      redisDown();
      break;
    case 'POST /v1/webhooks/resend': {
      const signed = (event: { type: string; data: Record<string, unknown> }) => {
        const { body, headers } = signResendWebhook(event, { id: `msg_${Math.random()}`, secret: TEST_RESEND_WEBHOOK_SECRET });
        return { headers, payload: body };
      };
      add('WEBHOOK_SIGNATURE_INVALID', { headers: { 'content-type': 'application/json' }, payload: '{}' });
      add('INVALID_REQUEST', signed({ type: 'email.bounced', data: { to: 'not an address' } }));
      add('BODY_TOO_LARGE', { headers: json, payload: JSON.stringify('x'.repeat(RESEND_WEBHOOK_BODY_LIMIT)) });
      add('UNSUPPORTED_MEDIA_TYPE', { headers: { 'content-type': 'application/xml' }, payload: '<event/>' });
      add('BAD_REQUEST', { headers: { ...json, 'content-length': '10' }, payload: '{}' });
      redisDown(signed(resendBounce('gone@example.com')));
      break;
    }
    case 'GET /v1/suppressions':
      add('INVALID_REQUEST', { url: `${url}?cursor=next` });
      redisDown();
      break;
    case 'GET /v1/suppressions/{email}':
    case 'DELETE /v1/suppressions/{email}':
      add('SUPPRESSION_NOT_FOUND');
      redisDown();
      break;
    case 'GET /v1/unsubscribe':
    case 'POST /v1/unsubscribe': {
      const link = new UnsubscribeLinks(UNSUBSCRIBE_LINK_SECRET, '').url('reader@example.com');
      add('INVALID_REQUEST', { headers: {} });
      add('UNSUBSCRIBE_LINK_INVALID', { url: link.replace(/signature=[^&]+/, 'signature=forged'), headers: {} });
      if (method === 'POST') redisDown({ url: link, headers: {} });
      break;
    }
    case 'POST /v1/flows/report-delivery':
      add('INVALID_REQUEST', { payload: {} });
      add('REPORT_NOT_FOUND', { payload: { ...delivery, reportId: 'missing' } });
      add('IMAGE_NOT_FOUND', { payload: { ...delivery, imageIds: ['missing'] } });
      add('INVALID_JOB_DATA', { payload: { ...delivery, reportId: 'old-title' } });
      redisDown({ payload: delivery });
      bucketDown({ payload: delivery });
      break;
  }
  return cases;
}

async function expectAnswer({ code, request, limited: toLimited, storageDown: toStorageDown }: ErrorCase): Promise<void> {
  const response = await (toLimited ? limited : toStorageDown ? storageDown : t).app.inject(request);
  const answered = { status: response.statusCode, code: response.json().code };
  expect(answered, `${request.method} ${String(request.url).slice(0, 120)}`).toEqual({ status: errorCodes[code].status, code });
}

const sorted = (codes: Iterable<string>) => [...new Set(codes)].sort();

describe('every documented route', () => {
  it('declares exactly the codes its error cases provoke, except those no request can', () => {
    expect(operations.length).toBeGreaterThan(25);
    for (const operation of operations) {
      const declared = declaredCodes(operation).filter((code) => !unprovoked[code as ErrorCode]?.test(operation.name));
      expect(sorted(casesFor(operation).map((item) => item.code)), operation.name).toEqual(sorted(declared));
    }
  });

  it('answers each error case with its code and status', async () => {
    for (const operation of operations) {
      for (const item of casesFor(operation).filter((candidate) => !candidate.redisDown)) await expectAnswer(item);
    }
  });

  it('answers REDIS_UNAVAILABLE on each route that needs Redis once it stops', async () => {
    releaseImage();
    await imageWorker?.close();
    await redis.stop();
    const cases = operations.flatMap((operation) => casesFor(operation).filter((item) => item.redisDown));
    expect(cases.length).toBeGreaterThan(15);
    for (const item of cases) await expectAnswer(item);
  });
});
