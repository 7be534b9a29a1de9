import {
  checkRedisEvictionPolicy,
  connectRedisClient,
  createFlowProducer,
  createQueue,
  createRedisClient,
  createWorker,
  DEFAULT_QUEUE_PREFIX,
  DEFAULT_REDIS_URL,
  redactRedisUrl,
  UnsafeRedisConfigError,
} from '@nightshift/jobs';
import { TestRedisServer, waitFor } from '@nightshift/test-support';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { collect } from './helpers.js';

let redis: TestRedisServer;
beforeAll(async () => {
  redis = await TestRedisServer.start({ config: { 'maxmemory-policy': 'allkeys-lru' } });
});
afterAll(() => redis.destroy());

const report = { reportId: 'r1', userId: 'u1', format: 'pdf' } as const;

describe('connection rules', () => {
  it('reads user, password, database and TLS from the URL', () => {
    const client = createRedisClient('producer', 'rediss://app:s3cret@redis.internal:6380/2', { lazyConnect: true });
    expect(client.options).toMatchObject({ host: 'redis.internal', port: 6380, username: 'app', password: 's3cret', db: 2 });
    expect(client.options.tls).toBeDefined();
    expect(redactRedisUrl('rediss://app:s3cret@redis.internal:6380/2')).toBe('rediss://app:***@redis.internal:6380/2');
    client.disconnect();
  });

  it('reads no environment variable: without a target, the factories use the local defaults', async () => {
    // The app parses REDIS_URL and QUEUE_PREFIX (packages/config) and passes them; jobs must not pick them up itself.
    vi.stubEnv('REDIS_URL', 'redis://elsewhere.invalid:6390');
    vi.stubEnv('QUEUE_PREFIX', '{elsewhere}');
    const queue = createQueue('pdf');
    const worker = createWorker('pdf', async () => ({ fileId: 'f', format: 'pdf', bytes: 1, pages: 1 }), { autorun: false });
    const flows = createFlowProducer();
    // Nothing need answer on the default port: only where they point is asserted.
    queue.on('error', () => {});
    worker.on('error', () => {});
    flows.on('error', () => {});
    try {
      for (const { opts } of [queue, worker, flows]) {
        expect(opts.prefix).toBe(DEFAULT_QUEUE_PREFIX);
        expect(opts.connection).toMatchObject({ url: DEFAULT_REDIS_URL });
      }
      expect(DEFAULT_REDIS_URL).toBe('redis://127.0.0.1:6379');
      expect(DEFAULT_QUEUE_PREFIX).toBe('{nightshift}');
    } finally {
      vi.unstubAllEnvs();
      await Promise.all([queue.close(), worker.close(), flows.close()]);
    }
  });

  it('refuses a URL that is not redis:// or rediss://', () => {
    expect(() => createRedisClient('producer', 'http://localhost:6379')).toThrow(/redis:\/\/ or rediss:\/\//);
  });

  it('connects as an ACL user', async () => {
    const admin = await connectRedisClient('producer', redis.url);
    await admin.call('ACL', 'SETUSER', 'nightshift', 'on', '>s3cret', '~*', '&*', '+@all');
    admin.disconnect();
    const url = `redis://nightshift:s3cret@127.0.0.1:${redis.port}`;
    const queue = createQueue('pdf', { redisUrl: url, prefix: '{acl}' });
    await queue.add('a', report);
    expect(await queue.count()).toBe(1);
    await queue.obliterate({ force: true });
    await queue.close();
  });

  it('gates on an evicting Redis: refuses in production, warns otherwise', async () => {
    const client = await connectRedisClient('producer', redis.url);
    await expect(checkRedisEvictionPolicy(client, { production: true, warn: () => {} })).rejects.toBeInstanceOf(
      UnsafeRedisConfigError,
    );
    const warnings: string[] = [];
    await checkRedisEvictionPolicy(client, { production: false, warn: (message) => warnings.push(message) });
    expect(warnings).toEqual([expect.stringContaining('"allkeys-lru"')]);
    client.disconnect();
  });

  it('a producer fails fast while Redis is down; a worker waits and resumes by itself', async () => {
    const target = { redisUrl: redis.url, prefix: '{outage}' };
    const queue = createQueue('pdf', target);
    const worker = createWorker('pdf', async () => ({ fileId: 'f', format: 'pdf', bytes: 1, pages: 1 }), target);
    worker.on('error', () => {}); // reconnect noise while Redis is down
    queue.on('error', () => {});
    await queue.waitUntilReady();
    await worker.waitUntilReady();

    await redis.stop();
    const started = Date.now();
    await expect(queue.add('during-outage', report)).rejects.toThrow();
    expect(Date.now() - started).toBeLessThan(1_000);

    await redis.resume();
    const completed = collect(worker, 'completed', 1);
    // The producer reconnects on its own too: retry the add until it is accepted.
    await waitFor(
      () =>
        queue.add('after-outage', report).then(
          () => true,
          () => false,
        ),
      { what: 'the producer to reconnect' },
    );
    const [job] = await completed;
    expect(job?.name).toBe('after-outage');
    await worker.close();
    await queue.obliterate({ force: true });
    await queue.close();
  });
});
