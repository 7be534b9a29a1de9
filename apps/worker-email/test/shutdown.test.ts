import { ResendStandIn } from '@nightshift/test-support';
import { afterEach, describe, expect, it } from 'vitest';
import { emailQueue, spawnWorker, testEnv, testVariables, type WorkerProcess } from './helpers.js';

let worker: WorkerProcess | undefined;
afterEach(() => {
  if (worker?.child.exitCode === null) worker.child.kill('SIGKILL');
});

describe('worker-email main', () => {
  // Spawning a worker from TypeScript takes seconds on a busy machine.
  it('on SIGTERM lets the sends in flight finish, completes their jobs and exits 0', { timeout: 60_000 }, async () => {
    const standIn = await ResendStandIn.start();
    let release = () => {};
    const released = new Promise<void>((resolve) => {
      release = resolve;
    });
    // Both sends are held by "Resend" until the worker has begun shutting down.
    const held = async () => {
      await released;
      return undefined;
    };
    standIn.script(held, held);
    const variables = testVariables({
      RESEND_API_KEY: 're_test_key',
      RESEND_BASE_URL: standIn.url,
      EMAIL_FROM: 'Acme <no-reply@acme.test>',
      LOG_LEVEL: 'info',
    });
    const queue = emailQueue(testEnv(variables));
    try {
      const data = {
        to: 'user@example.com',
        template: 'trial-expiry',
        data: { upgradeUrl: 'https://app.example.com/upgrade' },
      } as const;
      const jobs = await queue.addBulk([
        { name: 'trial-expiry-warning', data },
        { name: 'trial-expiry-warning', data },
      ]);
      worker = spawnWorker('src/main.ts', variables);
      const spawned = worker;
      await standIn.waitForRequests(2, 45_000);

      spawned.child.kill('SIGTERM');
      await spawned.printed('"msg":"shutting down');
      release();

      expect(await spawned.exited).toBe(0);
      expect(spawned.output()).toMatch(/"graceful":true,"msg":"worker stopped"/);
      const states = await Promise.all(jobs.map((job) => queue.getJobState(String(job.id))));
      expect(states).toEqual(['completed', 'completed']);
    } finally {
      await queue.obliterate({ force: true });
      await queue.close();
      await standIn.close();
    }
  });
});
