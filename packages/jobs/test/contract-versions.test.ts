import { CONTRACT_VERSION_OPTION, defineContract, type JobContract, jobContracts, UpcastError } from '@nightshift/contracts';
import {
  acceptJobData,
  type ContractSkewOptions,
  createFlowProducer,
  createQueue,
  createWorker,
  type HeldBackJob,
  recordedContractVersion,
} from '@nightshift/jobs';
import { type Job, Queue, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { collect, isolatedTarget, obliterate } from './helpers.js';

const report = { reportId: 'r1', userId: 'u1', format: 'pdf' } as const;
const pdfResult = { fileId: 'f.pdf', format: 'pdf' as const, bytes: 1, pages: 1 };

let target = isolatedTarget();
const cleanups: (() => Promise<unknown>)[] = [];
const track = <T extends { close(): Promise<unknown> }>(closable: T): T => {
  cleanups.push(() => closable.close());
  return closable;
};

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  await obliterate(target, 'pdf', 'email');
  target = isolatedTarget();
});

/** A producer outside our factories (another team's raw BullMQ, an older Nightshift), recording what it likes. */
function rawQueue(name: string) {
  return track(new Queue(name, { connection: { url: target.redisUrl }, prefix: target.prefix }));
}

/** The job's options as BullMQ stored them in Redis. */
async function storedOpts(queue: string, id: string | undefined): Promise<Record<string, unknown>> {
  const redis = new Redis(target.redisUrl);
  try {
    return JSON.parse((await redis.hget(`${target.prefix}:${queue}:${id}`, 'opts')) ?? '{}');
  } finally {
    redis.disconnect();
  }
}

describe('every job records its contract version', () => {
  it('in the options BullMQ stores, through add, addBulk, a job scheduler and a flow', async () => {
    const queue = track(createQueue('pdf', target));
    const version = jobContracts.pdf.version;
    const added = await queue.add('one', report, { priority: 3 });
    const [bulk] = await queue.addBulk([{ name: 'bulk', data: report }]);
    const scheduled = await queue.upsertJobScheduler('nightly', { every: 86_400_000 }, { data: report });
    const flow = await track(createFlowProducer(target)).add({
      name: 'parent',
      queueName: 'email',
      data: { to: 'ada@example.com', template: 'trial-expiry', data: { upgradeUrl: 'https://app.example.com/upgrade' } },
      children: [{ name: 'child', queueName: 'pdf', data: report }],
    });
    for (const job of [added, bulk, scheduled, flow.children?.[0]?.job]) {
      expect(await storedOpts('pdf', job?.id)).toMatchObject({ [CONTRACT_VERSION_OPTION]: version });
    }
    expect(await storedOpts('email', flow.job.id)).toMatchObject({ [CONTRACT_VERSION_OPTION]: jobContracts.email.version });
    // The payload stays exactly the contract's; the caller's own options are kept.
    const read = await queue.getJob(added.id ?? '');
    expect(read?.data).toEqual(report);
    expect(read?.opts.priority).toBe(3);
    expect(recordedContractVersion(read as Job)).toBe(version);
  });

  it("a scheduler's later runs carry the version of its template", async () => {
    const queue = track(createQueue('pdf', target));
    const worker = track(createWorker('pdf', async () => pdfResult, target));
    const completed = collect(worker, 'completed', 3);
    await queue.upsertJobScheduler('often', { every: 50 }, { data: report });
    // The worker reads each run from Redis; every run after the first was added by BullMQ's own
    // script, from the options of the run before it.
    const jobs = await completed;
    expect(new Set(jobs.map((job) => job.id)).size).toBe(3);
    for (const job of jobs) {
      expect(job.repeatJobKey).toBe('often');
      expect(recordedContractVersion(job)).toBe(jobContracts.pdf.version);
    }
  });
});

describe('createWorker and the contract version of each job', () => {
  it('processes a job of its own version, and one that recorded none (written before versions)', async () => {
    const raw = rawQueue('pdf');
    const queue = track(createQueue('pdf', target));
    const worker = track(createWorker('pdf', async (job) => ({ ...pdfResult, fileId: job.data.reportId }), target));
    const completed = collect(worker, 'completed', 2);
    await queue.add('versioned', report);
    await raw.add('unversioned', { ...report, reportId: 'old' });
    const done = await completed;
    expect(done.map((job) => job.returnvalue.fileId).sort()).toEqual(['old', 'r1']);
  });

  it.each([[0], ['1'], [-3]])(
    'fails the unknown version %j at once, naming it, the versions known and the field',
    async (recorded) => {
      const job = await rawQueue('pdf').add('forged', report, { attempts: 3, [CONTRACT_VERSION_OPTION]: recorded } as object);
      let processed = 0;
      const worker = track(
        createWorker(
          'pdf',
          async () => {
            processed += 1;
            return pdfResult;
          },
          target,
        ),
      );
      const [failed] = await collect(worker, 'failed', 1);
      expect(processed).toBe(0);
      expect(failed?.id).toBe(job.id);
      expect(failed?.attemptsMade).toBe(1);
      expect(failed?.failedReason).toBe(
        `pdf job records contract version ${JSON.stringify(recorded)} at opts.contractVersion: this worker knows version 1`,
      );
    },
  );

  it('puts a job of a newer version back without spending an attempt, then fails it after the skew window naming both versions', async () => {
    const newer = jobContracts.pdf.version + 1;
    const holds: HeldBackJob[] = [];
    const skew: ContractSkewOptions = { windowMs: 1_500, retryMs: 200, onHeldBack: (_job, hold) => holds.push(hold) };
    const worker = track(createWorker('pdf', async () => pdfResult, { ...target, contractSkew: skew }));
    const failed = collect(worker, 'failed', 1);
    const job = await rawQueue('pdf').add('from-a-newer-api', report, {
      attempts: 3,
      [CONTRACT_VERSION_OPTION]: newer,
    } as object);
    const [done] = await failed;
    expect(done?.id).toBe(job.id);
    // Held back several times within the window, each retry no later than its end; only the final failure is an attempt.
    expect(holds.length).toBeGreaterThanOrEqual(3);
    for (const hold of holds) {
      expect(hold).toMatchObject({ recordedVersion: newer, workerVersion: jobContracts.pdf.version });
      expect(hold.retryAt).toBeLessThanOrEqual(hold.deadline);
    }
    expect(done?.attemptsMade).toBe(1);
    expect((done?.finishedOn ?? 0) - job.timestamp).toBeGreaterThanOrEqual(1_500);
    expect(done?.failedReason).toMatch(
      new RegExp(
        `^pdf job was produced under contract version ${newer}, newer than this worker's 1, and no worker that knows it took the job within the skew window \\(1500 ms from its creation at `,
      ),
    );
  });
});

/**
 * A contract at version 3 with two upcasters, for the steps our own contracts (all at version 1)
 * do not take yet: version 1 had `recipient`, version 2 renamed it `to`, version 3 added `lang`.
 */
const greeting = defineContract({
  version: 3,
  data: z.strictObject({ to: z.email(), lang: z.enum(['en', 'fr']) }),
  result: z.strictObject({ greeted: z.string() }),
  upcasters: [
    {
      from: 1,
      upgrade: ({ recipient, ...rest }) => {
        if (typeof recipient !== 'string') throw new UpcastError('recipient', 'is missing');
        return { ...rest, to: recipient };
      },
      examples: [{ before: { recipient: 'a@example.com' }, after: { to: 'a@example.com' } }],
    },
    {
      from: 2,
      upgrade: (payload) => ({ ...payload, lang: 'en' }),
      examples: [{ before: { to: 'a@example.com' }, after: { to: 'a@example.com', lang: 'en' } }],
    },
  ],
  examples: [{ to: 'a@example.com', lang: 'fr' }],
});

/** A worker running `acceptJobData` for a contract of its own, as createWorker does for ours. */
function greetingWorker(contract: JobContract, seen: unknown[], skew?: ContractSkewOptions) {
  return track(
    new Worker(
      'greeting',
      async (job, token) => {
        const data = await acceptJobData('greeting', contract, job, token, skew);
        seen.push(data);
        return { greeted: JSON.stringify(data) };
      },
      { connection: { url: target.redisUrl }, prefix: target.prefix },
    ),
  );
}

describe('acceptJobData, over a contract with upcasters', () => {
  afterEach(async () => {
    const queue = new Queue('greeting', { connection: { url: target.redisUrl }, prefix: target.prefix });
    await queue.obliterate({ force: true });
    await queue.close();
  });

  it('upgrades older payloads step by step before the processor sees them; Redis keeps what was written', async () => {
    const seen: unknown[] = [];
    const queue = rawQueue('greeting');
    const worker = greetingWorker(greeting, seen);
    const completed = collect(worker, 'completed', 3);
    const v1 = await queue.add('v1', { recipient: 'one@example.com' }, { [CONTRACT_VERSION_OPTION]: 1 } as object);
    await queue.add('v2', { to: 'two@example.com' }, { [CONTRACT_VERSION_OPTION]: 2 } as object);
    await queue.add('v3', { to: 'three@example.com', lang: 'fr' }, { [CONTRACT_VERSION_OPTION]: 3 } as object);
    await completed;
    expect(seen).toEqual(
      expect.arrayContaining([
        { to: 'one@example.com', lang: 'en' },
        { to: 'two@example.com', lang: 'en' },
        { to: 'three@example.com', lang: 'fr' },
      ]),
    );
    expect((await queue.getJob(v1.id ?? ''))?.data).toEqual({ recipient: 'one@example.com' });
  });

  it('fails a payload its upcaster cannot upgrade at once, naming the versions and the field', async () => {
    const queue = rawQueue('greeting');
    const worker = greetingWorker(greeting, []);
    const failed = collect(worker, 'failed', 1);
    await queue.add('broken', { to: 'a@example.com' }, { attempts: 3, [CONTRACT_VERSION_OPTION]: 1 } as object);
    const [job] = await failed;
    expect(job?.attemptsMade).toBe(1);
    expect(job?.failedReason).toBe(
      'cannot upgrade greeting job from contract version 1 to 2 (produced under 1): recipient: is missing',
    );
  });

  it('a job held back by an older worker runs on a newer one, its attempts untouched', async () => {
    // The API was deployed with version 3 first; a worker still at version 2 holds its jobs back.
    const older = defineContract({
      ...greeting,
      version: 2,
      data: z.strictObject({ to: z.email() }),
      upcasters: greeting.upcasters.slice(0, 1),
      examples: [{ to: 'a@example.com' }],
    });
    let held: (hold: HeldBackJob) => void = () => {};
    const firstHold = new Promise<HeldBackJob>((resolve) => {
      held = resolve;
    });
    const seenByOlder: unknown[] = [];
    const olderWorker = greetingWorker(older, seenByOlder, {
      windowMs: 60_000,
      retryMs: 300,
      onHeldBack: (_job, hold) => held(hold),
    });
    const job = await rawQueue('greeting').add('new', { to: 'a@example.com', lang: 'fr' }, {
      attempts: 1,
      [CONTRACT_VERSION_OPTION]: 3,
    } as object);
    expect(await firstHold).toMatchObject({ recordedVersion: 3, workerVersion: 2 });
    // The deploy reaches the workers: the older one stops, a newer one takes the job when its hold ends.
    await olderWorker.close();
    const seen: unknown[] = [];
    const newerWorker = greetingWorker(greeting, seen);
    const [done] = await collect(newerWorker, 'completed', 1);
    expect(done?.id).toBe(job.id);
    expect(done?.attemptsMade).toBe(1);
    expect(seenByOlder).toEqual([]);
    expect(seen).toEqual([{ to: 'a@example.com', lang: 'fr' }]);
  });
});
