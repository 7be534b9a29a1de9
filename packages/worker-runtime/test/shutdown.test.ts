import { fileURLToPath } from 'node:url';
import { createQueue } from '@nightshift/jobs';
import { afterEach, describe, expect, it } from 'vitest';
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
});
