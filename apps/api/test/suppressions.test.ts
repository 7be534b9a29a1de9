import { randomUUID } from 'node:crypto';
import { UnsubscribeLinks } from '@nightshift/email-suppressions';
import {
  resendBounce,
  resendComplaint,
  type SignedResendWebhook,
  signResendWebhook,
  TEST_RESEND_WEBHOOK_SECRET,
} from '@nightshift/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RESEND_WEBHOOK_BODY_LIMIT } from '../src/routes/resend-webhook.js';
import { auth, startTestApp, type TestApp, welcomeEmail } from './helpers.js';

const UNSUBSCRIBE_LINK_SECRET = 'an-unsubscribe-secret-long-enough-0123456';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp({ RESEND_WEBHOOK_SECRET: TEST_RESEND_WEBHOOK_SECRET, UNSUBSCRIBE_LINK_SECRET });
});
afterAll(() => t.close());

const address = (label: string) => `${label}-${randomUUID()}@example.com`;
const deliver = ({ body, headers }: SignedResendWebhook) =>
  t.app.inject({ method: 'POST', url: '/v1/webhooks/resend', payload: body, headers });
const addEmail = (data: object) =>
  t.app.inject({ method: 'POST', url: '/v1/queues/email/jobs', payload: { name: 'mail', data }, headers: auth() });
const suppression = (email: string) => t.app.inject({ method: 'GET', url: `/v1/suppressions/${email}`, headers: auth() });
const digest = (to: string) => ({
  to,
  template: 'weekly-digest',
  data: { items: [{ title: 'News', url: 'https://example.com/1' }] },
});

describe('POST /v1/webhooks/resend', () => {
  it('suppresses a permanently bounced address: the next email job to it answers 422 naming the bounce', async () => {
    const to = address('bounced');
    const event = signResendWebhook(resendBounce(to), { id: `msg_${randomUUID()}` });
    const received = await deliver(event);
    expect(received.statusCode).toBe(200);
    expect(received.json()).toEqual({ outcome: 'suppressed' });

    const read = await suppression(to.toUpperCase());
    expect(read.statusCode).toBe(200);
    expect(read.json()).toMatchObject({
      email: to,
      reason: 'bounced',
      detail: 'Permanent/General: The recipient does not exist.',
      eventId: event.headers['svix-id'],
      transientBounces: 0,
    });

    const refused = await addEmail(welcomeEmail(to));
    expect(refused.statusCode).toBe(422);
    expect(refused.json()).toMatchObject({ code: 'EMAIL_SUPPRESSED', issues: [{ path: 'data.to' }] });
    expect(refused.json().error).toContain(`${to} is suppressed: bounced on `);
    expect(refused.json().error).toContain(`event ${event.headers['svix-id']}`);

    // In a bulk request each suppressed job is named, and none is added.
    const bulk = await t.app.inject({
      method: 'POST',
      url: '/v1/queues/email/jobs/bulk',
      payload: {
        jobs: [
          { name: 'a', data: welcomeEmail() },
          { name: 'b', data: welcomeEmail(to) },
        ],
      },
      headers: auth(),
    });
    expect(bulk.statusCode).toBe(422);
    expect(bulk.json().issues).toEqual([
      { path: 'jobs[1].data.to', message: expect.stringMatching(/^is suppressed: bounced on /) },
    ]);
    expect(await t.app.queues.email.getJobCountByTypes('waiting', 'prioritized')).toBe(0);

    // The opt-in: a password reset the user asked for after fixing their mailbox.
    const reset = { to, template: 'reset-password', data: { resetUrl: 'https://example.com/r' }, ignoreSuppression: true };
    expect((await addEmail(reset)).statusCode).toBe(202);
  });

  it('suppresses on a complaint, and counts a transient bounce without suppressing', async () => {
    const complained = address('complained');
    expect((await deliver(signResendWebhook(resendComplaint(complained), { id: `msg_${randomUUID()}` }))).json()).toEqual({
      outcome: 'suppressed',
    });
    expect((await suppression(complained)).json()).toMatchObject({ reason: 'complained' });
    expect((await addEmail(welcomeEmail(complained))).statusCode).toBe(422);

    const full = address('mailbox-full');
    const transient = await deliver(signResendWebhook(resendBounce(full, 'Transient'), { id: `msg_${randomUUID()}` }));
    expect(transient.json()).toEqual({ outcome: 'counted' });
    expect((await suppression(full)).statusCode).toBe(404);
    expect(await t.app.suppressions.transientBounces(full)).toBe(1);
    expect((await addEmail(welcomeEmail(full))).statusCode).toBe(202);
  });

  it('takes a replayed event once: 200 again, and a lifted suppression stays lifted', async () => {
    const to = address('replayed');
    const event = signResendWebhook(resendBounce(to), { id: `msg_${randomUUID()}` });
    expect((await deliver(event)).json()).toEqual({ outcome: 'suppressed' });
    const lifted = await t.app.inject({ method: 'DELETE', url: `/v1/suppressions/${to}`, headers: auth() });
    expect(lifted.statusCode).toBe(200);
    expect(lifted.json()).toMatchObject({ email: to, reason: 'bounced' });

    const replay = await deliver(event);
    expect(replay.statusCode).toBe(200);
    expect(replay.json()).toEqual({ outcome: 'replayed' });
    expect((await suppression(to)).statusCode).toBe(404);
    expect((await addEmail(welcomeEmail(to))).statusCode).toBe(202);
  });

  it('answers 401 and records nothing for a forged signature, missing headers or a stale timestamp', async () => {
    const to = address('forged');
    const forged = signResendWebhook(resendBounce(to), {
      id: `msg_${randomUUID()}`,
      secret: `whsec_${Buffer.from('somebody-else-s-secret-0123').toString('base64')}`,
    });
    const stale = signResendWebhook(resendBounce(to), {
      id: `msg_${randomUUID()}`,
      sentAt: new Date(Date.now() - 10 * 60 * 1_000),
    });
    const genuine = signResendWebhook(resendBounce(to), { id: `msg_${randomUUID()}` });
    const unsigned = { body: genuine.body, headers: { 'content-type': 'application/json' } } as SignedResendWebhook;
    const tampered = { body: genuine.body.replace(to, address('other')), headers: genuine.headers };

    for (const attempt of [forged, stale, unsigned, tampered]) {
      const response = await deliver(attempt);
      expect(response.statusCode).toBe(401);
      expect(response.json()).toMatchObject({ code: 'WEBHOOK_SIGNATURE_INVALID' });
    }
    expect((await suppression(to)).statusCode).toBe(404);
    // Nothing was remembered either: the genuine event, delivered now, takes effect.
    expect((await deliver(genuine)).json()).toEqual({ outcome: 'suppressed' });
  });

  it('refuses a body over its limit, signed or not', async () => {
    const huge = resendBounce(address('huge'));
    const padded = { ...huge, data: { ...huge.data, subject: 'x'.repeat(RESEND_WEBHOOK_BODY_LIMIT) } };
    const response = await deliver(signResendWebhook(padded, { id: `msg_${randomUUID()}` }));
    expect(response.statusCode).toBe(413);
    expect(response.json()).toMatchObject({ code: 'BODY_TOO_LARGE' });
  });
});

describe('/v1/suppressions', () => {
  it('lists every suppression a page at a time, behind the bearer token', async () => {
    const emails = [address('list-a'), address('list-b'), address('list-c')];
    await t.app.suppressions.suppress(emails, { reason: 'complained', eventId: `msg_${randomUUID()}` });
    expect((await t.app.inject({ method: 'GET', url: '/v1/suppressions' })).statusCode).toBe(401);

    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const query: string = cursor === null ? '?limit=1' : `?limit=1&cursor=${cursor}`;
      const page = await t.app.inject({ method: 'GET', url: `/v1/suppressions${query}`, headers: auth() });
      expect(page.statusCode).toBe(200);
      seen.push(...page.json().suppressions.map((entry: { email: string }) => entry.email));
      cursor = page.json().nextCursor;
    } while (cursor !== null);
    expect(seen).toEqual(expect.arrayContaining(emails));

    const missing = await t.app.inject({ method: 'DELETE', url: `/v1/suppressions/${address('never')}`, headers: auth() });
    expect(missing.statusCode).toBe(404);
    expect(missing.json()).toMatchObject({ code: 'SUPPRESSION_NOT_FOUND' });
  });
});

describe('/v1/unsubscribe', () => {
  const links = new UnsubscribeLinks(UNSUBSCRIBE_LINK_SECRET, 'https://api.nightshift.test');
  const path = (email: string) => {
    const url = new URL(links.url(email));
    return `${url.pathname}${url.search}`;
  };

  it('shows a page on GET, changing nothing; a one-click POST stops bulk mail only', async () => {
    const to = address('unsubscriber');
    const page = await t.app.inject({ method: 'GET', url: path(to) });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toContain('text/html');
    expect(page.body).toContain('Stop sending newsletters and digests to');
    expect((await suppression(to)).statusCode).toBe(404);

    const oneClick = await t.app.inject({
      method: 'POST',
      url: path(to),
      payload: 'List-Unsubscribe=One-Click',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(oneClick.statusCode).toBe(200);
    expect(oneClick.body).toContain('will get no more newsletters or digests');
    expect((await suppression(to)).json()).toMatchObject({ reason: 'unsubscribed', eventId: null });

    const bulk = await addEmail(digest(to));
    expect(bulk.statusCode).toBe(422);
    expect(bulk.json().error).toContain('unsubscribed from bulk mail on');
    expect((await addEmail(welcomeEmail(to))).statusCode).toBe(202);
  });

  it('refuses a link whose signature does not match its address', async () => {
    const url = path(address('victim')).replace(/email=[^&]+/, `email=${encodeURIComponent(address('someone'))}`);
    const response = await t.app.inject({ method: 'POST', url });
    expect(response.statusCode).toBe(403);
    expect(response.json()).toMatchObject({ code: 'UNSUBSCRIBE_LINK_INVALID' });
  });
});
