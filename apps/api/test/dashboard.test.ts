import { SHARED_REDIS_URL } from '@nightshift/test-support';
import { Queue, Worker } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inTimeOrder } from '../src/plugins/bull-board.js';
import { adminAuth, startTestApp, type TestApp, welcomeEmail } from './helpers.js';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t.close());

describe('the dashboard at /admin/queues', () => {
  it('is branded Nightshift: its title, favicon, logo, and no link to bull-board’s site', async () => {
    const page = await t.app.inject({ method: 'GET', url: '/admin/queues', headers: adminAuth() });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('<title>Nightshift</title>');
    expect(page.body).toMatch(/<link rel="icon" type="image\/svg\+xml" id="fav-logo" href="data:image\/svg\+xml;base64,/);
    const config = JSON.parse(
      /<script id="__UI_CONFIG__" type="application\/json">(.*?)<\/script>/s.exec(page.body)?.[1] ?? '{}',
    );
    expect(config).toMatchObject({ boardTitle: 'Nightshift', hideDocsLink: true });
    expect(Buffer.from(config.boardLogo.path.split(',')[1], 'base64').toString()).toContain('aria-label="Nightshift"');
  });

  it('shows no negative duration when the producer’s clock ran ahead of the worker’s', async () => {
    const connection = { url: SHARED_REDIS_URL };
    const producer = new Queue('email', { connection, prefix: t.env.QUEUE_PREFIX });
    // Added "a minute from now" as a producer whose clock is a minute fast records it.
    const added = await producer.add('welcome', welcomeEmail(), { timestamp: Date.now() + 60_000 });
    const worker = new Worker('email', async () => ({ id: 'sent', sentAt: new Date().toISOString() }), {
      connection: { ...connection, maxRetriesPerRequest: null },
      prefix: t.env.QUEUE_PREFIX,
    });
    try {
      await new Promise<void>((resolve) => worker.on('completed', (job) => job.id === added.id && resolve()));
    } finally {
      await worker.close();
      await producer.close();
    }
    const stored = await t.app.queues.email.getJob(String(added.id));
    expect(stored?.processedOn).toBeLessThan(stored?.timestamp ?? 0);

    const answer = await t.app.inject({
      method: 'GET',
      url: '/admin/queues/api/queues?activeQueue=email&status=completed&page=1',
      headers: adminAuth(),
    });
    const email = answer.json().queues.find((queue: { name: string }) => queue.name === 'email');
    const shown = email.jobs.find((job: { id: string }) => job.id === added.id);
    expect(shown.processedOn - shown.timestamp).toBeGreaterThanOrEqual(0);
    expect(shown.finishedOn - shown.processedOn).toBeGreaterThanOrEqual(0);

    const single = await t.app.inject({ method: 'GET', url: `/admin/queues/api/queues/email/${added.id}`, headers: adminAuth() });
    const { job } = single.json();
    expect(job.processedOn - job.timestamp).toBeGreaterThanOrEqual(0);
  });
});

describe('inTimeOrder', () => {
  it('keeps times that are in order, and puts a finish before the start back in order', () => {
    expect(inTimeOrder({ timestamp: 1, processedOn: 2, finishedOn: 3 })).toEqual({ timestamp: 1, processedOn: 2, finishedOn: 3 });
    expect(inTimeOrder({ timestamp: 5, processedOn: 4, finishedOn: 3 })).toEqual({ timestamp: 3, processedOn: 3, finishedOn: 3 });
    expect(inTimeOrder({ timestamp: 5, processedOn: undefined, finishedOn: 3 })).toEqual({
      timestamp: 3,
      processedOn: undefined,
      finishedOn: 3,
    });
  });
});
