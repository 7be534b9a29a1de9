import { type ChildProcessByStdio, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { createQueue, redisConnectionOptions } from '@nightshift/jobs';
import { FileStorage, storageKeys } from '@nightshift/storage';
import { SHARED_REDIS_URL, uniquePrefix } from '@nightshift/test-support';
import { QueueEvents } from 'bullmq';
import { afterEach, describe, expect, it } from 'vitest';
import { solid } from './images.js';

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** Resolves with the app's first pino line of that message; fails with its stderr if it exits first. */
function logLine(child: ChildProcessByStdio<null, Readable, Readable>, msg: string): Promise<Record<string, unknown>> {
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  return new Promise((resolve, reject) => {
    const lines = createInterface({ input: child.stdout });
    lines.on('line', (text) => {
      const line = JSON.parse(text) as Record<string, unknown>;
      if (line.msg === msg) resolve(line);
    });
    child.once('exit', (code) => reject(new Error(`exited ${code} before logging "${msg}": ${stderr}`)));
  });
}

describe('src/main.ts', () => {
  it('starts with two jobs in flight and one sharp thread each, processes a job, and exits 0 on SIGTERM', async () => {
    const storageDir = await mkdtemp(join(tmpdir(), 'nightshift-worker-image-main-'));
    cleanups.push(() => rm(storageDir, { recursive: true, force: true }));
    const prefix = uniquePrefix('worker-image-main');
    const queue = createQueue('image-processing', { redisUrl: SHARED_REDIS_URL, prefix });
    const events = new QueueEvents('image-processing', {
      connection: redisConnectionOptions('worker', SHARED_REDIS_URL),
      prefix,
    });
    cleanups.push(async () => {
      await events.close();
      await queue.obliterate({ force: true });
      await queue.close();
    });
    await new FileStorage(storageDir).put(storageKeys.image('photo-1'), await solid(64, 48, 'jpeg'));

    const child = spawn(process.execPath, ['--import', 'tsx', '--conditions=@nightshift/source', 'src/main.ts'], {
      // Only what the test needs: the defaults under test must not be overridden by the caller's environment.
      env: {
        PATH: process.env.PATH,
        REDIS_URL: SHARED_REDIS_URL,
        QUEUE_PREFIX: prefix,
        STORAGE_DIR: storageDir,
        METRICS_PORT: '0',
      },
      // The app's folder, wherever vitest runs from: tsx and src/main.ts resolve from there.
      cwd: fileURLToPath(new URL('..', import.meta.url)),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const exited = once(child, 'exit');
    cleanups.push(async () => {
      if (child.exitCode === null) child.kill('SIGKILL');
    });
    // Listening from the start: both lines are written before the worker takes jobs.
    const configured = logLine(child, 'sharp configured');
    const started = logLine(child, 'worker started');

    expect(await configured).toMatchObject({ sharpThreads: 1, maxInputPixels: 50_000_000 });
    expect(await started).toMatchObject({ concurrency: 2 });
    await events.waitUntilReady();
    const job = await queue.add('thumbnail', {
      imageId: 'photo-1',
      operations: [{ type: 'resize', params: { width: 32, fit: 'inside' } }],
    });
    expect(await job.waitUntilFinished(events, 15_000)).toMatchObject({ format: 'jpeg', width: 32, height: 24 });

    child.kill('SIGTERM');
    expect(await exited).toEqual([0, null]);
  });
});
