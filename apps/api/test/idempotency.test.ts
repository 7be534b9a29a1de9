import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IdempotencyStore, STALE_RESERVATION_MS } from '../src/lib/idempotency-store.js';
import { auth, startTestApp, type TestApp, welcomeEmail } from './helpers.js';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t.close());

const addWithKey = (key: string, queue = 'email', to = 'ann@example.com') =>
  t.app.inject({
    method: 'POST',
    url: `/v1/queues/${queue}/jobs`,
    headers: { ...auth(), 'idempotency-key': key },
    payload:
      queue === 'email'
        ? { name: 'welcome', data: welcomeEmail(to) }
        : { name: 'report', data: { reportId: 'r', userId: 'u', format: 'pdf' } },
  });

describe('Idempotency-Key', () => {
  it('returns the first job with 200 on a repeat and creates nothing', async () => {
    const first = await addWithKey('order-1');
    const second = await addWithKey('order-1');
    expect(first.statusCode).toBe(202);
    expect(second.statusCode).toBe(200);
    expect(second.headers['idempotent-replayed']).toBe('true');
    expect(second.json()).toMatchObject({ id: first.json().id, name: 'welcome', queue: 'email' });
    const jobs = await t.app.queues.email.getJobs(['waiting']);
    expect(jobs.filter((job) => job.data.to === 'ann@example.com')).toHaveLength(1);
  });

  it('answers 422 naming the key when it is reused with a different body, and adds nothing', async () => {
    const first = await addWithKey('order-3');
    const reused = await addWithKey('order-3', 'email', 'someone-else@example.com');
    expect(first.statusCode).toBe(202);
    expect(reused.statusCode).toBe(422);
    expect(reused.json().code).toBe('IDEMPOTENCY_KEY_REUSED');
    expect(reused.json().error).toMatch(/Idempotency-Key "order-3" was first sent with a different request/);
    const jobs = await t.app.queues.email.getJobs(['waiting']);
    expect(jobs.filter((job) => job.data.to === 'someone-else@example.com')).toHaveLength(0);
  });

  it('matches the same body whatever the order of its fields', async () => {
    const request = (payload: string) =>
      t.app.inject({
        method: 'POST',
        url: '/v1/queues/email/jobs',
        headers: { ...auth(), 'idempotency-key': 'order-4', 'content-type': 'application/json' },
        payload,
      });
    const data = welcomeEmail();
    const first = await request(JSON.stringify({ name: 'welcome', data }));
    const reordered = await request(
      JSON.stringify({ data: { data: data.data, template: data.template, to: data.to }, name: 'welcome' }),
    );
    expect([first.statusCode, reordered.statusCode]).toEqual([202, 200]);
    expect(reordered.json().id).toBe(first.json().id);
  });

  it('scopes a key to its queue', async () => {
    const email = await addWithKey('shared-key');
    const pdf = await addWithKey('shared-key', 'pdf');
    expect([email.statusCode, pdf.statusCode]).toEqual([202, 202]);
    expect(pdf.json().id).not.toBe(email.json().id);
  });

  it('still returns the first job after that job was removed, for 24 h', async () => {
    const first = (await addWithKey('order-2')).json();
    await (await t.app.queues.email.getJob(first.id))?.remove();
    const again = await addWithKey('order-2');
    expect(again.statusCode).toBe(200);
    expect(again.json()).toMatchObject({ id: first.id, state: 'unknown' });
    const store = new IdempotencyStore(t.app.redis, t.env.QUEUE_PREFIX);
    const ttl = await t.app.redis.ttl(store.redisKey('email', 'order-2'));
    expect(ttl).toBeGreaterThan(24 * 3600 - 60);
  });

  it('lets exactly one of several concurrent requests create the job', async () => {
    const responses = await Promise.all(Array.from({ length: 6 }, () => addWithKey('race-1')));
    const statuses = responses.map((response) => response.statusCode);
    expect(statuses.filter((status) => status === 202)).toHaveLength(1);
    // The others either saw the job (200) or the reservation still in flight (409, retry in a second).
    expect(statuses.every((status) => [200, 202, 409].includes(status))).toBe(true);
    const created = responses.find((response) => response.statusCode === 202)?.json().id;
    for (const response of responses.filter((r) => r.statusCode === 200)) expect(response.json().id).toBe(created);
    for (const response of responses.filter((r) => r.statusCode === 409)) expect(response.headers['retry-after']).toBe('1');
    expect((await addWithKey('race-1')).json().id).toBe(created);
  });

  it('answers 409 while a fresh reservation has no job yet, and takes over a stale one', async () => {
    const store = new IdempotencyStore(t.app.redis, t.env.QUEUE_PREFIX);
    const reservation = (since: number) => ({ jobId: `ghost-${since}`, name: 'welcome', status: 'pending' as const, since });
    await store.reserve('email', 'in-flight', reservation(Date.now()));
    const busy = await addWithKey('in-flight');
    expect(busy.statusCode).toBe(409);
    expect(busy.json().code).toBe('IDEMPOTENCY_KEY_IN_USE');

    // A request that reserved the key and died before adding its job.
    await store.reserve('email', 'abandoned', reservation(Date.now() - STALE_RESERVATION_MS - 1_000));
    const taken = await addWithKey('abandoned');
    expect(taken.statusCode).toBe(202);
    expect(await t.app.queues.email.getJob(taken.json().id)).toBeDefined();
    expect((await addWithKey('abandoned')).json().id).toBe(taken.json().id);
  });

  it('refuses a malformed key', async () => {
    const response = await addWithKey('has spaces in it');
    expect(response.statusCode).toBe(400);
    expect(response.json().issues[0].path).toBe('idempotency-key');
  });
});
