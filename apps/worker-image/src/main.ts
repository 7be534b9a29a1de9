import { createLogger, runWorkerMain } from '@nightshift/worker-runtime';
import { env } from './env.js';
import { createProcessor } from './processor.js';

const logger = createLogger('worker-image', env.LOG_LEVEL);

await runWorkerMain({ queue: 'image-processing', processor: createProcessor(), env, logger, defaultConcurrency: 1 });
