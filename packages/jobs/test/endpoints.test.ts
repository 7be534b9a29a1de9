import { connectRedisClient, EndpointStore, endpointSecretSchema, generateEndpointSecret } from '@nightshift/jobs';
import { SHARED_REDIS_URL, uniquePrefix } from '@nightshift/test-support';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

let client: Redis;
let store: EndpointStore;
const prefix = uniquePrefix('endpoints');

beforeAll(async () => {
  client = await connectRedisClient('producer', SHARED_REDIS_URL);
  store = new EndpointStore(client, { prefix, queue: 'deliveries' });
});
afterAll(async () => {
  await client.del(...['shop-1', 'shop-2', 'shop-3'].map((id) => store.key(id)));
  await client.quit();
});

describe('endpoint secrets', () => {
  it('are generated in the Standard Webhooks form, and only that form is accepted', () => {
    const secret = generateEndpointSecret();
    expect(secret).toMatch(/^whsec_/);
    expect(Buffer.from(secret.slice(6), 'base64')).toHaveLength(32);
    expect(endpointSecretSchema.safeParse(secret).success).toBe(true);
    for (const bad of ['secret', `whsec_${Buffer.alloc(8).toString('base64')}`, 'whsec_not base64!', secret.slice(6)]) {
      expect(endpointSecretSchema.safeParse(bad).success, bad).toBe(false);
    }
  });
});

describe('EndpointStore', () => {
  it('registers an endpoint enabled, keeps its secret out of its state, and rotates the secret in place', async () => {
    const first = generateEndpointSecret();
    expect(await store.register('shop-1', first, new Date('2026-12-01T10:00:00Z'))).toBe(true);
    expect(await store.state('shop-1')).toEqual({
      id: 'shop-1',
      enabled: true,
      consecutiveFailures: 0,
      createdAt: '2026-12-01T10:00:00.000Z',
      secretSetAt: '2026-12-01T10:00:00.000Z',
    });
    await store.recordFailure('shop-1', { disableAfter: 5, reason: 'answered 500' });
    const second = generateEndpointSecret();
    expect(await store.register('shop-1', second, new Date('2026-12-02T10:00:00Z'))).toBe(false);
    expect(await store.forDelivery('shop-1')).toMatchObject({
      secret: second,
      consecutiveFailures: 1,
      createdAt: '2026-12-01T10:00:00.000Z',
      secretSetAt: '2026-12-02T10:00:00.000Z',
    });
    expect(await client.hget(store.key('shop-1'), 'secret')).toBe(second);
    expect(store.key('shop-1')).toBe(`${prefix}:deliveries:endpoint:shop-1`);
  });

  it('disables an endpoint at the threshold exactly once, however many failures land at once, until it is enabled', async () => {
    await store.register('shop-2', generateEndpointSecret());
    const outcomes = await Promise.all(
      Array.from({ length: 6 }, () => store.recordFailure('shop-2', { disableAfter: 3, reason: 'answered 503' })),
    );
    expect(outcomes.map((outcome) => outcome.consecutiveFailures).sort()).toEqual([1, 2, 3, 4, 5, 6]);
    expect(outcomes.filter((outcome) => outcome.disabledNow)).toEqual([{ consecutiveFailures: 3, disabledNow: true }]);
    expect(await store.state('shop-2')).toMatchObject({ enabled: false, consecutiveFailures: 6, disabledReason: 'answered 503' });

    expect(await store.enable('shop-2')).toBe(true);
    const enabled = await store.state('shop-2');
    expect(enabled).toMatchObject({ enabled: true, consecutiveFailures: 0 });
    expect(enabled).not.toHaveProperty('disabledAt');
  });

  it('starts the count again after a success, and disables at once when asked to (410 Gone)', async () => {
    await store.register('shop-3', generateEndpointSecret());
    await store.recordFailure('shop-3', { disableAfter: 2, reason: 'timed out' });
    await store.recordSuccess('shop-3');
    expect(await store.recordFailure('shop-3', { disableAfter: 2, reason: 'timed out' })).toEqual({
      consecutiveFailures: 1,
      disabledNow: false,
    });
    expect(await store.recordFailure('shop-3', { disableAfter: 0, reason: 'answered 410 Gone' })).toEqual({
      consecutiveFailures: 2,
      disabledNow: true,
    });
    expect(await store.state('shop-3')).toMatchObject({ enabled: false, disabledReason: 'answered 410 Gone' });
  });

  it('knows nothing of an endpoint never registered, and creates nothing for it', async () => {
    expect(await store.state('nobody')).toBeUndefined();
    expect(await store.forDelivery('nobody')).toBeUndefined();
    expect(await store.enable('nobody')).toBe(false);
    await store.recordSuccess('nobody');
    expect(await store.recordFailure('nobody', { disableAfter: 1, reason: 'x' })).toEqual({
      consecutiveFailures: 0,
      disabledNow: false,
    });
    expect(await client.exists(store.key('nobody'))).toBe(0);
  });
});
