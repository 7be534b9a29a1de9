import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseEnv } from '@nightshift/config';
import { createFlowProducer, createQueue, createWorker } from '@nightshift/jobs';
import { FileStorage, storageKeys } from '@nightshift/storage';
import { SHARED_REDIS_URL, uniquePrefix } from '@nightshift/test-support';
import { createLogger, type StartWorkerOptions, startWorker } from '@nightshift/worker-runtime';
import { type Job, QueueEvents } from 'bullmq';
import ExcelJS from 'exceljs';
import { afterEach, describe, expect, it } from 'vitest';
import { columns, customerName, image, sampleReport } from '../test/fixtures.js';
import { readPdf } from '../test/pdf-reader.js';
import { type Env, envSchema } from './env.js';
import { pdfWorkerOptions } from './worker.js';

let cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  const pending = cleanups.reverse();
  cleanups = [];
  for (const cleanup of pending) await cleanup().catch(() => undefined);
});

/** A pdf worker of this test's own: its prefix on the shared Redis, its own storage directory. */
async function start(workerOptions?: StartWorkerOptions<'pdf'>['workerOptions']) {
  const dir = await mkdtemp(join(tmpdir(), 'worker-pdf-'));
  const env: Env = parseEnv(envSchema, {
    REDIS_URL: SHARED_REDIS_URL,
    QUEUE_PREFIX: uniquePrefix('pdf'),
    STORAGE_DIR: dir,
    METRICS_PORT: '0',
    LOG_LEVEL: 'silent',
    WORKER_CONCURRENCY: '1',
  });
  const running = await startWorker(pdfWorkerOptions(env, createLogger('worker-pdf', 'silent'), workerOptions));
  const target = { redisUrl: env.REDIS_URL, prefix: env.QUEUE_PREFIX };
  const queue = createQueue('pdf', target);
  const events = new QueueEvents('pdf', { connection: { url: env.REDIS_URL }, prefix: env.QUEUE_PREFIX });
  await events.waitUntilReady();
  cleanups.push(async () => {
    await running.close();
    await events.close();
    await queue.obliterate({ force: true });
    await queue.close();
    await rm(dir, { recursive: true, force: true });
  });
  return { env, running, queue, events, target, storage: new FileStorage(dir) };
}

describe('pdf worker through a real queue', () => {
  it('renders a stored report to PDF, names it for download, logs what it did, and overwrites its file when the job runs again', async () => {
    const { running, queue, events, storage } = await start();
    await storage.put(storageKeys.report('rep_1'), JSON.stringify(sampleReport(10)));
    const progress: unknown[] = [];
    running.worker.on('progress', (_job, value) => progress.push(value));

    const job = await queue.add('render', { reportId: 'rep_1', userId: 'user_42', format: 'pdf' }, { jobId: 'report-1' });
    const result = await job.waitUntilFinished(events);

    const file = await storage.get(storageKeys.file(result.fileId));
    const today = new Date().toISOString().slice(0, 10);
    expect(result).toEqual({
      fileId: 'pdf-report-1.pdf',
      format: 'pdf',
      bytes: file.length,
      rows: 10,
      pages: 1,
      downloadName: `quarterly-invoices-${today}.pdf`,
    });
    expect((await storage.get(storageKeys.downloadName(result.fileId))).toString()).toBe(result.downloadName);
    const pdf = await readPdf(file);
    expect(pdf.pageCount).toBe(1);
    expect(pdf.pages[0]).toContain('Quarterly invoices');
    expect(pdf.pages[0]).not.toContain('user_42');
    expect(pdf.pages[0]).toContain('C0010');
    expect(progress.at(-1)).toBe(100);
    expect(progress).toEqual([...(progress as number[])].sort((a, b) => a - b));
    const { logs } = await queue.getJobLogs(job.id as string);
    expect(logs).toEqual([
      expect.stringMatching(new RegExp(`^rendered 1 page, 10 rows → quarterly-invoices-${today}\\.pdf \\(\\d+ KB\\)$`)),
    ]);

    // The same job id again, over changed data: same file, new content, nothing added beside it.
    await job.remove();
    await storage.put(storageKeys.report('rep_1'), JSON.stringify(sampleReport(2, 'Revised invoices')));
    const again = await queue.add('render', { reportId: 'rep_1', userId: 'user_42', format: 'pdf' }, { jobId: 'report-1' });
    const second = await again.waitUntilFinished(events);
    expect(second.fileId).toBe(result.fileId);
    expect((await readPdf(await storage.get(storageKeys.file(second.fileId)))).pages[0]).toContain('Revised invoices');
    expect(await readdir(join(storage.root, 'files'))).toEqual(['pdf-report-1.pdf']);
    expect((await storage.get(storageKeys.downloadName(second.fileId))).toString()).toBe(`revised-invoices-${today}.pdf`);
  });

  it('renders 20,000 rows with the header on every page, holding its lock through a render much longer than the lock', async () => {
    // A lock of one second, checked every second: a render that blocked the event loop would lose it many times over.
    const lockDuration = 1_000;
    const rows = 20_000;
    const { running, queue, events, storage } = await start({ lockDuration, stalledInterval: lockDuration });
    await storage.put(storageKeys.report('rep_big'), JSON.stringify(sampleReport(rows)));
    const stalled: string[] = [];
    events.on('stalled', ({ jobId }) => stalled.push(jobId));
    running.worker.on('stalled', (jobId) => stalled.push(jobId));

    const job = await queue.add('render', { reportId: 'rep_big', userId: 'user_42', format: 'pdf' });
    const result = await job.waitUntilFinished(events);
    const done = (await queue.getJob(job.id as string)) as Job;

    expect((done.finishedOn ?? 0) - (done.processedOn ?? 0)).toBeGreaterThan(3 * lockDuration);
    expect(stalled).toEqual([]);
    expect(done.attemptsStarted).toBe(1);
    const pdf = await readPdf(await storage.get(storageKeys.file(result.fileId)));
    expect(pdf.pageCount).toBe(result.pages);
    expect(pdf.pageCount).toBeGreaterThan(300);
    pdf.pages.forEach((page, index) => {
      for (const column of columns) expect(page).toContain(column.label);
      expect(page).toContain(`Page ${index + 1} of ${pdf.pageCount}`);
    });
    // Every customer exactly once: nothing lost or repeated between pages.
    const names = pdf.pages.join('\n').match(/\bC\d{4,}\b/g) ?? [];
    expect(names).toHaveLength(rows);
    expect(new Set(names)).toEqual(new Set(Array.from({ length: rows }, (_, index) => customerName(index + 1))));
  }, 240_000);

  it('stops a render at the job timeout: the attempt fails with TIMEOUT long before the render would end, and the worker goes on', async () => {
    const { running, queue, events, storage } = await start();
    // Rendered in several seconds by the one thread of this worker (WORKER_CONCURRENCY 1).
    await storage.put(storageKeys.report('rep_slow'), JSON.stringify(sampleReport(20_000)));
    await storage.put(storageKeys.report('rep_small'), JSON.stringify(sampleReport(3)));
    const failed = new Promise<Job>((resolve) => running.worker.once('failed', (job) => job && resolve(job)));

    const slow = await queue.add(
      'render',
      { reportId: 'rep_slow', userId: 'user_42', format: 'pdf' },
      { attempts: 1, timeoutMs: 500 },
    );
    const small = await queue.add('render', { reportId: 'rep_small', userId: 'user_42', format: 'pdf' });
    const stopped = await failed;
    await small.waitUntilFinished(events);

    expect(stopped.id).toBe(slow.id);
    expect(stopped.failedReason).toBe('TIMEOUT: the attempt ran longer than its timeout of 500 ms');
    // The whole render takes more than 3 s (see the 20,000-row test); reading the report blocks the
    // thread that fires the timer, so the attempt ends a little after its 500 ms, not at once.
    expect((stopped.finishedOn ?? 0) - (stopped.processedOn ?? 0)).toBeLessThan(3_000);
    expect(await queue.getJobState(String(small.id))).toBe('completed');
  }, 120_000);

  it('renders a stored report to XLSX, with rows and no pages in its result', async () => {
    const { queue, events, storage } = await start();
    await storage.put(storageKeys.report('rep_x'), JSON.stringify(sampleReport(4)));

    const job = await queue.add('render', { reportId: 'rep_x', userId: 'user_42', format: 'xlsx' }, { jobId: 'report-x' });
    const result = await job.waitUntilFinished(events);

    expect(result).toMatchObject({ fileId: 'pdf-report-x.xlsx', format: 'xlsx', rows: 4 });
    expect(result.pages).toBeUndefined();
    expect(result.downloadName).toMatch(/^quarterly-invoices-\d{4}-\d{2}-\d{2}\.xlsx$/);
    expect((await queue.getJobLogs(job.id as string)).logs).toEqual([
      expect.stringMatching(/^wrote 4 rows → quarterly-invoices-/),
    ]);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load((await storage.get(storageKeys.file(result.fileId))) as unknown as ExcelJS.Buffer);
    expect(workbook.worksheets[0]?.getCell('B5').value).toBe('C0004');
    expect(result.bytes).toBe((await storage.stat(storageKeys.file(result.fileId)))?.bytes);
  });

  it('fails for good, naming the report, when no report is stored', async () => {
    const { queue, events } = await start();
    const job = await queue.add('render', { reportId: 'rep_missing', userId: 'user_42', format: 'pdf' });

    await expect(job.waitUntilFinished(events)).rejects.toThrow(
      'report rep_missing not found: nothing stored at reports/rep_missing.json',
    );
    const failed = (await queue.getJob(job.id as string)) as Job;
    expect(failed.attemptsMade).toBe(1);
    expect(failed.opts.attempts).toBe(3);
  });

  it('fails for good, naming the field, when the stored report is invalid', async () => {
    const { queue, events, storage } = await start();
    const report = sampleReport(2);
    await storage.put(
      storageKeys.report('rep_bad'),
      JSON.stringify({ ...report, rows: [...report.rows, { id: 3, colour: 'red' }] }),
    );
    const job = await queue.add('render', { reportId: 'rep_bad', userId: 'user_42', format: 'xlsx' });

    await expect(job.waitUntilFinished(events)).rejects.toThrow(
      "report rep_bad at reports/rep_bad.json is invalid: rows[2].colour: is not one of the report's column keys",
    );
    expect(((await queue.getJob(job.id as string)) as Job).attemptsMade).toBe(1);
  });

  it('embeds the PNG and JPEG images its child jobs made in the report-delivery flow, and names the webp one', async () => {
    const { queue, events, storage, target } = await start();
    await storage.put(storageKeys.report('rep_flow'), JSON.stringify(sampleReport(3)));
    const made = { png: await image('png', 300, 150), jpeg: await image('jpeg', 90, 60), webp: await image('webp', 40, 40) };
    const sizes = { png: [300, 150], jpeg: [90, 60], webp: [40, 40] } as const;
    // Stands in for worker-image: each child "makes" the image named by its imageId.
    const imageWorker = createWorker(
      'image-processing',
      async (job) => {
        const format = job.data.imageId as keyof typeof made;
        const fileId = `image-${job.id}.${format}`;
        const stored = await storage.put(storageKeys.file(fileId), made[format]);
        return { fileId, format, width: sizes[format][0], height: sizes[format][1], bytes: stored.bytes };
      },
      target,
    );
    const flows = createFlowProducer(target);
    cleanups.push(
      () => flows.close(),
      () => imageWorker.close(),
    );

    const convert = (format: 'png' | 'jpeg' | 'webp') => ({
      queueName: 'image-processing' as const,
      name: 'thumbnail',
      data: { imageId: format, operations: [{ type: 'convert' as const, params: { format } }] },
    });
    const tree = await flows.add({
      queueName: 'pdf',
      name: 'render',
      data: { reportId: 'rep_flow', userId: 'user_42', format: 'pdf' },
      children: [convert('png'), convert('jpeg'), convert('webp')],
    });
    const result = await (tree.job as Job).waitUntilFinished(events);

    const pdf = await readPdf(await storage.get(storageKeys.file(result.fileId)));
    expect(pdf.images.map(({ width, height }) => `${width}x${height}`).sort()).toEqual(['300x150', '90x60']);
    expect(pdf.pages[0]).toMatch(/\[image image-[^:]+\.webp: webp cannot be embedded in a PDF\]/);
    expect(pdf.pages[0]).toContain('C0003');
    await queue.obliterate({ force: true });
    await createQueue('image-processing', target).obliterate({ force: true });
  });
});
