import { createLogger, runWorkerMain } from '@nightshift/worker-runtime';
import { env } from './env.js';
import { pdfWorkerOptions } from './worker.js';

const logger = createLogger('worker-pdf', env.LOG_LEVEL);

await runWorkerMain(pdfWorkerOptions(env, logger));
