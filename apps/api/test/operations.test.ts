import { endpointQueueNames, queueNames } from '@nightshift/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auth, startTestApp, type TestApp, welcomeEmail } from './helpers.js';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t.close());

const perQueue = (template: string) => queueNames.map((queue) => template.replace('{q}', queue));

/** The public contract of issue 3, plus the operations routes and the contract documents of issue 13. */
const expectedOperations = [
  'GET /healthz',
  'GET /readyz',
  'GET /metrics',
  'GET /v1/queues',
  'POST /v1/queues/{queue}/pause',
  'POST /v1/queues/{queue}/resume',
  ...perQueue('POST /v1/queues/{q}/jobs'),
  ...perQueue('POST /v1/queues/{q}/jobs/bulk'),
  'GET /v1/queues/{queue}/jobs',
  'GET /v1/queues/{queue}/jobs/{id}',
  'GET /v1/queues/{queue}/jobs/{id}/logs',
  'POST /v1/queues/{queue}/jobs/{id}/retry',
  'DELETE /v1/queues/{queue}/jobs/{id}',
  'GET /v1/queues/{queue}/failures',
  'POST /v1/queues/{queue}/failures/{fingerprint}/retry',
  'DELETE /v1/queues/{queue}/failures/{fingerprint}',
  ...perQueue('PUT /v1/queues/{q}/schedulers/{id}'),
  'GET /v1/queues/{queue}/schedulers',
  'DELETE /v1/queues/{queue}/schedulers/{id}',
  'POST /v1/images',
  'PUT /v1/reports/{reportId}',
  'GET /v1/files/{fileId}',
  'POST /v1/flows/report-delivery',
  'GET /v1/contracts',
  'GET /v1/contracts/{queue}',
  ...endpointQueueNames.flatMap((queue) => [
    `PUT /v1/${queue}-endpoints/{id}`,
    `GET /v1/${queue}-endpoints/{id}`,
    `POST /v1/${queue}-endpoints/{id}/enable`,
  ]),
  'POST /v1/webhooks/resend',
  'GET /v1/suppressions',
  'GET /v1/suppressions/{email}',
  'DELETE /v1/suppressions/{email}',
  'GET /v1/unsubscribe',
  'POST /v1/unsubscribe',
].sort();

describe('OpenAPI', () => {
  it('lists every route, and no other', async () => {
    const response = await t.app.inject({ method: 'GET', url: '/docs/json' });
    expect(response.statusCode).toBe(200);
    const paths = response.json().paths as Record<string, Record<string, unknown>>;
    const operations = Object.entries(paths).flatMap(([path, methods]) =>
      Object.keys(methods).map((method) => `${method.toUpperCase()} ${path}`),
    );
    expect(operations.sort()).toEqual(expectedOperations);
  });

  it("documents each queue's request body with that queue's contract", async () => {
    const doc = (await t.app.inject({ method: 'GET', url: '/docs/json' })).json();
    // The body's `data` refers to the queue's payload component.
    const payloadOf = (queue: string) => {
      const ref: string =
        doc.paths[`/v1/queues/${queue}/jobs`].post.requestBody.content['application/json'].schema.properties.data.$ref;
      return JSON.stringify(doc.components.schemas[ref.replace('#/components/schemas/', '')]);
    };
    for (const template of ['welcome', 'reset-password', 'invoice', 'trial-expiry', 'weekly-digest', 'report-ready']) {
      expect(payloadOf('email')).toContain(`"${template}"`);
    }
    expect(payloadOf('image-processing')).toContain('"operations"');
    expect(doc.paths['/v1/queues/email/jobs'].post.responses).toHaveProperty('400');
  });

  it('serves the UI at /docs', async () => {
    const response = await t.app.inject({ method: 'GET', url: '/docs/' });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toMatch(/text\/html/);
  });
});

describe('health and metrics', () => {
  it('answers /healthz and /readyz without a token', async () => {
    expect((await t.app.inject({ method: 'GET', url: '/healthz' })).json()).toEqual({ status: 'ok' });
    expect((await t.app.inject({ method: 'GET', url: '/readyz' })).json()).toEqual({ status: 'ok', redis: 'ready' });
  });

  it('exposes per-queue counts and HTTP totals and durations by route pattern', async () => {
    await t.app.inject({
      method: 'POST',
      url: '/v1/queues/email/jobs',
      headers: auth(),
      payload: { name: 'w', data: welcomeEmail() },
    });
    await t.app.inject({ method: 'GET', url: '/v1/queues/email/jobs/some-id', headers: auth() });
    const response = await t.app.inject({ method: 'GET', url: '/metrics' });
    expect(response.headers['content-type']).toMatch(/text\/plain/);
    const text = response.body;
    expect(text).toContain('nightshift_queue_jobs{queue="email",state="waiting"} 1');
    expect(text).toContain('nightshift_queue_jobs{queue="pdf",state="failed"} 0');
    expect(text).toContain('nightshift_redis_up 1');
    // The one waiting job was added moments ago; no job waits on pdf, and no worker listens in this test.
    const oldestEmail = Number(/nightshift_queue_oldest_waiting_seconds\{queue="email"\} (\S+)/.exec(text)?.[1]);
    expect(oldestEmail).toBeGreaterThan(0);
    expect(oldestEmail).toBeLessThan(60);
    expect(text).toContain('nightshift_queue_oldest_waiting_seconds{queue="pdf"} 0');
    expect(text).toContain('nightshift_queue_workers{queue="email"} 0');
    expect(text).toContain('nightshift_api_http_requests_total{method="POST",route="/v1/queues/email/jobs",status="202"} 1');
    expect(text).toContain('nightshift_api_http_requests_total{method="GET",route="/v1/queues/:queue/jobs/:id",status="404"} 1');
    expect(text).toMatch(
      /nightshift_api_http_request_duration_seconds_count\{method="POST",route="\/v1\/queues\/email\/jobs",status="202"\} 1/,
    );
  });

  it('tags every response with a request id, taking the caller’s when given', async () => {
    const response = await t.app.inject({ method: 'GET', url: '/healthz', headers: { 'x-request-id': 'trace-42' } });
    expect(response.headers['x-request-id']).toBe('trace-42');
  });
});
