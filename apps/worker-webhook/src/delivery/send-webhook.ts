import { Webhook } from 'standardwebhooks';
import { Agent, request } from 'undici';
import { type AddressPolicy, AddressRefusedError } from './address-policy.js';

export interface WebhookMessage {
  url: URL;
  /** The `webhook-id`: the same on every attempt, so the receiver can drop a repeat. */
  webhookId: string;
  eventType: string;
  payload: Record<string, unknown>;
  /** `whsec_…`: the endpoint's, or the worker's own. */
  secret: string;
}

/** What one attempt met: a 2xx, another status, or no answer at all. */
export type AttemptOutcome =
  | { kind: 'delivered'; status: number; durationMs: number }
  | { kind: 'answered'; status: number; durationMs: number; retryAfter?: string; location?: string }
  | { kind: 'unreachable'; reason: string; durationMs: number };

/** How much of an answer's body is read before the connection is dropped: receivers owe us only a status. */
const MAX_ANSWER_BYTES = 64 * 1_024;

/**
 * POSTs Standard Webhooks messages: the body `{ type, timestamp, data }`, signed by the reference
 * library (`standardwebhooks`) with HMAC-SHA256 over `id.timestamp.body`, sent by undici through an
 * agent whose every connection resolves and checks its address (see AddressPolicy). No redirect
 * interceptor is composed, so a 3xx is an answer like any other, never followed; the whole attempt,
 * connecting included, is bounded by the timeout.
 */
export class WebhookSender {
  private readonly agent: Agent;

  constructor(
    private readonly policy: AddressPolicy,
    private readonly timeoutMs: number,
  ) {
    this.agent = new Agent({ connect: { lookup: policy.lookup, timeout: timeoutMs } });
  }

  /** Throws `AddressRefusedError` for a refused address, and what the job's signal aborted with when it fired. */
  async send(message: WebhookMessage, signal?: AbortSignal): Promise<AttemptOutcome> {
    this.policy.checkLiteralHost(message.url);
    const sentAt = new Date();
    const body = JSON.stringify({ type: message.eventType, timestamp: sentAt.toISOString(), data: message.payload });
    const headers = {
      'content-type': 'application/json',
      'user-agent': 'Nightshift-Webhooks/1',
      'webhook-id': message.webhookId,
      'webhook-timestamp': String(Math.floor(sentAt.getTime() / 1_000)),
      'webhook-signature': new Webhook(message.secret).sign(message.webhookId, sentAt, body),
    };
    const timeout = AbortSignal.timeout(this.timeoutMs);
    const started = performance.now();
    const durationMs = () => Math.round(performance.now() - started);
    try {
      const answer = await request(message.url, {
        method: 'POST',
        headers,
        body,
        dispatcher: this.agent,
        signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
      });
      await answer.body.dump({ limit: MAX_ANSWER_BYTES });
      const { statusCode: status } = answer;
      if (status >= 200 && status < 300) return { kind: 'delivered', status, durationMs: durationMs() };
      return {
        kind: 'answered',
        status,
        durationMs: durationMs(),
        ...optionalHeader('retryAfter', answer.headers['retry-after']),
        ...optionalHeader('location', answer.headers.location),
      };
    } catch (error) {
      signal?.throwIfAborted();
      const refused = causes(error).find((cause) => cause instanceof AddressRefusedError);
      if (refused) throw refused;
      const reason = timeout.aborted ? `no answer within ${this.timeoutMs} ms` : describeError(error);
      return { kind: 'unreachable', reason, durationMs: durationMs() };
    }
  }

  close(): Promise<void> {
    return this.agent.close();
  }
}

function optionalHeader<K extends string>(key: K, value: string | string[] | undefined): Partial<Record<K, string>> {
  const first = Array.isArray(value) ? value[0] : value;
  return first === undefined ? {} : ({ [key]: first } as Record<K, string>);
}

/** The error and the errors it wraps, outermost first: undici reports a refused lookup as the cause of its own. */
function causes(error: unknown): unknown[] {
  const chain: unknown[] = [];
  for (let current = error; current !== undefined && chain.length < 5; current = (current as { cause?: unknown }).cause) {
    chain.push(current);
    if (typeof current !== 'object' || current === null) break;
  }
  return chain;
}

function describeError(error: unknown): string {
  const innermost = causes(error).at(-1) as { code?: string; message?: string } | undefined;
  const outer = error as { message?: string };
  const detail = innermost?.code ?? innermost?.message;
  return detail && detail !== outer.message ? `${outer.message ?? String(error)} (${detail})` : (outer.message ?? String(error));
}
