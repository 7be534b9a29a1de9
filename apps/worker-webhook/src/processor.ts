import type { ContractJob, ContractProcessor, EndpointStore } from '@nightshift/jobs';
import { DelayedError, UnrecoverableError } from 'bullmq';
import { AddressRefusedError } from './delivery/address-policy.js';
import { EndpointSlots } from './delivery/endpoint-slots.js';
import type { AttemptOutcome, WebhookSender } from './delivery/send-webhook.js';

/** How long a delivery whose endpoint is busy waits before it tries again, plus up to as much again at random. */
const BUSY_ENDPOINT_WAIT_MS = 500;

export interface EndpointDisabled {
  endpointId: string;
  consecutiveFailures: number;
  reason: string;
}

export interface WebhookProcessorOptions {
  sender: WebhookSender;
  endpoints: EndpointStore;
  slots: EndpointSlots;
  /** `WEBHOOK_SIGNING_SECRET`: signs deliveries that name no endpoint. */
  signingSecret: string | undefined;
  /** `WEBHOOK_DISABLE_AFTER_FAILURES`. */
  disableAfterFailures: number;
  /** `WEBHOOK_RETRY_AFTER_MAX_MS`. */
  retryAfterMaxMs: number;
  /** Told once per endpoint the worker disables (the alert and the log line). */
  onEndpointDisabled: (disabled: EndpointDisabled) => void;
}

/**
 * Delivers one webhook job, signed, to a public address. Each attempt ends one of three ways:
 * - a 2xx: done, and a registered endpoint's failure count starts again;
 * - a 5xx, a 429 or no answer (network error, timeout): retried with the job's backoff, a 429's
 *   `Retry-After` (up to `retryAfterMaxMs`) waited out without spending an attempt;
 * - any other answer (4xx, a redirect, which is not followed): failed at once, and a 410 Gone
 *   disables the endpoint there and then.
 * A delivery that fails for good counts against its endpoint, which is disabled at
 * `disableAfterFailures` in a row, with an alert, until `POST /v1/webhook-endpoints/{id}/enable`.
 */
export function createProcessor(options: WebhookProcessorOptions): ContractProcessor<'webhook'> {
  const { sender, endpoints, slots } = options;

  /** Counts a failed delivery against its endpoint and says so once when that disabled it. */
  const countFailure = async (endpointId: string | undefined, reason: string, disableNow = false) => {
    if (endpointId === undefined) return;
    const disableAfter = disableNow ? 0 : options.disableAfterFailures;
    const outcome = await endpoints.recordFailure(endpointId, { disableAfter, reason });
    if (outcome.disabledNow) options.onEndpointDisabled({ endpointId, consecutiveFailures: outcome.consecutiveFailures, reason });
  };

  return async (job, token, signal) => {
    const { url, eventType, payload, endpointId } = job.data;
    const target = new URL(url);
    const secret = await secretFor(job, endpoints, options.signingSecret);
    const slot = await slots.tryTake(EndpointSlots.keyOf(endpointId, target));
    if (!slot) return waitThenRetry(job, token, BUSY_ENDPOINT_WAIT_MS * (1 + Math.random()), 'endpoint busy');

    let outcome: AttemptOutcome;
    try {
      outcome = await sender.send({ url: target, webhookId: webhookIdOf(job), eventType, payload, secret }, signal);
    } catch (error) {
      if (error instanceof AddressRefusedError) throw new UnrecoverableError(error.message);
      throw error;
    } finally {
      await slot.release();
    }

    const where = `${target.origin}${target.pathname}`;
    if (outcome.kind === 'delivered') {
      if (endpointId !== undefined) await endpoints.recordSuccess(endpointId);
      await job.log(`delivered to ${where}: ${outcome.status} in ${outcome.durationMs} ms`);
      return { webhookId: webhookIdOf(job), status: outcome.status, durationMs: outcome.durationMs };
    }

    const answer = outcome.kind === 'answered' ? describeAnswer(outcome) : outcome.reason;
    const reason = `${where} ${answer}`;
    if (outcome.kind === 'answered' && outcome.status === 429) {
      const waitMs = retryAfterMs(outcome.retryAfter);
      // A job waits out Retry-After at most as often as it may fail, so a receiver that never stops answering 429 ends it.
      const waitsSoFar = job.attemptsStarted - job.attemptsMade - 1;
      if (waitMs !== undefined && waitMs <= options.retryAfterMaxMs && waitsSoFar < (job.opts.attempts ?? 1)) {
        return waitThenRetry(job, token, waitMs, `${reason}: waiting as asked`);
      }
    }
    if (outcome.kind === 'unreachable' || outcome.status === 429 || outcome.status >= 500) {
      const lastAttempt = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
      await job.log(lastAttempt ? `${reason}: attempts used up` : `${reason}: will retry`);
      if (lastAttempt) await countFailure(endpointId, reason);
      throw new Error(reason);
    }
    await job.log(`${reason}: not retried`);
    await countFailure(endpointId, reason, outcome.status === 410);
    throw new UnrecoverableError(reason);
  };
}

/** The Standard Webhooks message id: the job's, so every attempt and re-run sends the same one. */
const webhookIdOf = (job: ContractJob<'webhook'>) => `msg_${job.id}`;

async function secretFor(job: ContractJob<'webhook'>, endpoints: EndpointStore, signingSecret: string | undefined) {
  const { endpointId } = job.data;
  if (endpointId === undefined) {
    if (signingSecret === undefined) {
      throw new UnrecoverableError('the job names no endpointId and WEBHOOK_SIGNING_SECRET is not set: nothing to sign it with');
    }
    return signingSecret;
  }
  const endpoint = await endpoints.forDelivery(endpointId);
  if (!endpoint) {
    throw new UnrecoverableError(`endpoint ${endpointId} is not registered: PUT /v1/webhook-endpoints/${endpointId} first`);
  }
  if (!endpoint.enabled) {
    throw new UnrecoverableError(
      `endpoint ${endpointId} is disabled since ${endpoint.disabledAt} (${endpoint.disabledReason}): ` +
        `POST /v1/webhook-endpoints/${endpointId}/enable, then retry the job`,
    );
  }
  return endpoint.secret;
}

/** Back to delayed for `waitMs`, no attempt spent; BullMQ knows the job moved by the DelayedError. */
async function waitThenRetry(
  job: ContractJob<'webhook'>,
  token: string | undefined,
  waitMs: number,
  why: string,
): Promise<never> {
  await job.log(`${why}: trying again in ${Math.ceil(waitMs)} ms`);
  await job.moveToDelayed(Date.now() + Math.ceil(waitMs), token);
  throw new DelayedError();
}

function describeAnswer({ status, location }: Extract<AttemptOutcome, { kind: 'answered' }>): string {
  if (status >= 300 && status < 400)
    return `answered ${status}, a redirect${location ? ` to ${location}` : ''}, which is not followed`;
  if (status === 410) return 'answered 410 Gone: the receiver asks for no more deliveries';
  return `answered ${status}`;
}

/** `Retry-After` in milliseconds from now, as seconds or an HTTP date; undefined when absent or unreadable. */
export function retryAfterMs(header: string | undefined, now = Date.now()): number | undefined {
  const value = header?.trim() ?? '';
  if (/^\d+$/.test(value)) return Number(value) * 1_000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}
