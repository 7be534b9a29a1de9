import { createQueue } from '@nightshift/jobs';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger, OTHER_JOB_NAME, startWorker } from '../src/index.js';
import { anyEmail, metricValue, obliterateEmailQueue, testEnv } from './helpers.js';

const logger = createLogger('worker-runtime-security-test', 'silent');

let cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
  cleanups = [];
});

async function start(overrides: Record<string, string> = {}) {
  const env = testEnv(overrides);
  const running = await startWorker({
    queue: 'email',
    processor: async () => ({ id: 'sent', sentAt: new Date().toISOString() }),
    env,
    logger,
    defaultConcurrency: 50,
  });
  const queue = createQueue('email', { redisUrl: env.REDIS_URL, prefix: env.QUEUE_PREFIX });
  cleanups.push(async () => {
    await running.close();
    await queue.close();
    await obliterateEmailQueue(env);
  });
  return { running, queue };
}

/** The status of a GET, or the error code of a connection that was refused. */
const answer = (url: string) =>
  fetch(url).then(
    (response) => response.status,
    (error: Error & { cause?: { code?: string } }) => error.cause?.code ?? error.message,
  );

// Issue 19 item 4: clients choose job names, and each name was a new series on every job metric.
describe('job name labels', () => {
  it('count the names the contract lists by name and every other name as "other"', async () => {
    const { running, queue } = await start();
    const uniqueNames = Array.from({ length: 300 }, (_, index) => `client-chosen-${index}`);
    const names = [...uniqueNames, 'welcome', 'welcome'];
    let completed = 0;
    const allCompleted = new Promise<void>((resolve) =>
      running.worker.on('completed', () => {
        completed += 1;
        if (completed === names.length) resolve();
      }),
    );
    await queue.addBulk(names.map((name) => ({ name, data: anyEmail })));
    await allCompleted;

    const text = await (await fetch(`http://127.0.0.1:${running.healthPort}/metrics`)).text();
    const completedSeries = text.split('\n').filter((line) => line.startsWith('nightshift_jobs_completed_total{'));
    expect(completedSeries).toHaveLength(2);
    expect(metricValue(text, 'nightshift_jobs_completed_total', { name: OTHER_JOB_NAME })).toBe(uniqueNames.length);
    expect(metricValue(text, 'nightshift_jobs_completed_total', { name: 'welcome' })).toBe(2);
    expect(text).not.toContain('client-chosen');
  }, 60_000);
});

// 127.0.0.2 is loopback too, but a socket bound to 127.0.0.1 does not answer on it: an address a host listens on and one it does not.
describe('the health and metrics server', () => {
  it('binds 127.0.0.1 by default, so other interfaces get no answer', async () => {
    const { running } = await start();
    expect(await answer(`http://127.0.0.1:${running.healthPort}/healthz`)).toBe(200);
    expect(await answer(`http://127.0.0.2:${running.healthPort}/healthz`)).toBe('ECONNREFUSED');
  });

  it('binds HEALTH_HOST when it is set', async () => {
    const { running } = await start({ HEALTH_HOST: '127.0.0.2' });
    expect(await answer(`http://127.0.0.2:${running.healthPort}/metrics`)).toBe(200);
    expect(await answer(`http://127.0.0.1:${running.healthPort}/metrics`)).toBe('ECONNREFUSED');
  });
});
