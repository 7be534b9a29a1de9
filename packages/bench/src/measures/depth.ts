import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createQueue } from '@nightshift/jobs';
import autocannon from 'autocannon';
import { QueueEvents } from 'bullmq';
import { type ApiServer, apiHeaders } from '../api-server.js';
import { ChildServer } from '../child-server.js';
import type { BenchContext } from '../context.js';
import { EMAIL } from '../fixtures.js';
import type { Row } from '../report.js';
import { median } from '../stats.js';

const FILL_BATCH = 1_000;
const IN_FLIGHT = 64;
const packageDir = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const body = JSON.stringify({ name: 'welcome', data: EMAIL });

interface AtDepth {
  depth: number;
  apiRates: number[];
  workerRates: number[];
  apiRssMiB: number[];
  workerRssMiB: number[];
}

/**
 * How cost grows with the work waiting: with 1k, 10k and 100k jobs in the email queue, the API's
 * single-job `POST` rate (autocannon, 64 connections) and a worker process's processing rate
 * (`startWorker`, concurrency 10), and the RSS of both processes after each. The queue is paused
 * while the API adds, and the worker then takes as many as were added, so the depth holds. One
 * API and one worker process serve every depth, smallest first, as a deployment's would.
 */
export async function measureDepth(context: BenchContext, api: ApiServer): Promise<Row[]> {
  const { settings, redis, log } = context;
  const measured: AtDepth[] = [];
  await redis.flush();
  const queue = createQueue('email', { redisUrl: redis.url, prefix: api.prefix });
  const events = new QueueEvents('email', { connection: { host: '127.0.0.1', port: redis.port }, prefix: api.prefix });
  let worker: ChildServer | undefined;
  try {
    await queue.pause();
    worker = await ChildServer.start({
      script: 'src/servers/noop-worker.ts',
      cwd: packageDir,
      env: { REDIS_URL: redis.url, QUEUE_PREFIX: api.prefix },
      readyPath: '/healthz',
      nodeArgs: context.serverNodeArgs,
    });
    await events.waitUntilReady();
    let waiting = 0;
    for (const depth of settings.depths) {
      log(`depth: ${depth.toLocaleString('en-US')} jobs waiting, ${settings.rounds} rounds of ${settings.depthJobs} jobs`);
      // Depths ascend: each tops up the last.
      for (let added = waiting; added < depth; added += FILL_BATCH) {
        const batch = Math.min(FILL_BATCH, depth - added);
        await queue.addBulk(Array.from({ length: batch }, () => ({ name: 'welcome' as const, data: EMAIL })));
      }
      waiting = Math.max(waiting, depth);
      const at: AtDepth = { depth, apiRates: [], workerRates: [], apiRssMiB: [], workerRssMiB: [] };
      for (let round = 0; round < settings.rounds; round++) {
        const clock = performance.now();
        const result = await autocannon({
          url: api.emailJobsUrl,
          method: 'POST',
          connections: Math.min(IN_FLIGHT, settings.depthJobs),
          amount: settings.depthJobs,
          headers: apiHeaders,
          body,
        });
        if (result.non2xx > 0 || result.errors > 0) {
          throw new Error(`depth ${depth}: ${result.non2xx} answers other than 2xx and ${result.errors} errors`);
        }
        // autocannon's own duration is in whole seconds; a fixed amount of requests wants the exact time.
        at.apiRates.push(result.requests.total / ((performance.now() - clock) / 1_000));
        at.apiRssMiB.push((await api.rssMiB()) ?? Number.NaN);
        at.workerRates.push(await processAdded(queue, events, result.requests.total));
        at.workerRssMiB.push((await worker.rssMiB()) ?? Number.NaN);
      }
      measured.push(at);
    }
  } finally {
    await worker?.stop();
    await events.close();
    await queue.close();
    await redis.flush();
  }
  return toRows(measured);
}

/** Resumes the queue until the worker has completed `jobs` more, then pauses it again; jobs per second. */
async function processAdded(queue: { resume(): Promise<void>; pause(): Promise<void> }, events: QueueEvents, jobs: number) {
  let completed = 0;
  let onCompleted = () => {};
  let onFailed = (_failed: { jobId: string }) => {};
  const done = new Promise<void>((resolve, reject) => {
    onCompleted = () => {
      if (++completed === jobs) resolve();
    };
    onFailed = ({ jobId }) => reject(new Error(`depth: job ${jobId} failed`));
  });
  events.on('completed', onCompleted);
  events.on('failed', onFailed);
  try {
    const clock = performance.now();
    await queue.resume();
    await done;
    const seconds = (performance.now() - clock) / 1_000;
    await queue.pause();
    return jobs / seconds;
  } finally {
    events.off('completed', onCompleted);
    events.off('failed', onFailed);
  }
}

function toRows(measured: AtDepth[]): Row[] {
  const [smallest] = measured;
  if (!smallest) return [];
  const rss = (values: number[]) => `${median(values).toFixed(0)} MiB RSS`;
  return measured.flatMap((at) => {
    const depth = at.depth.toLocaleString('en-US');
    const base = smallest.depth.toLocaleString('en-US');
    const [api, apiBase, worker, workerBase] = [
      median(at.apiRates),
      median(smallest.apiRates),
      median(at.workerRates),
      median(smallest.workerRates),
    ];
    return [
      {
        id: `depth-api-${at.depth}`,
        label: `Depth: API \`POST /v1/queues/email/jobs\` (64 conns) with ${depth} jobs waiting vs with ${base}`,
        unit: 'jobs/s',
        ours: api,
        beside: apiBase,
        ratio: api / apiBase,
        detail: { ours: rss(at.apiRssMiB), beside: rss(smallest.apiRssMiB) },
        rounds: { ours: at.apiRates, beside: smallest.apiRates },
      },
      {
        id: `depth-worker-${at.depth}`,
        label: `↳ a \`startWorker\` process, concurrency 10, with ${depth} jobs waiting vs with ${base}`,
        unit: 'jobs/s',
        ours: worker,
        beside: workerBase,
        ratio: worker / workerBase,
        detail: { ours: rss(at.workerRssMiB), beside: rss(smallest.workerRssMiB) },
        rounds: { ours: at.workerRates, beside: smallest.workerRates },
      },
    ];
  });
}
