import type { EmailJob } from '@nightshift/contracts';
import { createQueue, createWorker } from '@nightshift/jobs';
import { afterEach, describe, expect, it } from 'vitest';
import { isolatedTarget, obliterate } from './helpers.js';

const email: EmailJob = {
  to: 'ann@example.com',
  template: 'welcome',
  data: { name: 'Ann', activationUrl: 'https://example.com/a' },
};
const result = { id: 'm1', sentAt: '2025-01-01T00:00:00.000Z' };

let target = isolatedTarget();
const cleanups: (() => Promise<unknown>)[] = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  await obliterate(target, 'email');
  target = isolatedTarget();
});

/** Adds one job and resolves with its id once the processor holds it. */
async function holdOneJob(started: Promise<void>) {
  const queue = createQueue('email', target);
  cleanups.push(() => queue.close());
  const job = await queue.add('welcome', email);
  await started;
  return String(job.id);
}

describe('createWorker and cancellation signals', () => {
  it('hands an AbortSignal to a processor that declares one, and cancelJob aborts it', async () => {
    let markStarted = () => {};
    const started = new Promise<void>((resolve) => {
      markStarted = resolve;
    });
    let abortReason: unknown;
    const worker = createWorker(
      'email',
      async (_job, _token, signal) => {
        markStarted();
        await new Promise((done) => signal?.addEventListener('abort', done));
        abortReason = signal?.reason;
        return result;
      },
      target,
    );
    cleanups.push(() => worker.close());
    const completed = new Promise((resolve) => worker.once('completed', resolve));
    const jobId = await holdOneJob(started);
    expect(worker.cancelJob(jobId, 'stop')).toBe(true);
    await completed;
    expect(abortReason).toBe('stop');
  });

  it('creates no AbortController for a processor that takes no signal (BullMQ pays one per job otherwise)', async () => {
    let release = () => {};
    let markStarted = () => {};
    const started = new Promise<void>((resolve) => {
      markStarted = resolve;
    });
    const worker = createWorker(
      'email',
      async (_job) => {
        markStarted();
        await new Promise<void>((done) => {
          release = done;
        });
        return result;
      },
      target,
    );
    cleanups.push(() => worker.close());
    const completed = new Promise((resolve) => worker.once('completed', resolve));
    const jobId = await holdOneJob(started);
    expect(worker.cancelJob(jobId)).toBe(false);
    release();
    await completed;
  });
});
