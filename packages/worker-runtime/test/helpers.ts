import { parseEnv, type WorkerEnv, workerEnvSchema } from '@nightshift/config';
import type { JobData } from '@nightshift/contracts';
import { createQueue } from '@nightshift/jobs';
import { SHARED_REDIS_URL, uniquePrefix } from '@nightshift/test-support';

export { startWebhookRecorder } from '@nightshift/test-support';

/** A worker environment on the shared Redis, under a prefix of its own, metrics on a free port. */
export function testEnv(overrides: Record<string, string> = {}): WorkerEnv {
  return parseEnv(workerEnvSchema, {
    REDIS_URL: SHARED_REDIS_URL,
    QUEUE_PREFIX: uniquePrefix('runtime'),
    METRICS_PORT: '0',
    LOG_LEVEL: 'silent',
    SHUTDOWN_TIMEOUT_MS: '5000',
    ...overrides,
  });
}

/** The smallest valid email job: the runtime tests care about the job's name, not its payload. */
export const anyEmail: JobData['email'] = {
  to: 'user@example.com',
  template: 'trial-expiry',
  data: { upgradeUrl: 'https://app.example.com/upgrade' },
};

export async function obliterateEmailQueue(env: WorkerEnv): Promise<void> {
  const queue = createQueue('email', { redisUrl: env.REDIS_URL, prefix: env.QUEUE_PREFIX });
  await queue.obliterate({ force: true });
  await queue.close();
}

/** The value of one Prometheus sample, e.g. `metric('nightshift_jobs_completed_total', { name: 'ok' })`. */
export function metricValue(text: string, metric: string, labels: Record<string, string>): number | undefined {
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${metric}{`)) continue;
    const matches = Object.entries(labels).every(([name, value]) => line.includes(`${name}="${value}"`));
    if (matches) return Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return undefined;
}
