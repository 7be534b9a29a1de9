import { fileURLToPath } from 'node:url';
import { createQueue } from '@nightshift/jobs';
import type { Job } from 'bullmq';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger, type RunningWorker, startWorker } from '../src/index.js';
import { type SpawnedWorker, spawnTs } from './child-process.js';
import { anyEmail, obliterateEmailQueue, testEnv } from './helpers.js';

const packageDir = fileURLToPath(new URL('..', import.meta.url));
let worker: SpawnedWorker | undefined;

afterEach(() => {
  if (worker?.child.exitCode === null) worker.child.kill('SIGKILL');
});

describe('runWorkerMain', () => {
  // Spawning a worker from TypeScript takes seconds on a busy machine.
  it('on SIGTERM lets the jobs in flight finish and exits 0', { timeout: 60_000 }, async () => {
    const env = testEnv();
    const queue = createQueue('email', { redisUrl: env.REDIS_URL, prefix: env.QUEUE_PREFIX });
    try {
      const jobs = await queue.addBulk([
        { name: 'first', data: anyEmail },
        { name: 'second', data: anyEmail },
      ]);
      worker = spawnTs('test/fixtures/slow-worker.ts', {
        cwd: packageDir,
        env: { REDIS_URL: env.REDIS_URL, QUEUE_PREFIX: env.QUEUE_PREFIX, METRICS_PORT: '0', LOG_LEVEL: 'debug' },
      });
      const spawned = worker;
      for (const job of jobs)
        await spawned.waitForLine((line) => line.msg === 'job started' && line.jobId === job.id, `job ${job.id} started`, 45_000);

      spawned.child.kill('SIGTERM');
      expect(await spawned.exited).toEqual({ code: 0, signal: null });
      expect(await Promise.all(jobs.map((job) => queue.getJobState(String(job.id))))).toEqual(['completed', 'completed']);
      expect(spawned.lines.find((line) => line.msg === 'worker stopped')).toMatchObject({ graceful: true });
    } finally {
      await queue.close();
      await obliterateEmailQueue(env);
    }
  });

  it('after SHUTDOWN_TIMEOUT_MS exits at once and hands its job to another worker, which completes it before any stalled check', {
    timeout: 60_000,
  }, async () => {
    // BullMQ's production timings: a job left to stall would come back only after 30 s or more.
    const env = testEnv({ SHUTDOWN_TIMEOUT_MS: '1000' });
    const queue = createQueue('email', { redisUrl: env.REDIS_URL, prefix: env.QUEUE_PREFIX });
    let second: RunningWorker<'email'> | undefined;
    try {
      const job = await queue.add('a-minute-of-work', anyEmail, { attempts: 1 });
      worker = spawnTs('test/fixtures/long-job-worker.ts', {
        cwd: packageDir,
        env: {
          REDIS_URL: env.REDIS_URL,
          QUEUE_PREFIX: env.QUEUE_PREFIX,
          METRICS_PORT: '0',
          LOG_LEVEL: 'debug',
          SHUTDOWN_TIMEOUT_MS: '1000',
        },
      });
      const spawned = worker;
      await spawned.waitForLine((line) => line.msg === 'job started' && line.jobId === job.id, 'job started', 45_000);
      second = await startWorker({
        queue: 'email',
        env,
        logger: createLogger('second-worker', 'silent'),
        defaultConcurrency: 1,
        processor: async () => ({ id: 'second', sentAt: new Date().toISOString() }),
      });
      const running = second;
      const completed = new Promise<Job>((resolve) => running.worker.once('completed', resolve));

      const signalled = performance.now();
      spawned.child.kill('SIGTERM');
      const exit = await spawned.exited;
      const goneAfterMs = performance.now() - signalled;
      const done = await completed;
      const takenOverAfterMs = performance.now() - signalled;

      expect(exit).toEqual({ code: 1, signal: null });
      expect(goneAfterMs).toBeLessThan(3_000);
      expect(done.id).toBe(job.id);
      expect(done.returnvalue).toEqual({ id: 'second', sentAt: expect.any(String) });
      // Well before a stalled check (30 s) could have found it; no attempt was spent on the hand-back.
      expect(takenOverAfterMs).toBeLessThan(10_000);
      expect(done.attemptsMade).toBe(1);
      expect(spawned.lines.find((line) => line.msg === 'worker stopped')).toMatchObject({ graceful: false });
      console.info(
        `bounded shutdown: process gone ${Math.round(goneAfterMs)} ms after SIGTERM, job completed by the second worker after ${Math.round(takenOverAfterMs)} ms`,
      );
    } finally {
      await second?.close();
      await queue.close();
      await obliterateEmailQueue(env);
    }
  });
});
