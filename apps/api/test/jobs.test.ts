import { jobContracts, queueNames } from '@nightshift/contracts';
import { createWorker } from '@nightshift/jobs';
import { UnrecoverableError } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { auth, startTestApp, type TestApp, welcomeEmail } from './helpers.js';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t.close());

const post = (url: string, payload: unknown, headers: Record<string, string> = {}) =>
  t.app.inject({ method: 'POST', url, payload: payload as object, headers: { ...auth(), ...headers } });
const get = (url: string) => t.app.inject({ method: 'GET', url, headers: auth() });

describe('POST /v1/queues/:queue/jobs', () => {
  it('answers 202 once the job is in Redis', async () => {
    const response = await post('/v1/queues/email/jobs', { name: 'welcome', data: welcomeEmail(), opts: { priority: 5 } });
    expect(response.statusCode).toBe(202);
    const body = response.json();
    expect(body).toMatchObject({ queue: 'email', name: 'welcome', state: 'prioritized' });
    const stored = await t.app.queues.email.getJob(body.id);
    expect(stored?.data).toEqual(welcomeEmail());
    expect(stored?.opts.priority).toBe(5);
    // Helmet's headers, as on every route.
    expect(response.headers).toMatchObject({ 'x-content-type-options': 'nosniff', 'x-frame-options': 'SAMEORIGIN' });
    expect(response.headers['content-security-policy']).toContain("default-src 'self'");
  });

  it('validates the payload once: the body check, not a second parse in ContractQueue.add', async () => {
    const safeParse = vi.spyOn(jobContracts.email.data, 'safeParse');
    const response = await post('/v1/queues/email/jobs', { name: 'once', data: welcomeEmail() });
    const parses = safeParse.mock.calls.length;
    safeParse.mockRestore();
    expect(response.statusCode).toBe(202);
    expect(parses).toBe(0);
    await t.app.queues.email.remove(response.json().id);
  });

  it('answers with the state the job was added in, which is the state Redis holds', async () => {
    const queue = t.app.queues['image-processing'];
    const data = { imageId: 'state-check', operations: [{ type: 'resize', params: { width: 8, fit: 'inside' } }] };
    const add = async (opts?: object) => (await post('/v1/queues/image-processing/jobs', { name: 'state', data, opts })).json();
    const answers = [await add({ delay: 60_000, priority: 3 }), await add({ priority: 2 }), await add()];
    await queue.pause();
    try {
      answers.push(await add({ delay: 0 }));
    } finally {
      await queue.resume();
    }
    expect(answers.map((answer) => answer.state)).toEqual(['delayed', 'prioritized', 'waiting', 'waiting']);
    for (const { id, state } of answers) expect(await queue.getJobState(id)).toBe(state);
    await Promise.all(answers.map(({ id }) => queue.remove(id)));
  });

  it('takes a resize without fit as sharp does: cover', async () => {
    const data = { imageId: 'short-resize', operations: [{ type: 'resize', params: { width: 200 } }] };
    const response = await post('/v1/queues/image-processing/jobs', { name: 'short', data });
    expect(response.statusCode).toBe(202);
    const stored = await t.app.queues['image-processing'].getJob(response.json().id);
    expect(stored?.data.operations).toEqual([{ type: 'resize', params: { width: 200, fit: 'cover' } }]);
    await t.app.queues['image-processing'].remove(response.json().id);
  });

  it('takes a per-job timeoutMs, which the worker enforces, and names it when out of range', async () => {
    const accepted = await post('/v1/queues/email/jobs', { name: 'timed', data: welcomeEmail(), opts: { timeoutMs: 30_000 } });
    expect(accepted.statusCode).toBe(202);
    expect((await t.app.queues.email.getJob(accepted.json().id))?.opts).toMatchObject({ timeoutMs: 30_000 });
    await t.app.queues.email.remove(accepted.json().id);
    const refused = await post('/v1/queues/email/jobs', { name: 'timed', data: welcomeEmail(), opts: { timeoutMs: 5 } });
    expect(refused.statusCode).toBe(400);
    expect(JSON.stringify(refused.json())).toContain('opts.timeoutMs');
  });

  it("checks data against the queue's contract and names each bad field", async () => {
    const response = await post('/v1/queues/email/jobs', {
      name: 'welcome',
      data: { ...welcomeEmail('not-an-address'), data: { name: 'Ann', activationUrl: 'ftp://x' } },
      opts: { priority: 0 },
      surprise: true,
    });
    expect(response.statusCode).toBe(400);
    const paths = response.json().issues.map((issue: { path: string }) => issue.path);
    expect(paths).toEqual(expect.arrayContaining(['data.to', 'data.data.activationUrl', 'opts.priority', 'surprise']));
    expect(response.json().error).toMatch(/^invalid body: /);
    expect(await t.app.queues.email.count()).toBe(1);
  });

  it('refuses __proto__ and constructor.prototype keys', async () => {
    for (const payload of [
      '{"name":"x","data":{},"__proto__":{"admin":true}}',
      '{"name":"x","data":{"constructor":{"prototype":{"admin":true}}}}',
    ]) {
      const response = await t.app.inject({
        method: 'POST',
        url: '/v1/queues/email/jobs',
        payload,
        headers: { ...auth(), 'content-type': 'application/json' },
      });
      expect(response.statusCode).toBe(400);
      expect(response.json().code).toBe('INVALID_JSON');
    }
  });

  it('answers 404 for an unknown queue', async () => {
    const response = await post('/v1/queues/sms/jobs', { name: 'x', data: {} });
    expect(response.statusCode).toBe(404);
    expect(response.json()).toMatchObject({ code: 'QUEUE_NOT_FOUND' });
    expect((await get('/v1/queues/sms/jobs/1')).statusCode).toBe(404);
  });
});

describe('POST /v1/queues/:queue/jobs/bulk', () => {
  const resize = (imageId: string) => ({
    name: 'thumbnail',
    data: { imageId, operations: [{ type: 'resize', params: { width: 64, fit: 'inside' } }] },
  });

  it('adds every job and answers with their ids', async () => {
    const response = await post('/v1/queues/image-processing/jobs/bulk', { jobs: [resize('a'), resize('b'), resize('c')] });
    expect(response.statusCode).toBe(202);
    const { ids } = response.json();
    expect(ids).toHaveLength(3);
    const jobs = await Promise.all(ids.map((id: string) => t.app.queues['image-processing'].getJob(id)));
    expect(jobs.map((job) => job?.data.imageId)).toEqual(['a', 'b', 'c']);
  });

  it('adds nothing when one job is invalid, and names it', async () => {
    const before = await t.app.queues['image-processing'].count();
    const response = await post('/v1/queues/image-processing/jobs/bulk', { jobs: [resize('ok'), resize('../etc')] });
    expect(response.statusCode).toBe(400);
    expect(response.json().issues[0].path).toBe('jobs[1].data.imageId');
    expect(await t.app.queues['image-processing'].count()).toBe(before);
  });

  it('refuses more than 1000 jobs', async () => {
    const jobs = Array.from({ length: 1001 }, () => resize('a'));
    const response = await post('/v1/queues/image-processing/jobs/bulk', { jobs });
    expect(response.statusCode).toBe(400);
    expect(response.json().issues[0]).toMatchObject({ path: 'jobs' });
  });
});

describe('reading jobs', () => {
  it('returns a job with its state and timestamps, 404 when unknown', async () => {
    const { id } = (
      await post('/v1/queues/pdf/jobs', { name: 'report', data: { reportId: 'r1', userId: 'u1', format: 'pdf' } })
    ).json();
    const response = await get(`/v1/queues/pdf/jobs/${id}`);
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({
      id,
      name: 'report',
      queue: 'pdf',
      state: 'waiting',
      attemptsMade: 0,
      data: { reportId: 'r1', userId: 'u1', format: 'pdf' },
      returnValue: null,
      failedReason: null,
      processedAt: null,
      finishedAt: null,
    });
    expect(Date.parse(response.json().createdAt)).toBeGreaterThan(0);
    const missing = await get('/v1/queues/pdf/jobs/00000000-0000-4000-8000-000000000000');
    expect(missing.statusCode).toBe(404);
    expect(missing.json().code).toBe('JOB_NOT_FOUND');
  });

  it('pages through a state with a cursor', async () => {
    for (const reportId of ['p1', 'p2', 'p3']) {
      await post('/v1/queues/pdf/jobs', {
        name: 'report',
        data: { reportId, userId: 'u', format: 'xlsx' },
        opts: { delay: 60_000 },
      });
    }
    const first = (await get('/v1/queues/pdf/jobs?state=delayed&limit=2')).json();
    expect(first.jobs).toHaveLength(2);
    expect(first.total).toBe(3);
    expect(first.nextCursor).not.toBeNull();
    const second = (await get(`/v1/queues/pdf/jobs?state=delayed&limit=2&cursor=${first.nextCursor}`)).json();
    expect(second.jobs).toHaveLength(1);
    expect(second.nextCursor).toBeNull();
    const seen = [...first.jobs, ...second.jobs].map((job: { data: { reportId: string } }) => job.data.reportId).sort();
    expect(seen).toEqual(['p1', 'p2', 'p3']);
    expect((await get('/v1/queues/pdf/jobs?state=sleeping')).statusCode).toBe(400);
  });
});

describe('failed jobs: logs and retry', () => {
  it('shows the logs of a failed job and moves it back to waiting', async () => {
    const { id } = (await post('/v1/queues/email/jobs', { name: 'doomed', data: welcomeEmail(), opts: { attempts: 1 } })).json();
    const worker = createWorker(
      'email',
      async (job) => {
        await job.log('rendering the template');
        throw new UnrecoverableError('template exploded');
      },
      { redisUrl: t.env.REDIS_URL, prefix: t.env.QUEUE_PREFIX, autorun: false },
    );
    const failed = new Promise((resolve) => worker.on('failed', (job) => job?.id === id && resolve(job)));
    void worker.run();
    await failed;
    await worker.close();

    const view = (await get(`/v1/queues/email/jobs/${id}`)).json();
    expect(view).toMatchObject({ state: 'failed', failedReason: 'template exploded', attemptsMade: 1 });
    expect((await get(`/v1/queues/email/jobs/${id}/logs`)).json()).toEqual({ logs: ['rendering the template'], count: 1 });

    const retried = await post(`/v1/queues/email/jobs/${id}/retry`, undefined);
    expect(retried.statusCode).toBe(200);
    expect(['waiting', 'prioritized']).toContain(retried.json().state);
    const again = await post(`/v1/queues/email/jobs/${id}/retry`, undefined);
    expect(again.statusCode).toBe(409);
    expect(again.json().error).toMatch(/only failed jobs can be retried/);
    expect((await get('/v1/queues/email/jobs/nope/logs')).statusCode).toBe(404);
  });
});

describe('DELETE /v1/queues/:queue/jobs/:id', () => {
  it('removes a delayed job; 404 when unknown', async () => {
    const { id } = (await post('/v1/queues/email/jobs', { name: 'later', data: welcomeEmail(), opts: { delay: 60_000 } })).json();
    const removed = await t.app.inject({ method: 'DELETE', url: `/v1/queues/email/jobs/${id}`, headers: auth() });
    expect(removed.statusCode).toBe(200);
    expect(removed.json()).toEqual({ id, queue: 'email', outcome: 'removed' });
    expect(await t.app.queues.email.getJob(id)).toBeUndefined();
    const again = await t.app.inject({ method: 'DELETE', url: `/v1/queues/email/jobs/${id}`, headers: auth() });
    expect(again.statusCode).toBe(404);
  });
});

describe('queues', () => {
  it('lists every contract queue with counts and workers, and pauses and resumes one', async () => {
    const { queues } = (await get('/v1/queues')).json();
    expect(queues.map((queue: { name: string }) => queue.name)).toEqual(queueNames);
    const pdf = queues.find((queue: { name: string }) => queue.name === 'pdf');
    expect(Object.keys(pdf.counts).sort()).toEqual(
      ['active', 'completed', 'delayed', 'failed', 'paused', 'prioritized', 'waiting', 'waiting-children'].sort(),
    );
    expect(pdf).toMatchObject({ paused: false, workers: 0 });
    expect(pdf.counts.delayed).toBeGreaterThanOrEqual(3);

    expect((await post('/v1/queues/pdf/pause', undefined)).json()).toEqual({ name: 'pdf', paused: true });
    const paused = (await get('/v1/queues')).json().queues.find((queue: { name: string }) => queue.name === 'pdf');
    expect(paused.counts.paused).toBe(paused.counts.waiting);
    expect(await t.app.queues.pdf.isPaused()).toBe(true);
    expect((await post('/v1/queues/pdf/resume', undefined)).json()).toEqual({ name: 'pdf', paused: false });
    expect((await post('/v1/queues/fax/pause', undefined)).statusCode).toBe(404);
  });
});
