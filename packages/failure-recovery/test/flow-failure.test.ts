import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type AppProcess, JobLedger, NightshiftStack, type RunningApi, recordFigure } from '../src/index.js';
import { report } from './payloads.js';

/**
 * Scenario 7: the report-delivery flow (image thumbnails → pdf → email) with one image that cannot
 * be decoded. Its failure fails the pdf job, which fails the email job: the chain ends `failed`
 * with the cause on record, no email goes out, no report is written, and nothing is left in
 * `waiting-children` to wait forever.
 */
let stack: NightshiftStack;
let api: RunningApi;
let pdfWorker: AppProcess;

beforeAll(async () => {
  stack = await NightshiftStack.start();
  [api, pdfWorker] = await Promise.all([
    stack.startApi(),
    stack.startWorker('worker-pdf'),
    stack.startWorker('worker-image'),
    stack.startWorker('worker-email'),
  ]);
});
afterAll(() => stack?.close());

it('fails the whole chain when an image child fails, leaving nothing in waiting-children', async () => {
  const ledgers = {
    email: new JobLedger(await stack.queueEvents('email')),
    pdf: new JobLedger(await stack.queueEvents('pdf')),
    'image-processing': new JobLedger(await stack.queueEvents('image-processing')),
  } satisfies Record<'email' | 'pdf' | 'image-processing', JobLedger>;
  const png = await sharp({ create: { width: 400, height: 300, channels: 3, background: { r: 0, g: 160, b: 90 } } })
    .png()
    .toBuffer();
  // A PNG signature, then bytes no decoder can read: it passes the upload check and fails in the worker.
  const corrupt = Buffer.concat([png.subarray(0, 16), Buffer.alloc(2_000, 0x5a)]);
  const upload = async (body: Buffer) =>
    ((await api.client.send('POST', '/v1/images', { body, contentType: 'image/png' })).body as { imageId: string }).imageId;
  const [good, bad] = [await upload(png), await upload(corrupt)];
  expect((await api.client.put('/v1/reports/q3-sales', report)).status).toBe(201);

  const started = Date.now();
  const accepted = await api.client.post('/v1/flows/report-delivery', {
    reportId: 'q3-sales',
    userId: 'u_1',
    format: 'pdf',
    to: 'ada@example.com',
    imageIds: [good, bad],
  });
  expect(accepted.status).toBe(202);
  const { jobs, fileId } = accepted.body as {
    jobs: { email: { id: string }; pdf: { id: string }; images: { id: string; imageId: string }[] };
    fileId: string;
  };
  const badChild = jobs.images.find((image) => image.imageId === bad)?.id ?? '';
  const goodChild = jobs.images.find((image) => image.imageId === good)?.id ?? '';

  await ledgers.email.until(() => ledgers.email.record(jobs.email.id).failedReason !== undefined, 'the email job failing');
  const failedAfter = (Date.now() - started) / 1_000;
  // The sibling finishes on its own afterwards, and its completion must not revive the failed parents.
  const goodDone = () => ledgers['image-processing'].record(goodChild).completedAt !== undefined;
  await ledgers['image-processing'].until(goodDone, 'the good image child');

  expect(ledgers['image-processing'].record(badChild).failedReason).toContain('is not a readable image');
  expect(ledgers.pdf.record(jobs.pdf.id).failedReason).toContain(badChild);
  expect(ledgers.email.record(jobs.email.id).failedReason).toContain(jobs.pdf.id);
  // Neither parent's processor ran: BullMQ fails a parent whose child failed as soon as a worker takes it.
  expect(pdfWorker.lines.filter((line) => line.msg === 'report rendered')).toEqual([]);
  expect(stack.resend.requests).toEqual([]);

  const view = await api.client.get(`/v1/queues/email/jobs/${jobs.email.id}`);
  expect(view.body).toMatchObject({ state: 'failed', failedChild: { queue: 'pdf', id: jobs.pdf.id } });
  const counts = await stack.jobCounts();
  for (const [queue, count] of Object.entries(counts))
    expect({ queue, waitingChildren: count['waiting-children'] }).toEqual({ queue, waitingChildren: 0 });
  const files = await readdir(join(stack.storageDir, 'files'));
  expect(files).not.toContain(fileId);

  recordFigure('7 flow failure', 'flow accepted → email job failed by its chain', failedAfter, 's');
});
