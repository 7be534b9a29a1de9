import { redisLocation, storageLocation } from '@nightshift/config';
import { SuppressionList, UnsubscribeLinks } from '@nightshift/email-suppressions';
import { createRedisClient } from '@nightshift/jobs';
import { createStorage, type Storage } from '@nightshift/storage';
import { type Logger, type StartWorkerOptions, WorkerMetrics } from '@nightshift/worker-runtime';
import { Counter } from 'prom-client';
import type { Env } from './env.js';
import { createProcessor } from './processor.js';
import type { Brand } from './templates/brand.js';
import type { EmailTransport } from './transports/email-transport.js';
import { OutboxTransport } from './transports/outbox-transport.js';
import { ResendTransport } from './transports/resend-transport.js';

/** Sending is I/O-bound: ten sends in flight per process by default. */
export const DEFAULT_EMAIL_CONCURRENCY = 10;

/** Everything `main.ts` starts, so a test can start the same worker with other timings. */
export function emailWorkerOptions(env: Env, logger: Logger): StartWorkerOptions<'email'> {
  const { transport, storage } = createTransport(env, logger);
  const metrics = new WorkerMetrics('email');
  const suppressedSends = new Counter({
    name: 'nightshift_email_suppressed_total',
    help: 'Emails not sent because the recipient is suppressed (bounced, complained, unsubscribed from bulk mail)',
    labelNames: ['reason', 'template'] as const,
    registers: [metrics.registry],
  });
  // The suppression list's reads wait out a Redis restart, as the worker's own connections do.
  const redis = createRedisClient('worker', redisLocation(env), {
    connectionName: 'nightshift-worker-email-suppressions',
  });
  redis.on('error', (error) => logger.warn({ err: error }, 'redis suppression-list connection error'));
  const processor = createProcessor({
    transport,
    from: env.EMAIL_FROM,
    logger,
    brand: brandFromEnv(env),
    suppressions: new SuppressionList(redis, { prefix: env.QUEUE_PREFIX }),
    unsubscribeLinks: new UnsubscribeLinks(env.UNSUBSCRIBE_LINK_SECRET, env.PUBLIC_BASE_URL),
    suppressedSends,
    storage,
  });
  return {
    queue: 'email',
    processor,
    metrics,
    onClose: async () => {
      await redis.quit().catch(() => redis.disconnect());
    },
    env,
    logger,
    defaultConcurrency: DEFAULT_EMAIL_CONCURRENCY,
    storage,
    // The limiter lives in Redis: the allowance is shared by every email worker, and a 429 pauses them all.
    workerOptions: { limiter: { max: env.EMAIL_RATE_MAX, duration: env.EMAIL_RATE_DURATION_MS } },
  };
}

/** Resend, or without its key the development outbox; storage either way, for attachments (and the outbox). */
function createTransport(env: Env, logger: Logger): { transport: EmailTransport; storage: Storage } {
  const storage = createStorage(storageLocation(env));
  if (env.RESEND_API_KEY) {
    return { transport: new ResendTransport({ apiKey: env.RESEND_API_KEY, baseUrl: env.RESEND_BASE_URL }), storage };
  }
  logger.warn({ outbox: storage.locate('outbox') }, 'RESEND_API_KEY is not set: emails are written to the outbox, not sent');
  return { transport: new OutboxTransport(storage, logger), storage };
}

/** The EMAIL_BRAND_* variables as the layout reads them; unset ones are left out. */
export function brandFromEnv(env: Env): Brand {
  const optional = {
    logoUrl: env.EMAIL_BRAND_LOGO_URL,
    postalAddress: env.EMAIL_BRAND_ADDRESS,
    supportAddress: env.EMAIL_SUPPORT_ADDRESS,
  };
  const given = Object.fromEntries(Object.entries(optional).filter(([, value]) => value !== undefined));
  return { name: env.EMAIL_BRAND_NAME, primaryColor: env.EMAIL_BRAND_COLOR, ...given };
}
