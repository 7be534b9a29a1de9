import { parseEnv, workerEnvSchema } from '@nightshift/config';
import type { JobData } from '@nightshift/contracts';
import {
  type ContractQueue,
  connectRedisClient,
  createQueue,
  EndpointStore,
  generateEndpointSecret,
  redisConnectionOptions,
} from '@nightshift/jobs';
import { SHARED_REDIS_URL, uniquePrefix } from '@nightshift/test-support';
import { createLogger, type RunningWorker, startWorker } from '@nightshift/worker-runtime';
import { type Job, QueueEvents } from 'bullmq';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebhookReceiver } from '../test/receiver.js';
import { AddressPolicy } from './delivery/address-policy.js';
import { EndpointSlots } from './delivery/endpoint-slots.js';
import { WebhookSender } from './delivery/send-webhook.js';
import { createProcessor, type EndpointDisabled } from './processor.js';

const TIMEOUT_MS = 400;
const SIGNING_SECRET = generateEndpointSecret();

/** A webhook worker on the shared Redis under a prefix of its own, as main.ts builds it, with the receiver's loopback allowed or not. */
async function startWebhookWorker({ allowLoopback }: { allowLoopback: boolean }) {
  const env = parseEnv(workerEnvSchema, {
    REDIS_URL: SHARED_REDIS_URL,
    QUEUE_PREFIX: uniquePrefix('worker-webhook'),
    METRICS_PORT: '0',
    SHUTDOWN_TIMEOUT_MS: '5000',
  });
  const redis: Redis = await connectRedisClient('worker', env.REDIS_URL);
  const endpoints = new EndpointStore(redis, { prefix: env.QUEUE_PREFIX, queue: 'webhook' });
  const sender = new WebhookSender(new AddressPolicy(allowLoopback ? ['127.0.0.0/8'] : []), TIMEOUT_MS);
  const disabled: EndpointDisabled[] = [];
  const running: RunningWorker<'webhook'> = await startWorker({
    queue: 'webhook',
    processor: createProcessor({
      sender,
      endpoints,
      slots: new EndpointSlots(redis, { prefix: env.QUEUE_PREFIX, perEndpoint: 1, leaseMs: TIMEOUT_MS + 5_000 }),
      signingSecret: SIGNING_SECRET,
      disableAfterFailures: 2,
      retryAfterMaxMs: 5_000,
      onEndpointDisabled: (event) => disabled.push(event),
    }),
    env,
    logger: createLogger('worker-webhook-test', 'silent'),
    defaultConcurrency: 4,
  });
  const queue: ContractQueue<'webhook'> = createQueue('webhook', { redisUrl: env.REDIS_URL, prefix: env.QUEUE_PREFIX });
  const events = new QueueEvents('webhook', {
    connection: redisConnectionOptions('worker', env.REDIS_URL),
    prefix: env.QUEUE_PREFIX,
  });
  await events.waitUntilReady();
  return {
    queue,
    endpoints,
    disabled,
    /** Waits for the job to finish: its result, or the reason it failed for good. */
    async outcome(job: Job): Promise<{ result?: unknown; failed?: string; attemptsMade: number }> {
      const result = await job.waitUntilFinished(events, 15_000).then(
        (value: unknown) => ({ result: value }),
        (error: Error) => ({ failed: error.message }),
      );
      const finished = await queue.getJob(String(job.id));
      return { ...result, attemptsMade: finished?.attemptsMade ?? -1 };
    },
    logs: async (job: Job) => (await queue.getJobLogs(String(job.id))).logs,
    async close() {
      await running.close();
      await sender.close();
      await events.close();
      await queue.obliterate({ force: true });
      // The endpoints' hashes: the queue's own keys went with obliterate, and the slots empty themselves.
      for await (const keys of redis.scanStream({ match: `${env.QUEUE_PREFIX.replace(/[*?[\]\\]/g, '\\$&')}:*` })) {
        if ((keys as string[]).length > 0) await redis.del(...(keys as string[]));
      }
      await queue.close();
      await redis.quit();
    },
  };
}

let receiver: WebhookReceiver;
let worker: Awaited<ReturnType<typeof startWebhookWorker>>;

beforeAll(async () => {
  receiver = await WebhookReceiver.start();
  worker = await startWebhookWorker({ allowLoopback: true });
});
afterAll(async () => {
  await worker?.close();
  await receiver?.close();
});

/** A registered endpoint whose deliveries go to the receiver's `path`, checked there with its secret. */
async function endpoint(
  id: string,
  path: string,
  ...answers: { status: number; delayMs?: number; headers?: Record<string, string> }[]
) {
  const secret = generateEndpointSecret();
  await worker.endpoints.register(id, secret);
  receiver.expect(path, secret, ...answers);
  return { endpointId: id, url: receiver.url(path) };
}

const event = (target: { url: string; endpointId?: string }): JobData['webhook'] => ({
  ...target,
  eventType: 'invoice.paid',
  payload: { invoiceId: 'inv_42', amountCents: 129_900 },
});

describe('a delivery', () => {
  it('is signed with the endpoint’s secret, and the receiver’s verification accepts it', async () => {
    const target = await endpoint('shop-signed', '/signed');
    const job = await worker.queue.add('invoice', event(target));
    const { result } = await worker.outcome(job);
    expect(result).toMatchObject({ webhookId: `msg_${job.id}`, status: 200 });

    const [request] = receiver.requestsTo('/signed');
    expect(request?.verified).toEqual({
      ok: true,
      message: { type: 'invoice.paid', timestamp: expect.any(String), data: { invoiceId: 'inv_42', amountCents: 129_900 } },
    });
    expect(request?.headers).toMatchObject({ 'webhook-id': `msg_${job.id}`, 'content-type': 'application/json' });
    expect(Math.abs(Number(request?.headers['webhook-timestamp']) * 1_000 - Date.now())).toBeLessThan(10_000);
    expect(request?.headers['webhook-signature']).toMatch(/^v1,[A-Za-z0-9+/]+={0,2}$/);
    expect(await worker.logs(job)).toEqual([
      expect.stringMatching(/^delivered to http:\/\/127\.0\.0\.1:\d+\/signed: 200 in \d+ ms$/),
    ]);
  });

  it('without an endpoint is signed with WEBHOOK_SIGNING_SECRET; a signature with another secret is refused by the receiver', async () => {
    receiver.expect('/unregistered', SIGNING_SECRET);
    const job = await worker.queue.add('report', event({ url: receiver.url('/unregistered') }));
    expect((await worker.outcome(job)).result).toMatchObject({ status: 200 });
    expect(receiver.requestsTo('/unregistered')[0]?.verified.ok).toBe(true);

    const target = await endpoint('shop-other-secret', '/other-secret');
    receiver.expect('/other-secret', generateEndpointSecret());
    await worker.outcome(await worker.queue.add('invoice', event(target)));
    expect(receiver.requestsTo('/other-secret')[0]?.verified).toEqual({ ok: false, error: 'No matching signature found' });
  });

  it('answered 500 then 200 is retried with the same webhook-id, and the endpoint’s failure count starts again', async () => {
    const target = await endpoint('shop-flaky', '/flaky', { status: 500 }, { status: 200 });
    const job = await worker.queue.add('invoice', event(target), { attempts: 3, backoff: { type: 'fixed', delay: 100 } });
    // BullMQ counts the attempt that completed too.
    expect(await worker.outcome(job)).toMatchObject({ result: { status: 200 }, attemptsMade: 2 });
    const requests = receiver.requestsTo('/flaky');
    expect(requests.map((request) => request.headers['webhook-id'])).toEqual([`msg_${job.id}`, `msg_${job.id}`]);
    expect(requests.every((request) => request.verified.ok)).toBe(true);
    expect(await worker.logs(job)).toEqual([
      expect.stringMatching(/\/flaky answered 500: will retry$/),
      expect.stringMatching(/\/flaky: 200 in \d+ ms$/),
    ]);
    expect((await worker.endpoints.state('shop-flaky'))?.consecutiveFailures).toBe(0);
  });

  it('to a slow endpoint gives up at the timeout, and holds one worker at most while another endpoint’s go through', async () => {
    const slowAnswer = { status: 200, delayMs: 3_000 };
    const slow = await endpoint('shop-slow', '/slow', slowAnswer, slowAnswer);
    const fast = await endpoint('shop-fast', '/fast');
    const slowJobs = await Promise.all([1, 2].map(() => worker.queue.add('invoice', event(slow), { attempts: 1 })));
    const fastJobs = await Promise.all([1, 2, 3, 4, 5, 6].map(() => worker.queue.add('invoice', event(fast), { attempts: 1 })));

    const fastOutcomes = await Promise.all(fastJobs.map((job) => worker.outcome(job)));
    expect(fastOutcomes.every((outcome) => outcome.result !== undefined)).toBe(true);
    const slowOutcomes = await Promise.all(slowJobs.map((job) => worker.outcome(job)));
    for (const outcome of slowOutcomes) {
      expect(outcome.failed).toMatch(new RegExp(`/slow no answer within ${TIMEOUT_MS} ms$`));
    }
    // While the first slow delivery held its one slot, the other endpoint's went through on the other workers.
    const [firstSlow] = receiver.requestsTo('/slow');
    const startedAt = firstSlow?.receivedAt ?? 0;
    const during = receiver
      .requestsTo('/fast')
      .filter((request) => request.receivedAt >= startedAt && request.receivedAt - startedAt < TIMEOUT_MS);
    expect(during.length).toBeGreaterThan(0);
    expect(receiver.peakInFlight.get('/slow')).toBe(1);
  });

  it('answered 410 Gone is not retried, and disables the endpoint at once until it is enabled', async () => {
    const target = await endpoint('shop-gone', '/gone', { status: 410 });
    const job = await worker.queue.add('invoice', event(target), { attempts: 3, backoff: { type: 'fixed', delay: 100 } });
    const outcome = await worker.outcome(job);
    expect(outcome.failed).toMatch(/\/gone answered 410 Gone: the receiver asks for no more deliveries$/);
    expect(outcome.attemptsMade).toBe(1);
    expect(await worker.endpoints.state('shop-gone')).toMatchObject({ enabled: false, consecutiveFailures: 1 });
    expect(worker.disabled).toContainEqual({
      endpointId: 'shop-gone',
      consecutiveFailures: 1,
      reason: expect.stringMatching(/410/),
    });

    const refused = await worker.outcome(await worker.queue.add('invoice', event(target)));
    expect(refused.failed).toMatch(
      /^endpoint shop-gone is disabled since .+: POST \/v1\/webhook-endpoints\/shop-gone\/enable, then retry the job$/,
    );
    expect(receiver.requestsTo('/gone')).toHaveLength(1);

    await worker.endpoints.enable('shop-gone');
    expect((await worker.outcome(await worker.queue.add('invoice', event(target)))).result).toMatchObject({ status: 200 });
  });

  it('answered with a redirect does not follow it and is not retried', async () => {
    receiver.expect('/moved-here', SIGNING_SECRET);
    const target = await endpoint('shop-moved', '/moved', { status: 302, headers: { location: receiver.url('/moved-here') } });
    const outcome = await worker.outcome(await worker.queue.add('invoice', event(target), { attempts: 3 }));
    expect(outcome.failed).toMatch(
      /\/moved answered 302, a redirect to http:\/\/127\.0\.0\.1:\d+\/moved-here, which is not followed$/,
    );
    expect(outcome.attemptsMade).toBe(1);
    expect(receiver.requestsTo('/moved-here')).toHaveLength(0);
  });

  it('answered another 4xx is not retried, and failures in a row disable the endpoint once', async () => {
    const target = await endpoint('shop-broken', '/broken', { status: 400 }, { status: 422 });
    const first = await worker.outcome(await worker.queue.add('invoice', event(target), { attempts: 3 }));
    expect(first).toMatchObject({ failed: expect.stringMatching(/\/broken answered 400$/), attemptsMade: 1 });
    expect(await worker.endpoints.state('shop-broken')).toMatchObject({ enabled: true, consecutiveFailures: 1 });
    await worker.outcome(await worker.queue.add('invoice', event(target), { attempts: 3 }));
    expect(await worker.endpoints.state('shop-broken')).toMatchObject({ enabled: false, consecutiveFailures: 2 });
    expect(worker.disabled.filter((event) => event.endpointId === 'shop-broken')).toEqual([
      { endpointId: 'shop-broken', consecutiveFailures: 2, reason: expect.stringMatching(/answered 422$/) },
    ]);
  });

  it('answered 429 waits as Retry-After says without spending an attempt', async () => {
    const target = await endpoint('shop-busy', '/busy', { status: 429, headers: { 'retry-after': '1' } });
    // One attempt only: had the 429 spent it, the job would have failed. The one counted is the delivery.
    const job = await worker.queue.add('invoice', event(target), { attempts: 1 });
    expect(await worker.outcome(job)).toMatchObject({ result: { status: 200 }, attemptsMade: 1 });
    const [limited, delivered] = receiver.requestsTo('/busy');
    expect((delivered?.receivedAt ?? 0) - (limited?.receivedAt ?? 0)).toBeGreaterThanOrEqual(1_000);
    expect((await worker.logs(job))[0]).toMatch(/\/busy answered 429: waiting as asked: trying again in 1000 ms$/);
  });

  it('to an endpoint never registered fails at once, naming how to register it', async () => {
    const outcome = await worker.outcome(
      await worker.queue.add('invoice', event({ url: receiver.url('/x'), endpointId: 'nobody' })),
    );
    expect(outcome.failed).toBe('endpoint nobody is not registered: PUT /v1/webhook-endpoints/nobody first');
  });
});

describe('a private address', () => {
  let strict: Awaited<ReturnType<typeof startWebhookWorker>>;
  beforeAll(async () => {
    strict = await startWebhookWorker({ allowLoopback: false });
  });
  afterAll(() => strict?.close());

  it.each([
    ['an IPv4 literal', '127.0.0.1', /127\.0\.0\.1 is a loopback address/],
    [
      'a name that resolves to it, checked when connecting',
      'localhost',
      /refused to deliver to localhost: .+ is a loopback address/,
    ],
    ['IPv4-mapped IPv6', '[::ffff:127.0.0.1]', /127\.0\.0\.1|::ffff:7f00:1/],
  ])('is refused without retry, nothing sent: %s', async (_label, host, reason) => {
    const path = `/private-${host.replace(/\W/g, '')}`;
    receiver.expect(path, SIGNING_SECRET);
    const outcome = await strict.outcome(
      await strict.queue.add('report', event({ url: receiver.url(path, host) }), {
        attempts: 3,
        backoff: { type: 'fixed', delay: 100 },
      }),
    );
    expect(outcome.failed).toMatch(reason);
    expect(outcome.failed).toContain('deliveries go to public addresses only, unless WEBHOOK_ALLOWED_NETWORKS allows it');
    expect(outcome.attemptsMade).toBe(1);
    expect(receiver.requestsTo(path)).toHaveLength(0);
  });
});
