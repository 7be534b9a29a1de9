import { TestRedisServer } from '@nightshift/test-support';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auth, startTestApp, type TestApp, welcomeEmail } from './helpers.js';

let redis: TestRedisServer;
let filler: Redis;
let t: TestApp;
beforeAll(async () => {
  redis = await TestRedisServer.start({ config: { maxmemory: '4mb', 'maxmemory-policy': 'noeviction' } });
  filler = new Redis(redis.url);
  t = await startTestApp({ REDIS_URL: redis.url });
});
afterAll(async () => {
  filler?.disconnect();
  await t?.close();
  await redis?.destroy();
});

const addJob = () =>
  t.app.inject({
    method: 'POST',
    url: '/v1/queues/email/jobs',
    headers: auth(),
    payload: { name: 'welcome', data: welcomeEmail() },
  });

/** Writes filler values until Redis refuses one for want of memory, as a backlog would. */
async function fillRedis(): Promise<number> {
  for (let i = 0; ; i++) {
    try {
      await filler.set(`filler:${i}`, 'x'.repeat(64 * 1024));
    } catch (error) {
      expect((error as Error).message).toMatch(/^OOM /);
      return i;
    }
  }
}

describe('a full Redis (maxmemory reached, noeviction)', () => {
  it('answers 503 REDIS_FULL with Retry-After on enqueue, and /readyz 503 saying why; both recover once memory is freed', async () => {
    expect((await addJob()).statusCode).toBe(202);
    const written = await fillRedis();

    const full = await addJob();
    expect(full.statusCode).toBe(503);
    expect(full.json()).toMatchObject({ code: 'REDIS_FULL', error: expect.stringMatching(/Redis is full.*nothing was changed/) });
    expect(Number(full.headers['retry-after'])).toBeGreaterThan(0);
    const ready = await t.app.inject({ method: 'GET', url: '/readyz' });
    expect(ready.statusCode).toBe(503);
    expect(ready.json()).toMatchObject({ status: 'unavailable', reason: expect.stringMatching(/Redis is full: .* maxmemory/) });

    await filler.del(...Array.from({ length: written }, (_, i) => `filler:${i}`));
    expect((await addJob()).statusCode).toBe(202);
    expect((await t.app.inject({ method: 'GET', url: '/readyz' })).json()).toEqual({ status: 'ok', redis: 'ready' });
  });
});
