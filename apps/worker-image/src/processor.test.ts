import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseEnv, workerEnvSchema } from '@nightshift/config';
import type { ImageOperation, JobInput } from '@nightshift/contracts';
import { type ContractQueue, createQueue } from '@nightshift/jobs';
import { FileStorage, storageKeys } from '@nightshift/storage';
import { SHARED_REDIS_URL, uniquePrefix } from '@nightshift/test-support';
import { createLogger, type RunningWorker, startWorker } from '@nightshift/worker-runtime';
import type { Job } from 'bullmq';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decompressionBomb, quadrants } from '../test/images.js';
import { createProcessor } from './processor.js';

const MAX_PIXELS = 50_000_000;

let root: string;
let storage: FileStorage;
let queue: ContractQueue<'image-processing'>;
let running: RunningWorker<'image-processing'>;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'nightshift-worker-image-'));
  storage = new FileStorage(root);
  const env = parseEnv(workerEnvSchema, {
    REDIS_URL: SHARED_REDIS_URL,
    QUEUE_PREFIX: uniquePrefix('worker-image'),
    METRICS_PORT: '0',
    SHUTDOWN_TIMEOUT_MS: '5000',
  });
  queue = createQueue('image-processing', { redisUrl: env.REDIS_URL, prefix: env.QUEUE_PREFIX });
  running = await startWorker({
    queue: 'image-processing',
    processor: createProcessor({ storage, maxPixels: MAX_PIXELS }),
    env,
    logger: createLogger('worker-image-test', 'silent'),
    defaultConcurrency: 1,
  });
});

afterAll(async () => {
  await running?.close();
  await queue?.obliterate({ force: true });
  await queue?.close();
  await rm(root, { recursive: true, force: true });
});

/** Resolves when the job with this id next reaches `event` on the worker. */
function next(event: 'completed' | 'failed', jobId: string | undefined): Promise<Job> {
  return new Promise((resolve) => {
    const listener = (job: Job | undefined) => {
      if (job?.id !== jobId || !job) return;
      running.worker.off(event, listener);
      resolve(job);
    };
    running.worker.on(event, listener);
  });
}

async function submit(imageId: string, operations: JobInput['image-processing']['operations'], event: 'completed' | 'failed') {
  const job = await queue.add('process', { imageId, operations });
  return next(event, job.id);
}

describe('image-processing worker on a real queue', () => {
  it('stores one output, reports progress after each pass, and overwrites it on a re-run', async () => {
    await storage.put(storageKeys.image('photo-1'), await quadrants(400, 300));
    const progress: unknown[] = [];
    const onProgress = (_job: Job, value: unknown) => progress.push(value);
    running.worker.on('progress', onProgress);
    const operations: ImageOperation[] = [
      { type: 'resize', params: { width: 200, fit: 'inside' } },
      { type: 'crop', params: { left: 100, top: 0, width: 100, height: 75 } },
      { type: 'convert', params: { format: 'webp', quality: 90 } },
    ];
    const job = await submit('photo-1', operations, 'completed');

    const fileId = `image-processing-${job.id}.webp`;
    const written = await storage.get(storageKeys.file(fileId));
    const result = { fileId, format: 'webp', width: 100, height: 75, bytes: written.length };
    expect(job.returnvalue).toEqual(result);
    expect(await sharp(written).metadata()).toMatchObject({ format: 'webp', width: 100, height: 75 });
    // The resize ran as its own pass (a crop follows it), the crop and convert with the encoding.
    expect(progress).toEqual([33, 100]);
    running.worker.off('progress', onProgress);
    // One line a person reads in the dashboard: each step with the size it made, then the file.
    expect((await queue.getJobLogs(String(job.id))).logs).toEqual([
      `resized to 200×150; cropped to 100×75 at (100,0); saved as webp, ${Math.ceil(written.length / 1024)} KB`,
    ]);

    const again = next('completed', job.id);
    await job.retry('completed');
    expect((await again).returnvalue).toEqual(result);
    expect(await readdir(join(root, 'files'))).toEqual([fileId]);
  });

  it('stores jobs whose ids differ only in characters a file id escapes ("ids.a", "ids_a") in different files', async () => {
    await storage.put(storageKeys.image('photo-ids'), await quadrants(40, 30));
    const results = [];
    for (const [jobId, width] of [
      ['ids.a', 20],
      ['ids_a', 10],
    ] as const) {
      const done = next('completed', jobId);
      await queue.add(
        'process',
        { imageId: 'photo-ids', operations: [{ type: 'resize', params: { width, fit: 'inside' } }] },
        { jobId },
      );
      results.push((await done).returnvalue as { fileId: string; width: number });
    }
    expect(results[0]?.fileId).not.toBe(results[1]?.fileId);
    for (const result of results) {
      expect(await sharp(await storage.get(storageKeys.file(result.fileId))).metadata()).toMatchObject({ width: result.width });
    }
  });

  it('resizes to cover when a resize names no fit, as sharp does', async () => {
    await storage.put(storageKeys.image('photo-cover'), await quadrants(400, 300));
    const job = await submit('photo-cover', [{ type: 'resize', params: { width: 200, height: 200 } }], 'completed');
    expect(job.returnvalue).toMatchObject({ width: 200, height: 200 });
  });

  it('fails an unknown image at once, without retrying', async () => {
    const job = await submit('no-such-image', [{ type: 'resize', params: { width: 10, fit: 'inside' } }], 'failed');
    expect(job.failedReason).toBe('image no-such-image not found in storage (images/no-such-image)');
    expect(job.attemptsMade).toBe(1);
    expect(job.opts.attempts).toBe(3);
  });

  it('fails a truncated image at once, without retrying', async () => {
    const whole = await sharp(await quadrants(400, 300))
      .jpeg()
      .toBuffer();
    await storage.put(storageKeys.image('truncated-1'), whole.subarray(0, whole.length / 2));
    const job = await submit('truncated-1', [{ type: 'resize', params: { width: 10, fit: 'inside' } }], 'failed');
    expect(job.failedReason).toMatch(/^image truncated-1 could not be processed: VipsJpeg: premature end of JPEG/);
    expect(job.attemptsMade).toBe(1);
  });

  it('refuses a decompression bomb from its header, quickly and without the memory growing', async () => {
    const bomb = await decompressionBomb();
    expect(bomb.length).toBeLessThan(1_000_000);
    await storage.put(storageKeys.image('bomb-1'), bomb);
    const rssBefore = process.memoryUsage().rss;

    // Let through, these operations would hold a 16384x16384 RGB image (805 MB) between their two passes.
    const operations: ImageOperation[] = [
      { type: 'resize', params: { width: 16_384, fit: 'inside' } },
      { type: 'crop', params: { left: 0, top: 0, width: 10, height: 10 } },
    ];
    const job = await submit('bomb-1', operations, 'failed');

    const grownBy = process.memoryUsage().rss - rssBefore;
    expect(job.failedReason).toBe(
      'image bomb-1 is 20000x20000 (400000000 pixels), over the limit of 50000000 pixels (IMAGE_MAX_INPUT_PIXELS)',
    );
    expect(job.attemptsMade).toBe(1);
    expect(grownBy).toBeLessThan(32 * 1024 * 1024);
    expect((job.finishedOn ?? Infinity) - (job.processedOn ?? 0)).toBeLessThan(1_000);
  }, 60_000);
});
