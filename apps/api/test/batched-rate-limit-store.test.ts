import { freePort, TestRedisServer } from '@nightshift/test-support';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { batchedRedisRateLimitStore } from '../src/lib/batched-rate-limit-store.js';

let server: TestRedisServer;
let redis: Redis;
beforeAll(async () => {
  // A server of its own: its command statistics count this test's calls only.
  server = await TestRedisServer.start({ appendonly: false });
  redis = new Redis(server.url);
});
afterAll(async () => {
  redis.disconnect();
  await server.destroy();
});

const evalCalls = async () => Number(/^cmdstat_(?:evalsha|eval):calls=(\d+)/m.exec(await redis.info('commandstats'))?.[1] ?? 0);
const count = (store: { incr: InstanceType<ReturnType<typeof batchedRedisRateLimitStore>>['incr'] }, key: string) =>
  new Promise<{ current: number; ttl: number }>((resolve, reject) =>
    store.incr(key, (error, result) => (error || !result ? reject(error) : resolve(result)), 60_000, 100),
  );

describe('the batched rate limit store', () => {
  it('counts the requests of one turn with one Redis call, each with a number of its own, in arrival order', async () => {
    const Store = batchedRedisRateLimitStore(redis, 'burst:');
    const store = new Store({});
    await count(store, 'warm-up');
    await redis.config('RESETSTAT');
    const results = await Promise.all(Array.from({ length: 25 }, () => count(store, 'token:a')));
    expect(results.map((result) => result.current)).toEqual(Array.from({ length: 25 }, (_, index) => index + 1));
    expect(await evalCalls()).toBe(1);
    expect(Number(await redis.get('burst:token:a'))).toBe(25);
    expect(await redis.pttl('burst:token:a')).toBeGreaterThan(59_000);
  });

  it('keeps keys apart, and a later turn continues from what Redis holds', async () => {
    const Store = batchedRedisRateLimitStore(redis, 'apart:');
    const store = new Store({});
    const [a, b] = await Promise.all([count(store, 'token:a'), count(store, 'token:b')]);
    expect([a.current, b.current]).toEqual([1, 1]);
    // Another instance's count lands in between.
    await redis.incrby('apart:token:a', 5);
    expect((await count(store, 'token:a')).current).toBe(7);
  });

  it('gives every request of the turn the error when Redis fails, so none is let through', async () => {
    // Nothing listens on this port.
    const broken = new Redis(await freePort(), { lazyConnect: true, enableOfflineQueue: false, retryStrategy: () => null });
    broken.on('error', () => {});
    const Store = batchedRedisRateLimitStore(broken, 'down:');
    const store = new Store({});
    const outcomes = await Promise.allSettled([count(store, 'token:a'), count(store, 'token:a')]);
    expect(outcomes.map((outcome) => outcome.status)).toEqual(['rejected', 'rejected']);
    broken.disconnect();
  });
});
