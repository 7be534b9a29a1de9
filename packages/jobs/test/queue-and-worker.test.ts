import { InvalidJobDataError, jobContracts, type QueueName } from '@nightshift/contracts';
import { createFlowProducer, createQueue, createWorker, DEFAULT_JOB_OPTIONS, jobDataSchema } from '@nightshift/jobs';
import { Queue, UnrecoverableError, type Worker } from 'bullmq';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { collect, isolatedTarget, obliterate } from './helpers.js';

const report = { reportId: 'r1', userId: 'u1', format: 'pdf' } as const;
const pdfResult = (reportId: string) => ({ fileId: `${reportId}.pdf`, format: 'pdf' as const, bytes: 1, pages: 1 });

let target = isolatedTarget();
const cleanups: (() => Promise<unknown>)[] = [];
const track = <T extends { close(): Promise<unknown> }>(closable: T): T => {
  cleanups.push(() => closable.close());
  return closable;
};

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  await obliterate(target, 'pdf', 'email', 'image-processing');
  target = isolatedTarget();
});

describe('createQueue', () => {
  it('applies the default job options, overridable per queue and per job', async () => {
    const queue = track(createQueue('pdf', { ...target, defaultJobOptions: { priority: 10 } }));
    const byQueue = await queue.add('a', report);
    expect(byQueue.opts).toMatchObject({ ...DEFAULT_JOB_OPTIONS, priority: 10 });
    const byJob = await queue.add('b', report, { priority: 1, attempts: 5 });
    expect(byJob.opts).toMatchObject({ priority: 1, attempts: 5, backoff: { type: 'exponential', delay: 2_000 } });
  });

  it('rejects an invalid payload before anything reaches Redis', async () => {
    const queue = track(createQueue('pdf', target));
    await expect(queue.add('bad', { ...report, format: 'docx' as 'pdf' })).rejects.toThrow(InvalidJobDataError);
    await expect(queue.add('bad', { ...report, format: 'docx' as 'pdf' })).rejects.toThrow(/format/);
    expect(await queue.count()).toBe(0);
  });

  it('parses a payload once: what jobDataSchema produced for this queue is added as is', async () => {
    const queue = track(createQueue('pdf', target));
    const email = track(createQueue('email', target));
    const body = z.object({ data: jobDataSchema('pdf') });
    const parsed = body.parse({ data: { ...report } }).data;
    const safeParse = vi.spyOn(jobContracts.pdf.data, 'safeParse');
    try {
      await queue.add('parsed', parsed);
      await queue.addBulk([{ name: 'parsed-in-bulk', data: parsed }]);
      await queue.upsertJobScheduler('daily', { every: 86_400_000 }, { data: parsed });
      expect(safeParse).not.toHaveBeenCalled();
      await queue.add('unmarked', { ...report });
      expect(safeParse).toHaveBeenCalledTimes(1);
    } finally {
      safeParse.mockRestore();
    }
    // Marked for pdf is not marked for email; a copy of a parsed payload is not marked at all.
    await expect(email.add('wrong-queue', body.parse({ data: report }).data as never)).rejects.toThrow(InvalidJobDataError);
    const copy = { ...body.parse({ data: report }).data, format: 'docx' as 'pdf' };
    await expect(queue.add('bad-copy', copy)).rejects.toThrow(/format/);
    // Three adds and the scheduler's first job; nothing from the refused ones.
    expect(await queue.count()).toBe(4);
    expect(await email.count()).toBe(0);
  });

  it('adds a bulk all or nothing', async () => {
    const queue = track(createQueue('pdf', target));
    const bad = { name: 'b', data: { ...report, userId: '' } };
    await expect(queue.addBulk([{ name: 'a', data: report }, bad])).rejects.toThrow(/userId/);
    expect(await queue.count()).toBe(0);
    await queue.addBulk([
      { name: 'a', data: report },
      { name: 'b', data: report },
    ]);
    expect(await queue.count()).toBe(2);
  });
});

describe('createWorker', () => {
  it('processes a job to completion with its typed result', async () => {
    const queue = track(createQueue('pdf', target));
    const worker = track(createWorker('pdf', async (job) => pdfResult(job.data.reportId), target));
    const completed = collect(worker, 'completed', 1);
    const job = await queue.add('render', report);
    const [done] = await completed;
    expect(done?.id).toBe(job.id);
    expect(await queue.getJobState(job.id ?? '')).toBe('completed');
    expect((await queue.getJob(job.id ?? ''))?.returnvalue).toEqual(pdfResult('r1'));
  });

  it('retries with exponential backoff, each wait twice the one before', async () => {
    const queue = track(createQueue('pdf', target));
    const startedAt: number[] = [];
    const worker = track(
      createWorker(
        'pdf',
        async (job) => {
          startedAt.push(Date.now());
          if (job.attemptsMade < 2) throw new Error(`transient failure ${job.attemptsMade + 1}`);
          return pdfResult(job.data.reportId);
        },
        target,
      ),
    );
    const completed = collect(worker, 'completed', 1);
    await queue.add('flaky', report, { backoff: { type: 'exponential', delay: 200 } });
    const [job] = await completed;
    expect(job?.attemptsMade).toBe(3);
    const [first = 0, second = 0, third = 0] = startedAt;
    expect(second - first).toBeGreaterThanOrEqual(200);
    expect(third - second).toBeGreaterThanOrEqual(400);
    expect(third - second).toBeLessThan(2_000);
  });

  it('never retries an UnrecoverableError', async () => {
    const queue = track(createQueue('pdf', target));
    let calls = 0;
    const worker = track(
      createWorker(
        'pdf',
        async () => {
          calls += 1;
          throw new UnrecoverableError('report r1 does not exist');
        },
        target,
      ),
    );
    const failed = collect(worker, 'failed', 1);
    const job = await queue.add('missing', report, { backoff: { type: 'fixed', delay: 10 } });
    await failed;
    expect(calls).toBe(1);
    expect(await queue.getJobState(job.id ?? '')).toBe('failed');
  });

  it('fails a malformed payload written by a raw client at once, naming the field, without retry', async () => {
    const raw = track(new Queue('pdf', { connection: { url: target.redisUrl }, prefix: target.prefix }));
    const job = await raw.add('forged', { reportId: 'r1', userId: 'u1', format: 'docx' }, { attempts: 3 });
    let processed = 0;
    const worker = track(
      createWorker(
        'pdf',
        async (accepted) => {
          processed += 1;
          return pdfResult(accepted.data.reportId);
        },
        target,
      ),
    );
    const [failed] = await collect(worker, 'failed', 1);
    expect(processed).toBe(0);
    expect(failed?.id).toBe(job.id);
    expect(failed?.attemptsMade).toBe(1);
    expect(failed?.failedReason).toMatch(/^invalid pdf job data: format: /);
    expect(await raw.getJobState(job.id ?? '')).toBe('failed');
  });

  it('runs higher priorities (lower numbers) first', async () => {
    const queue = track(createQueue('pdf', target));
    for (const [name, priority] of [
      ['low', 50],
      ['urgent', 1],
      ['normal', 10],
    ] as const) {
      await queue.add(name, report, { priority });
    }
    const order: string[] = [];
    const worker = track(
      createWorker(
        'pdf',
        async (job) => {
          order.push(job.name);
          return pdfResult(job.data.reportId);
        },
        { ...target, concurrency: 1 },
      ),
    );
    await collect(worker, 'completed', 3);
    expect(order).toEqual(['urgent', 'normal', 'low']);
  });

  it('holds a delayed job back until its delay has passed', async () => {
    const queue = track(createQueue('pdf', target));
    const worker = track(createWorker('pdf', async (job) => pdfResult(job.data.reportId), target));
    const completed = collect(worker, 'completed', 1);
    const job = await queue.add('later', report, { delay: 300 });
    expect(await queue.getJobState(job.id ?? '')).toBe('delayed');
    const [done] = await completed;
    expect((done?.processedOn ?? 0) - job.timestamp).toBeGreaterThanOrEqual(300);
  });
});

describe('job schedulers and flows', () => {
  it('a job scheduler produces its jobs, with its template validated', async () => {
    const queue = track(createQueue('email', target));
    await expect(
      queue.upsertJobScheduler(
        'digest',
        { every: 100 },
        { name: 'digest', data: { to: 'nobody', template: 'weekly-digest', data: {} } },
      ),
    ).rejects.toThrow(/to:/);
    const worker = track(createWorker('email', async () => ({ id: 'sent', sentAt: new Date().toISOString() }), target));
    const completed = collect(worker, 'completed', 2);
    await queue.upsertJobScheduler(
      'digest',
      { every: 100 },
      { name: 'digest', data: { to: 'ada@example.com', template: 'weekly-digest', data: {} } },
    );
    const jobs = await completed;
    expect(jobs.map((job) => job.name)).toEqual(['digest', 'digest']);
    expect(jobs.map((job) => job.repeatJobKey)).toEqual(['digest', 'digest']);
    expect(await queue.getJobSchedulersCount()).toBe(1);
  });

  it("a flow's parent runs only after all its children, across queues", async () => {
    const finished: string[] = [];
    const record =
      <Q extends QueueName>(result: () => unknown) =>
      async (job: { name: string }) => {
        finished.push(job.name);
        return result() as never;
      };
    const workers: Worker[] = [
      track(
        createWorker(
          'image-processing',
          record(() => ({ fileId: 'f.png', format: 'png', width: 1, height: 1, bytes: 1 })),
          target,
        ),
      ),
      track(
        createWorker(
          'pdf',
          record(() => pdfResult('r1')),
          target,
        ),
      ),
      track(
        createWorker(
          'email',
          record(() => ({ id: 'm', sentAt: new Date().toISOString() })),
          target,
        ),
      ),
    ];
    const producer = track(createFlowProducer(target));
    const emailDone = collect(workers[2] as Worker, 'completed', 1);
    const tree = await producer.add({
      name: 'email',
      queueName: 'email',
      data: { to: 'ada@example.com', template: 'report-ready', data: { reportTitle: 'Q3', downloadUrl: 'https://x.example/f' } },
      children: [
        {
          name: 'pdf',
          queueName: 'pdf',
          data: report,
          children: [
            {
              name: 'thumb-1',
              queueName: 'image-processing',
              data: { imageId: 'a', operations: [{ type: 'convert', params: { format: 'png' } }] },
            },
            {
              name: 'thumb-2',
              queueName: 'image-processing',
              data: { imageId: 'b', operations: [{ type: 'convert', params: { format: 'png' } }] },
            },
          ],
        },
      ],
    });
    expect(await tree.job.getState()).toBe('waiting-children');
    await emailDone;
    expect(finished.slice(0, 2).sort()).toEqual(['thumb-1', 'thumb-2']);
    expect(finished.slice(2)).toEqual(['pdf', 'email']);
    expect(tree.job.opts.attempts).toBe(DEFAULT_JOB_OPTIONS.attempts);
  });

  it("fails a flow's parent when a child fails for good, unless the producer or the child opts out", async () => {
    const thumbnail = (imageId: string) => ({
      name: imageId,
      queueName: 'image-processing' as const,
      data: { imageId, operations: [{ type: 'convert' as const, params: { format: 'png' as const } }] },
      opts: { attempts: 1 },
    });
    const worker = track(
      createWorker(
        'image-processing',
        async (job) => {
          throw new UnrecoverableError(`image ${job.data.imageId} is corrupt`);
        },
        target,
      ),
    );
    const childFailures = collect(worker, 'failed', 3);
    const pdfWorker = track(createWorker('pdf', async () => pdfResult('r1'), target));
    const parentFailed = collect(pdfWorker, 'failed', 1);
    const parentCompleted = collect(pdfWorker, 'completed', 1);
    const pdf = track(createQueue('pdf', target));
    const byDefault = await track(createFlowProducer(target)).add({
      name: 'pdf',
      queueName: 'pdf',
      data: report,
      children: [thumbnail('default')],
    });
    const producerOptOut = await track(createFlowProducer({ ...target, failParentOnChildFailure: false })).add({
      name: 'pdf',
      queueName: 'pdf',
      data: report,
      children: [thumbnail('producer-opt-out')],
    });
    const childOptOut = await track(createFlowProducer(target)).add({
      name: 'pdf',
      queueName: 'pdf',
      data: report,
      children: [{ ...thumbnail('child-opt-out'), opts: { attempts: 1, ignoreDependencyOnFailure: true } }],
    });
    await childFailures;

    // BullMQ fails the parent when a worker takes it, without running its processor.
    const [failedParent] = await parentFailed;
    expect(failedParent?.id).toBe(byDefault.job.id);
    expect(failedParent?.failedReason).toMatch(/child .* failed/);
    // The child that set its own on-failure option is set aside, and its parent runs.
    const [completedParent] = await parentCompleted;
    expect(completedParent?.id).toBe(childOptOut.job.id);
    // Without the default, the parent waits for ever: the behaviour the producer opted into.
    expect(await pdf.getJobState(String(producerOptOut.job.id))).toBe('waiting-children');
  });

  it('validates every node of a flow before writing any', async () => {
    const producer = track(createFlowProducer(target));
    await expect(
      producer.add({
        name: 'pdf',
        queueName: 'pdf',
        data: report,
        children: [{ name: 'bad', queueName: 'image-processing', data: { imageId: 'a', operations: [] } }],
      }),
    ).rejects.toThrow(/operations/);
    const queue = track(createQueue('pdf', target));
    expect(await queue.count()).toBe(0);
  });
});
