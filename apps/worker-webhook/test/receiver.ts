import { once } from 'node:events';
import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';

/** One scripted answer: a status, after a delay, with headers. */
export interface Answer {
  status: number;
  delayMs?: number;
  headers?: Record<string, string>;
}

export interface ReceivedRequest {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
  /** What the receiver's verification said: the parsed body, or why it refused the signature. */
  verified: { ok: true; message: unknown } | { ok: false; error: string };
  receivedAt: number;
}

/**
 * A webhook receiver on loopback that does what a customer's would: reads the raw body and checks
 * `webhook-id`, `webhook-timestamp` and `webhook-signature` with the Standard Webhooks reference
 * library and the secret it was given for that path, then answers as scripted (200 once a path's
 * script runs out). Every request is recorded, verified or not.
 */
export class WebhookReceiver {
  readonly received: ReceivedRequest[] = [];
  private readonly scripts = new Map<string, Answer[]>();
  private readonly secrets = new Map<string, string>();
  private readonly inFlight = new Map<string, number>();
  /** The most requests one path had open at once. */
  readonly peakInFlight = new Map<string, number>();
  private readonly waiters: { check: () => boolean; resolve: () => void }[] = [];

  private constructor(private readonly server: Server) {}

  static async start(): Promise<WebhookReceiver> {
    let receiver: WebhookReceiver | undefined;
    const server = createServer((request, response) => {
      void receiver?.handle(request.url ?? '/', request.headers, request, response);
    });
    receiver = new WebhookReceiver(server);
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    return receiver;
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  url(path: string, host = '127.0.0.1'): string {
    return `http://${host}:${this.port}${path}`;
  }

  /** The secret the receiver checks the path's signatures with, and how it answers, in order. */
  expect(path: string, secret: string, ...answers: Answer[]): void {
    this.secrets.set(path, secret);
    this.scripts.set(path, answers);
  }

  requestsTo(path: string): ReceivedRequest[] {
    return this.received.filter((request) => request.path === path);
  }

  /** Resolves once `count` requests reached the path. */
  async waitFor(path: string, count: number): Promise<ReceivedRequest[]> {
    const check = () => this.requestsTo(path).length >= count;
    if (!check()) await new Promise<void>((resolve) => this.waiters.push({ check, resolve }));
    return this.requestsTo(path);
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async handle(path: string, headers: IncomingHttpHeaders, request: NodeJS.ReadableStream, response: ServerResponse) {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks).toString('utf8');
    this.received.push({ path, headers, body, verified: this.verify(path, body, headers), receivedAt: Date.now() });
    for (const waiter of [...this.waiters]) {
      if (waiter.check()) {
        this.waiters.splice(this.waiters.indexOf(waiter), 1);
        waiter.resolve();
      }
    }
    // Open until answered or given up on by the sender (a timeout closes the connection).
    const open = (this.inFlight.get(path) ?? 0) + 1;
    this.inFlight.set(path, open);
    this.peakInFlight.set(path, Math.max(open, this.peakInFlight.get(path) ?? 0));
    response.once('close', () => this.inFlight.set(path, (this.inFlight.get(path) ?? 1) - 1));
    const answer = this.scripts.get(path)?.shift() ?? { status: 200 };
    if (answer.delayMs) await new Promise((resolve) => setTimeout(resolve, answer.delayMs));
    if (!response.destroyed) response.writeHead(answer.status, answer.headers).end();
  }

  private verify(path: string, body: string, headers: IncomingHttpHeaders): ReceivedRequest['verified'] {
    const secret = this.secrets.get(path);
    if (secret === undefined) return { ok: false, error: `no secret for ${path}` };
    try {
      return { ok: true, message: new Webhook(secret).verify(body, headers as Record<string, string>) };
    } catch (error) {
      return { ok: false, error: (error as Error).message };
    }
  }
}
