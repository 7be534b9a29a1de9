/**
 * Not a test: how much the queue costs on sharp's published task (a 2725x2225 JPEG resized to
 * 720x588, JPEG quality 80). The same number of images go through bare sharp (buffer in, buffer
 * out) and through the worker (Redis, storage read, header check, storage write), with as many
 * in flight as the worker's concurrency, for each sharp thread-pool size; three alternating
 * rounds each, medians printed.
 *
 *   pnpm --filter @nightshift/worker-image bench [images per round, default 20]
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseEnv, workerEnvSchema } from '@nightshift/config';
import { createQueue, type ImageOperation } from '@nightshift/jobs';
import { FileStorage, storageKeys } from '@nightshift/storage';
import { SHARED_REDIS_URL, uniquePrefix } from '@nightshift/test-support';
import { createLogger, startWorker } from '@nightshift/worker-runtime';
import sharp from 'sharp';
import { createProcessor } from '../src/processor.js';
import { benchmarkJpeg } from './input-image.js';

const IMAGES = Number(process.argv[2] ?? 20);
const ROUNDS = 3;
const operations: ImageOperation[] = [
  { type: 'resize', params: { width: 720, height: 588, fit: 'cover' } },
  { type: 'convert', params: { format: 'jpeg', quality: 80 } },
];

sharp.cache(false);
const input = await benchmarkJpeg();
const root = await mkdtemp(join(tmpdir(), 'nightshift-bench-'));
const storage = new FileStorage(root);
await storage.put(storageKeys.image('bench'), input);

/** Runs `count` tasks with at most `parallel` in flight; returns images per second. */
async function throughput(count: number, parallel: number, task: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: parallel }, async () => {
      while (next++ < count) await task();
    }),
  );
  return count / ((performance.now() - started) / 1_000);
}

function bare(): Promise<unknown> {
  return sharp(input).resize(720, 588).jpeg({ quality: 80 }).toBuffer();
}

/** A worker on a queue of its own; `run(count)` returns images per second from add to last completion. */
async function queueRunner(parallel: number) {
  const env = parseEnv(workerEnvSchema, { REDIS_URL: SHARED_REDIS_URL, QUEUE_PREFIX: uniquePrefix('bench'), METRICS_PORT: '0' });
  const queue = createQueue('image-processing', { redisUrl: env.REDIS_URL, prefix: env.QUEUE_PREFIX });
  const running = await startWorker({
    queue: 'image-processing',
    processor: createProcessor({ storage, maxPixels: 50_000_000 }),
    env,
    logger: createLogger('bench', 'warn'),
    defaultConcurrency: parallel,
  });
  running.worker.on('failed', (_job, error) => {
    throw error;
  });
  return {
    async run(count: number): Promise<number> {
      let done = 0;
      const finished = new Promise<void>((resolve) => {
        const listener = () => {
          if (++done < count) return;
          running.worker.off('completed', listener);
          resolve();
        };
        running.worker.on('completed', listener);
      });
      const started = performance.now();
      await queue.addBulk(Array.from({ length: count }, () => ({ name: 'bench', data: { imageId: 'bench', operations } })));
      await finished;
      return count / ((performance.now() - started) / 1_000);
    },
    async close() {
      await running.close();
      await queue.obliterate({ force: true });
      await queue.close();
    },
  };
}

const median = (values: number[]) => values.sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? Number.NaN;

console.log(
  `${IMAGES} images of 2725x2225 -> 720x588 JPEG q80; ${availableParallelism()} cores, load ${loadavg()[0]?.toFixed(2)}`,
);
console.log('sharp threads | in flight | bare sharp img/s | through queue img/s | queue / bare');
for (const threads of [1, 2]) {
  for (const parallel of [1, 2]) {
    sharp.concurrency(threads);
    const worker = await queueRunner(parallel);
    await throughput(parallel * 2, parallel, bare); // warm-up: first decode, thread start
    await worker.run(parallel * 2); // warm-up: connections
    // Other processes share the machine: alternate the two and keep the median of each.
    const bareRates: number[] = [];
    const queueRates: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      bareRates.push(await throughput(IMAGES, parallel, bare));
      queueRates.push(await worker.run(IMAGES));
    }
    await worker.close();
    const [bareRate, queueRate] = [median(bareRates), median(queueRates)];
    console.log(
      [threads, parallel, bareRate.toFixed(1), queueRate.toFixed(1), (queueRate / bareRate).toFixed(2)]
        .map((cell) => String(cell).padStart(5))
        .join(' | '),
    );
  }
}
await rm(root, { recursive: true, force: true });
