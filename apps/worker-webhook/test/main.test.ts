import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { connectRedisClient, createQueue, EndpointStore, generateEndpointSecret, redisConnectionOptions } from '@nightshift/jobs';
import { SHARED_REDIS_URL, uniquePrefix } from '@nightshift/test-support';
import { QueueEvents } from 'bullmq';
import { afterEach, describe, expect, it } from 'vitest';
import { WebhookReceiver } from './receiver.js';

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

describe('src/main.ts', () => {
  it('delivers signed webhooks from its environment, alerts when it disables an endpoint, and exits 0 on SIGTERM', async () => {
    const prefix = uniquePrefix('worker-webhook-main');
    const signingSecret = generateEndpointSecret();
    const receiver = await WebhookReceiver.start();
    const queue = createQueue('webhook', { redisUrl: SHARED_REDIS_URL, prefix });
    const events = new QueueEvents('webhook', { connection: redisConnectionOptions('worker', SHARED_REDIS_URL), prefix });
    const redis = await connectRedisClient('producer', SHARED_REDIS_URL);
    const endpoints = new EndpointStore(redis, { prefix, queue: 'webhook' });
    cleanups.push(async () => {
      await events.close();
      await queue.obliterate({ force: true });
      await queue.close();
      await redis.del(endpoints.key('shop-gone'));
      await redis.quit();
      await receiver.close();
    });

    const child = spawn(process.execPath, ['--import', 'tsx', '--conditions=@nightshift/source', 'src/main.ts'], {
      // Only what the test needs: the defaults under test must not be overridden by the caller's environment.
      env: {
        PATH: process.env.PATH,
        REDIS_URL: SHARED_REDIS_URL,
        QUEUE_PREFIX: prefix,
        METRICS_PORT: '0',
        WEBHOOK_SIGNING_SECRET: signingSecret,
        // The receiver is on loopback, which deliveries may reach only when allowed.
        WEBHOOK_ALLOWED_NETWORKS: '127.0.0.1/32',
        ALERT_WEBHOOK_URL: receiver.url('/alerts'),
      },
      // The app's folder, wherever vitest runs from: tsx and src/main.ts resolve from there.
      cwd: fileURLToPath(new URL('..', import.meta.url)),
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const exited = once(child, 'exit');
    cleanups.push(async () => {
      if (child.exitCode === null) child.kill('SIGKILL');
    });
    const lines: Record<string, unknown>[] = [];
    const started = new Promise<void>((resolve, reject) => {
      createInterface({ input: child.stdout }).on('line', (text) => {
        lines.push(JSON.parse(text) as Record<string, unknown>);
        if (lines.at(-1)?.msg === 'worker started') resolve();
      });
      child.once('exit', (code) => reject(new Error(`exited ${code} before starting`)));
    });

    await started;
    expect(lines.find((line) => line.msg === 'webhook delivery configured')).toMatchObject({
      timeoutMs: 10_000,
      allowedNetworks: ['127.0.0.1/32'],
      endpointConcurrency: 2,
      disableAfterFailures: 10,
    });
    expect(lines.find((line) => line.msg === 'worker started')).toMatchObject({ queue: 'webhook', concurrency: 20 });
    await events.waitUntilReady();

    receiver.expect('/orders', signingSecret);
    const delivered = await queue.add('order', { url: receiver.url('/orders'), eventType: 'order.created', payload: { id: 7 } });
    expect(await delivered.waitUntilFinished(events, 15_000)).toMatchObject({ status: 200, webhookId: `msg_${delivered.id}` });
    expect(receiver.requestsTo('/orders')[0]?.verified).toEqual({
      ok: true,
      message: { type: 'order.created', timestamp: expect.any(String), data: { id: 7 } },
    });

    const secret = generateEndpointSecret();
    await endpoints.register('shop-gone', secret);
    receiver.expect('/gone', secret, { status: 410 });
    const gone = await queue.add('order', {
      url: receiver.url('/gone'),
      eventType: 'order.created',
      payload: {},
      endpointId: 'shop-gone',
    });
    await expect(gone.waitUntilFinished(events, 15_000)).rejects.toThrow('410 Gone');
    const [alert] = await receiver.waitFor('/alerts', 1);
    expect(JSON.parse(alert?.body ?? '{}')).toMatchObject({
      event: 'webhook.endpoint_disabled',
      queue: 'webhook',
      endpointId: 'shop-gone',
      consecutiveFailures: 1,
      reason: expect.stringContaining('answered 410 Gone'),
    });

    child.kill('SIGTERM');
    expect(await exited).toEqual([0, null]);
  });
});
