/**
 * Scenario 10, a benchmark (not CI): 100,000 no-op email jobs through one worker process, fed with
 * a bounded backlog as a steady producer would. Samples the worker's RSS and Redis `used_memory`
 * as jobs go through and prints both before, after, and their slope per 10,000 jobs; then checks
 * that what Redis retains is bounded (100 completed jobs, a capped event stream).
 *
 *   pnpm --filter @nightshift/failure-recovery bench:memory [jobs]
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { setTimeout as delay } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { createQueue } from '@nightshift/jobs';
import { TestRedisServer, uniquePrefix } from '@nightshift/test-support';
import { Redis } from 'ioredis';
import { recordFigure } from '../src/figures.js';

const JOBS = Number(process.argv[2] ?? 100_000);
const BATCH = 1_000;
const BACKLOG = 2_000;
const WARM_UP = Math.min(10_000, JOBS / 10);
const SCENARIO = '10 memory';

interface Sample {
  processed: number;
  rssMb: number;
  redisMb: number;
}

const redis = await TestRedisServer.start({ appendonly: true });
const prefix = uniquePrefix('memory');
const inspector = new Redis(redis.url);
const queue = createQueue('email', { redisUrl: redis.url, prefix });
const worker = spawn(
  process.execPath,
  ['--import', 'tsx', '--conditions=@nightshift/source', fileURLToPath(new URL('no-op-worker.ts', import.meta.url))],
  {
    env: {
      PATH: process.env.PATH ?? '',
      NODE_ENV: 'production',
      REDIS_URL: redis.url,
      QUEUE_PREFIX: prefix,
      METRICS_PORT: '0',
      // Per-job info lines cost CPU, not memory; the benchmark measures memory.
      LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'inherit', 'inherit'],
  },
);

try {
  // "worker started" is an info line, not printed at warn: wait for the worker's connection instead.
  await waitForWorkers();
  const sample = async (processed: number): Promise<Sample> => ({
    processed,
    rssMb: rssMb(worker.pid ?? 0),
    redisMb: Number(/^used_memory:(\d+)/m.exec(await inspector.info('memory'))?.[1] ?? 0) / 1_048_576,
  });
  const samples: Sample[] = [await sample(0)];
  const email = { to: 'bench@example.com', template: 'weekly-digest' as const, data: {} };
  const startedAt = Date.now();

  let added = 0;
  let processed = 0;
  while (processed < JOBS) {
    const counts = await queue.getJobCounts('waiting', 'active');
    processed = added - (counts.waiting ?? 0) - (counts.active ?? 0);
    if (added < JOBS && (counts.waiting ?? 0) < BACKLOG) {
      const size = Math.min(BATCH, JOBS - added);
      await queue.addBulk(Array.from({ length: size }, () => ({ name: 'no-op', data: email })));
      added += size;
    }
    const last = samples.at(-1)?.processed ?? 0;
    if (processed - last >= 5_000 || processed >= JOBS) samples.push(await sample(processed));
    await delay(50);
  }
  const seconds = (Date.now() - startedAt) / 1_000;
  const retained = await queue.getJobCounts('completed', 'failed', 'waiting', 'active');
  const eventStream = await inspector.xlen(`${prefix}:email:events`);

  const steady = samples.filter((entry) => entry.processed >= WARM_UP);
  const first = samples[0] as Sample;
  const warm = steady[0] as Sample;
  const last = samples.at(-1) as Sample;
  console.table(samples.map((entry) => ({ ...entry, rssMb: round(entry.rssMb), redisMb: round(entry.redisMb) })));
  recordFigure(SCENARIO, `${JOBS} no-op jobs through one worker, wall time`, seconds, 's');
  recordFigure(SCENARIO, 'throughput', JOBS / seconds, 'jobs/s');
  recordFigure(SCENARIO, 'worker RSS before (idle, connected)', first.rssMb, 'MB');
  recordFigure(SCENARIO, `worker RSS after warm-up (${warm.processed} jobs)`, warm.rssMb, 'MB');
  recordFigure(SCENARIO, 'worker RSS after', last.rssMb, 'MB');
  recordFigure(SCENARIO, 'worker RSS slope after warm-up', 10_000 * slope(steady, 'rssMb'), 'MB per 10k jobs');
  recordFigure(SCENARIO, 'Redis used_memory before', first.redisMb, 'MB');
  recordFigure(SCENARIO, 'Redis used_memory after', last.redisMb, 'MB');
  recordFigure(SCENARIO, 'Redis used_memory slope after warm-up', 10_000 * slope(steady, 'redisMb'), 'MB per 10k jobs');
  recordFigure(SCENARIO, 'completed jobs retained (removeOnComplete: an hour, at most 10000)', retained.completed ?? 0, 'jobs');
  recordFigure(SCENARIO, 'event stream length (BullMQ caps it near 10,000)', eventStream, 'entries');
} finally {
  worker.kill('SIGTERM');
  await new Promise((resolve) => worker.once('exit', resolve));
  await queue.close();
  inspector.disconnect();
  await redis.destroy();
}

async function waitForWorkers(): Promise<void> {
  while ((await queue.getWorkersCount()) === 0) await delay(100);
}

function rssMb(pid: number): number {
  const kb = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
  return Number(kb ?? 0) / 1_024;
}

/** Least-squares slope of `field` against jobs processed. */
function slope(points: Sample[], field: 'rssMb' | 'redisMb'): number {
  const n = points.length;
  if (n < 2) return 0;
  const mx = points.reduce((sum, p) => sum + p.processed, 0) / n;
  const my = points.reduce((sum, p) => sum + p[field], 0) / n;
  const covariance = points.reduce((sum, p) => sum + (p.processed - mx) * (p[field] - my), 0);
  const variance = points.reduce((sum, p) => sum + (p.processed - mx) ** 2, 0);
  return variance === 0 ? 0 : covariance / variance;
}

function round(value: number): number {
  return Math.round(value * 10) / 10;
}
