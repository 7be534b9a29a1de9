import { createLogger, runWorkerMain } from '@nightshift/worker-runtime';
import { env } from './env.js';
import { createProcessor } from './processor.js';

const logger = createLogger('worker-pdf', env.LOG_LEVEL);

await runWorkerMain({ queue: 'pdf', processor: createProcessor(), env, logger, defaultConcurrency: 2 });
