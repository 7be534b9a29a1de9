/**
 * A worker process of its own for the depth rows, so its RSS is the worker's alone: the production
 * runtime (`startWorker`, info logs to /dev/null, metrics) on the email queue with a no-op
 * processor. Its health server listens on PORT, which is how the bench knows it is up.
 */
import { runWorkerMain } from '@nightshift/worker-runtime';
import { benchWorkerEnv, discardingLogger, noopEmailProcessor } from '../fixtures.js';

const { REDIS_URL: redisUrl, QUEUE_PREFIX: prefix, PORT: port } = process.env;
if (!redisUrl || !prefix || !port) throw new Error('REDIS_URL, QUEUE_PREFIX and PORT are required');

await runWorkerMain({
  queue: 'email',
  processor: noopEmailProcessor,
  env: benchWorkerEnv(redisUrl, prefix, 10, { METRICS_PORT: port }),
  logger: discardingLogger(),
  defaultConcurrency: 10,
});
