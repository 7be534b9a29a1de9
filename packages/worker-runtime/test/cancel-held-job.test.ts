import { fileURLToPath } from 'node:url';
import { createQueue, createRedisClient, requestCancellation } from '@nightshift/jobs';
import type { Job } from 'bullmq';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger, type RunningWorker, startWorker } from '../src/index.js';
import { type SpawnedWorker, spawnTs } from './child-process.js';
import { anyEmail, obliterateEmailQueue, testEnv } from './helpers.js';

const packageDir = fileURLToPath(new URL('..', import.meta.url));
let holder: SpawnedWorker | undefined;

afterEach(() => {
  if (holder?.child.exitCode === null) holder.child.kill('SIGKILL');
});

describe('cancellation', () => {
  it('a job cancelled while its worker is dead never runs again: the next worker fails it unrun', {
    timeout: 60_000,
  }, async () => {
    // Short recovery timings, so the dead worker's job comes back within seconds.
    const timings = { WORKER_LOCK_DURATION_MS: '1000', WORKER_STALLED_INTERVAL_MS: '500' };
    const env = testEnv(timings);
    const queue = createQueue('email', { redisUrl: env.REDIS_URL, prefix: env.QUEUE_PREFIX });
    const api = createRedisClient('producer', env.REDIS_URL);
    let second: RunningWorker<'email'> | undefined;
    try {
      const job = await queue.add('held-by-the-dead', anyEmail, { attempts: 3 });
      holder = spawnTs('test/fixtures/long-job-worker.ts', {
        cwd: packageDir,
        env: { REDIS_URL: env.REDIS_URL, QUEUE_PREFIX: env.QUEUE_PREFIX, METRICS_PORT: '0', LOG_LEVEL: 'debug', ...timings },
      });
      const dying = holder;
      await dying.waitForLine((line) => line.msg === 'job started' && line.jobId === job.id, 'job started', 45_000);
      dying.child.kill('SIGKILL');
      await dying.exited;

      const heard = await requestCancellation(
        api,
        { prefix: env.QUEUE_PREFIX, queue: 'email' },
        { jobId: String(job.id), reason: 'user asked' },
      );
      expect(heard).toBe(0);

      const runs: string[] = [];
      second = await startWorker({
        queue: 'email',
        env,
        logger: createLogger('second-worker', 'silent'),
        defaultConcurrency: 1,
        processor: async (taken) => {
          runs.push(String(taken.id));
          return { id: 'ran', sentAt: new Date().toISOString() };
        },
      });
      const running = second;
      const failed = await new Promise<Job>((resolve) =>
        running.worker.once('failed', (failedJob) => failedJob && resolve(failedJob)),
      );

      expect(failed.id).toBe(job.id);
      expect(failed.failedReason).toBe('cancelled: user asked');
      expect(runs).toEqual([]);
      expect(await queue.getJobState(String(job.id))).toBe('failed');
    } finally {
      await second?.close();
      api.disconnect();
      await queue.close();
      await obliterateEmailQueue(env);
    }
  });
});
