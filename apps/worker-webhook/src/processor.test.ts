import { parseEnv, workerEnvSchema } from '@nightshift/config';
import { type ContractQueue, createQueue, redisConnectionOptions } from '@nightshift/jobs';
import { SHARED_REDIS_URL, uniquePrefix } from '@nightshift/test-support';
import { createLogger, type RunningWorker, startWorker } from '@nightshift/worker-runtime';
import { QueueEvents } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createProcessor } from './processor.js';

let queue: ContractQueue<'webhook'>;
let events: QueueEvents;
let running: RunningWorker<'webhook'>;

beforeAll(async () => {
  const env = parseEnv(workerEnvSchema, {
    REDIS_URL: SHARED_REDIS_URL,
    QUEUE_PREFIX: uniquePrefix('worker-webhook'),
    METRICS_PORT: '0',
    SHUTDOWN_TIMEOUT_MS: '5000',
  });
  queue = createQueue('webhook', { redisUrl: env.REDIS_URL, prefix: env.QUEUE_PREFIX });
  events = new QueueEvents('webhook', {
    connection: redisConnectionOptions('worker', env.REDIS_URL),
    prefix: env.QUEUE_PREFIX,
  });
  await events.waitUntilReady();
  running = await startWorker({
    queue: 'webhook',
    processor: createProcessor(),
    env,
    logger: createLogger('worker-webhook-test', 'silent'),
    defaultConcurrency: 1,
  });
});

afterAll(async () => {
  await running?.close();
  await events?.close();
  await queue?.obliterate({ force: true });
  await queue?.close();
});

describe('the webhook processor', () => {
  it('handles a job through the queue and says what it did in the job log', async () => {
    const job = await queue.add('example', { message: 'hello' });
    expect(await job.waitUntilFinished(events, 10_000)).toEqual({ characters: 5 });
    expect((await queue.getJobLogs(String(job.id))).logs).toEqual(['read a message of 5 characters']);
  });
});
