import { createWorker } from '@nightshift/jobs';
import type { Worker } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auth, startTestApp, type TestApp, welcomeEmail } from './helpers.js';

let t: TestApp;
let worker: Worker | undefined;
beforeAll(async () => {
  t = await startTestApp({ COMPLETED_JOBS_KEEP_COUNT: '10000,pdf=5', COMPLETED_JOBS_KEEP_SECONDS: '3600,pdf=60' });
});
afterAll(async () => {
  await worker?.close();
  await t.close();
});

const addEmails = async (count: number): Promise<string[]> => {
  const response = await t.app.inject({
    method: 'POST',
    url: '/v1/queues/email/jobs/bulk',
    headers: auth(),
    payload: { jobs: Array.from({ length: count }, () => ({ name: 'welcome', data: welcomeEmail() })) },
  });
  expect(response.statusCode).toBe(202);
  return response.json().ids;
};

describe('finished jobs', () => {
  it('stay readable by age, not only by count: the first of 150 completed jobs still answers 200', async () => {
    const ids = await addEmails(150);
    const completed = new Set<string>();
    const allDone = new Promise<void>((resolve) => {
      worker = createWorker('email', async () => ({ id: 'sent', sentAt: new Date().toISOString() }), {
        redisUrl: t.env.REDIS_URL,
        prefix: t.env.QUEUE_PREFIX,
        concurrency: 50,
      });
      worker.on('completed', (job) => {
        completed.add(String(job.id));
        if (ids.every((id) => completed.has(id))) resolve();
      });
    });
    await allDone;
    const first = await t.app.inject({ method: 'GET', url: `/v1/queues/email/jobs/${ids[0]}`, headers: auth() });
    expect([first.statusCode, first.json().state]).toEqual([200, 'completed']);
    expect((await t.app.queues.email.getJob(ids[0] as string))?.opts.removeOnComplete).toEqual({ age: 3600, count: 10_000 });
  });

  it('are kept as configured per queue, on single and flow enqueues alike', async () => {
    const pdf = await t.app.inject({
      method: 'POST',
      url: '/v1/queues/pdf/jobs',
      headers: auth(),
      payload: { name: 'report', data: { reportId: 'q3', userId: 'u1', format: 'pdf' } },
    });
    expect((await t.app.queues.pdf.getJob(pdf.json().id))?.opts.removeOnComplete).toEqual({ age: 60, count: 5 });

    const report = { title: 'Sales', columns: [{ key: 'region', label: 'Region' }], rows: [{ region: 'North' }] };
    await t.app.inject({ method: 'PUT', url: '/v1/reports/q3', headers: auth(), payload: report });
    const flow = await t.app.inject({
      method: 'POST',
      url: '/v1/flows/report-delivery',
      headers: auth(),
      payload: { reportId: 'q3', userId: 'u1', format: 'pdf', to: 'boss@example.com' },
    });
    const { jobs } = flow.json();
    expect((await t.app.queues.pdf.getJob(jobs.pdf.id))?.opts.removeOnComplete).toEqual({ age: 60, count: 5 });
    expect((await t.app.queues.email.getJob(jobs.email.id))?.opts.removeOnComplete).toEqual({ age: 3600, count: 10_000 });
  });
});
