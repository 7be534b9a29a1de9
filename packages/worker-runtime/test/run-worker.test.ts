import type { WorkerEnv } from '@nightshift/config';
import { CONTRACT_VERSION_OPTION, jobContracts } from '@nightshift/contracts';
import { type ContractProcessor, createQueue, createRedisClient, requestCancellation } from '@nightshift/jobs';
import { StorageUnavailableError } from '@nightshift/storage';
import { Queue, UnrecoverableError } from 'bullmq';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger, RateLimitedError, type RunningWorker, startWorker } from '../src/index.js';
import { anyEmail, metricValue, obliterateEmailQueue, startWebhookRecorder, testEnv } from './helpers.js';

const logger = createLogger('worker-runtime-test', 'silent');
const sent = () => ({ id: 'sent', sentAt: new Date().toISOString() });

let cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  const pending = cleanups.reverse();
  cleanups = [];
  // Every cleanup runs even when one fails, so a failed test never leaves a worker behind.
  const results = [];
  for (const cleanup of pending)
    results.push(
      await cleanup().then(
        () => undefined,
        (error: unknown) => error,
      ),
    );
  const failure = results.find((error) => error !== undefined);
  if (failure) throw failure;
});

async function start(
  env: WorkerEnv,
  processor: ContractProcessor<'email'>,
  limiter?: { max: number; duration: number },
  log = logger,
) {
  const running = await startWorker({
    queue: 'email',
    processor,
    env,
    logger: log,
    defaultConcurrency: 2,
    workerOptions: limiter ? { limiter } : {},
  });
  const queue = createQueue('email', { redisUrl: env.REDIS_URL, prefix: env.QUEUE_PREFIX });
  cleanups.push(async () => {
    await running.close();
    await queue.close();
    await obliterateEmailQueue(env);
  });
  return { running, queue };
}

function events(running: RunningWorker<'email'>, event: 'completed' | 'failed' | 'active', count: number) {
  return new Promise<void>((resolve) => {
    let seen = 0;
    const listener = () => {
      seen += 1;
      if (seen === count) {
        running.worker.off(event, listener);
        resolve();
      }
    };
    running.worker.on(event, listener);
  });
}

function gate() {
  let open = () => {};
  const opened = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { opened, open };
}

async function get(port: number, path: string) {
  const response = await fetch(`http://127.0.0.1:${port}${path}`);
  return { status: response.status, text: await response.text() };
}

describe('startWorker', () => {
  it('counts completed, failed, retried and permanently failed jobs per name and reason, and alerts once per permanent failure', async () => {
    const webhook = await startWebhookRecorder();
    const env = testEnv({ ALERT_WEBHOOK_URL: webhook.url });
    // Names the email contract lists, each standing for one outcome; anything else is counted as `other`.
    const { running, queue } = await start(env, async (job) => {
      if (job.name === 'invoice' && job.attemptsMade === 0) throw new Error('flaky: first attempt fails');
      if (job.name === 'reset-password') throw new Error('doomed: fails every time');
      if (job.name === 'trial-expiry') throw new UnrecoverableError('invalid: no point retrying');
      return sent();
    });
    // welcome, invoice and a free-text name complete; invoice fails once, reset-password twice, trial-expiry once.
    const settled = Promise.all([events(running, 'completed', 3), events(running, 'failed', 4)]);
    const opts = { attempts: 2, backoff: { type: 'fixed', delay: 10 } };
    const [, , doomed, invalid] = await queue.addBulk(
      ['welcome', 'invoice', 'reset-password', 'trial-expiry', `free-text-${Date.now()}`].map((name) => ({
        name,
        data: anyEmail,
        opts,
      })),
    );
    await settled;

    const { status, text } = await get(running.healthPort, '/metrics');
    expect(status).toBe(200);
    const value = (metric: string, name: string, extra: Record<string, string> = {}) =>
      metricValue(text, metric, { queue: 'email', name, ...extra });
    expect(value('nightshift_jobs_completed_total', 'welcome')).toBe(1);
    expect(value('nightshift_jobs_completed_total', 'invoice')).toBe(1);
    expect(value('nightshift_jobs_completed_total', 'other')).toBe(1);
    expect(text).not.toContain('free-text-');
    expect(value('nightshift_jobs_failed_total', 'invoice', { reason: 'error' })).toBe(1);
    expect(value('nightshift_jobs_failed_total', 'reset-password', { reason: 'error' })).toBe(2);
    expect(value('nightshift_jobs_failed_total', 'trial-expiry', { reason: 'unrecoverable' })).toBe(1);
    expect(value('nightshift_jobs_retried_total', 'invoice')).toBe(1);
    expect(value('nightshift_jobs_retried_total', 'reset-password')).toBe(1);
    expect(value('nightshift_jobs_retried_total', 'trial-expiry')).toBeUndefined();
    expect(value('nightshift_jobs_permanently_failed_total', 'reset-password', { reason: 'error' })).toBe(1);
    expect(value('nightshift_jobs_permanently_failed_total', 'trial-expiry', { reason: 'unrecoverable' })).toBe(1);
    expect(value('nightshift_jobs_permanently_failed_total', 'invoice')).toBeUndefined();
    expect(metricValue(text, 'nightshift_job_duration_seconds_count', { name: 'invoice', status: 'failed' })).toBe(1);
    // One wait per job, on its first attempt only: retries wait for their backoff, not for a worker.
    expect(value('nightshift_job_wait_seconds_count', 'invoice')).toBe(1);
    expect(value('nightshift_job_wait_seconds_count', 'other')).toBe(1);

    // Every failed event has fired: stopping the worker, then the webhook, leaves the count final.
    await running.close();
    await webhook.close();
    expect(webhook.bodies).toHaveLength(2);
    expect(webhook.bodies).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          event: 'job.permanently_failed',
          queue: 'email',
          jobId: doomed?.id,
          name: 'reset-password',
          attemptsMade: 2,
          failedReason: 'doomed: fails every time',
        }),
        expect.objectContaining({ jobId: invalid?.id, name: 'trial-expiry', attemptsMade: 1 }),
      ]),
    );
  });

  it('logs a job that completes only at debug (started, completed, with its fields), nothing at info', async () => {
    const lines: Record<string, unknown>[] = [];
    const log = pino({ level: 'info' }, { write: (line: string) => lines.push(JSON.parse(line)) });
    const { running, queue } = await start(testEnv(), async () => sent(), undefined, log);
    const quiet = events(running, 'completed', 1);
    const first = await queue.add('quiet', anyEmail);
    await quiet;
    log.level = 'debug';
    const loud = events(running, 'completed', 1);
    const second = await queue.add('loud', anyEmail);
    await loud;
    const about = (id: string | undefined) => lines.filter((line) => line.jobId === id).map((line) => line.msg);
    expect(about(first.id)).toEqual([]);
    expect(about(second.id)).toEqual(['job started', 'job completed']);
    expect(lines.find((line) => line.jobId === second.id && line.msg === 'job completed')).toMatchObject({
      queue: 'email',
      jobName: 'loud',
      attempt: 1,
      durationMs: expect.any(Number),
    });
    // A first run is attempt 1 when it starts and when it ends.
    expect(lines.filter((line) => line.jobId === second.id).map((line) => line.attempt)).toEqual([1, 1]);
  });

  it('holds a job of a newer contract version back for CONTRACT_SKEW_WINDOW_MS, logging and counting each hold, then fails it', async () => {
    const lines: Record<string, unknown>[] = [];
    const log = pino({ level: 'info' }, { write: (line: string) => lines.push(JSON.parse(line)) });
    const env = testEnv({ CONTRACT_SKEW_WINDOW_MS: '1200' });
    const { running } = await start(env, async () => sent(), undefined, log);
    const failed = events(running, 'failed', 1);
    // What an API deployed before this worker writes: the next contract version of the email queue.
    const newer = jobContracts.email.version + 1;
    const raw = new Queue('email', { connection: { url: env.REDIS_URL }, prefix: env.QUEUE_PREFIX });
    cleanups.push(() => raw.close());
    const job = await raw.add('from-a-newer-api', anyEmail, { attempts: 3, [CONTRACT_VERSION_OPTION]: newer } as object);
    await failed;

    const holds = lines.filter((line) => line.msg === 'job of a newer contract version held back: attempt not spent');
    expect(holds.length).toBeGreaterThanOrEqual(2);
    expect(holds[0]).toMatchObject({
      jobId: job.id,
      queue: 'email',
      recordedVersion: newer,
      workerVersion: jobContracts.email.version,
    });
    const metrics = (await get(running.healthPort, '/metrics')).text;
    expect(metricValue(metrics, 'nightshift_jobs_held_back_total', { name: 'other', version: String(newer) })).toBe(holds.length);
    const failure = lines.find((line) => line.msg === 'job permanently failed');
    expect(failure).toMatchObject({
      jobId: job.id,
      attempt: 1,
      reason: expect.stringContaining(`contract version ${newer}, newer than this worker's`),
    });
  });

  it('answers /healthz 200 while taking jobs and 503 while closing, and lets the job in flight finish', async () => {
    const release = gate();
    const { running, queue } = await start(testEnv(), async () => {
      await release.opened;
      return sent();
    });
    const active = events(running, 'active', 1);
    const job = await queue.add('held', anyEmail);
    await active;

    const before = await get(running.healthPort, '/healthz');
    expect(before.status).toBe(200);
    expect(JSON.parse(before.text)).toMatchObject({ status: 'ok', queue: 'email', running: true });

    const closing = running.close();
    expect((await get(running.healthPort, '/healthz')).status).toBe(503);
    release.open();
    expect(await closing).toBe(true);
    expect(await queue.getJobState(String(job.id))).toBe('completed');
  });

  it('aborts a job when another process requests its cancellation, and never retries it', async () => {
    const env = testEnv();
    const { running, queue } = await start(env, (_job, _token, signal) => {
      return new Promise((_resolve, reject) => {
        signal?.addEventListener('abort', () => reject(new Error('aborted by signal')));
      });
    });
    const active = events(running, 'active', 1);
    const failed = events(running, 'failed', 1);
    const job = await queue.add('to-cancel', anyEmail, { attempts: 3 });
    await active;

    const api = createRedisClient('producer', env.REDIS_URL, { lazyConnect: true });
    await api.connect();
    cleanups.push(() => api.quit());
    const receivers = await requestCancellation(
      api,
      { prefix: env.QUEUE_PREFIX, queue: 'email' },
      { jobId: String(job.id), reason: 'user asked' },
    );
    expect(receivers).toBe(1);
    await failed;

    const after = await queue.getJob(String(job.id));
    expect(await after?.getState()).toBe('failed');
    expect(after?.attemptsMade).toBe(1);
    expect(after?.failedReason).toBe('cancelled: user asked');
  });

  it('waits as a RateLimitedError asks, without spending an attempt', async () => {
    const calls: number[] = [];
    const { running, queue } = await start(
      testEnv(),
      async () => {
        calls.push(Date.now());
        if (calls.length === 1) throw new RateLimitedError(300);
        return sent();
      },
      { max: 100, duration: 1_000 },
    );
    let failures = 0;
    running.worker.on('failed', () => {
      failures += 1;
    });
    const completed = events(running, 'completed', 1);
    const job = await queue.add('limited', anyEmail, { attempts: 1 });
    await completed;

    const [first = 0, second = 0] = calls;
    expect(calls).toHaveLength(2);
    expect(second - first).toBeGreaterThanOrEqual(250);
    expect(failures).toBe(0);
    const done = await queue.getJob(String(job.id));
    // One attempt allowed, one made: the rate-limited run did not count.
    expect(done?.attemptsMade).toBe(1);
    const { text } = await get(running.healthPort, '/metrics');
    expect(metricValue(text, 'nightshift_jobs_rate_limited_total', { name: 'other' })).toBe(1);
    // The wait the worker kept: what was asked, raised to the one-second floor that stops a spin.
    expect(metricValue(text, 'nightshift_rate_limit_wait_seconds_total', { queue: 'email' })).toBe(1);
  });

  it('delays a job whose storage did not answer by its backoff, without spending an attempt, however often', async () => {
    const calls: number[] = [];
    const { running, queue } = await start(testEnv(), async () => {
      calls.push(Date.now());
      if (calls.length <= 3) throw new StorageUnavailableError('s3://bucket/ is unreachable (connect ECONNREFUSED)');
      return sent();
    });
    let failures = 0;
    running.worker.on('failed', () => {
      failures += 1;
    });
    const completed = events(running, 'completed', 1);
    // One attempt allowed: three outages in a row would have failed it for good had they counted.
    const job = await queue.add('outage', anyEmail, { attempts: 1, backoff: { type: 'fixed', delay: 200 } });
    await completed;

    expect(calls).toHaveLength(4);
    for (let index = 1; index < calls.length; index += 1) {
      expect((calls[index] ?? 0) - (calls[index - 1] ?? 0)).toBeGreaterThanOrEqual(150);
    }
    expect(failures).toBe(0);
    const done = await queue.getJob(String(job.id));
    expect(done?.attemptsMade).toBe(1);
    expect(await done?.getState()).toBe('completed');
  });
});

describe('job timeouts', () => {
  it("stops an attempt past the job's timeoutMs: its signal fires, it fails with TIMEOUT and is retried", async () => {
    const aborts: unknown[] = [];
    const { running, queue } = await start(testEnv(), (_job, _token, signal) => {
      // Work that honours its signal, as the PDF, email and image processors do.
      return new Promise((_resolve, reject) => {
        signal?.addEventListener('abort', () => {
          aborts.push(signal.reason);
          reject(new Error('aborted by the signal'));
        });
      });
    });
    const failures: { reason: string; attemptsMade: number }[] = [];
    running.worker.on('failed', (job, error) => job && failures.push({ reason: error.message, attemptsMade: job.attemptsMade }));
    const bothFailed = events(running, 'failed', 2);
    const started = Date.now();
    const job = await queue.add('slow', anyEmail, { attempts: 2, backoff: 0, timeoutMs: 300 });
    await bothFailed;

    expect(failures).toEqual([
      { reason: 'TIMEOUT: the attempt ran longer than its timeout of 300 ms', attemptsMade: 1 },
      { reason: 'TIMEOUT: the attempt ran longer than its timeout of 300 ms', attemptsMade: 2 },
    ]);
    expect(aborts).toHaveLength(2);
    expect(aborts[0]).toMatchObject({ code: 'TIMEOUT', timeoutMs: 300 });
    expect(Date.now() - started).toBeGreaterThanOrEqual(550);
    expect(await queue.getJobState(String(job.id))).toBe('failed');
  });

  it("applies the queue's JOB_TIMEOUT_MS to jobs without their own, even to work that ignores its signal", async () => {
    const { running, queue } = await start(testEnv({ JOB_TIMEOUT_MS: '200' }), async (job) => {
      if (job.name === 'quick') return sent();
      // Uninterruptible work: the attempt still ends at the timeout.
      await new Promise((resolve) => setTimeout(resolve, 5_000));
      return sent();
    });
    const failed = new Promise<string>((resolve) => running.worker.once('failed', (_job, error) => resolve(error.message)));
    const completed = events(running, 'completed', 1);
    await queue.add('stuck', anyEmail, { attempts: 1 });
    await queue.add('quick', anyEmail, { attempts: 1 });

    expect(await failed).toBe('TIMEOUT: the attempt ran longer than its timeout of 200 ms');
    await completed;
  });

  it('refuses a timeoutMs out of range before writing the job, naming the option', async () => {
    const env = testEnv();
    const queue = createQueue('email', { redisUrl: env.REDIS_URL, prefix: env.QUEUE_PREFIX });
    cleanups.push(() => queue.close());
    await expect(queue.add('bad', anyEmail, { timeoutMs: 5 })).rejects.toThrow(/^opts\.timeoutMs: must be an integer/);
  });
});
