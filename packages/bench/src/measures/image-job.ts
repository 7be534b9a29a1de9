import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ImageOperation } from '@nightshift/contracts';
import { createQueue } from '@nightshift/jobs';
import { FileStorage, storageKeys } from '@nightshift/storage';
import { benchmarkJpeg, HEIGHT, WIDTH } from '@nightshift/worker-image/bench';
import { createProcessor } from '@nightshift/worker-image/processor';
import { startWorker } from '@nightshift/worker-runtime';
import { Queue, Worker } from 'bullmq';
import sharp from 'sharp';
import { alternate, type BenchContext } from '../context.js';
import { benchWorkerEnv, discardingLogger } from '../fixtures.js';
import type { Row } from '../report.js';
import { median } from '../stats.js';

const PREFIX = '{bench-image}';
const IMAGE_ID = 'bench';
/** sharp's published task: resize to 720x588, JPEG quality 80. */
const operations: ImageOperation[] = [
  { type: 'resize', params: { width: 720, height: 588, fit: 'cover' } },
  { type: 'convert', params: { format: 'jpeg', quality: 80 } },
];

/**
 * Images per second, one at a time: bare sharp (buffer in, buffer out) beside the worker-image
 * processor under `startWorker` (Redis, storage read, header check, storage write), with sharp
 * set up as worker-image's main does (one libvips thread, no cache). A raw BullMQ Worker running
 * the bare call splits the difference into what any queue costs (a Redis round trip per job,
 * slower after each 25 ms idle) and what worker-image adds.
 */
export async function measureImage(context: BenchContext): Promise<Row[]> {
  const { settings, redis, log } = context;
  sharp.concurrency(1);
  sharp.cache(false);
  const input = await benchmarkJpeg();
  const root = await mkdtemp(join(tmpdir(), 'nightshift-bench-image-'));
  const storage = new FileStorage(root);
  await storage.put(storageKeys.image(IMAGE_ID), input);
  await redis.flush();
  const queue = createQueue('image-processing', { redisUrl: redis.url, prefix: PREFIX });
  const running = await startWorker({
    queue: 'image-processing',
    processor: createProcessor({ storage, maxPixels: 50_000_000 }),
    env: benchWorkerEnv(redis.url, PREFIX, 1),
    logger: discardingLogger(),
    defaultConcurrency: 1,
  });

  const bareResize = () => sharp(input).resize(720, 588, { fit: 'cover' }).jpeg({ quality: 80 }).toBuffer();
  // The queue's own floor: a raw BullMQ Worker whose processor is the bare sharp call.
  const rawQueue = new Queue('raw-image', { connection: { host: '127.0.0.1', port: redis.port } });
  const rawWorker = new Worker('raw-image', async () => (await bareResize()).length, {
    connection: { host: '127.0.0.1', port: redis.port, maxRetriesPerRequest: null },
    concurrency: 1,
  });

  const bare = async (count: number) => {
    const clock = performance.now();
    for (let i = 0; i < count; i++) await bareResize();
    return count / ((performance.now() - clock) / 1_000);
  };
  /** Images per second from adding `count` jobs until the last one completes. */
  const drain = async <D, R>(worker: Worker<D, R, string>, add: () => Promise<unknown>, count: number) => {
    let completed = 0;
    let listeners: { completed: () => void; failed: (job: unknown, error: Error) => void } | undefined;
    const finished = new Promise<void>((resolve, reject) => {
      listeners = { completed: () => ++completed === count && resolve(), failed: (_job, error) => reject(error) };
      worker.on('completed', listeners.completed).on('failed', listeners.failed);
    });
    const clock = performance.now();
    await add();
    await finished.finally(() => {
      if (listeners) worker.off('completed', listeners.completed).off('failed', listeners.failed);
    });
    return count / ((performance.now() - clock) / 1_000);
  };
  const queued = (count: number) =>
    drain(
      running.worker,
      () => queue.addBulk(Array.from({ length: count }, () => ({ name: 'resize', data: { imageId: IMAGE_ID, operations } }))),
      count,
    );
  const rawQueued = (count: number) =>
    drain(rawWorker, () => rawQueue.addBulk(Array.from({ length: count }, () => ({ name: 'resize', data: {} }))), count);

  try {
    log(`image: ${settings.rounds} rounds of ${settings.images} images, bare, queued and on a raw Worker`);
    // Warm-up: the first decodes, connections and buffers are slower than the rest.
    await alternate(1, { bare: () => bare(3), queued: () => queued(3), raw: () => rawQueued(3) });
    const rounds = await alternate(settings.rounds, {
      bare: () => bare(settings.images),
      queued: () => queued(settings.images),
      raw: () => rawQueued(settings.images),
    });
    const [ours, beside, raw] = [median(rounds.queued), median(rounds.bare), median(rounds.raw)];
    const target = 0.9;
    return [
      {
        id: 'image',
        label: `Image job ${WIDTH}×${HEIGHT} JPEG → 720×588 q80, 1 in flight: queue + worker-image vs bare sharp`,
        unit: 'img/s',
        ours,
        beside,
        ratio: ours / beside,
        target: `≥ ${target}`,
        met: ours / beside >= target,
        rounds: { ours: rounds.queued, beside: rounds.bare },
      },
      {
        id: 'image-queue-floor',
        label: '↳ a raw BullMQ `Worker` running the same bare sharp call vs bare sharp: the floor for any queued job',
        unit: 'img/s',
        ours: raw,
        beside,
        ratio: raw / beside,
        rounds: { ours: rounds.raw, beside: rounds.bare },
      },
      {
        id: 'image-vs-queue-floor',
        label: '↳ queue + worker-image vs that raw Worker: what the header check, storage and runtime cost',
        unit: 'img/s',
        ours,
        beside: raw,
        ratio: ours / raw,
        rounds: { ours: rounds.queued, beside: rounds.raw },
      },
    ];
  } finally {
    await Promise.allSettled([running.close(), queue.close(), rawWorker.close(), rawQueue.close()]);
    await redis.flush();
    await rm(root, { recursive: true, force: true });
  }
}
