import { EventEmitter } from 'node:events';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as delay } from 'node:timers/promises';

export interface RecordedRequest {
  method: string;
  path: string;
  /** Lower-case names, as Node reads them. */
  headers: Record<string, string>;
  /** Parsed JSON, or the raw text when the body is not JSON. */
  body: unknown;
  receivedAt: number;
}

export interface StandInAnswer {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

/**
 * Decides one answer. It runs after the request is recorded and before anything is written,
 * so it can hold the answer (await a gate) or kill the sender between "received" and "answered".
 * `undefined` means the default: a successful send.
 */
export type StandInScript = (request: RecordedRequest) => StandInAnswer | undefined | Promise<StandInAnswer | undefined>;

/** Resend's answers, shaped as its API sends them (`{ statusCode, name, message }` bodies). */
export const resendAnswers = {
  sent: (id?: string): StandInAnswer => ({ status: 200, body: id === undefined ? {} : { id } }),
  validationError: (
    message = 'Invalid `to` field. The email address needs to follow the `email@example.com` format.',
  ): StandInAnswer => ({
    status: 422,
    body: { statusCode: 422, name: 'validation_error', message },
  }),
  rateLimited: (retryAfterSeconds = 1): StandInAnswer => ({
    status: 429,
    headers: { 'retry-after': String(retryAfterSeconds) },
    body: {
      statusCode: 429,
      name: 'rate_limit_exceeded',
      message: 'Too many requests. You can only make 2 requests per second.',
    },
  }),
  /** A revoked or mistyped key. */
  invalidApiKey: (): StandInAnswer => ({
    status: 403,
    body: { statusCode: 403, name: 'invalid_api_key', message: 'API key is invalid' },
  }),
  /** A sender on a domain not (or no longer) verified: Resend says so with a 403. */
  domainNotVerified: (domain = 'acme.test'): StandInAnswer => ({
    status: 403,
    body: {
      statusCode: 403,
      name: 'validation_error',
      message: `The ${domain} domain is not verified. Please, add and verify your domain on https://resend.com/domains`,
    },
  }),
  serverError: (): StandInAnswer => ({
    status: 500,
    body: { statusCode: 500, name: 'internal_server_error', message: 'An unexpected error occurred.' },
  }),
};

/**
 * A local HTTP server standing in for the Resend API (`RESEND_BASE_URL`). It records every
 * request with its headers, answers from a script, and keeps Resend's idempotency rule for
 * `POST /emails`: a key that already sent an email gets that email's id back and sends nothing
 * new; the same key with a different body is a 409. `deliveries` counts what would have gone out.
 */
export class ResendStandIn {
  readonly requests: RecordedRequest[] = [];
  private readonly answers: (StandInAnswer | StandInScript)[] = [];
  private readonly sent = new Map<string, { id: string; body: string }>();
  private readonly events = new EventEmitter();
  private sentCount = 0;

  private constructor(private readonly server: Server) {}

  static async start(): Promise<ResendStandIn> {
    const server = createServer();
    const standIn = new ResendStandIn(server);
    server.on('request', (request, response) => {
      standIn.handle(request).then(
        ({ status, body, headers }) => {
          response.writeHead(status, { 'content-type': 'application/json', ...headers });
          response.end(JSON.stringify(body ?? {}));
        },
        (error: unknown) => response.writeHead(500).end(JSON.stringify({ message: String(error) })),
      );
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', resolve);
    });
    return standIn;
  }

  /** For `RESEND_BASE_URL` or the SDK's `baseUrl` option. */
  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** Emails that would have been delivered: one per idempotency key (or per request without one). */
  get deliveries(): number {
    return this.sentCount;
  }

  /** Answers the next requests in order, one each; once they are used up, every send succeeds. */
  script(...answers: (StandInAnswer | StandInScript)[]): this {
    this.answers.push(...answers);
    return this;
  }

  /** The next `count` sends succeed after `ms` each, as a slow provider would: keeps sends in flight for a test to interrupt. */
  slowSends(count: number, ms: number): this {
    return this.script(...Array.from({ length: count }, () => () => delay(ms).then(() => undefined)));
  }

  /** Resolves with the `count`-th request once it has arrived (already recorded ones count). */
  waitForRequests(count: number, timeoutMs = 10_000): Promise<RecordedRequest> {
    return new Promise((resolve, reject) => {
      const check = () => {
        const request = this.requests[count - 1];
        if (!request) return false;
        clearTimeout(timer);
        this.events.off('request', check);
        resolve(request);
        return true;
      };
      const timer = setTimeout(() => {
        this.events.off('request', check);
        reject(new Error(`the Resend stand-in received ${this.requests.length} of ${count} requests within ${timeoutMs} ms`));
      }, timeoutMs);
      if (!check()) this.events.on('request', check);
    });
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async handle(incoming: IncomingMessage): Promise<StandInAnswer> {
    const request = await record(incoming);
    this.requests.push(request);
    this.events.emit('request');
    if (!request.headers.authorization?.startsWith('Bearer ')) {
      return {
        status: 401,
        body: { statusCode: 401, name: 'missing_api_key', message: 'Missing API key in the authorization header.' },
      };
    }
    const next = this.answers.shift();
    const answer = (typeof next === 'function' ? await next(request) : next) ?? resendAnswers.sent();
    if (answer.status !== 200 || request.method !== 'POST' || request.path !== '/emails') return answer;
    return this.deliver(request, answer);
  }

  private deliver(request: RecordedRequest, answer: StandInAnswer): StandInAnswer {
    const key = request.headers['idempotency-key'];
    const body = JSON.stringify(request.body);
    const earlier = key === undefined ? undefined : this.sent.get(key);
    if (earlier && earlier.body !== body) {
      return {
        status: 409,
        body: {
          statusCode: 409,
          name: 'invalid_idempotent_request',
          message: 'Same idempotency key used with a different request payload.',
        },
      };
    }
    if (earlier) return { ...answer, body: { id: earlier.id } };
    this.sentCount += 1;
    const given = (answer.body as { id?: unknown } | undefined)?.id;
    const id = typeof given === 'string' ? given : `stand-in-${this.sentCount}`;
    if (key !== undefined) this.sent.set(key, { id, body });
    return { ...answer, body: { id } };
  }
}

async function record(request: IncomingMessage): Promise<RecordedRequest> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers)) {
    if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return {
    method: request.method ?? 'GET',
    path: (request.url ?? '/').split('?')[0] ?? '/',
    headers,
    body: parseJson(text),
    receivedAt: Date.now(),
  };
}

function parseJson(text: string): unknown {
  if (text === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
