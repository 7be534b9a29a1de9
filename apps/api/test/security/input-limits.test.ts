import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { welcomeEmail } from '../helpers.js';
import { BuiltApi } from './built-api.js';

let api: BuiltApi;
beforeAll(async () => {
  api = await BuiltApi.start();
});
afterAll(() => api.stop());

const send = (method: string, path: string, body: unknown) =>
  api.fetch(path, { method, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

// Issue 19 item 6: the documented maximum priority was one above BullMQ's, and answered 500.
describe('job priority', () => {
  it("takes BullMQ's highest priority number and refuses the next one with a 400 naming the field", async () => {
    const highest = 2 ** 21 - 1;
    expect(
      (await send('POST', '/v1/queues/email/jobs', { name: 'welcome', data: welcomeEmail(), opts: { priority: highest } }))
        .status,
    ).toBe(202);
    for (const [method, path, body] of [
      ['POST', '/v1/queues/email/jobs', { name: 'welcome', data: welcomeEmail(), opts: { priority: highest + 1 } }],
      [
        'POST',
        '/v1/queues/email/jobs/bulk',
        { jobs: [{ name: 'welcome', data: welcomeEmail(), opts: { priority: highest + 1 } }] },
      ],
      [
        'PUT',
        '/v1/queues/email/schedulers/daily',
        { every: 86_400_000, job: { name: 'welcome', data: welcomeEmail(), opts: { priority: highest + 1 } } },
      ],
    ] as const) {
      const response = await send(method, path, body);
      expect(response.status, `${method} ${path}`).toBe(400);
      const answer = (await response.json()) as { code: string; issues: { path: string; message: string }[] };
      expect(answer.code).toBe('INVALID_REQUEST');
      expect(answer.issues[0]?.path).toMatch(/opts\.priority$/);
      expect(answer.issues[0]?.message).toContain(String(highest));
    }
  });
});
