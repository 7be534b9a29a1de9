import { loadEnv } from '@nightshift/config';
import { createLogger, runWorkerMain } from '@nightshift/worker-runtime';
import { envSchema } from './env.js';
import { pdfWorkerOptions } from './worker.js';

// Parsed here, when the app starts: importing env.ts (tests, tools) never reads or exits on the environment.
const env = loadEnv(envSchema);

const logger = createLogger('worker-pdf', env.LOG_LEVEL);

await runWorkerMain(pdfWorkerOptions(env, logger));
