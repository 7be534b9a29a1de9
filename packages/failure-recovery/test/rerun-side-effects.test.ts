import { watch } from 'node:fs';
import { mkdir, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type AppProcess, JobLedger, NightshiftStack, type RunningApi, recordFigure } from '../src/index.js';
import { welcomeEmail } from './payloads.js';

/**
 * Scenario 6: a job whose worker dies after the effect and before the job is marked done runs again.
 * The email's re-run sends with the same idempotency key, so Resend delivers one email; the image's
 * re-run writes the same job-derived file, so one output file remains.
 */
let stack: NightshiftStack;
let api: RunningApi;

beforeAll(async () => {
  stack = await NightshiftStack.start();
  api = await stack.startApi();
});
afterAll(() => stack?.close());

it('sends one email when the worker dies between Resend accepting the send and the job completing', async () => {
  const ledger = new JobLedger(await stack.queueEvents('email'));
  let worker: AppProcess = await stack.startWorker('worker-email');
  // The first send is accepted by the stand-in, then the sender dies before it hears the answer.
  stack.resend.script(async () => {
    await worker.kill('SIGKILL');
    return undefined;
  });

  const accepted = await api.client.post('/v1/queues/email/jobs', welcomeEmail(1));
  const id = (accepted.body as { id: string }).id;
  await stack.resend.waitForRequests(1);
  await worker.exited;
  worker = await stack.startWorker('worker-email');
  await ledger.until(() => ledger.record(id).completedAt !== undefined, `job ${id} completed`);

  const keys = stack.resend.requests.map((request) => request.headers['idempotency-key']);
  expect(keys).toHaveLength(2);
  expect(keys[1]).toBe(keys[0]);
  expect(keys[0]).toContain(`:email:${id}:`);
  expect(stack.resend.deliveries).toBe(1);
  expect(ledger.record(id).startedAt).toHaveLength(2);
  // The re-run got the first email's id back from Resend rather than sending a second one.
  expect((await api.client.get(`/v1/queues/email/jobs/${id}`)).body).toMatchObject({
    state: 'completed',
    returnValue: { id: 'stand-in-1' },
  });
});

it('leaves one output file when the image worker dies after writing it and before completing the job', async () => {
  const ledger = new JobLedger(await stack.queueEvents('image-processing'));
  const filesDir = join(stack.storageDir, 'files');
  await mkdir(filesDir, { recursive: true });
  const png = await sharp({ create: { width: 1_200, height: 800, channels: 3, background: { r: 20, g: 120, b: 200 } } })
    .png()
    .toBuffer();
  const upload = await api.client.send('POST', '/v1/images', { body: png, contentType: 'image/png' });
  expect(upload.status).toBe(201);
  const { imageId } = upload.body as { imageId: string };

  // Freezing the worker the moment its file lands is the only way to stop it between the effect and
  // the completion without a hook in production code; when it wins the race anyway, try a new job.
  let crashed: { id: string; fileName: string; firstWrite: number } | undefined;
  let tries = 0;
  for (; tries < 8 && !crashed; tries++) {
    const accepted = await api.client.post('/v1/queues/image-processing/jobs', {
      name: 'thumbnail',
      data: {
        imageId,
        operations: [
          { type: 'resize', params: { width: 300, fit: 'inside' } },
          { type: 'convert', params: { format: 'webp' } },
        ],
      },
    });
    const id = (accepted.body as { id: string }).id;
    const fileName = `image-processing-${id}.webp`;
    // Spawned before waiting for it, so the watcher can freeze it even before its /healthz answers.
    const worker = stack.spawn('worker-image', stack.variables('worker-image'));
    const landed = new Promise<void>((resolve) => {
      const watcher = watch(filesDir, (_event, name) => {
        if (name !== fileName) return;
        worker.signal('SIGSTOP');
        watcher.close();
        resolve();
      });
    });
    await landed;
    const state = await stack.queue('image-processing').getJobState(id);
    const firstWrite = (await stat(join(filesDir, fileName))).mtimeMs;
    await worker.kill('SIGKILL');
    if (state === 'active') crashed = { id, fileName, firstWrite };
  }
  expect(crashed, `the worker finished its job before it could be frozen, ${tries} times`).toBeDefined();
  const { id, fileName, firstWrite } = crashed ?? { id: '', fileName: '', firstWrite: 0 };

  await stack.startWorker('worker-image');
  await ledger.until(() => ledger.record(id).completedAt !== undefined, `image job ${id} completed after the crash`);

  const files = await readdir(filesDir);
  expect(files.filter((file) => file.includes(id))).toEqual([fileName]);
  expect(files.filter((file) => file.startsWith('.tmp-'))).toEqual([]);
  expect(ledger.record(id).startedAt).toHaveLength(2);
  // The re-run wrote the file again, over the first one.
  expect((await stat(join(filesDir, fileName))).mtimeMs).toBeGreaterThan(firstWrite);
  expect(await sharp(join(filesDir, fileName)).metadata()).toMatchObject({ format: 'webp', width: 300, height: 200 });
  recordFigure('6 re-runs', 'tries to freeze the image worker between its write and its completion', tries, 'tries');
});
