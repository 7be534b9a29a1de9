import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auth, startTestApp, type TestApp } from './helpers.js';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t.close());

const digest = { to: 'team@example.com', template: 'weekly-digest', data: { name: 'Team' } };
const put = (id: string, payload: object, queue = 'email') =>
  t.app.inject({ method: 'PUT', url: `/v1/queues/${queue}/schedulers/${id}`, headers: auth(), payload });

describe('job schedulers', () => {
  it('upserts a cron scheduler in a time zone and lists it with its next run', async () => {
    const response = await put('monday-digest', {
      pattern: '0 8 * * 1',
      tz: 'Europe/Paris',
      job: { name: 'digest', data: digest },
    });
    expect(response.statusCode).toBe(200);
    const view = response.json();
    expect(view).toMatchObject({ id: 'monday-digest', queue: 'email', name: 'digest', pattern: '0 8 * * 1', tz: 'Europe/Paris' });
    expect(Date.parse(view.next)).toBeGreaterThan(Date.now());
    const list = (await t.app.inject({ method: 'GET', url: '/v1/queues/email/schedulers', headers: auth() })).json();
    expect(list.schedulers.map((scheduler: { id: string }) => scheduler.id)).toContain('monday-digest');
  });

  it('replaces a scheduler on a second upsert', async () => {
    await put('tick', { every: 60_000, job: { name: 'digest', data: digest } });
    const replaced = (await put('tick', { every: 120_000, job: { name: 'digest', data: digest } })).json();
    expect(replaced.every).toBe(120_000);
    expect(await t.app.queues.email.getJobSchedulersCount()).toBeGreaterThanOrEqual(1);
  });

  it('leaves exactly one scheduler when several upserts of one id race', async () => {
    const responses = await Promise.all(
      [10_000, 20_000, 30_000, 40_000, 50_000].map((every) =>
        put('racy', { every, job: { name: 'digest', data: digest } }, 'email'),
      ),
    );
    expect(responses.map((response) => response.statusCode)).toEqual([200, 200, 200, 200, 200]);
    const schedulers = await t.app.queues.email.getJobSchedulers();
    expect(schedulers.filter((scheduler) => (scheduler.id ?? scheduler.key) === 'racy')).toHaveLength(1);
    // And one pending run: each upsert replaced the previous one's job.
    const pending = await t.app.queues.email.getJobs(['waiting', 'delayed', 'prioritized']);
    expect(pending.filter((job) => job.repeatJobKey === 'racy')).toHaveLength(1);
  });

  it('names what is wrong with a scheduler', async () => {
    const cases: [object, string][] = [
      [{ pattern: 'every monday', job: { name: 'd', data: digest } }, 'pattern'],
      [{ pattern: '* * * * *', every: 1_000, job: { name: 'd', data: digest } }, 'pattern'],
      [{ job: { name: 'd', data: digest } }, 'pattern'],
      [{ pattern: '0 8 * * *', tz: 'Mars/Olympus', job: { name: 'd', data: digest } }, 'tz'],
      [{ every: 60_000, job: { name: 'd', data: { ...digest, to: 'nobody' } } }, 'job.data.to'],
    ];
    for (const [payload, path] of cases) {
      const response = await put('broken', payload);
      expect(response.statusCode, JSON.stringify(payload)).toBe(400);
      expect(response.json().issues.map((issue: { path: string }) => issue.path)).toContain(path);
    }
    expect(await t.app.queues.email.getJobScheduler('broken')).toBeUndefined();
  });

  it('deletes a scheduler, then answers 404', async () => {
    await put('doomed', { every: 60_000, job: { name: 'digest', data: digest } });
    const remove = () => t.app.inject({ method: 'DELETE', url: '/v1/queues/email/schedulers/doomed', headers: auth() });
    expect((await remove()).statusCode).toBe(204);
    expect(await t.app.queues.email.getJobScheduler('doomed')).toBeUndefined();
    expect((await remove()).statusCode).toBe(404);
  });
});
