import { storageKeys } from '@nightshift/storage';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AppProcess, JobLedger, NightshiftStack, type RunningApi, recordFigure } from '../src/index.js';
import { report } from './payloads.js';

/**
 * Scenario 11: the apps on object storage, as on several hosts: the API and the three workers as
 * separate processes that share no folder, only a bucket on an S3-protocol server (s3rver on
 * loopback). Uploads, report data, thumbnails, the PDF, the outbox and downloads all go through
 * it; an outage answers 503 and delays jobs without failing them; a missing object fails its job
 * at once, naming the key; a missing bucket or an unknown scheme stops an app at start.
 */
let stack: NightshiftStack;
let api: RunningApi;
let sender: AppProcess;

beforeAll(async () => {
  stack = await NightshiftStack.start({ objectStorage: true });
  [api, sender] = await Promise.all([
    stack.startApi(),
    stack.startWorker('worker-email'),
    stack.startWorker('worker-image'),
    stack.startWorker('worker-pdf'),
  ]);
});
afterAll(() => stack?.close());

async function uploadPhoto(): Promise<string> {
  const jpeg = await sharp({ create: { width: 640, height: 480, channels: 3, background: { r: 30, g: 90, b: 200 } } })
    .jpeg()
    .toBuffer();
  const uploaded = await api.client.send('POST', '/v1/images', { body: jpeg, contentType: 'image/jpeg' });
  expect(uploaded.status).toBe(201);
  return (uploaded.body as { imageId: string }).imageId;
}

describe('the apps on a bucket, sharing no folder', () => {
  it('runs the report-delivery flow through the bucket and serves the PDF from a presigned URL', async () => {
    const emails = new JobLedger(await stack.queueEvents('email'));
    const imageId = await uploadPhoto();
    expect((await api.client.put('/v1/reports/q3-sales', report)).status).toBe(201);
    const started = Date.now();
    const accepted = await api.client.post('/v1/flows/report-delivery', {
      reportId: 'q3-sales',
      userId: 'u_1',
      format: 'pdf',
      to: 'ada@example.com',
      imageIds: [imageId],
    });
    expect(accepted.status).toBe(202);
    const { jobs, fileId, downloadUrl } = accepted.body as {
      jobs: { email: { id: string }; images: { id: string }[] };
      fileId: string;
      downloadUrl: string;
    };
    await emails.until(() => emails.record(jobs.email.id).completedAt !== undefined, 'the report-ready email');
    recordFigure(
      '11 object storage',
      'flow accepted → email sent',
      ((emails.record(jobs.email.id).completedAt ?? 0) - started) / 1_000,
      's',
    );

    const bucket = stack.bucket();
    const thumbnail = `image-processing-${jobs.images[0]?.id}.png`;
    for (const key of [
      storageKeys.image(imageId),
      storageKeys.report('q3-sales'),
      storageKeys.file(thumbnail),
      storageKeys.file(fileId),
    ]) {
      expect(await bucket.stat(key), key).toBeDefined();
    }

    const link = new URL(downloadUrl);
    const [sent] = stack.resend.requests;
    expect(JSON.stringify(sent?.body)).toContain(link.searchParams.get('signature'));
    const redirect = await fetch(`${api.url}${link.pathname}${link.search}`, { redirect: 'manual' });
    expect(redirect.status).toBe(302);
    const location = redirect.headers.get('location') ?? '';
    expect(location.startsWith(`${stack.s3?.endpoint}/`)).toBe(true);
    const pdf = await fetch(location);
    expect(pdf.headers.get('content-type')).toBe('application/pdf');
    expect(
      Buffer.from(await pdf.arrayBuffer())
        .subarray(0, 5)
        .toString(),
    ).toBe('%PDF-');
  });

  it('writes the development outbox to the bucket', async () => {
    // The only email worker from now on: the one without a Resend key.
    await sender.stop();
    const outbox = await stack.startWorker('worker-email', { NODE_ENV: 'development', RESEND_API_KEY: '' });
    const emails = new JobLedger(await stack.queueEvents('email'));
    const added = await api.client.post('/v1/queues/email/jobs', {
      name: 'welcome',
      data: { to: 'bo@example.com', template: 'welcome', data: { name: 'Bo', activationUrl: 'https://app.example.com/a/1' } },
    });
    const { id } = added.body as { id: string };
    await emails.until(() => emails.record(id).completedAt !== undefined, 'the welcome email');
    const written = await outbox.waitForLine((line) => line.msg === 'email written to the outbox', 'the outbox line');
    expect(written.path).toBe(`s3://nightshift-test/stack/outbox/email-${id}.eml`);
    expect((await stack.bucket().get(`outbox/email-${id}.eml`)).toString()).toContain('To: bo@example.com');
    expect((await stack.bucket().get(`outbox/email-${id}.html`)).toString()).toContain('Bo');
  });

  it('answers 503 and delays jobs without failing them while the bucket is down, then finishes them', async () => {
    const images = new JobLedger(await stack.queueEvents('image-processing'));
    const imageId = await uploadPhoto();
    const s3 = stack.s3;
    if (!s3) throw new Error('the stack has no S3 server');
    await s3.stop();
    let jobId = '';
    try {
      const refused = await api.client.send('POST', '/v1/images', {
        body: Buffer.from([0xff, 0xd8, 0xff, 0xe0, 1, 2]),
        contentType: 'image/jpeg',
      });
      expect(refused.status).toBe(503);
      expect(refused.body).toMatchObject({ code: 'STORAGE_UNAVAILABLE' });

      const added = await api.client.post('/v1/queues/image-processing/jobs', {
        name: 'thumbnail',
        data: { imageId, operations: [{ type: 'resize', params: { width: 64, fit: 'inside' } }] },
        opts: { attempts: 1, backoff: { type: 'fixed', delay: 300 } },
      });
      expect(added.status).toBe(202);
      jobId = (added.body as { id: string }).id;
      const worker = stack.processes.find((process) => process.app === 'worker-image');
      await worker?.waitForLine(
        (line) => line.msg === 'storage unavailable: job delayed, attempt not spent' && line.jobId === jobId,
        'the delay',
      );
      const view = await api.client.get(`/v1/queues/image-processing/jobs/${jobId}`);
      expect(view.body).toMatchObject({ state: 'delayed', attemptsMade: 0 });
    } finally {
      await s3.resume();
    }
    const back = Date.now();
    await images.until(() => images.record(jobId).completedAt !== undefined, 'the delayed image job');
    recordFigure(
      '11 object storage',
      'bucket back → delayed image job done',
      ((images.record(jobId).completedAt ?? 0) - back) / 1_000,
      's',
    );
    // One attempt allowed, and the outage spent none of it.
    expect(images.record(jobId).failedReason).toBeUndefined();
  });

  it('fails a job whose object is missing at once, naming its key', async () => {
    const [images, reports] = [
      new JobLedger(await stack.queueEvents('image-processing')),
      new JobLedger(await stack.queueEvents('pdf')),
    ];
    const image = await api.client.post('/v1/queues/image-processing/jobs', {
      name: 'thumbnail',
      data: { imageId: 'never-uploaded', operations: [{ type: 'resize', params: { width: 64, fit: 'inside' } }] },
    });
    const pdf = await api.client.post('/v1/queues/pdf/jobs', {
      name: 'render',
      data: { reportId: 'never-stored', userId: 'u', format: 'pdf' },
    });
    const [imageJob, pdfJob] = [(image.body as { id: string }).id, (pdf.body as { id: string }).id];
    await images.until(() => images.record(imageJob).failedReason !== undefined, 'the image job failing');
    await reports.until(() => reports.record(pdfJob).failedReason !== undefined, 'the pdf job failing');
    expect(images.record(imageJob).failedReason).toBe('image never-uploaded not found in storage (images/never-uploaded)');
    expect(reports.record(pdfJob).failedReason).toContain('nothing stored at reports/never-stored.json');
    for (const [queue, id] of [
      ['image-processing', imageJob],
      ['pdf', pdfJob],
    ] as const) {
      expect((await api.client.get(`/v1/queues/${queue}/jobs/${id}`)).body).toMatchObject({ state: 'failed', attemptsMade: 1 });
    }
  });

  it('stops an app at start on a missing bucket or an unknown scheme, naming STORAGE_URL', async () => {
    const s3 = stack.s3;
    if (!s3) throw new Error('the stack has no S3 server');
    const missingBucket = { ...s3.variables({ bucket: 'missing-bucket' }) };
    const starts = [
      stack.spawn('worker-image', stack.variables('worker-image', { ...missingBucket, METRICS_PORT: '0' })),
      stack.spawn('api', stack.variables('api', { ...missingBucket, PORT: '0' })),
      stack.spawn('worker-pdf', stack.variables('worker-pdf', { STORAGE_URL: 'gs://bucket/files', METRICS_PORT: '0' })),
    ];
    const exits = await Promise.all(starts.map((process) => process.exited));
    expect(exits.map((exit) => exit.code)).toEqual([1, 1, 1]);
    expect(starts[0]?.tail()).toContain('STORAGE_URL names the bucket \\"missing-bucket\\", which does not exist');
    expect(starts[1]?.stderr).toContain('STORAGE_URL names the bucket "missing-bucket", which does not exist');
    expect(starts[2]?.stderr).toContain('STORAGE_URL has the unknown scheme "gs:"');
  });
});
