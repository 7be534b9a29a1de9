/**
 * One worker process of the scale measurement: `startWorker` (the runtime production runs) on each
 * queue of SCALE_QUEUES, with a no-op processor or worker-image's own (SCALE_JOB=image, files in
 * STORAGE_DIR). Its health server answers on PORT once every worker has started.
 */
import { parseEnv, workerEnvSchema } from '@nightshift/config';
import { type QueueName, queueNames } from '@nightshift/contracts';
import type { ContractProcessor } from '@nightshift/jobs';
import { FileStorage } from '@nightshift/storage';
import { createProcessor } from '@nightshift/worker-image/processor';
import { type RunningWorker, startWorker } from '@nightshift/worker-runtime';
import sharp from 'sharp';
import { discardingLogger, EMAIL_RESULT } from '../fixtures.js';

const job = process.env.SCALE_JOB === 'image' ? 'image' : 'noop';
const queues = (process.env.SCALE_QUEUES ?? 'email').split(',') as QueueName[];
const unknown = queues.filter((queue) => !queueNames.includes(queue));
if (unknown.length > 0) throw new Error(`SCALE_QUEUES: unknown queue ${unknown.join(', ')}`);
const env = parseEnv(workerEnvSchema, { ...process.env, METRICS_PORT: process.env.PORT });

// As worker-image's main sets sharp up: one libvips thread, no cache; parallelism comes from processes.
sharp.concurrency(1);
sharp.cache(false);
const noop = (async () => EMAIL_RESULT) as unknown as ContractProcessor<QueueName>;
const processorOf = (queue: QueueName): ContractProcessor<QueueName> => {
  if (job === 'noop') return noop;
  if (queue !== 'image-processing') throw new Error(`SCALE_JOB=image runs on image-processing, not ${queue}`);
  const storage = new FileStorage(env.STORAGE_DIR ?? '');
  return createProcessor({ storage, maxPixels: 50_000_000 }) as unknown as ContractProcessor<QueueName>;
};

const running: RunningWorker<QueueName>[] = [];
for (const [index, queue] of queues.entries()) {
  running.push(
    await startWorker({
      queue,
      processor: processorOf(queue),
      // The last one started serves /healthz on PORT: it answers once every queue has its worker.
      env: index === queues.length - 1 ? env : { ...env, METRICS_PORT: 0 },
      logger: discardingLogger(),
      defaultConcurrency: 1,
    }),
  );
}

process.once('SIGTERM', () => {
  void Promise.all(running.map((worker) => worker.close())).then(() => process.exit(0));
});
