import { once } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import type { EmailResult } from '@nightshift/contracts';
import { createQueue, createWorker } from '@nightshift/jobs';
import { startWorker } from '@nightshift/worker-runtime';
import { Queue, Worker } from 'bullmq';
import type { BenchContext } from '../context.js';
import { benchWorkerEnv, discardingLogger, EMAIL, EMAIL_RESULT } from '../fixtures.js';
import type { Row } from '../report.js';
import { percentile } from '../stats.js';

const PREFIX = '{bench-latency}';
/** Long enough after a completion for the worker to be back in its blocking wait: the idle case. */
const SETTLE_MS = 10;
const WARM_UP_JOBS = 5;

/** The processor reports when it starts; the bench awaits it. */
class StartProbe {
  private resolve: ((at: number) => void) | undefined;

  readonly processor = async (): Promise<EmailResult> => {
    this.resolve?.(performance.now());
    return EMAIL_RESULT;
  };

  next(): Promise<number> {
    return new Promise((resolve) => {
      this.resolve = resolve;
    });
  }
}

interface Pair {
  add(): Promise<unknown>;
  worker: Worker;
  close(): Promise<unknown>;
}

type PairVariant = (redis: { url: string; port: number }, probe: StartProbe) => Promise<Pair>;

const pairs: Record<'raw' | 'ours' | 'runtime', PairVariant> = {
  async raw({ port }, probe) {
    const queue = new Queue('email', { connection: { host: '127.0.0.1', port }, prefix: PREFIX });
    const worker = new Worker('email', probe.processor, {
      connection: { host: '127.0.0.1', port, maxRetriesPerRequest: null },
      prefix: PREFIX,
    });
    return { add: () => queue.add('welcome', EMAIL), worker, close: () => Promise.all([worker.close(), queue.close()]) };
  },
  async ours({ url }, probe) {
    const queue = createQueue('email', { redisUrl: url, prefix: PREFIX });
    const worker = createWorker('email', probe.processor, { redisUrl: url, prefix: PREFIX });
    return { add: () => queue.add('welcome', EMAIL), worker, close: () => Promise.all([worker.close(), queue.close()]) };
  },
  async runtime({ url }, probe) {
    const queue = createQueue('email', { redisUrl: url, prefix: PREFIX });
    const running = await startWorker({
      queue: 'email',
      processor: probe.processor,
      env: benchWorkerEnv(url, PREFIX, 1),
      logger: discardingLogger(),
      defaultConcurrency: 1,
    });
    return {
      add: () => queue.add('welcome', EMAIL),
      worker: running.worker,
      close: () => Promise.all([running.close(), queue.close()]),
    };
  },
};

/** Milliseconds from calling `add` to the processor starting, one job at a time onto an idle worker. */
async function sample({ redis }: BenchContext, variant: PairVariant, samples: number): Promise<number[]> {
  await redis.flush();
  const probe = new StartProbe();
  const pair = await variant(redis, probe);
  try {
    await pair.worker.waitUntilReady();
    const latencies: number[] = [];
    for (let i = 0; i < WARM_UP_JOBS + samples; i++) {
      await sleep(SETTLE_MS);
      const completed = once(pair.worker, 'completed');
      const started = probe.next();
      const clock = performance.now();
      await pair.add();
      const startedAt = await started;
      await completed;
      if (i >= WARM_UP_JOBS) latencies.push(startedAt - clock);
    }
    return latencies;
  } finally {
    await pair.close();
  }
}

/** Enqueue-to-start latency at idle, p50 and p99 over every round's samples pooled. */
export async function measureLatency(context: BenchContext): Promise<Row[]> {
  const { settings, log } = context;
  log(`latency: ${settings.rounds} rounds of ${settings.latencySamples} jobs per variant`);
  const pooled = { raw: [] as number[], ours: [] as number[], runtime: [] as number[] };
  const names = Object.keys(pooled) as (keyof typeof pooled)[];
  for (let round = 0; round < settings.rounds; round++) {
    for (let i = 0; i < names.length; i++) {
      const name = names[(round + i) % names.length] as keyof typeof pooled;
      pooled[name].push(...(await sample(context, pairs[name], settings.latencySamples)));
    }
  }
  const rows: Row[] = [];
  const targetMs = 5;
  for (const p of [50, 99]) {
    const [raw, ours, runtime] = [percentile(pooled.raw, p), percentile(pooled.ours, p), percentile(pooled.runtime, p)];
    rows.push(
      {
        id: `latency-p${p}`,
        label: `Enqueue → start at idle, p${p}: \`createQueue\` + \`createWorker\` vs raw BullMQ`,
        unit: 'ms',
        ours,
        beside: raw,
        ratio: ours / raw,
        ...(p === 99 ? { target: `< ${targetMs} ms`, met: ours < targetMs } : {}),
      },
      {
        id: `latency-runtime-p${p}`,
        label: `↳ \`createQueue\` + \`startWorker\` vs raw BullMQ, p${p}`,
        unit: 'ms',
        ours: runtime,
        beside: raw,
        ratio: runtime / raw,
        ...(p === 99 ? { target: `< ${targetMs} ms`, met: runtime < targetMs } : {}),
      },
    );
  }
  return rows;
}
