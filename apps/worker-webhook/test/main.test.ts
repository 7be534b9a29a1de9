import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { createQueue, redisConnectionOptions } from '@nightshift/jobs';
import { SHARED_REDIS_URL, uniquePrefix } from '@nightshift/test-support';
import { QueueEvents } from 'bullmq';
import { afterEach, describe, expect, it } from 'vitest';

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

describe('src/main.ts', () => {
  it('starts the worker from its environment, processes a job, and exits 0 on SIGTERM', async () => {
    const prefix = uniquePrefix('worker-webhook-main');
    const queue = createQueue('webhook', { redisUrl: SHARED_REDIS_URL, prefix });
    const events = new QueueEvents('webhook', { connection: redisConnectionOptions('worker', SHARED_REDIS_URL), prefix });
    cleanups.push(async () => {
      await events.close();
      await queue.obliterate({ force: true });
      await queue.close();
    });
    const child = spawn(process.execPath, ['--import', 'tsx', '--conditions=@nightshift/source', 'src/main.ts'], {
      // Only what the test needs: the defaults under test must not be overridden by the caller's environment.
      env: { PATH: process.env.PATH, REDIS_URL: SHARED_REDIS_URL, QUEUE_PREFIX: prefix, METRICS_PORT: '0' },
      // The app's folder, wherever vitest runs from: tsx and src/main.ts resolve from there.
      cwd: fileURLToPath(new URL('..', import.meta.url)),
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const exited = once(child, 'exit');
    cleanups.push(async () => {
      if (child.exitCode === null) child.kill('SIGKILL');
    });
    const started = new Promise<Record<string, unknown>>((resolve, reject) => {
      createInterface({ input: child.stdout }).on('line', (text) => {
        const line = JSON.parse(text) as Record<string, unknown>;
        if (line.msg === 'worker started') resolve(line);
      });
      child.once('exit', (code) => reject(new Error(`exited ${code} before starting`)));
    });

    expect(await started).toMatchObject({ queue: 'webhook', concurrency: 10 });
    await events.waitUntilReady();
    const job = await queue.add('example', { message: 'hi' });
    expect(await job.waitUntilFinished(events, 15_000)).toEqual({ characters: 2 });

    child.kill('SIGTERM');
    expect(await exited).toEqual([0, null]);
  });
});
