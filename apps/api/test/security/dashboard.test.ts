import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminAuth, welcomeEmail } from '../helpers.js';
import { BuiltApi } from './built-api.js';

let api: BuiltApi;
beforeAll(async () => {
  api = await BuiltApi.start();
});
afterAll(() => api.stop());

// Issue 19 item 3: Bull Board's "update data" wrote any JSON into a job, which its worker then failed for good.
describe("the dashboard's update data action", () => {
  it("checks the new data against the queue's contract", async () => {
    const added = await api.fetch('/v1/queues/email/jobs', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'welcome', data: welcomeEmail(), opts: { delay: 600_000 } }),
    });
    const { id } = (await added.json()) as { id: string };
    const update = (jobData: unknown) =>
      fetch(`${api.url}/admin/queues/api/queues/email/${id}/update-data`, {
        method: 'PATCH',
        headers: { ...adminAuth(), 'content-type': 'application/json' },
        body: JSON.stringify({ jobData }),
      });
    const view = async () => ((await (await api.fetch(`/v1/queues/email/jobs/${id}`)).json()) as { data: unknown }).data;

    const refused = await update({ to: 'not an address', template: 'welcome', data: {} });
    expect(refused.status).toBe(400);
    const answer = (await refused.json()) as { code: string; issues: { path: string }[] };
    expect(answer.code).toBe('INVALID_JOB_DATA');
    expect(answer.issues.map((issue) => issue.path)).toEqual(expect.arrayContaining(['to', 'data.name']));
    expect(await view()).toEqual(welcomeEmail());

    const corrected = welcomeEmail('bob@example.com');
    expect((await update(corrected)).status).toBe(200);
    expect(await view()).toEqual(corrected);
  });
});
