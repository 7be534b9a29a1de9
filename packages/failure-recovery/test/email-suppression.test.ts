import { randomUUID } from 'node:crypto';
import type { JobData } from '@nightshift/contracts';
import { resendBounce, resendComplaint, signResendWebhook } from '@nightshift/test-support';
import type { QueueEvents } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NightshiftStack, type RunningApi } from '../src/index.js';

/**
 * Issue 16 end to end, as production runs it: the API and the email worker as built processes on
 * one Redis, Resend as the stand-in. Resend's events are signed as Resend signs them, with the
 * webhook secret the API was given; jobs go straight to the queue, as a producer that bypasses the
 * API (or a job queued before the bounce) would, so the worker's own check is what is proved.
 */
let stack: NightshiftStack;
let api: RunningApi;
let events: QueueEvents;
let webhookSecret: string;

beforeAll(async () => {
  stack = await NightshiftStack.start();
  api = await stack.startApi();
  webhookSecret = stack.variables('api').RESEND_WEBHOOK_SECRET ?? '';
  // The worker builds unsubscribe links to this API; the secret is the same stand-in for both.
  await stack.startWorker('worker-email', { PUBLIC_BASE_URL: api.url });
  events = await stack.queueEvents('email');
});
afterAll(() => stack?.close());

const welcome = (to: string): JobData['email'] => ({
  to,
  template: 'welcome',
  data: { name: 'Ada', activationUrl: 'https://app.example.com/activate/1' },
});
const digest = (to: string): JobData['email'] => ({
  to,
  template: 'weekly-digest',
  data: { items: [{ title: 'Queue latency down', url: 'https://app.example.com/posts/1' }] },
});
const address = (label: string) => `${label}-${randomUUID().slice(0, 8)}@example.com`;

function webhook(event: Parameters<typeof signResendWebhook>[0], options: { secret?: string; sentAt?: Date } = {}) {
  const { body, headers } = signResendWebhook(event, { id: `msg_${randomUUID()}`, secret: webhookSecret, ...options });
  return fetch(`${api.url}/v1/webhooks/resend`, { method: 'POST', headers, body });
}

/** Adds the job to the queue and resolves with how it ended: its failed reason, or null once completed. */
async function run(data: JobData['email']): Promise<{ failedReason: string | null; attemptsMade: number }> {
  const job = await stack.queue('email').add('mail', data, { attempts: 3, backoff: { type: 'fixed', delay: 100 } });
  const failedReason = await job.waitUntilFinished(events, 30_000).then(
    () => null,
    (error: Error) => error.message,
  );
  const finished = await stack.queue('email').getJob(String(job.id));
  return { failedReason, attemptsMade: finished?.attemptsMade ?? -1 };
}

const sentTo = () => stack.resend.requests.map((request) => (request.body as { to: string }).to);

describe('a signed Resend event, then an email job', () => {
  it('fails the job at once for a permanent bounce or a complaint, without a request reaching Resend', async () => {
    const bounced = address('bounced');
    const complained = address('complained');
    expect((await webhook(resendBounce(bounced))).status).toBe(200);
    expect((await webhook(resendComplaint(complained))).status).toBe(200);

    const bounce = await run(welcome(bounced));
    expect(bounce.failedReason).toMatch(/^not sent: b\*\*\*@example\.com is suppressed: bounced on \d{4}-\d\d-\d\dT/);
    expect(bounce.attemptsMade).toBe(1);
    const complaint = await run(digest(complained));
    expect(complaint.failedReason).toMatch(/is suppressed: complained on /);
    expect(complaint.attemptsMade).toBe(1);
    expect(sentTo()).not.toContain(bounced);
    expect(sentTo()).not.toContain(complained);

    // The API refuses it too, before it is queued.
    const refused = await api.client.post('/v1/queues/email/jobs', { name: 'mail', data: welcome(bounced) });
    expect(refused.status).toBe(422);
    expect(refused.body).toMatchObject({ code: 'EMAIL_SUPPRESSED' });
  });

  it('sends after a transient bounce, a forged signature, a stale timestamp; a replay changes nothing', async () => {
    const full = address('full');
    expect((await webhook(resendBounce(full, 'Transient'))).status).toBe(200);
    const forgedSecret = `whsec_${Buffer.from('not-the-webhook-secret-at-all').toString('base64')}`;
    const forged = address('forged');
    expect((await webhook(resendBounce(forged), { secret: forgedSecret })).status).toBe(401);
    const stale = address('stale');
    expect((await webhook(resendBounce(stale), { sentAt: new Date(Date.now() - 15 * 60_000) })).status).toBe(401);

    for (const to of [full, forged, stale]) expect((await run(welcome(to))).failedReason).toBeNull();
    expect(sentTo()).toEqual(expect.arrayContaining([full, forged, stale]));

    const replayed = address('replayed');
    const { body, headers } = signResendWebhook(resendBounce(replayed), { id: `msg_${randomUUID()}`, secret: webhookSecret });
    const deliver = () => fetch(`${api.url}/v1/webhooks/resend`, { method: 'POST', headers, body });
    expect(await (await deliver()).json()).toEqual({ outcome: 'suppressed' });
    expect((await api.client.send('DELETE', `/v1/suppressions/${replayed}`)).status).toBe(200);
    const again = await deliver();
    expect(again.status).toBe(200);
    expect(await again.json()).toEqual({ outcome: 'replayed' });
    // Lifted, and the replay did not put it back: the next send goes through.
    expect((await run(welcome(replayed))).failedReason).toBeNull();
    expect(sentTo()).toContain(replayed);
  });

  it("follows the digest's one-click unsubscribe: bulk mail stops, transactional mail still goes", async () => {
    const reader = address('reader');
    expect((await run(digest(reader))).failedReason).toBeNull();
    const request = stack.resend.requests.find((candidate) => (candidate.body as { to: string }).to === reader);
    const headers = (request?.body as { headers?: Record<string, string> } | undefined)?.headers ?? {};
    expect(headers['List-Unsubscribe-Post']).toBe('List-Unsubscribe=One-Click');
    const link = /^<(.+)>$/.exec(headers['List-Unsubscribe'] ?? '')?.[1] ?? '';
    expect(link.startsWith(`${api.url}/v1/unsubscribe?`)).toBe(true);

    // What a mail client sends for RFC 8058's one-click.
    const oneClick = await fetch(link, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'List-Unsubscribe=One-Click',
    });
    expect(oneClick.status).toBe(200);

    expect((await run(digest(reader))).failedReason).toMatch(/is suppressed: unsubscribed from bulk mail on /);
    expect((await run(welcome(reader))).failedReason).toBeNull();
    expect(sentTo().filter((to) => to === reader)).toHaveLength(2);
  });
});
