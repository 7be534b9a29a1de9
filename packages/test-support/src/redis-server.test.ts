import { Redis } from 'ioredis';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { TestRedisServer } from './index.js';

let server: TestRedisServer;
beforeAll(async () => {
  server = await TestRedisServer.start({ appendonly: true });
});
afterAll(() => server.destroy());

it('starts its own redis-server and keeps acknowledged writes across a restart with AOF', async () => {
  expect(server.port).not.toBe(6379);
  const client = new Redis(server.url, { maxRetriesPerRequest: 0, retryStrategy: () => null });
  await client.set('kept', 'yes');
  client.disconnect();
  await server.restart();
  const again = new Redis(server.url);
  expect(await again.get('kept')).toBe('yes');
  again.disconnect();
});
