import { freePort, ResendStandIn, resendAnswers } from '@nightshift/test-support';
import { RateLimitedError, ServiceRefusedError } from '@nightshift/worker-runtime';
import { UnrecoverableError } from 'bullmq';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EmailDeliveryError } from './email-delivery-error.js';
import { ResendTransport } from './resend-transport.js';
import { retryAfterMs } from './retry-after.js';

const email = {
  from: 'Acme <no-reply@acme.test>',
  to: 'user@example.com',
  subject: 'Hello',
  html: '<p>Hello</p>',
  text: 'Hello',
};
const context = { idempotencyKey: '{nightshift}:email:42:1700000000000', queue: 'email', jobId: '42' };

let standIn: ResendStandIn;
let transport: ResendTransport;
beforeEach(async () => {
  standIn = await ResendStandIn.start();
  transport = new ResendTransport({ apiKey: 're_test_key', baseUrl: standIn.url });
});
afterEach(() => standIn.close());

describe('ResendTransport', () => {
  it('posts the email with the API key and the idempotency key, and returns Resend’s id', async () => {
    standIn.script(resendAnswers.sent('re-email-1'));
    expect(await transport.send(email, context)).toEqual({ id: 're-email-1' });

    const [request] = standIn.requests;
    expect(request).toMatchObject({ method: 'POST', path: '/emails' });
    expect(request?.headers).toMatchObject({
      authorization: 'Bearer re_test_key',
      'idempotency-key': context.idempotencyKey,
      'content-type': 'application/json',
    });
    expect(request?.body).toMatchObject({
      from: email.from,
      to: email.to,
      subject: 'Hello',
      html: '<p>Hello</p>',
      text: 'Hello',
    });
  });

  it('sends once per idempotency key: a repeated send gets the first email’s id', async () => {
    const first = await transport.send(email, context);
    const second = await transport.send(email, context);
    expect(second).toEqual(first);
    expect(standIn.requests).toHaveLength(2);
    expect(standIn.deliveries).toBe(1);
  });

  it('fails for good on 422, with Resend’s message', async () => {
    standIn.script(resendAnswers.validationError('Invalid `to` field.'));
    const error = await transport.send(email, context).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(UnrecoverableError);
    expect((error as Error).message).toBe('Resend answered 422 validation_error: Invalid `to` field.');
  });

  it('reports a refused account (403 key or unverified domain), not a bad message, so the jobs are kept', async () => {
    standIn.script(resendAnswers.invalidApiKey(), resendAnswers.domainNotVerified());
    for (const name of ['invalid_api_key', 'validation_error']) {
      const error = await transport.send(email, context).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(ServiceRefusedError);
      expect(error).not.toBeInstanceOf(UnrecoverableError);
      expect((error as Error).message).toContain(`Resend answered 403 ${name}`);
    }
  });

  it('asks to wait as Retry-After says on 429', async () => {
    standIn.script(resendAnswers.rateLimited(2));
    const error = await transport.send(email, context).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(RateLimitedError);
    expect((error as RateLimitedError).retryAfterMs).toBe(2_000);
  });

  it('retries on 500 and when Resend cannot be reached', async () => {
    standIn.script(resendAnswers.serverError());
    const serverError = await transport.send(email, context).catch((caught: unknown) => caught);
    expect(serverError).toBeInstanceOf(EmailDeliveryError);
    expect(serverError).not.toBeInstanceOf(UnrecoverableError);
    expect((serverError as EmailDeliveryError).status).toBe(500);

    const unreachable = new ResendTransport({ apiKey: 're_test_key', baseUrl: `http://127.0.0.1:${await freePort()}` });
    const networkError = await unreachable.send(email, context).catch((caught: unknown) => caught);
    expect(networkError).toBeInstanceOf(EmailDeliveryError);
    expect((networkError as EmailDeliveryError).status).toBeNull();
  });
});

describe('retryAfterMs', () => {
  it('reads seconds and HTTP dates, and falls back to 1 s', () => {
    expect(retryAfterMs('3')).toBe(3_000);
    expect(retryAfterMs('0.5')).toBe(500);
    expect(retryAfterMs(new Date(10_000).toUTCString(), 4_000)).toBe(6_000);
    expect(retryAfterMs(undefined)).toBe(1_000);
    expect(retryAfterMs('soon')).toBe(1_000);
    expect(retryAfterMs('99999999')).toBe(24 * 60 * 60 * 1_000);
  });
});
