import { createLogger, runWorkerMain } from '@nightshift/worker-runtime';
import { env } from './env.js';
import { createProcessor } from './processor.js';

const logger = createLogger('worker-email', env.LOG_LEVEL);

await runWorkerMain({ queue: 'email', processor: createProcessor(), env, logger, defaultConcurrency: 10 });
