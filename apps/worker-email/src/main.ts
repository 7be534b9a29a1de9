import { loadEnv } from '@nightshift/config';
import { createLogger, runWorkerMain } from '@nightshift/worker-runtime';
import { envSchema } from './env.js';
import { emailWorkerOptions } from './worker.js';

const env = loadEnv(envSchema);
const logger = createLogger('worker-email', env.LOG_LEVEL);

await runWorkerMain(emailWorkerOptions(env, logger));
