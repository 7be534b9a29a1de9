import { TcpProxy, TestRedisServer } from '@nightshift/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auth, startTestApp, type TestApp, welcomeEmail } from './helpers.js';

// The API reaches a Redis of its own (the shared one's load must not time commands out) through
// a proxy that can hold Redis's replies back: the add reaches Redis and runs, but its answer
// comes after the API gave up on it.
let redis: TestRedisServer;
let proxy: TcpProxy;
let t: TestApp;
beforeAll(async () => {
  redis = await TestRedisServer.start();
  proxy = await TcpProxy.forRedisUrl(redis.url);
  t = await startTestApp({ REDIS_URL: proxy.url });
});
afterAll(async () => {
  await t?.close();
  await proxy?.close();
  await redis?.destroy();
});

const add = (key: string, to: string, name: string) =>
  t.app.inject({
    method: 'POST',
    url: '/v1/queues/email/jobs',
    headers: { ...auth(), 'idempotency-key': key },
    payload: { name: 'welcome', data: { ...welcomeEmail(to), data: { ...welcomeEmail(to).data, name } } },
  });

describe('an add that timed out but landed', () => {
  it('keeps its Idempotency-Key: the retry the 503 invites returns the job that landed, never a second one', async () => {
    const to = `late-${Date.now()}@example.com`;
    // Only the add carries the job's data (the suppression check reads the address, so that is no
    // marker): the reservation and the check before it are answered, the add is not.
    const name = `Late ${Date.now()}`;
    proxy.holdRepliesAfter(name);
    const timedOut = await add('late-add', to, name);
    expect(timedOut.statusCode).toBe(503);
    expect(timedOut.json().error).toMatch(/timed out.*same Idempotency-Key/);
    proxy.release();

    const retried = await add('late-add', to, name);
    expect(retried.statusCode, retried.body).toBe(200);
    const jobs = (await t.app.queues.email.getJobs(['waiting'])).filter((job) => job.data.to === to);
    expect(jobs.map((job) => job.id)).toEqual([retried.json().id]);
  });
});
