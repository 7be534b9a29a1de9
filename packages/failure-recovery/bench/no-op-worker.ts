/**
 * A worker built like every Nightshift worker (the shared runtime: connection rules, metrics,
 * health, logging, shutdown) whose processor does nothing, so the memory benchmark measures the
 * runtime and BullMQ, not a template renderer.
 */
import { loadEnv, workerEnvSchema } from '@nightshift/config';
import { createLogger, runWorkerMain } from '@nightshift/worker-runtime';

const env = loadEnv(workerEnvSchema);
const sentAt = new Date(0).toISOString();

await runWorkerMain({
  queue: 'email',
  processor: async () => ({ id: 'no-op', sentAt }),
  env,
  logger: createLogger('no-op-worker', env.LOG_LEVEL),
  defaultConcurrency: 10,
});
