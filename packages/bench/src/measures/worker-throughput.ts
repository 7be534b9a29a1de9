import type { EmailResult } from '@nightshift/contracts';
import { createQueue, createWorker } from '@nightshift/jobs';
import { OtlpReceiver } from '@nightshift/test-support';
import { startWorker } from '@nightshift/worker-runtime';
import { Worker } from 'bullmq';
import { alternate, type BenchContext } from '../context.js';
import { benchWorkerEnv, discardingLogger, EMAIL, noopEmailProcessor } from '../fixtures.js';
import type { Row } from '../report.js';
import { median } from '../stats.js';

const PREFIX = '{bench-workers}';
const FILL_BATCH = 1_000;

interface Started {
  worker: Worker;
  close(): Promise<unknown>;
}

interface Drained {
  /** Jobs per second, wall clock. */
  rate: number;
  /** CPU microseconds this process spent per job: the worker's cost, steadier than the rate on a shared machine. */
  cpuUs: number;
}

type WorkerVariant = (redis: { url: string; port: number }, concurrency: number) => Promise<Started>;

const runtimeVariant =
  (overrides: Record<string, string> = {}): WorkerVariant =>
  async ({ url }, concurrency) => {
    const running = await startWorker({
      queue: 'email',
      processor: noopEmailProcessor,
      env: benchWorkerEnv(url, PREFIX, concurrency, overrides),
      logger: discardingLogger(),
      defaultConcurrency: concurrency,
    });
    return { worker: running.worker, close: () => running.close() };
  };

const variants = (tracesTo: string): Record<'raw' | 'ours' | 'runtime' | 'traced', WorkerVariant> => ({
  async raw({ port }, concurrency) {
    const connection = { host: '127.0.0.1', port, maxRetriesPerRequest: null };
    const worker = new Worker<unknown, EmailResult>('email', noopEmailProcessor, { connection, prefix: PREFIX, concurrency });
    return { worker, close: () => worker.close() };
  },
  async ours({ url }, concurrency) {
    const worker = createWorker('email', noopEmailProcessor, { redisUrl: url, prefix: PREFIX, concurrency });
    return { worker, close: () => worker.close() };
  },
  runtime: runtimeVariant(),
  // Every job sampled, its spans exported over OTLP/HTTP protobuf to a receiver in this process.
  traced: runtimeVariant({ OTEL_EXPORTER_OTLP_ENDPOINT: tracesTo }),
});

/**
 * Jobs per second drained by one worker: the queue is filled while paused, the worker started and
 * idle, then the clock runs from `resume()` to the last `completed` event. The jobs are the same for
 * every variant (written by `createQueue`, as production does), so only the worker differs.
 */
async function drain({ redis }: BenchContext, variant: WorkerVariant, concurrency: number, jobs: number): Promise<Drained> {
  await redis.flush();
  const queue = createQueue('email', { redisUrl: redis.url, prefix: PREFIX });
  try {
    await queue.pause();
    for (let added = 0; added < jobs; added += FILL_BATCH) {
      const batch = Math.min(FILL_BATCH, jobs - added);
      await queue.addBulk(Array.from({ length: batch }, () => ({ name: 'welcome', data: EMAIL })));
    }
    const started = await variant(redis, concurrency);
    try {
      await started.worker.waitUntilReady();
      let completed = 0;
      const finished = new Promise<void>((resolve, reject) => {
        started.worker.on('completed', () => {
          if (++completed === jobs) resolve();
        });
        started.worker.on('failed', (job, error) => reject(new Error(`job ${job?.id} failed: ${error.message}`)));
      });
      const clock = performance.now();
      const cpu = process.cpuUsage();
      await queue.resume();
      await finished;
      const { user, system } = process.cpuUsage(cpu);
      return { rate: jobs / ((performance.now() - clock) / 1_000), cpuUs: (user + system) / jobs };
    } finally {
      await started.close();
    }
  } finally {
    await queue.close();
  }
}

/** `createWorker` and the full runtime (`startWorker`: logs, metrics, cancellation) beside a raw BullMQ `Worker`. */
export async function measureWorkers(context: BenchContext): Promise<Row[]> {
  const { settings, log } = context;
  const rows: Row[] = [];
  const target = 0.9;
  const receiver = await OtlpReceiver.start();
  const all = variants(receiver.url);
  try {
    for (const concurrency of settings.workerConcurrencies) {
      log(`workers: concurrency ${concurrency}, ${settings.rounds} rounds of ${settings.workerJobs} jobs per variant`);
      const jobs = settings.workerJobs;
      // Warm-up: V8 needs a few thousand jobs to optimise each variant's hot path.
      for (const variant of Object.values(all)) await drain(context, variant, concurrency, jobs);
      const cpu = { raw: [] as number[], ours: [] as number[], runtime: [] as number[], traced: [] as number[] };
      const measure = (name: keyof typeof all) => async () => {
        const drained = await drain(context, all[name], concurrency, jobs);
        cpu[name].push(drained.cpuUs);
        return drained.rate;
      };
      const rounds = await alternate(settings.rounds, {
        raw: measure('raw'),
        ours: measure('ours'),
        runtime: measure('runtime'),
        traced: measure('traced'),
      });
      const [raw, ours, runtime, traced] = [
        median(rounds.raw),
        median(rounds.ours),
        median(rounds.runtime),
        median(rounds.traced),
      ];
      const cpuDetail = (name: keyof typeof all) => `${Math.round(median(cpu[name]))} µs CPU/job`;
      rows.push(
        {
          id: `worker-c${concurrency}`,
          label: `Worker, no-op, concurrency ${concurrency}: \`createWorker\` vs BullMQ \`Worker\``,
          unit: 'jobs/s',
          ours,
          beside: raw,
          ratio: ours / raw,
          target: `≥ ${target}`,
          met: ours / raw >= target,
          rounds: { ours: rounds.ours, beside: rounds.raw },
          detail: { ours: cpuDetail('ours'), beside: cpuDetail('raw') },
        },
        {
          id: `worker-runtime-c${concurrency}`,
          label: `↳ \`startWorker\` (runtime: info logs, metrics) vs BullMQ \`Worker\`, concurrency ${concurrency}`,
          unit: 'jobs/s',
          ours: runtime,
          beside: raw,
          ratio: runtime / raw,
          rounds: { ours: rounds.runtime, beside: rounds.raw },
          detail: { ours: cpuDetail('runtime'), beside: cpuDetail('raw') },
        },
        {
          id: `worker-traced-c${concurrency}`,
          label: `↳ \`startWorker\` with tracing on (every job sampled, OTLP/HTTP to a local receiver) vs off, concurrency ${concurrency}`,
          unit: 'jobs/s',
          ours: traced,
          beside: runtime,
          ratio: traced / runtime,
          rounds: { ours: rounds.traced, beside: rounds.runtime },
          detail: { ours: cpuDetail('traced'), beside: cpuDetail('runtime') },
        },
      );
    }
  } finally {
    await receiver.close();
  }
  return rows;
}
