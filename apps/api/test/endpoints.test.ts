import { generateEndpointSecret } from '@nightshift/jobs';
import { SHARED_REDIS_URL, uniquePrefix } from '@nightshift/test-support';
import Fastify from 'fastify';
import { serializerCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorsPlugin } from '../src/plugins/errors.js';
import { redisPlugin } from '../src/plugins/redis.js';
import { endpointRoutes } from '../src/routes/endpoints.js';
import { deletePrefix } from './helpers.js';

/**
 * The routes as every queue with `endpoints` in its contract gets them, mounted here for a queue of
 * the test's own; the full API's routes (auth, rate limit, every error) are checked in error-cases.
 */
const queuePrefix = uniquePrefix('api-endpoints');
const undeclared: string[] = [];
const app = Fastify({ logger: false }).withTypeProvider<ZodTypeProvider>();

beforeAll(async () => {
  app.setSerializerCompiler(serializerCompiler);
  await app.register(errorsPlugin, { onUndeclaredCode: ({ url, code }) => undeclared.push(`${url} ${code}`) });
  await app.register(redisPlugin, { location: { url: SHARED_REDIS_URL }, production: false });
  app.decorate('queuePrefix', queuePrefix);
  await app.register(endpointRoutes, { prefix: '/v1', queues: ['deliveries'] });
  await app.ready();
});
afterAll(async () => {
  await app.close();
  await deletePrefix(SHARED_REDIS_URL, queuePrefix);
  expect(undeclared).toEqual([]);
});

const request = (method: 'GET' | 'PUT' | 'POST', url: string, payload?: object) =>
  app.inject({ method, url: `/v1/deliveries-endpoints/${url}`, ...(payload ? { payload } : {}) });

describe('/v1/<queue>-endpoints/{id}', () => {
  it('registers an endpoint with a generated secret, shown once, then rotates it to one of the caller’s', async () => {
    const created = await request('PUT', 'shop-1', {});
    expect(created.statusCode).toBe(201);
    const { secret, ...state } = created.json();
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(state).toMatchObject({ id: 'shop-1', enabled: true, consecutiveFailures: 0 });

    const own = generateEndpointSecret();
    const rotated = await request('PUT', 'shop-1', { secret: own });
    expect(rotated.statusCode).toBe(200);
    expect(rotated.json()).toMatchObject({ id: 'shop-1', secret: own, createdAt: state.createdAt });

    const read = await request('GET', 'shop-1');
    expect(read.statusCode).toBe(200);
    expect(read.json()).not.toHaveProperty('secret');
    expect(read.json()).toMatchObject({ id: 'shop-1', enabled: true });
  });

  it('enables an endpoint the worker disabled, starting its failure count again', async () => {
    await request('PUT', 'shop-2', {});
    await app.redis.hset(`${queuePrefix}:deliveries:endpoint:shop-2`, {
      consecutiveFailures: 5,
      disabledAt: '2026-12-02T10:00:00.000Z',
      disabledReason: 'answered 503 five times',
    });
    expect((await request('GET', 'shop-2')).json()).toMatchObject({ enabled: false, disabledReason: 'answered 503 five times' });

    const enabled = await request('POST', 'shop-2/enable');
    expect(enabled.statusCode).toBe(200);
    expect(enabled.json()).toMatchObject({ id: 'shop-2', enabled: true, consecutiveFailures: 0 });
    expect(enabled.json()).not.toHaveProperty('disabledAt');
  });

  it('names what is wrong: an unknown endpoint, a bad id, a secret not in the Standard Webhooks form', async () => {
    for (const [method, url] of [
      ['GET', 'nobody'],
      ['POST', 'nobody/enable'],
    ] as const) {
      const response = await request(method, url);
      expect(response.statusCode).toBe(404);
      expect(response.json()).toMatchObject({
        code: 'ENDPOINT_NOT_FOUND',
        error: 'no deliveries endpoint nobody: register it with PUT /v1/deliveries-endpoints/nobody',
      });
    }
    expect((await request('GET', 'bad$id')).json().code).toBe('NOT_FOUND');
    const badSecret = await request('PUT', 'shop-3', { secret: 'hunter2' });
    expect(badSecret.statusCode).toBe(400);
    expect(badSecret.json()).toMatchObject({
      code: 'INVALID_REQUEST',
      issues: [{ path: 'secret', message: 'must be "whsec_" followed by base64' }],
    });
    expect((await request('GET', 'shop-3')).statusCode).toBe(404);
  });
});
