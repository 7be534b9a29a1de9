import { createLogger, runWorkerMain } from '@nightshift/worker-runtime';
import { env } from './env.js';
import { createProcessor } from './processor.js';

await runWorkerMain({
  queue: 'webhook',
  processor: createProcessor(),
  env,
  logger: createLogger('worker-webhook', env.LOG_LEVEL),
  defaultConcurrency: 10,
});
