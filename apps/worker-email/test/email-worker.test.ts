import { access, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { JobData } from '@nightshift/contracts';
import { SuppressionList, UnsubscribeLinks } from '@nightshift/email-suppressions';
import { createRedisClient } from '@nightshift/jobs';
import { ResendStandIn, resendAnswers, startWebhookRecorder, waitFor } from '@nightshift/test-support';
import { createLogger, type RunningWorker, startWorker } from '@nightshift/worker-runtime';
import type { Job } from 'bullmq';
import { afterEach, describe, expect, it } from 'vitest';
import type { Env } from '../src/env.js';
import { idempotencyKey } from '../src/processor.js';
import { emailWorkerOptions } from '../src/worker.js';
import { emailQueue, testEnv, testVariables } from './helpers.js';

const welcome: JobData['email'] = {
  to: 'user@example.com',
  template: 'welcome',
  data: { name: 'John Doe', activationUrl: 'https://app.example.com/activate/abc123' },
};

let cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  const pending = cleanups.reverse();
  cleanups = [];
  for (const cleanup of pending) await cleanup().catch(() => undefined);
});

async function startStandIn() {
  const standIn = await ResendStandIn.start();
  cleanups.push(() => standIn.close());
  return standIn;
}

async function start(env: Env) {
  const running = await startWorker(emailWorkerOptions(env, createLogger('worker-email', 'silent')));
  const queue = emailQueue(env);
  cleanups.push(async () => {
    await running.close();
    await queue.obliterate({ force: true });
    await queue.close();
  });
  return { running, queue };
}

function resendEnv(standIn: ResendStandIn, overrides: Record<string, string> = {}) {
  return testEnv(
    testVariables({
      RESEND_API_KEY: 're_test_key',
      RESEND_BASE_URL: standIn.url,
      EMAIL_FROM: 'Acme <no-reply@acme.test>',
      ...overrides,
    }),
  );
}

/** Resolves once `count` jobs have completed on the worker. */
function completions(running: RunningWorker<'email'>, count: number) {
  const jobs: Job[] = [];
  return new Promise<Job[]>((resolve) => {
    const listener = (job: Job) => {
      jobs.push(job);
      if (jobs.length < count) return;
      running.worker.off('completed', listener);
      resolve(jobs);
    };
    running.worker.on('completed', listener);
  });
}

function next(running: RunningWorker<'email'>, event: 'completed' | 'failed') {
  return new Promise<Job>((resolve) => running.worker.once(event, (job: Job | undefined) => job && resolve(job)));
}

describe('email worker with Resend', () => {
  it('sends once and returns { id, sentAt }, logging and reporting progress at render and send', async () => {
    const standIn = await startStandIn();
    const env = resendEnv(standIn);
    const { running, queue } = await start(env);
    const progress: unknown[] = [];
    running.worker.on('progress', (_job, value) => progress.push(value));
    const completed = next(running, 'completed');
    const job = await queue.add('welcome-email', welcome);
    const done = await completed;

    expect(done.returnvalue).toEqual({ id: 'stand-in-1', sentAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/) });
    expect(progress).toEqual([50, 100]);
    expect((await queue.getJobLogs(String(job.id))).logs).toEqual([
      'rendering template "welcome"',
      'sending through resend',
      'sent to u***@example.com (message stand-in-1)',
    ]);
    const [request] = standIn.requests;
    expect(request?.headers['idempotency-key']).toBe(`${env.QUEUE_PREFIX}:email:${job.id}:${job.timestamp}`);
    expect(request?.headers['idempotency-key']).toBe(idempotencyKey(job));
    expect(request?.body).toMatchObject({
      from: 'Acme <no-reply@acme.test>',
      to: 'user@example.com',
      subject: 'Welcome, John Doe',
    });
    expect((request?.body as { html?: string } | undefined)?.html).toContain('href="https://app.example.com/activate/abc123"');
  });

  it('fails a 422 at once with Resend’s message, without retrying', async () => {
    const standIn = await startStandIn();
    standIn.script(resendAnswers.validationError('The gmail.con domain is not valid.'));
    const { running, queue } = await start(resendEnv(standIn));
    const failed = next(running, 'failed');
    await queue.add('welcome-email', welcome, { attempts: 3 });
    const job = await failed;

    expect(job.failedReason).toBe('Resend answered 422 validation_error: The gmail.con domain is not valid.');
    expect(job.attemptsMade).toBe(1);
    expect(await job.getState()).toBe('failed');
    expect(standIn.requests).toHaveLength(1);
  });

  it('waits as a 429’s Retry-After says without spending an attempt, then sends with the same key', async () => {
    const standIn = await startStandIn();
    standIn.script(resendAnswers.rateLimited(1));
    const { running, queue } = await start(resendEnv(standIn));
    const completed = next(running, 'completed');
    // One attempt only: had the 429 spent it, the job would have failed.
    await queue.add('welcome-email', welcome, { attempts: 1 });
    const job = await completed;

    const [limited, sent] = standIn.requests;
    expect(standIn.requests).toHaveLength(2);
    expect((sent?.receivedAt ?? 0) - (limited?.receivedAt ?? 0)).toBeGreaterThanOrEqual(950);
    expect(sent?.headers['idempotency-key']).toBe(limited?.headers['idempotency-key']);
    expect(job.attemptsMade).toBe(1);
    expect(standIn.deliveries).toBe(1);
  });

  it('retries a 500 with backoff and the same idempotency key', async () => {
    const standIn = await startStandIn();
    standIn.script(resendAnswers.serverError());
    const { running, queue } = await start(resendEnv(standIn));
    const failed = next(running, 'failed');
    const completed = next(running, 'completed');
    await queue.add('welcome-email', welcome, { attempts: 2, backoff: { type: 'fixed', delay: 50 } });

    expect((await failed).failedReason).toBe('Resend answered 500 internal_server_error: An unexpected error occurred.');
    const job = await completed;
    expect(job.attemptsMade).toBe(2);
    const keys = standIn.requests.map((request) => request.headers['idempotency-key']);
    expect(keys).toEqual([idempotencyKey(job), idempotencyKey(job)]);
  });
});

describe('email worker when Resend refuses the account or says not now', () => {
  it('keeps every job through a 403 (unverified domain): pauses the queue, alerts once, sends once it is fixed', async () => {
    const standIn = await startStandIn();
    standIn.script(resendAnswers.domainNotVerified(), resendAnswers.domainNotVerified());
    const alerts = await startWebhookRecorder();
    cleanups.push(() => alerts.close());
    const { running, queue } = await start(
      resendEnv(standIn, { WORKER_REFUSED_PAUSE_MS: '500', ALERT_WEBHOOK_URL: alerts.url, WORKER_CONCURRENCY: '3' }),
    );
    const failures: string[] = [];
    running.worker.on('failed', (_job, error) => failures.push(error.message));
    const done = completions(running, 3);
    // One attempt each: had a 403 spent it, the job would be in the failed set.
    await queue.addBulk([1, 2, 3].map(() => ({ name: 'welcome-email', data: welcome, opts: { attempts: 1 } })));
    const jobs = await done;

    expect(failures).toEqual([]);
    expect(jobs.map((job) => job.attemptsMade)).toEqual([1, 1, 1]);
    expect(standIn.deliveries).toBe(3);
    // Three sends at once, two refused; those two go again only after the pause.
    expect(standIn.requests).toHaveLength(5);
    const [firstRefused, , , firstAfterPause] = standIn.requests;
    expect((firstAfterPause?.receivedAt ?? 0) - (firstRefused?.receivedAt ?? 0)).toBeGreaterThanOrEqual(450);
    expect(alerts.bodies.filter((body) => body.event === 'queue.service_refused')).toEqual([
      expect.objectContaining({ queue: 'email', pauseMs: 500, reason: expect.stringContaining('domain is not verified') }),
    ]);
  });

  it('waits at least a second on Retry-After: 0 instead of asking again at once', async () => {
    const standIn = await startStandIn();
    standIn.script(resendAnswers.rateLimited(0));
    const { running, queue } = await start(resendEnv(standIn));
    const completed = next(running, 'completed');
    await queue.add('welcome-email', welcome, { attempts: 1 });
    await completed;

    const [limited, sent] = standIn.requests;
    expect(standIn.requests).toHaveLength(2);
    expect((sent?.receivedAt ?? 0) - (limited?.receivedAt ?? 0)).toBeGreaterThanOrEqual(950);
  });

  it('delays only the job told to wait longer than WORKER_RATE_LIMIT_MAX_PAUSE_MS; the queue pauses that long and goes on', async () => {
    const standIn = await startStandIn();
    standIn.script(resendAnswers.rateLimited(600));
    const { running, queue } = await start(resendEnv(standIn, { WORKER_RATE_LIMIT_MAX_PAUSE_MS: '300' }));
    const limited = await queue.add('welcome-email', welcome, { attempts: 1 });
    const first = await standIn.waitForRequests(1);
    await waitFor(async () => (await queue.getJobState(String(limited.id))) === 'delayed', { what: 'the job delayed' });
    const completed = next(running, 'completed');
    const other = await queue.add('welcome-email', welcome, { attempts: 1 });
    const done = await completed;

    expect(done.id).toBe(other.id);
    const sent = standIn.requests[1];
    expect((sent?.receivedAt ?? 0) - first.receivedAt).toBeGreaterThanOrEqual(250);
    expect(await queue.getJobState(String(limited.id))).toBe('delayed');
    const stored = await queue.getJob(String(limited.id));
    expect(stored?.attemptsMade).toBe(0);
    expect((stored?.delay ?? 0) + (stored?.timestamp ?? 0)).toBeGreaterThan(Date.now() + 500_000);
  });

  it('fails a job rate limited for longer than WORKER_RATE_LIMIT_WINDOW_MS, saying so', async () => {
    const standIn = await startStandIn();
    standIn.script(...Array.from({ length: 10 }, () => resendAnswers.rateLimited(1)));
    const { running, queue } = await start(resendEnv(standIn, { WORKER_RATE_LIMIT_WINDOW_MS: '1000' }));
    const failed = next(running, 'failed');
    await queue.add('welcome-email', welcome, { attempts: 3 });
    const job = await failed;

    expect(job.failedReason).toMatch(
      /^rate limited for longer than WORKER_RATE_LIMIT_WINDOW_MS \(1000 ms\): first at .+; last answer: Resend answered 429 rate_limit_exceeded/,
    );
    expect(await job.getState()).toBe('failed');
    expect(standIn.requests).toHaveLength(2);
  });
});

describe('email worker job timeout', () => {
  it('aborts a send past JOB_TIMEOUT_MS, fails the attempt with TIMEOUT and retries it with the same key', async () => {
    const standIn = await startStandIn();
    standIn.slowSends(1, 5_000);
    const { running, queue } = await start(resendEnv(standIn, { JOB_TIMEOUT_MS: '300' }));
    const failed = next(running, 'failed');
    const completed = next(running, 'completed');
    const added = Date.now();
    await queue.add('welcome-email', welcome, { attempts: 2, backoff: { type: 'fixed', delay: 50 } });

    expect((await failed).failedReason).toBe('TIMEOUT: the attempt ran longer than its timeout of 300 ms');
    const job = await completed;
    // Well before the slow answer would have come.
    expect(Date.now() - added).toBeLessThan(4_000);
    expect(job.attemptsMade).toBe(2);
    const keys = standIn.requests.map((request) => request.headers['idempotency-key']);
    expect(keys).toEqual([idempotencyKey(job), idempotencyKey(job)]);
  });
});

describe('email worker and the suppression list', () => {
  const UNSUBSCRIBE_LINK_SECRET = 'a-worker-test-unsubscribe-secret-0123456789';
  const digest = (to: string): JobData['email'] => ({
    to,
    template: 'weekly-digest',
    data: { items: [{ title: 'Queue latency down', url: 'https://app.example.com/posts/1' }] },
  });

  async function startWithList() {
    const standIn = await startStandIn();
    const env = testEnv(
      testVariables({
        RESEND_API_KEY: 're_test_key',
        RESEND_BASE_URL: standIn.url,
        EMAIL_FROM: 'Acme <no-reply@acme.test>',
        PUBLIC_BASE_URL: 'https://api.acme.test',
        UNSUBSCRIBE_LINK_SECRET,
      }),
    );
    const client = createRedisClient('worker', env.REDIS_URL);
    cleanups.push(() => client.quit());
    const { running, queue } = await start(env);
    return { standIn, running, queue, list: new SuppressionList(client, { prefix: env.QUEUE_PREFIX }) };
  }

  it('fails a job to a bounced or complained address at once, unsent, naming the suppression, and counts it', async () => {
    const { standIn, running, queue, list } = await startWithList();
    await list.suppress(['Bounced@Example.com'], {
      reason: 'bounced',
      detail: 'Permanent/General: The recipient does not exist.',
      eventId: 'msg_bounce',
      suppressedAt: '2026-12-01T08:00:00.000Z',
    });
    await list.suppress(['complained@example.com'], { reason: 'complained', eventId: 'msg_complaint' });

    const failed = next(running, 'failed');
    const job = await queue.add('welcome-email', { ...welcome, to: 'bounced@example.com' }, { attempts: 3 });
    const done = await failed;
    expect(done.failedReason).toBe(
      'not sent: b***@example.com is suppressed: bounced on 2026-12-01T08:00:00.000Z (Permanent/General: The recipient does not exist.; event msg_bounce). Lift it with DELETE /v1/suppressions/{email}, or queue the job with data.ignoreSuppression',
    );
    expect(done.attemptsMade).toBe(1);
    expect(await queue.getJobState(String(job.id))).toBe('failed');

    const complained = next(running, 'failed');
    await queue.add('digest', digest('complained@example.com'), { attempts: 3 });
    expect((await complained).failedReason).toContain('c***@example.com is suppressed: complained on');

    expect(standIn.requests).toHaveLength(0);
    const metric = await running.metrics.registry.getSingleMetric('nightshift_email_suppressed_total')?.get();
    expect(metric?.values).toEqual(
      expect.arrayContaining([
        { labels: { reason: 'bounced', template: 'welcome' }, value: 1 },
        { labels: { reason: 'complained', template: 'weekly-digest' }, value: 1 },
      ]),
    );
  });

  it('sends to an address with only transient bounces, and again once a suppression is lifted', async () => {
    const { standIn, running, queue, list } = await startWithList();
    await list.countTransientBounce(['full@example.com'], 'msg_transient');
    const sent = next(running, 'completed');
    await queue.add('welcome-email', { ...welcome, to: 'full@example.com' });
    await sent;

    await list.suppress(['lifted@example.com'], { reason: 'bounced', eventId: 'msg_lifted' });
    const refused = next(running, 'failed');
    await queue.add('welcome-email', { ...welcome, to: 'lifted@example.com' });
    await refused;
    await list.lift('lifted@example.com');
    const resent = next(running, 'completed');
    await queue.add('welcome-email', { ...welcome, to: 'lifted@example.com' });
    await resent;

    const reset = next(running, 'completed');
    await list.suppress(['fixed@example.com'], { reason: 'bounced', eventId: 'msg_fixed' });
    await queue.add('reset', {
      to: 'fixed@example.com',
      template: 'reset-password',
      data: { resetUrl: 'https://app.example.com/reset/1' },
      ignoreSuppression: true,
    });
    await reset;
    expect(standIn.requests.map((request) => (request.body as { to: string }).to)).toEqual([
      'full@example.com',
      'lifted@example.com',
      'fixed@example.com',
    ]);
  });

  it('gives bulk mail a signed one-click unsubscribe, and stops only bulk mail to an address that used it', async () => {
    const { standIn, running, queue, list } = await startWithList();
    const sent = next(running, 'completed');
    await queue.add('digest', digest('reader@example.com'));
    await sent;
    const [request] = standIn.requests;
    const body = request?.body as { headers?: Record<string, string>; html: string; text: string };
    const unsubscribe = /^<(.+)>$/.exec(body.headers?.['List-Unsubscribe'] ?? '')?.[1] ?? '';
    expect(body.headers?.['List-Unsubscribe-Post']).toBe('List-Unsubscribe=One-Click');
    const link = new URL(unsubscribe);
    expect(`${link.origin}${link.pathname}`).toBe('https://api.acme.test/v1/unsubscribe');
    const links = new UnsubscribeLinks(UNSUBSCRIBE_LINK_SECRET, 'https://api.acme.test');
    expect(links.check('reader@example.com', link.searchParams.get('signature') ?? '')).toBe(true);
    expect(body.html).toContain(`href="${unsubscribe.replaceAll('&', '&amp;')}"`);
    expect(body.text).toContain('Queue latency down');

    await list.suppress(['reader@example.com'], { reason: 'unsubscribed', eventId: null });
    const refused = next(running, 'failed');
    await queue.add('digest', digest('reader@example.com'));
    expect((await refused).failedReason).toContain('r***@example.com is suppressed: unsubscribed from bulk mail on');
    const transactional = next(running, 'completed');
    await queue.add('welcome-email', { ...welcome, to: 'reader@example.com' });
    await transactional;

    expect(standIn.requests).toHaveLength(2);
    // Transactional mail has no unsubscribe header.
    expect(standIn.requests[1]?.body).not.toHaveProperty('headers');
  });
});

describe('email worker: what is sent', () => {
  it('completes an empty weekly digest as skipped, saying so, without sending', async () => {
    const standIn = await startStandIn();
    const { running, queue } = await start(resendEnv(standIn));
    const completed = next(running, 'completed');
    const job = await queue.add('digest', { to: 'user@example.com', template: 'weekly-digest', data: { items: [] } });
    const done = await completed;
    expect(done.returnvalue).toEqual({ skipped: true, reason: 'the weekly digest has no items' });
    expect((await queue.getJobLogs(String(job.id))).logs).toEqual(['skipped, nothing sent: the weekly digest has no items']);
    expect(standIn.requests).toHaveLength(0);
  });

  it('attaches the invoice PDF from storage, and fails at once naming a file that is not there', async () => {
    const standIn = await startStandIn();
    const storageDir = await mkdtemp(join(tmpdir(), 'nightshift-email-'));
    cleanups.push(() => rm(storageDir, { recursive: true, force: true }));
    const env = testEnv(
      testVariables({
        RESEND_API_KEY: 're_test_key',
        RESEND_BASE_URL: standIn.url,
        EMAIL_FROM: 'Acme <no-reply@acme.test>',
        STORAGE_DIR: storageDir,
      }),
    );
    const pdf = Buffer.from('%PDF-1.7 an invoice');
    await mkdir(join(storageDir, 'files'), { recursive: true });
    await writeFile(join(storageDir, 'files', 'pdf-42.pdf'), pdf);
    const { running, queue } = await start(env);
    const invoice = (attachmentFileId: string): JobData['email'] => ({
      to: 'billing@example.com',
      template: 'invoice',
      data: { invoiceNumber: 'INV/7', amountCents: 1_999, currency: 'EUR', attachmentFileId },
    });

    const completed = next(running, 'completed');
    await queue.add('invoice', invoice('pdf-42.pdf'));
    await completed;
    const body = standIn.requests[0]?.body as { attachments?: { filename: string; content: unknown }[] };
    expect(body.attachments?.map((attachment) => attachment.filename)).toEqual(['invoice-INV_7.pdf']);
    // The SDK sends the bytes as base64.
    expect(body.attachments?.[0]?.content).toBe(pdf.toString('base64'));

    const failed = next(running, 'failed');
    await queue.add('invoice', invoice('pdf-missing.pdf'), { attempts: 3 });
    const job = await failed;
    expect(job.failedReason).toBe('data.attachmentFileId: no file pdf-missing.pdf in storage; render the invoice PDF first');
    expect(job.attemptsMade).toBe(1);
    expect(standIn.requests).toHaveLength(1);
  });
});

describe('email worker without RESEND_API_KEY', () => {
  it('writes the message to the outbox and returns its path', async () => {
    const storageDir = await mkdtemp(join(tmpdir(), 'nightshift-email-'));
    cleanups.push(() => rm(storageDir, { recursive: true, force: true }));
    const { running, queue } = await start(testEnv(testVariables({ STORAGE_DIR: storageDir })));
    const completed = next(running, 'completed');
    const added = await queue.add('welcome-email', welcome);
    const job = await completed;

    const path = join(storageDir, 'outbox', `email-${added.id}.eml`);
    expect(job.returnvalue).toMatchObject({ id: path });
    await access(path);
    await access(join(storageDir, 'outbox', `email-${added.id}.html`));
    expect((await queue.getJobLogs(String(added.id))).logs).toContain('sending through outbox');
  });
});
