import { TestRedisServer, waitFor } from '@nightshift/test-support';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auth, startTestApp, type TestApp, welcomeEmail } from './helpers.js';

const addEmail = (t: TestApp, headers: Record<string, string> = {}) =>
  t.app.inject({
    method: 'POST',
    url: '/v1/queues/email/jobs',
    headers: { ...auth(), ...headers },
    payload: { name: 'welcome', data: welcomeEmail() },
  });
const addEmails = (t: TestApp, count: number) =>
  t.app.inject({
    method: 'POST',
    url: '/v1/queues/email/jobs/bulk',
    headers: auth(),
    payload: { jobs: Array.from({ length: count }, () => ({ name: 'welcome', data: welcomeEmail() })) },
  });
const deliverReport = (t: TestApp) =>
  t.app.inject({
    method: 'POST',
    url: '/v1/flows/report-delivery',
    headers: auth(),
    payload: { reportId: 'q3', userId: 'u1', format: 'pdf', to: 'boss@example.com' },
  });
const queueSummary = async (t: TestApp, name: string) => {
  const response = await t.app.inject({ method: 'GET', url: '/v1/queues', headers: auth() });
  expect(response.statusCode).toBe(200);
  return response.json().queues.find((queue: { name: string }) => queue.name === name);
};

describe('admission control: a bound on the jobs waiting in a queue', () => {
  // A Redis of its own: the shared one's load could time out the first commands (503).
  let redis: TestRedisServer;
  let t: TestApp;
  beforeAll(async () => {
    redis = await TestRedisServer.start();
    t = await startTestApp({ REDIS_URL: redis.url, ADMISSION_MAX_WAITING: '1000,email=3' });
    const report = { title: 'Quarterly sales', columns: [{ key: 'region', label: 'Region' }], rows: [{ region: 'North' }] };
    await t.app.inject({ method: 'PUT', url: '/v1/reports/q3', headers: auth(), payload: report });
  });
  afterAll(async () => {
    await t?.close();
    await redis?.destroy();
  });

  it('answers 429 QUEUE_FULL with Retry-After on single, bulk and flow enqueues past the bound, per queue; reads go on', async () => {
    const first = await addEmails(t, 2);
    expect(first.statusCode, first.body).toBe(202);
    expect((await addEmail(t)).statusCode).toBe(202);

    const single = await addEmail(t);
    expect(single.statusCode).toBe(429);
    expect(single.json()).toMatchObject({
      code: 'QUEUE_FULL',
      error: expect.stringMatching(/queue email has 3 jobs waiting to run.*bound of 3 \(ADMISSION_MAX_WAITING\)/),
    });
    expect(Number(single.headers['retry-after'])).toBeGreaterThan(0);
    const bulk = await addEmails(t, 1);
    expect([bulk.statusCode, bulk.json().code]).toEqual([429, 'QUEUE_FULL']);
    const flow = await deliverReport(t);
    expect([flow.statusCode, flow.json().code]).toEqual([429, 'QUEUE_FULL']);
    const keyed = await addEmail(t, { 'idempotency-key': 'refused-then-retried' });
    expect(keyed.statusCode).toBe(429);
    expect(await t.app.queues.email.getJobCountByTypes('waiting', 'waiting-children')).toBe(3);

    // Another queue has its own bound, and reads are not limited.
    const pdf = await t.app.inject({
      method: 'POST',
      url: '/v1/queues/pdf/jobs',
      headers: auth(),
      payload: { name: 'report', data: { reportId: 'q3', userId: 'u1', format: 'pdf' } },
    });
    expect(pdf.statusCode).toBe(202);
    expect(await queueSummary(t, 'email')).toMatchObject({ admission: { maxWaiting: 3, maxMemoryShare: 0.8 } });
    expect(await queueSummary(t, 'pdf')).toMatchObject({ admission: { maxWaiting: 1000 } });

    // Once a worker has taken jobs (here: removed), enqueues are admitted again, the refused key included.
    await t.app.queues.email.drain();
    await waitFor(async () => (await addEmail(t, { 'idempotency-key': 'refused-then-retried' })).statusCode === 202, {
      what: 'the email queue to admit jobs again',
    });
  });
});

describe('admission control: a share of Redis maxmemory', () => {
  let redis: TestRedisServer;
  let filler: Redis;
  let t: TestApp;
  beforeAll(async () => {
    redis = await TestRedisServer.start({ config: { maxmemory: '8mb', 'maxmemory-policy': 'noeviction' } });
    filler = new Redis(redis.url);
    t = await startTestApp({ REDIS_URL: redis.url, ADMISSION_MAX_MEMORY_SHARE: '0.5,pdf=1' });
  });
  afterAll(async () => {
    filler?.disconnect();
    await t?.close();
    await redis?.destroy();
  });

  it('answers 429 REDIS_MEMORY_HIGH past the share, before Redis is full; a queue with share 1 still enqueues', async () => {
    expect((await addEmail(t)).statusCode).toBe(202);
    // Filled to about 60% of maxmemory: past the share, short of full.
    const filled: string[] = [];
    const usedShare = async () => {
      const info = await filler.info('memory');
      return Number(/used_memory:(\d+)/.exec(info)?.[1]) / Number(/maxmemory:(\d+)/.exec(info)?.[1]);
    };
    while ((await usedShare()) < 0.6) {
      filled.push(`filler:${filled.length}`);
      await filler.set(filled.at(-1) as string, 'x'.repeat(128 * 1024));
    }

    // The API reads Redis's memory at most once a second.
    const refused = await waitFor(
      async () => {
        const response = await addEmail(t);
        return response.statusCode === 429 ? response : undefined;
      },
      { what: 'an enqueue refused for memory' },
    );
    expect(refused.json()).toMatchObject({
      code: 'REDIS_MEMORY_HIGH',
      error: expect.stringMatching(/past queue email's share of 0.5 \(ADMISSION_MAX_MEMORY_SHARE\)/),
    });
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    const pdf = await t.app.inject({
      method: 'POST',
      url: '/v1/queues/pdf/jobs',
      headers: auth(),
      payload: { name: 'report', data: { reportId: 'q3', userId: 'u1', format: 'pdf' } },
    });
    expect(pdf.statusCode).toBe(202);
    expect(await queueSummary(t, 'email')).toMatchObject({ admission: { maxWaiting: 100_000, maxMemoryShare: 0.5 } });

    await filler.del(...filled);
    await waitFor(async () => (await addEmail(t)).statusCode === 202, { what: 'enqueues admitted again' });
  });
});
