import { FileStorage } from '@nightshift/storage';
import { createLogger, runWorkerMain } from '@nightshift/worker-runtime';
import { env } from './env.js';
import { createProcessor } from './processor.js';
import { RenderPool } from './render-pool.js';

/** Rendering is CPU-bound: two at a time keeps a two-core machine busy without starving the event loop. */
const DEFAULT_CONCURRENCY = 2;

const logger = createLogger('worker-pdf', env.LOG_LEVEL);
// One render thread per job the worker may run at once.
const renderer = new RenderPool({ size: env.WORKER_CONCURRENCY ?? DEFAULT_CONCURRENCY, maxMemoryMb: env.RENDER_MEMORY_MB });
const storage = new FileStorage(env.STORAGE_DIR);

await runWorkerMain({
  queue: 'pdf',
  processor: createProcessor({ storage, renderer, logger }),
  env,
  logger,
  defaultConcurrency: DEFAULT_CONCURRENCY,
  onClose: () => renderer.close(),
});
