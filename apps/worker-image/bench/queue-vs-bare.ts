/**
 * Not a test: how much the queue costs on sharp's published task (a 2725x2225 JPEG resized to
 * 720x588, JPEG quality 80). The same number of images go through bare sharp (buffer in, buffer
 * out) and through the worker (Redis, storage read, header check, storage write), with as many
 * in flight as the worker's concurrency, for each sharp thread-pool size; five alternating
 * rounds each, medians printed, with the CPU time per image, which other processes disturb less.
 *
 *   pnpm --filter @nightshift/worker-image bench [images per round, default 20]
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseEnv, workerEnvSchema } from '@nightshift/config';
import type { ImageOperation } from '@nightshift/contracts';
import { createQueue } from '@nightshift/jobs';
import { FileStorage, storageKeys } from '@nightshift/storage';
import { SHARED_REDIS_URL, uniquePrefix } from '@nightshift/test-support';
import { createLogger, startWorker } from '@nightshift/worker-runtime';
import sharp from 'sharp';
import { createProcessor } from '../src/processor.js';
import { benchmarkJpeg } from './input-image.js';

const IMAGES = Number(process.argv[2] ?? 20);
const ROUNDS = 5;
const operations: ImageOperation[] = [
  { type: 'resize', params: { width: 720, height: 588, fit: 'cover' } },
  { type: 'convert', params: { format: 'jpeg', quality: 80 } },
];

sharp.cache(false);
const input = await benchmarkJpeg();
const root = await mkdtemp(join(tmpdir(), 'nightshift-bench-'));
const storage = new FileStorage(root);
await storage.put(storageKeys.image('bench'), input);

interface Measure {
  /** Images per second, wall clock: what a user sees, but it suffers from other processes on the machine. */
  rate: number;
  /** CPU milliseconds this process spent per image (all threads): the cost, steadier under contention. */
  cpuMs: number;
}

async function measure(count: number, work: () => Promise<unknown>): Promise<Measure> {
  const cpu = process.cpuUsage();
  const started = performance.now();
  await work();
  const { user, system } = process.cpuUsage(cpu);
  return { rate: count / ((performance.now() - started) / 1_000), cpuMs: (user + system) / 1_000 / count };
}

/** Runs `count` tasks with at most `parallel` in flight. */
function bare(count: number, parallel: number): Promise<Measure> {
  let next = 0;
  const task = () => sharp(input).resize(720, 588).jpeg({ quality: 80 }).toBuffer();
  return measure(count, () =>
    Promise.all(
      Array.from({ length: parallel }, async () => {
        while (next++ < count) await task();
      }),
    ),
  );
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
    run(count: number): Promise<Measure> {
      let done = 0;
      // Listening before the jobs are added, so none can complete unseen.
      const finished = new Promise<void>((resolve) => {
        const listener = () => {
          if (++done < count) return;
          running.worker.off('completed', listener);
          resolve();
        };
        running.worker.on('completed', listener);
      });
      return measure(count, async () => {
        await queue.addBulk(Array.from({ length: count }, () => ({ name: 'bench', data: { imageId: 'bench', operations } })));
        await finished;
      });
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
console.log('sharp threads | in flight | bare img/s | queue img/s | queue/bare | bare CPU ms/img | queue CPU ms/img');
for (const threads of [1, 2]) {
  for (const parallel of [1, 2]) {
    sharp.concurrency(threads);
    const worker = await queueRunner(parallel);
    await bare(parallel * 2, parallel); // warm-up: first decode, thread start
    await worker.run(parallel * 2); // warm-up: connections
    // Other processes share the machine: alternate the two and keep the median of each.
    const bareRuns: Measure[] = [];
    const queueRuns: Measure[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      bareRuns.push(await bare(IMAGES, parallel));
      queueRuns.push(await worker.run(IMAGES));
    }
    await worker.close();
    const [bareRate, queueRate] = [median(bareRuns.map((m) => m.rate)), median(queueRuns.map((m) => m.rate))];
    const [bareCpu, queueCpu] = [median(bareRuns.map((m) => m.cpuMs)), median(queueRuns.map((m) => m.cpuMs))];
    const cells = [threads, parallel, bareRate, queueRate, queueRate / bareRate, bareCpu, queueCpu];
    console.log(cells.map((cell, i) => (i < 2 ? String(cell) : cell.toFixed(i === 4 ? 2 : 1)).padStart(6)).join(' | '));
  }
}
console.log(`load after: ${loadavg()[0]?.toFixed(2)}`);
await rm(root, { recursive: true, force: true });
