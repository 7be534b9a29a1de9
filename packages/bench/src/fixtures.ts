import { parseEnv, type WorkerEnv, workerEnvSchema } from '@nightshift/config';
import type { EmailJob, EmailResult } from '@nightshift/contracts';
import { type Logger, pino } from 'pino';

/** What every enqueue row sends: a welcome email, the smallest template with a URL to validate. */
export const EMAIL: EmailJob = {
  to: 'ann@example.com',
  template: 'welcome',
  data: { name: 'Ann', activationUrl: 'https://app.example.com/activate/1' },
};

/** What the no-op processors return: a valid email result, so no variant pays for a different payload. */
export const EMAIL_RESULT: EmailResult = { id: 'bench', sentAt: '2025-01-01T00:00:00.000Z' };

export const noopEmailProcessor = async (): Promise<EmailResult> => EMAIL_RESULT;

/** The API's bench token: a production API refuses to start without one. */
export const API_TOKEN = 'bench-token-0123456789abcdef';

/**
 * The worker runtime's logger as production runs it (info, JSON, ISO time; see `createLogger`),
 * writing to /dev/null: the cost of building each line is measured, the lines are not printed.
 */
export function discardingLogger(): Logger {
  return pino(
    { level: 'info', base: { app: 'bench' }, timestamp: pino.stdTimeFunctions.isoTime },
    pino.destination({ dest: '/dev/null', sync: true }),
  );
}

export function benchWorkerEnv(
  redisUrl: string,
  prefix: string,
  concurrency: number,
  overrides: Record<string, string> = {},
): WorkerEnv {
  return parseEnv(workerEnvSchema, {
    NODE_ENV: 'production',
    // The bench's Redis runs without AOF on purpose: it measures Nightshift, not the disk.
    REDIS_ALLOW_NO_PERSISTENCE: 'true',
    REDIS_URL: redisUrl,
    QUEUE_PREFIX: prefix,
    METRICS_PORT: '0',
    WORKER_CONCURRENCY: String(concurrency),
    ...overrides,
  });
}
