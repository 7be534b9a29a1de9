import { ResendStandIn } from '@nightshift/test-support';
import { createLogger, type RunningWorker, startWorker } from '@nightshift/worker-runtime';
import type { Job } from 'bullmq';
import { afterEach, describe, expect, it } from 'vitest';
import { idempotencyKey } from '../src/processor.js';
import { emailWorkerOptions } from '../src/worker.js';
import { emailQueue, spawnWorker, testEnv, testVariables, type WorkerProcess } from './helpers.js';

/** Locks that expire within a second, so a dead worker's job is picked up again quickly. */
const SHORT_LOCKS = { lockDuration: 1_000, stalledInterval: 500 };

let first: WorkerProcess | undefined;
afterEach(() => {
  if (first?.child.exitCode === null) first.child.kill('SIGKILL');
});

describe('a worker killed after Resend received the send and before the job completed', () => {
  // Spawning a worker from TypeScript takes seconds on a busy machine.
  it('runs the job again and Resend sees the same idempotency key twice, so one email goes out', {
    timeout: 60_000,
  }, async () => {
    const standIn = await ResendStandIn.start();
    const variables = testVariables({
      RESEND_API_KEY: 're_test_key',
      RESEND_BASE_URL: standIn.url,
      EMAIL_FROM: 'Acme <no-reply@acme.test>',
      LOG_LEVEL: 'warn',
    });
    const env = testEnv(variables);
    const queue = emailQueue(env);
    const logger = createLogger('worker-email', 'silent');
    let second: RunningWorker<'email'> | undefined;
    try {
      const job = await queue.add('welcome-email', {
        to: 'user@example.com',
        template: 'welcome',
        data: { name: 'Ada', activationUrl: 'https://app.example.com/activate/1' },
      });

      const spawned = spawnWorker('test/fixtures/short-lock-worker.ts', variables);
      first = spawned;
      // "Resend" has the request; the worker dies before it reads the answer or completes the job.
      standIn.script(async () => {
        spawned.child.kill('SIGKILL');
        await spawned.exited;
        return undefined;
      });
      await standIn.waitForRequests(1, 45_000);
      await spawned.exited;
      expect(await queue.getJobState(String(job.id))).toBe('active');

      const options = emailWorkerOptions(env, logger);
      second = await startWorker({ ...options, workerOptions: { ...options.workerOptions, ...SHORT_LOCKS } });
      const running = second;
      const completed = await new Promise<Job>((resolve) => running.worker.once('completed', resolve));

      const keys = standIn.requests.map((request) => request.headers['idempotency-key']);
      expect(keys).toEqual([idempotencyKey(job), idempotencyKey(job)]);
      expect(standIn.deliveries).toBe(1);
      expect(completed.id).toBe(job.id);
      expect(completed.returnvalue).toMatchObject({ id: 'stand-in-1' });
    } finally {
      await second?.close();
      await queue.obliterate({ force: true });
      await queue.close();
      await standIn.close();
    }
  });
});
