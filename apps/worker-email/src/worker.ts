import { storageLocation } from '@nightshift/config';
import { createStorage, type Storage } from '@nightshift/storage';
import type { Logger, StartWorkerOptions } from '@nightshift/worker-runtime';
import type { Env } from './env.js';
import { createProcessor } from './processor.js';
import type { EmailTransport } from './transports/email-transport.js';
import { OutboxTransport } from './transports/outbox-transport.js';
import { ResendTransport } from './transports/resend-transport.js';

/** Sending is I/O-bound: ten sends in flight per process by default. */
export const DEFAULT_EMAIL_CONCURRENCY = 10;

/** Everything `main.ts` starts, so a test can start the same worker with other timings. */
export function emailWorkerOptions(env: Env, logger: Logger): StartWorkerOptions<'email'> {
  const { transport, storage } = createTransport(env, logger);
  return {
    queue: 'email',
    processor: createProcessor({ transport, from: env.EMAIL_FROM, logger }),
    env,
    logger,
    defaultConcurrency: DEFAULT_EMAIL_CONCURRENCY,
    storage,
    // The limiter lives in Redis: the allowance is shared by every email worker, and a 429 pauses them all.
    workerOptions: { limiter: { max: env.EMAIL_RATE_MAX, duration: env.EMAIL_RATE_DURATION_MS } },
  };
}

/** Resend, or without its key the development outbox: the only case in which this worker needs storage. */
function createTransport(env: Env, logger: Logger): { transport: EmailTransport; storage?: Storage } {
  if (env.RESEND_API_KEY) return { transport: new ResendTransport({ apiKey: env.RESEND_API_KEY, baseUrl: env.RESEND_BASE_URL }) };
  const storage = createStorage(storageLocation(env));
  logger.warn({ outbox: storage.locate('outbox') }, 'RESEND_API_KEY is not set: emails are written to the outbox, not sent');
  return { transport: new OutboxTransport(storage, logger), storage };
}
