import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ImageOperation, QueueName } from '@nightshift/contracts';
import { connectRedisClient, createQueue, createRedisClient, type RedisLocation, type RedisOrCluster } from '@nightshift/jobs';
import { FileStorage, storageKeys } from '@nightshift/storage';
import { TestRedisCluster } from '@nightshift/test-support';
import { benchmarkJpeg } from '@nightshift/worker-image/bench';
import { QueueEvents } from 'bullmq';
import { Redis } from 'ioredis';
import { ChildServer } from '../child-server.js';
import type { BenchContext } from '../context.js';
import { pinProcess } from '../cpu-pinning.js';
import { EMAIL } from '../fixtures.js';
import type { Row } from '../report.js';
import { median } from '../stats.js';

/**
 * The production default: the bench's Redis and cluster are its own. Where a queue's tag lands is
 * fixed by its name; with `{nightshift}` the three queues fall on two of the three masters (a
 * namespace such as `{bench-scale}` puts all three on one).
 */
const NAMESPACE = '{nightshift}';
const FILL_BATCH = 1_000;
const benchRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const operations: ImageOperation[] = [
  { type: 'resize', params: { width: 720, height: 588, fit: 'cover' } },
  { type: 'convert', params: { format: 'jpeg', quality: 80 } },
];
/** The no-op job's payload on each queue: valid for its contract, so each worker's check passes. */
const payloads: Record<'email' | 'pdf' | 'image-processing', unknown> = {
  email: EMAIL,
  pdf: { reportId: 'bench', userId: 'bench', format: 'pdf' },
  'image-processing': { imageId: 'bench', operations },
};

/** Where a run puts its jobs: one Redis or the cluster, with admin connections to each server for flushing and INFO. */
interface Target {
  label: string;
  variables: Record<string, string>;
  location: RedisLocation;
  producer: RedisOrCluster;
  servers: Redis[];
}

interface Run {
  rate: number;
  /** CPU seconds Redis spent per wall second, summed over its servers, and the busiest server's. */
  redisCpu: number;
  busiestRedisCpu: number;
}

async function redisCpuSeconds(server: Redis): Promise<number> {
  const info = await server.info('cpu');
  const field = (name: string) => Number(new RegExp(`^${name}:([\\d.]+)`, 'm').exec(info)?.[1] ?? 0);
  return field('used_cpu_sys') + field('used_cpu_user');
}

/**
 * Jobs per second drained by `processes` worker processes: every queue filled while paused, the
 * processes started and idle, then the clock runs from `resume()` until every job's `completed`
 * event has arrived.
 */
async function drain(
  target: Target,
  {
    processes,
    queues,
    jobs,
    job,
    storageDir,
  }: { processes: number; queues: QueueName[]; jobs: number; job: 'noop' | 'image'; storageDir?: string },
): Promise<Run> {
  await Promise.all(target.servers.map((server) => server.flushall()));
  const opened = queues.map((name) => createQueue(name, { connection: target.producer, prefix: NAMESPACE }));
  // Each listener blocks on its stream: a connection of its own, with worker rules.
  const listeners = queues.map(() => createRedisClient('worker', target.location));
  const events = opened.map(
    (queue, index) =>
      new QueueEvents(queue.name, { connection: listeners[index] as RedisOrCluster, prefix: String(queue.opts.prefix) }),
  );
  const workers: ChildServer[] = [];
  try {
    for (const queue of opened) {
      await queue.pause();
      const data = payloads[queue.name as keyof typeof payloads];
      for (let added = 0; added < jobs; added += FILL_BATCH) {
        const batch = Math.min(FILL_BATCH, jobs - added);
        await queue.addBulk(Array.from({ length: batch }, () => ({ name: 'scale', data: data as never })));
      }
    }
    await Promise.all(events.map((queueEvents) => queueEvents.waitUntilReady()));
    // Started together (a cold start takes seconds); whichever started is stopped below even if another failed.
    const starts = await Promise.allSettled(
      Array.from({ length: processes }, () =>
        ChildServer.start({
          script: 'src/servers/scale-worker.ts',
          cwd: benchRoot,
          readyPath: '/healthz',
          readyTimeoutMs: 300_000,
          env: {
            ...target.variables,
            NODE_ENV: 'production',
            // The bench's Redis persists nothing on purpose, and production refuses that unless told.
            REDIS_ALLOW_NO_PERSISTENCE: 'true',
            QUEUE_PREFIX: NAMESPACE,
            LOG_LEVEL: 'info',
            WORKER_CONCURRENCY: job === 'image' ? '1' : '10',
            SCALE_JOB: job,
            SCALE_QUEUES: queues.join(','),
            ...(storageDir && { STORAGE_DIR: storageDir }),
          },
        }),
      ),
    );
    for (const start of starts) if (start.status === 'fulfilled') workers.push(start.value);
    const failed = starts.find((start) => start.status === 'rejected');
    if (failed) throw failed.reason;
    let completed = 0;
    const total = jobs * queues.length;
    const finished = new Promise<void>((resolve, reject) => {
      for (const queueEvents of events) {
        queueEvents.on('completed', () => {
          if (++completed === total) resolve();
        });
        queueEvents.on('failed', ({ jobId, failedReason }) => reject(new Error(`job ${jobId} failed: ${failedReason}`)));
      }
    });
    const cpuBefore = await Promise.all(target.servers.map(redisCpuSeconds));
    const clock = performance.now();
    await Promise.all(opened.map((queue) => queue.resume()));
    await finished;
    const seconds = (performance.now() - clock) / 1_000;
    const cpuAfter = await Promise.all(target.servers.map(redisCpuSeconds));
    const shares = cpuAfter.map((after, index) => (after - (cpuBefore[index] ?? 0)) / seconds);
    return {
      rate: total / seconds,
      redisCpu: shares.reduce((sum, share) => sum + share, 0),
      busiestRedisCpu: Math.max(...shares),
    };
  } finally {
    await Promise.all(workers.map((worker) => worker.stop()));
    await Promise.all(events.map((queueEvents) => queueEvents.close()));
    await Promise.all(listeners.map((listener) => listener.quit()));
    await Promise.all(opened.map((queue) => queue.close()));
  }
}

/** Rows of one curve: each process count beside one process, with Redis's CPU share. */
async function curve(
  context: BenchContext,
  target: Target,
  options: {
    id: string;
    what: string;
    unit: string;
    queues: QueueName[];
    jobs: number;
    job: 'noop' | 'image';
    storageDir?: string;
  },
): Promise<Row[]> {
  const { settings, log } = context;
  const byProcesses = new Map<number, Run[]>();
  for (let round = 0; round < settings.scaleRounds; round++) {
    for (const processes of settings.scaleProcesses) {
      log(`scale: ${options.what} on ${target.label}, ${processes} process(es), round ${round + 1}/${settings.scaleRounds}`);
      const run = await drain(target, { ...options, processes });
      log(
        `scale: ${Math.round(run.rate)} ${options.unit}, Redis CPU ${Math.round(run.redisCpu * 100)}% (busiest ${Math.round(run.busiestRedisCpu * 100)}%)`,
      );
      byProcesses.set(processes, [...(byProcesses.get(processes) ?? []), run]);
    }
  }
  const rate = (processes: number) => median((byProcesses.get(processes) ?? []).map((run) => run.rate));
  const one = rate(1);
  return settings.scaleProcesses.map((processes) => {
    const runs = byProcesses.get(processes) ?? [];
    const redisCpu = median(runs.map((run) => run.redisCpu));
    const busiest = median(runs.map((run) => run.busiestRedisCpu));
    const share = (value: number) => `${Math.round(value * 100)}%`;
    const cpu =
      target.servers.length > 1
        ? `Redis CPU ${share(redisCpu)} over ${target.servers.length} masters, busiest ${share(busiest)}`
        : `Redis CPU ${share(redisCpu)}`;
    return {
      id: `scale-${options.id}-p${processes}`,
      label: `Scale: ${options.what} on ${target.label}, ${processes} worker process${processes === 1 ? '' : 'es'} vs 1`,
      unit: options.unit,
      ours: rate(processes),
      beside: one,
      ratio: rate(processes) / one,
      detail: { ours: cpu },
      rounds: { ours: runs.map((run) => run.rate) },
    };
  });
}

/**
 * Throughput as worker processes are added: the no-op job (Redis and the runtime's own cost) and
 * the image job (CPU-bound) on one Redis, then the no-op job on all three queues of a 3-master
 * cluster. Redis's CPU share (INFO used_cpu_sys + used_cpu_user over wall time) says whether Redis or
 * the workers' cores are what stops the curve.
 */
export async function measureScale(context: BenchContext): Promise<Row[]> {
  const { settings, redis } = context;
  const rows: Row[] = [];
  const single: Target = {
    label: 'one Redis',
    variables: { REDIS_URL: redis.url },
    location: { url: redis.url },
    producer: await connectRedisClient('producer', redis.url),
    servers: [redis.admin],
  };
  const storageDir = await mkdtemp(join(tmpdir(), 'nightshift-bench-scale-'));
  try {
    await new FileStorage(storageDir).put(storageKeys.image('bench'), await benchmarkJpeg());
    rows.push(
      ...(await curve(context, single, {
        id: 'noop',
        what: 'no-op email job',
        unit: 'jobs/s',
        queues: ['email'],
        jobs: settings.scaleJobs,
        job: 'noop',
      })),
      ...(await curve(context, single, {
        id: 'image',
        what: 'image job',
        unit: 'img/s',
        queues: ['image-processing'],
        jobs: settings.scaleImages,
        job: 'image',
        storageDir,
      })),
    );
  } finally {
    await single.producer.quit();
    await rm(storageDir, { recursive: true, force: true });
  }

  const cluster = await TestRedisCluster.start();
  const servers = cluster.servers.map((server) => new Redis(server.port, '127.0.0.1', { maxRetriesPerRequest: 1 }));
  const clusterNodes = cluster.nodeList.map((node) => ({ host: '127.0.0.1', port: Number(node.split(':')[1]) }));
  try {
    // The same Redis core(s) as the single server: the cluster spreads the keys, not the hardware budget.
    if (context.redisCores) {
      for (const server of servers)
        await pinProcess(Number(/process_id:(\d+)/.exec(await server.info('server'))?.[1]), context.redisCores);
    }
    const target: Target = {
      label: 'a 3-master cluster',
      variables: { REDIS_CLUSTER_NODES: cluster.nodes },
      location: { url: redis.url, clusterNodes },
      producer: await connectRedisClient('producer', { url: redis.url, clusterNodes }),
      servers,
    };
    try {
      rows.push(
        ...(await curve(context, target, {
          id: 'cluster-noop',
          what: 'no-op job on email, pdf and image-processing',
          unit: 'jobs/s',
          queues: ['email', 'pdf', 'image-processing'],
          jobs: Math.ceil(settings.scaleJobs / 3),
          job: 'noop',
        })),
      );
    } finally {
      await target.producer.quit();
    }
  } finally {
    for (const server of servers) server.disconnect();
    await cluster.destroy();
  }
  return rows;
}
