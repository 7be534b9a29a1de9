/**
 * Milliseconds per page for 1-, 10- and 50-page PDF reports, rendered in-process (renderReport
 * on this thread) against through the queue (a real worker on Redis, rendering in its thread
 * pool, timed from `add` to completion). Not a test: run `pnpm --filter @nightshift/worker-pdf bench`.
 * Each side renders once first so neither pays for loading react-pdf in its figures.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseEnv } from '@nightshift/config';
import { createQueue } from '@nightshift/jobs';
import { FileStorage, storageKeys } from '@nightshift/storage';
import { SHARED_REDIS_URL, uniquePrefix } from '@nightshift/test-support';
import { createLogger, startWorker } from '@nightshift/worker-runtime';
import { QueueEvents } from 'bullmq';
import { renderReport } from '../src/documents/render-report.js';
import { envSchema } from '../src/env.js';
import { pdfWorkerOptions } from '../src/worker.js';
import { sampleReport } from '../test/fixtures.js';

// Rows that fill about 1, 10 and 50 A4 pages of the five-column sample report.
const sizes = [
  { label: '1 page', rows: 40 },
  { label: '10 pages', rows: 440 },
  { label: '50 pages', rows: 2_200 },
];
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 2);

const dir = await mkdtemp(join(tmpdir(), 'worker-pdf-bench-'));
const env = parseEnv(envSchema, {
  REDIS_URL: SHARED_REDIS_URL,
  QUEUE_PREFIX: uniquePrefix('pdf-bench'),
  STORAGE_DIR: dir,
  METRICS_PORT: '0',
  LOG_LEVEL: 'silent',
  WORKER_CONCURRENCY: '1',
});
const storage = new FileStorage(dir);
const running = await startWorker(pdfWorkerOptions(env, createLogger('worker-pdf-bench', 'silent')));
const queue = createQueue('pdf', { redisUrl: env.REDIS_URL, prefix: env.QUEUE_PREFIX });
const events = new QueueEvents('pdf', { connection: { url: env.REDIS_URL }, prefix: env.QUEUE_PREFIX });
await events.waitUntilReady();

async function inProcess(rows: number): Promise<{ ms: number; pages: number }> {
  const started = performance.now();
  const { pages } = await renderReport({
    format: 'pdf',
    report: sampleReport(rows),
    owner: 'bench',
    generatedAt: new Date(),
    images: [],
  });
  return { ms: performance.now() - started, pages };
}

async function throughQueue(rows: number): Promise<{ ms: number; pages: number }> {
  const reportId = `bench_${rows}`;
  await storage.put(storageKeys.report(reportId), JSON.stringify(sampleReport(rows)));
  const started = performance.now();
  const job = await queue.add('render', { reportId, userId: 'bench', format: 'pdf' });
  const { pages } = await job.waitUntilFinished(events);
  return { ms: performance.now() - started, pages };
}

const best = async (run: () => Promise<{ ms: number; pages: number }>) => {
  const results = [];
  for (let round = 0; round < ROUNDS; round++) results.push(await run());
  return results.reduce((a, b) => (b.ms < a.ms ? b : a));
};

try {
  await inProcess(10);
  await throughQueue(10);
  console.log(`best of ${ROUNDS} per size, node ${process.version}`);
  console.log('size      | pages | in-process ms/page | queue ms/page | queue total ms');
  for (const { label, rows } of sizes) {
    const local = await best(() => inProcess(rows));
    const queued = await best(() => throughQueue(rows));
    const perPage = (result: { ms: number; pages: number }) => (result.ms / result.pages).toFixed(0).padStart(6);
    console.log(
      `${label.padEnd(9)} | ${String(local.pages).padStart(5)} | ${perPage(local).padStart(18)} | ${perPage(queued).padStart(13)} | ${queued.ms.toFixed(0).padStart(14)}`,
    );
  }
} finally {
  await running.close();
  await events.close();
  await queue.obliterate({ force: true });
  await queue.close();
  await rm(dir, { recursive: true, force: true });
}
