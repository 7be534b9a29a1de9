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

const welcome = (data: Record<string, unknown>, subject?: string) => ({
  name: 'welcome',
  data: { to: 'ann@example.com', template: 'welcome', ...(subject === undefined ? {} : { subject }), data },
});
const issuesOf = async (response: Response) => {
  const answer = (await response.json()) as { code: string; issues?: { path: string; message: string }[] };
  return { status: response.status, code: answer.code, paths: (answer.issues ?? []).map((issue) => issue.path) };
};

// Issue 19 item 7: a subject with CR/LF or NUL went on to the provider, which could read it as more headers.
describe('text that becomes an email header', () => {
  it('refuses control characters, naming the field', async () => {
    const link = 'https://app.example.com/activate/1';
    for (const [body, path] of [
      [welcome({ name: 'Ann', activationUrl: link }, 'Hello\r\nBcc: everyone@example.com'), 'data.subject'],
      [welcome({ name: 'Ann', activationUrl: link }, 'Hello\u0000'), 'data.subject'],
      [welcome({ name: 'Ann\nBcc: everyone@example.com', activationUrl: link }), 'data.data.name'],
    ] as const) {
      expect(await issuesOf(await send('POST', '/v1/queues/email/jobs', body))).toEqual({
        status: 400,
        code: 'INVALID_REQUEST',
        paths: [path],
      });
    }
    const report = { title: 'Q3\r\nBcc: everyone@example.com', columns: [{ key: 'a', label: 'A' }], rows: [{ a: 1 }] };
    expect(await issuesOf(await send('PUT', '/v1/reports/q3', report))).toMatchObject({ status: 400, paths: ['title'] });
    expect(
      (await send('POST', '/v1/queues/email/jobs', welcome({ name: 'Ann', activationUrl: link }, 'Hello, Ann'))).status,
    ).toBe(202);
  });
});

// Issue 19 item 8: https://bank.example.com@evil.example/ reads as the bank and opens evil.example.
describe('links in job payloads', () => {
  it('refuse user info before the host, naming the field', async () => {
    const deceptive = 'https://bank.example.com@evil.example/reset';
    const reset = { name: 'reset', data: { to: 'ann@example.com', template: 'reset-password', data: { resetUrl: deceptive } } };
    expect(await issuesOf(await send('POST', '/v1/queues/email/jobs', reset))).toEqual({
      status: 400,
      code: 'INVALID_REQUEST',
      paths: ['data.data.resetUrl'],
    });
    const activation = welcome({ name: 'Ann', activationUrl: 'https://user:secret@app.example.com/activate' });
    expect(await issuesOf(await send('POST', '/v1/queues/email/jobs', activation))).toMatchObject({
      paths: ['data.data.activationUrl'],
    });
  });
});
