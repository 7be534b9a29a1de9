import { once } from 'node:events';
import { createWorker, subscribeToCancellations } from '@nightshift/jobs';
import type { Job, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auth, startTestApp, type TestApp } from './helpers.js';

let t: TestApp;
let worker: Worker;
let subscriber: Redis;
let stopListening: () => Promise<void>;
let aborted: (reason: unknown) => void;
const abortReason = new Promise<unknown>((resolve) => {
  aborted = resolve;
});

beforeAll(async () => {
  t = await startTestApp();
  // What a worker process does (the worker runtime wires the same two pieces): a processor that
  // honours its signal, and a subscriber that turns a cancellation request into worker.cancelJob.
  worker = createWorker(
    'pdf',
    (_job, _token, signal) =>
      new Promise((_resolve, reject) => {
        signal?.addEventListener('abort', () => {
          aborted(signal.reason);
          reject(new Error(`cancelled: ${String(signal.reason)}`));
        });
      }),
    { redisUrl: t.env.REDIS_URL, prefix: t.env.QUEUE_PREFIX },
  );
  subscriber = new Redis(t.env.REDIS_URL);
  stopListening = await subscribeToCancellations(
    subscriber,
    { prefix: t.env.QUEUE_PREFIX, queue: 'pdf' },
    ({ jobId, reason }) => {
      worker.cancelJob(jobId, reason);
    },
  );
});
afterAll(async () => {
  await stopListening();
  subscriber.disconnect();
  await worker.close();
  await t.close();
});

describe('DELETE on a running job', () => {
  it("reaches the worker process holding it and fires its processor's AbortSignal", async () => {
    const active = once(worker, 'active') as Promise<[Job]>;
    const added = await t.app.inject({
      method: 'POST',
      url: '/v1/queues/pdf/jobs',
      headers: auth(),
      payload: { name: 'slow', data: { reportId: 'big', userId: 'u', format: 'pdf' }, opts: { attempts: 1 } },
    });
    const { id } = added.json();
    expect((await active)[0].id).toBe(id);

    const failed = once(worker, 'failed') as Promise<[Job, Error]>;
    const response = await t.app.inject({
      method: 'DELETE',
      url: `/v1/queues/pdf/jobs/${id}?reason=${encodeURIComponent('user closed the tab')}`,
      headers: auth(),
    });
    expect(response.statusCode).toBe(202);
    expect(response.json()).toEqual({ id, queue: 'pdf', outcome: 'cancellation-requested', workersNotified: 1 });
    expect(await abortReason).toBe('user closed the tab');
    const [job, error] = await failed;
    expect(job.id).toBe(id);
    expect(error.message).toBe('cancelled: user closed the tab');
  });
});
