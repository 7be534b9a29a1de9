import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auth, startTestApp, type TestApp, welcomeEmail } from './helpers.js';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t.close());

// What many HTTP clients send on every request, body or not.
const json = { ...auth(), 'content-type': 'application/json' };

describe('an empty body sent as application/json', () => {
  it('is accepted where a route takes no body: pause, resume, remove a job', async () => {
    const pause = await t.app.inject({ method: 'POST', url: '/v1/queues/email/pause', headers: json });
    expect([pause.statusCode, pause.json()], pause.body).toEqual([200, { name: 'email', paused: true }]);
    const resume = await t.app.inject({ method: 'POST', url: '/v1/queues/email/resume', headers: json });
    expect([resume.statusCode, resume.json()]).toEqual([200, { name: 'email', paused: false }]);

    const added = await t.app.inject({
      method: 'POST',
      url: '/v1/queues/email/jobs',
      headers: auth(),
      payload: { name: 'welcome', data: welcomeEmail() },
    });
    const removed = await t.app.inject({ method: 'DELETE', url: `/v1/queues/email/jobs/${added.json().id}`, headers: json });
    expect([removed.statusCode, removed.json().outcome]).toEqual([200, 'removed']);
  });

  it('is still refused, naming the problem, where a body is due', async () => {
    const response = await t.app.inject({ method: 'POST', url: '/v1/queues/email/jobs', headers: json });
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({ code: 'EMPTY_BODY', error: expect.stringMatching(/body is empty/) });
  });

  it('still parses a body sent to a route that takes none', async () => {
    const response = await t.app.inject({ method: 'POST', url: '/v1/queues/email/pause', headers: json, payload: '{' });
    expect([response.statusCode, response.json().code]).toEqual([400, 'INVALID_JSON']);
  });
});
