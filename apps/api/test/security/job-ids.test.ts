import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { welcomeEmail } from '../helpers.js';
import { BuiltApi } from './built-api.js';

// Issue 19 item 1: BullMQ keeps a queue's own keys beside its jobs', so a job id route must take only the ids Nightshift issues.
interface Listed {
  jobs: { id: string }[];
}

let api: BuiltApi;
beforeAll(async () => {
  api = await BuiltApi.start();
});
afterAll(() => api.stop());

const bullmqKeyNames = ['meta', 'id', 'events', 'completed', 'failed', 'wait', 'stalled-check', 'repeat:nightly', 'marker'];

describe('job id routes', () => {
  it("answer 404 for a BullMQ key name and leave the queue's keys alone", async () => {
    const paused = await api.fetch('/v1/queues/email/pause', { method: 'POST' });
    expect(paused.status, await paused.clone().text()).toBe(200);
    const scheduler = await api.fetch('/v1/queues/email/schedulers/nightly', {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ every: 86_400_000, job: { name: 'digest', data: welcomeEmail() } }),
    });
    expect(scheduler.status).toBe(200);

    for (const id of bullmqKeyNames) {
      for (const [method, path] of [
        ['GET', `/v1/queues/email/jobs/${id}`],
        ['GET', `/v1/queues/email/jobs/${id}/logs`],
        ['POST', `/v1/queues/email/jobs/${id}/retry`],
        ['DELETE', `/v1/queues/email/jobs/${id}`],
      ] as const) {
        const response = await api.fetch(path, { method });
        expect(response.status, `${method} ${path}`).toBe(404);
        expect(await response.json(), `${method} ${path}`).toMatchObject({ code: 'NOT_FOUND', issues: [{ path: 'id' }] });
      }
    }

    // The meta key still says paused, and the scheduler is still there.
    const queues = (await (await api.fetch('/v1/queues')).json()) as { queues: { name: string; paused: boolean }[] };
    expect(queues.queues.find((queue) => queue.name === 'email')?.paused).toBe(true);
    const schedulers = (await (await api.fetch('/v1/queues/email/schedulers')).json()) as { schedulers: { id: string }[] };
    expect(schedulers.schedulers.map((listed) => listed.id)).toEqual(['nightly']);
  });

  it('take the ids the API issues: a UUID, and a scheduler run', async () => {
    const added = await api.fetch('/v1/queues/email/jobs', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'welcome', data: welcomeEmail() }),
    });
    const { id } = (await added.json()) as { id: string };
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect((await api.fetch(`/v1/queues/email/jobs/${id}`)).status).toBe(200);
    // The same UUID in capitals is not an id the API issued.
    expect((await api.fetch(`/v1/queues/email/jobs/${id.toUpperCase()}`)).status).toBe(404);

    await api.fetch('/v1/queues/pdf/schedulers/hourly', {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ every: 3_600_000, job: { name: 'report', data: { reportId: 'r1', userId: 'u1', format: 'pdf' } } }),
    });
    // Its first run waits now or later, depending on where the interval falls.
    const listed = await Promise.all(
      ['waiting', 'delayed'].map(
        async (state) => (await (await api.fetch(`/v1/queues/pdf/jobs?state=${state}`)).json()) as Listed,
      ),
    );
    const run = listed.flatMap((page) => page.jobs)[0]?.id ?? '';
    expect(run).toMatch(/^repeat:hourly:\d+$/);
    const view = await api.fetch(`/v1/queues/pdf/jobs/${run}`);
    expect(view.status).toBe(200);
    expect(await view.json()).toMatchObject({ id: run, name: 'report' });
  });
});
