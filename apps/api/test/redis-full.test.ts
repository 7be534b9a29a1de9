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
  // Admission control would refuse first (429): here Redis itself is the bound.
  t = await startTestApp({ REDIS_URL: redis.url, ADMISSION_MAX_MEMORY_SHARE: '1' });
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

/** Writes filler values, smaller and smaller, until Redis refuses even a small one for want of memory. */
async function fillRedis(): Promise<string[]> {
  const keys: string[] = [];
  for (const size of [64 * 1024, 4 * 1024, 256]) {
    for (;;) {
      const key = `filler:${keys.length}`;
      try {
        await filler.set(key, 'x'.repeat(size));
        keys.push(key);
      } catch (error) {
        expect((error as Error).message).toMatch(/^OOM /);
        break;
      }
    }
  }
  return keys;
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

    await filler.del(...written);
    expect((await addJob()).statusCode).toBe(202);
    expect((await t.app.inject({ method: 'GET', url: '/readyz' })).json()).toEqual({ status: 'ok', redis: 'ready' });
  });
});
