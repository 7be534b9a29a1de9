/**
 * Milliseconds per page of a PDF report rendered in-process (renderReport on this thread)
 * against through the queue (a real worker on Redis rendering in its thread pool, timed from
 * `add` to completion). Shared by `render.bench.ts` and the repository's `pnpm bench`.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseEnv } from '@nightshift/config';
import { createQueue } from '@nightshift/jobs';
import { FileStorage, storageKeys } from '@nightshift/storage';
import { createLogger, startWorker } from '@nightshift/worker-runtime';
import { QueueEvents } from 'bullmq';
import { renderReport } from '../src/documents/render-report.js';
import { envSchema } from '../src/env.js';
import { pdfWorkerOptions } from '../src/worker.js';
import { sampleReport } from '../test/fixtures.js';

/**
 * Rows of the five-column sample report that fill about `pages` A4 pages: 40 on the first (under
 * the title), 44 on the others, less a part-filled page where each 1,000-row section starts.
 */
export const rowsForPages = (pages: number) => pages * 43 - 3;

export interface PageMeasureOptions {
  redisUrl: string;
  prefix: string;
  /** Report sizes in pages, e.g. [1, 10, 50]. */
  pages: readonly number[];
  rounds: number;
}

export interface PageMeasure {
  /** Pages the report actually rendered to. */
  pages: number;
  /** Milliseconds per page, one entry per round. */
  inProcess: number[];
  queued: number[];
}

/** Each side renders once first, so neither pays for loading react-pdf in its figures. */
export async function measureMsPerPage({ redisUrl, prefix, pages, rounds }: PageMeasureOptions): Promise<PageMeasure[]> {
  const dir = await mkdtemp(join(tmpdir(), 'worker-pdf-bench-'));
  const env = parseEnv(envSchema, {
    REDIS_URL: redisUrl,
    QUEUE_PREFIX: prefix,
    STORAGE_DIR: dir,
    METRICS_PORT: '0',
    LOG_LEVEL: 'silent',
    WORKER_CONCURRENCY: '1',
  });
  const storage = new FileStorage(dir);
  const running = await startWorker(pdfWorkerOptions(env, createLogger('worker-pdf-bench', 'silent')));
  const queue = createQueue('pdf', { redisUrl, prefix });
  const events = new QueueEvents('pdf', { connection: { url: redisUrl }, prefix });

  const inProcess = async (rows: number) => {
    const started = performance.now();
    const rendered = await renderReport({
      format: 'pdf',
      report: sampleReport(rows),
      owner: 'bench',
      generatedAt: new Date(),
      images: [],
    });
    return { ms: performance.now() - started, pages: rendered.pages };
  };
  const throughQueue = async (rows: number) => {
    const reportId = `bench_${rows}`;
    await storage.put(storageKeys.report(reportId), JSON.stringify(sampleReport(rows)));
    const started = performance.now();
    const job = await queue.add('render', { reportId, userId: 'bench', format: 'pdf' });
    const result = await job.waitUntilFinished(events);
    return { ms: performance.now() - started, pages: result.pages };
  };

  try {
    await events.waitUntilReady();
    await inProcess(rowsForPages(1));
    await throughQueue(rowsForPages(1));
    const measures: PageMeasure[] = [];
    for (const size of pages) {
      const rows = rowsForPages(size);
      const measure: PageMeasure = { pages: 0, inProcess: [], queued: [] };
      for (let round = 0; round < rounds; round++) {
        const local = await inProcess(rows);
        const queued = await throughQueue(rows);
        measure.pages = local.pages;
        measure.inProcess.push(local.ms / local.pages);
        measure.queued.push(queued.ms / queued.pages);
      }
      measures.push(measure);
    }
    return measures;
  } finally {
    await running.close();
    await events.close();
    await queue.obliterate({ force: true });
    await queue.close();
    await rm(dir, { recursive: true, force: true });
  }
}
