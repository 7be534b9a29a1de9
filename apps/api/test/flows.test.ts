import type { QueueName } from '@nightshift/contracts';
import { createWorker } from '@nightshift/jobs';
import { storageKeys } from '@nightshift/storage';
import { UnrecoverableError, type Worker } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auth, startTestApp, type TestApp } from './helpers.js';

let t: TestApp;
let imageIds: string[];
let firstFlowEmailId: string;
beforeAll(async () => {
  t = await startTestApp();
  const report = { title: 'Quarterly sales', columns: [{ key: 'region', label: 'Region' }], rows: [{ region: 'North' }] };
  await t.app.inject({ method: 'PUT', url: '/v1/reports/q3', headers: auth(), payload: report });
  const png = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(64)]);
  imageIds = [];
  for (let i = 0; i < 2; i += 1) {
    const upload = await t.app.inject({
      method: 'POST',
      url: '/v1/images',
      headers: { ...auth(), 'content-type': 'image/png' },
      payload: png,
    });
    imageIds.push(upload.json().imageId);
  }
});
afterAll(() => t.close());

const deliver = (payload: object) => t.app.inject({ method: 'POST', url: '/v1/flows/report-delivery', headers: auth(), payload });

describe('POST /v1/flows/report-delivery', () => {
  it('creates image jobs under a pdf job under an email job that links to the file', async () => {
    const response = await deliver({ reportId: 'q3', userId: 'u1', format: 'pdf', to: 'boss@example.com', imageIds });
    expect(response.statusCode).toBe(202);
    const { id, jobs, fileId, downloadUrl } = response.json();
    firstFlowEmailId = id;
    expect(jobs.email.id).toBe(id);
    expect(fileId).toBe(`pdf-${jobs.pdf.id}.pdf`);
    expect(downloadUrl.startsWith(`${t.env.PUBLIC_BASE_URL}/v1/files/${fileId}?`)).toBe(true);

    const email = await t.app.queues.email.getJob(id);
    expect(await email?.getState()).toBe('waiting-children');
    expect(email?.data).toEqual({
      to: 'boss@example.com',
      template: 'report-ready',
      data: { reportTitle: 'Quarterly sales', downloadUrl },
    });
    const pdf = await t.app.queues.pdf.getJob(jobs.pdf.id);
    expect(await pdf?.getState()).toBe('waiting-children');
    expect(pdf?.data).toEqual({ reportId: 'q3', userId: 'u1', format: 'pdf' });
    expect(pdf?.opts.failParentOnFailure).toBe(true);
    for (const image of jobs.images) {
      const job = await t.app.queues['image-processing'].getJob(image.id);
      expect(await job?.getState()).toBe('waiting');
      expect(job?.data.imageId).toBe(image.imageId);
      // The pdf worker can embed only PNG and JPEG.
      expect(job?.data.operations.at(-1)).toEqual({ type: 'convert', params: { format: 'png' } });
      expect(job?.opts.failParentOnFailure).toBe(true);
      expect(job?.parent?.id).toBe(jobs.pdf.id);
    }

    // Once the pdf worker has written the file, the emailed link downloads it without a token.
    await t.app.storage.put(storageKeys.file(fileId), '%PDF-1.7');
    const download = await t.app.inject({ method: 'GET', url: downloadUrl.replace(t.env.PUBLIC_BASE_URL, '') });
    expect(download.statusCode).toBe(200);
    expect(download.body).toBe('%PDF-1.7');
  });

  it('answers 404 naming a report or image that was never stored, and creates nothing', async () => {
    const before = await t.app.queues.email.count();
    const noReport = await deliver({ reportId: 'missing', userId: 'u1', format: 'pdf', to: 'boss@example.com' });
    expect(noReport.statusCode).toBe(404);
    expect(noReport.json().error).toMatch(/no report missing/);
    const noImage = await deliver({ reportId: 'q3', userId: 'u1', format: 'xlsx', to: 'boss@example.com', imageIds: ['ghost'] });
    expect(noImage.statusCode).toBe(404);
    expect(noImage.json().error).toMatch(/ghost/);
    expect(await t.app.queues.email.count()).toBe(before);
    const invalid = await deliver({ reportId: 'q3', userId: 'u1', format: 'docx', to: 'nobody' });
    expect(
      invalid
        .json()
        .issues.map((issue: { path: string }) => issue.path)
        .sort(),
    ).toEqual(['format', 'to']);
  });

  it("fails the whole chain when a child fails, with the child's reason reachable from each parent", async () => {
    const { jobs } = (
      await deliver({ reportId: 'q3', userId: 'u1', format: 'pdf', to: 'boss@example.com', imageIds: [imageIds[0]] })
    ).json();
    const options = { redisUrl: t.env.REDIS_URL, prefix: t.env.QUEUE_PREFIX };
    const workers: Worker[] = [
      createWorker(
        'image-processing',
        async () => {
          throw new UnrecoverableError('corrupt image: bad PNG header');
        },
        options,
      ),
      createWorker('pdf', async () => ({ fileId: 'x', format: 'pdf', bytes: 1, pages: 1 }), options),
      createWorker('email', async () => ({ id: 'x', sentAt: new Date().toISOString() }), options),
    ];
    try {
      const emailWorker = workers[2] as Worker;
      await failedJobs(emailWorker, [jobs.email.id, firstFlowEmailId]);
    } finally {
      await Promise.all(workers.map((worker) => worker.close()));
    }
    const view = async (queue: QueueName, id: string) =>
      (await t.app.inject({ method: 'GET', url: `/v1/queues/${queue}/jobs/${id}`, headers: auth() })).json();
    const email = await view('email', jobs.email.id);
    expect(email).toMatchObject({ state: 'failed', failedChild: { queue: 'pdf', id: jobs.pdf.id } });
    const pdf = await view('pdf', jobs.pdf.id);
    expect(pdf.state).toBe('failed');
    expect(pdf.failedChild).toEqual({
      queue: 'image-processing',
      id: jobs.images[0].id,
      failedReason: 'corrupt image: bad PNG header',
    });
    // The workers also failed the first test's flow: nothing is left waiting for children.
    for (const queue of ['email', 'pdf'] as const) expect(await t.app.queues[queue].getWaitingChildrenCount()).toBe(0);
  });
});

/** Resolves once each of these jobs has failed on this worker. */
function failedJobs(worker: Worker, ids: string[]): Promise<void> {
  const waiting = new Set(ids);
  return new Promise((resolve) => {
    const listener = (job: { id?: string } | undefined) => {
      if (job?.id) waiting.delete(job.id);
      if (waiting.size > 0) return;
      worker.off('failed', listener);
      resolve();
    };
    worker.on('failed', listener);
  });
}
