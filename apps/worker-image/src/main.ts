import { loadEnv, storageLocation } from '@nightshift/config';
import { createStorage } from '@nightshift/storage';
import { createLogger, runWorkerMain } from '@nightshift/worker-runtime';
import sharp from 'sharp';
import { envSchema } from './env.js';
import { createProcessor } from './processor.js';

// Parsed here, when the app starts: importing env.ts (tests, tools) never reads or exits on the environment.
const env = loadEnv(envSchema);

const logger = createLogger('worker-image', env.LOG_LEVEL);

sharp.concurrency(env.SHARP_CONCURRENCY);
// Every job brings a new image: libvips' operation cache would only hold memory, never hit.
sharp.cache(false);
logger.info({ sharpThreads: sharp.concurrency(), maxInputPixels: env.IMAGE_MAX_INPUT_PIXELS }, 'sharp configured');

const storage = createStorage(storageLocation(env));
await runWorkerMain({
  queue: 'image-processing',
  processor: createProcessor({ storage, maxPixels: env.IMAGE_MAX_INPUT_PIXELS }),
  env,
  logger,
  defaultConcurrency: 2,
  storage,
});
