import { once } from 'node:events';
import { TestRedisServer } from '@nightshift/test-support';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../src/app.js';
import { auth, startTestApp, type TestApp, welcomeEmail } from './helpers.js';

let redis: TestRedisServer;
let t: TestApp;
let app: App;
let baseUrl: string;

beforeAll(async () => {
  redis = await TestRedisServer.start();
  t = await startTestApp({ REDIS_URL: redis.url });
  app = t.app;
  baseUrl = await app.listen({ port: 0, host: '127.0.0.1' });
});
afterAll(async () => {
  await t.close();
  await redis.destroy();
});

/** Over real HTTP, timed from the client's side. */
async function addJob(): Promise<{ status: number; ms: number; body: { code?: string; error?: string } }> {
  const started = performance.now();
  const response = await fetch(`${baseUrl}/v1/queues/email/jobs`, {
    method: 'POST',
    headers: { ...auth(), 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'welcome', data: welcomeEmail() }),
  });
  const result = {
    status: response.status,
    ms: performance.now() - started,
    body: (await response.json()) as { code?: string; error?: string },
  };
  if (process.env.REPORT_TIMINGS) console.log(`POST /v1/queues/email/jobs: ${result.status} in ${result.ms.toFixed(0)} ms`);
  return result;
}

describe('when Redis does not answer', () => {
  it('answers 503 within a second while redis-server is stopped, and 202 once it is back', async () => {
    expect((await addJob()).status).toBe(202);

    await redis.stop();
    const down = await addJob();
    expect(down.status).toBe(503);
    expect(down.body.code).toBe('REDIS_UNAVAILABLE');
    expect(down.ms).toBeLessThan(1_000);
    expect(down.body.error).toMatch(/nothing was changed/);
    expect((await fetch(`${baseUrl}/readyz`)).status).toBe(503);

    await redis.resume();
    if (app.redis.status !== 'ready') await once(app.redis, 'ready');
    const back = await addJob();
    expect(back.status).toBe(202);
    expect((await fetch(`${baseUrl}/readyz`)).status).toBe(200);
  });

  it('answers 503 within a second while Redis hangs (CLIENT PAUSE), instead of hanging the request', async () => {
    const admin = new Redis(redis.url);
    await admin.client('PAUSE', 1_200, 'ALL');
    try {
      const hung = await addJob();
      expect(hung.status).toBe(503);
      expect(hung.ms).toBeLessThan(1_000);
      expect(hung.body.error).toMatch(/timed out.*same Idempotency-Key/);
    } finally {
      admin.disconnect();
    }
    expect((await addJob()).status).toBe(202);
  });
});
