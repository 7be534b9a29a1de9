import { storageLocation } from '@nightshift/config';
import { createStorage } from '@nightshift/storage';
import type { Logger, StartWorkerOptions } from '@nightshift/worker-runtime';
import type { Env } from './env.js';
import { createProcessor } from './processor.js';
import { RenderPool } from './render-pool.js';

/** Rendering is CPU-bound: two at a time keeps a two-core machine busy. */
export const DEFAULT_CONCURRENCY = 2;

/** The pdf worker's wiring, shared by `main.ts` and the tests: storage, one render thread per concurrent job, the processor. */
export function pdfWorkerOptions(
  env: Env,
  logger: Logger,
  workerOptions?: StartWorkerOptions<'pdf'>['workerOptions'],
): StartWorkerOptions<'pdf'> {
  const renderer = new RenderPool({ size: env.WORKER_CONCURRENCY ?? DEFAULT_CONCURRENCY, maxMemoryMb: env.RENDER_MEMORY_MB });
  const storage = createStorage(storageLocation(env));
  return {
    queue: 'pdf',
    processor: createProcessor({ storage, renderer, logger }),
    storage,
    env,
    logger,
    defaultConcurrency: DEFAULT_CONCURRENCY,
    workerOptions,
    // After the worker has stopped taking jobs and its in-flight ones have finished or been cut short.
    onClose: () => renderer.close(),
  };
}
