import { setTimeout as sleep } from 'node:timers/promises';
import { BenchPostgres, backendCpuSpent } from '../bench-postgres.js';
import type { BenchContext } from '../context.js';
import type { PeerFigure, PeerMeasure, PeerSummary } from '../report.js';
import { median, percentile } from '../stats.js';
import {
  type PeerBackends,
  type PeerInstance,
  type PeerSession,
  type PeerSystem,
  peerSystems,
  type WorkHooks,
} from './peer-systems.js';

const IN_FLIGHT = 64;
const BULK_BATCH = 1_000;
/** Long enough after a completion for the worker to be back in its wait for work: the idle case. */
const SETTLE_MS = 10;

/** One measurement of one system: its rate, and the CPU it and its backend spent per job. */
interface Step {
  rate: number;
  cpuUs: number;
  backendCpuUs?: number;
  /** A drain stopped by the time limit before every job was done. */
  limited?: boolean;
}

/** CPU of this process and of the system's backend (Redis, or the bench database's PostgreSQL backends) across a step. */
async function meter(system: PeerSystem, { redis, postgres }: PeerBackends) {
  const readBackend = async () => (system.backend === 'redis' ? redis.cpuSeconds() : postgres.backendCpu());
  const backendBefore = await readBackend();
  const cpu = process.cpuUsage();
  return async (jobs: number): Promise<Omit<Step, 'rate'>> => {
    const { user, system: sys } = process.cpuUsage(cpu);
    const backendAfter = await readBackend();
    const backendSeconds =
      typeof backendBefore === 'number' && typeof backendAfter === 'number'
        ? backendAfter - backendBefore
        : backendCpuSpent(backendBefore as Map<number, number>, backendAfter as Map<number, number>);
    return { cpuUs: (user + sys) / jobs, backendCpuUs: (backendSeconds * 1e6) / jobs };
  };
}

async function enqueueSingly(system: PeerSystem, backends: PeerBackends, session: PeerSession, jobs: number): Promise<Step> {
  const cost = await meter(system, backends);
  const clock = performance.now();
  let issued = 0;
  await Promise.all(
    Array.from({ length: IN_FLIGHT }, async () => {
      while (issued < jobs) {
        issued++;
        await session.add();
      }
    }),
  );
  const rate = jobs / ((performance.now() - clock) / 1_000);
  return { rate, ...(await cost(jobs)) };
}

async function enqueueInBulk(system: PeerSystem, backends: PeerBackends, session: PeerSession, jobs: number): Promise<Step> {
  const cost = await meter(system, backends);
  const clock = performance.now();
  for (let added = 0; added < jobs; added += BULK_BATCH) await session.addBulk(Math.min(BULK_BATCH, jobs - added));
  const rate = jobs / ((performance.now() - clock) / 1_000);
  return { rate, ...(await cost(jobs)) };
}

/**
 * Jobs per second from starting a worker on a queue of `jobs` waiting to its last completion, or
 * to the time limit, for settings that poll too slowly to drain the queue in a run's time.
 */
export async function drain(
  system: PeerSystem,
  backends: PeerBackends,
  session: PeerSession,
  concurrency: number,
  jobs: number,
  limitSeconds: number,
): Promise<Step> {
  let completed = 0;
  let fail: (error: Error) => void = () => {};
  let finish: () => void = () => {};
  const finished = new Promise<void>((resolve, reject) => {
    finish = resolve;
    fail = reject;
  });
  const hooks: WorkHooks = {
    started: () => {},
    completed: () => {
      if (++completed === jobs) finish();
    },
    failed: (error) => fail(new Error(`${system.id}: a job failed: ${error.message}`)),
  };
  // A failure after the race is over has nobody left to tell.
  finished.catch(() => {});
  const cost = await meter(system, backends);
  const limit = new AbortController();
  const clock = performance.now();
  const worker = await session.work(concurrency, hooks);
  try {
    await Promise.race([finished, sleep(limitSeconds * 1_000, undefined, { signal: limit.signal }).catch(() => {})]);
    const done = completed;
    const rate = done / ((performance.now() - clock) / 1_000);
    return { rate, ...(await cost(Math.max(done, 1))), limited: done < jobs };
  } finally {
    limit.abort();
    await worker.close();
  }
}

/** Milliseconds from `add` to the processor starting, one job at a time onto an idle worker (after one warm-up job). */
async function latency(session: PeerSession, samples: number): Promise<number[]> {
  let onStart: () => void = () => {};
  let onComplete: () => void = () => {};
  let fail: (error: Error) => void = () => {};
  const worker = await session.work(1, {
    started: () => onStart(),
    completed: () => onComplete(),
    failed: (error) => fail(error),
  });
  try {
    const latencies: number[] = [];
    for (let i = 0; i < 1 + samples; i++) {
      await sleep(SETTLE_MS);
      let startedAt = 0;
      const completed = new Promise<void>((resolve, reject) => {
        onStart = () => {
          startedAt = performance.now();
        };
        onComplete = resolve;
        fail = reject;
      });
      const clock = performance.now();
      await session.add();
      await completed;
      if (i > 0) latencies.push(startedAt - clock);
    }
    return latencies;
  } finally {
    await worker.close();
  }
}

/** Runs `work` on a system started for it, stopped after whatever happens. */
export async function withInstance<T>(
  system: PeerSystem,
  backends: PeerBackends,
  work: (instance: PeerInstance) => Promise<T>,
): Promise<T> {
  const instance = await system.start(backends);
  try {
    return await work(instance);
  } finally {
    await instance.close();
  }
}

/** Runs `work` on a fresh queue of `instance`, emptied after whatever happens. */
export async function inSession<T>(instance: PeerInstance, work: (session: PeerSession) => Promise<T>): Promise<T> {
  const session = await instance.session();
  try {
    return await work(session);
  } finally {
    await session.close();
  }
}

const measures: readonly PeerMeasure[] = ['enqueue', 'enqueueBulk', 'drainLow', 'drainHigh', 'latencyP50', 'latencyP99'];

/**
 * Nightshift beside the job systems a user would pick instead, each with its recommended settings
 * and with the settings that make it fastest: the same no-op jobs enqueued singly (64 in flight)
 * and in bulk, drained at two concurrencies, and the enqueue-to-start latency at idle.
 */
export async function measurePeers(context: BenchContext): Promise<PeerSummary[]> {
  const { settings, redis, log } = context;
  const [low, high] = settings.peerConcurrencies;
  const jobs = settings.peerJobs;
  const postgres = await BenchPostgres.start();
  const backends: PeerBackends = { redis, postgres };
  const steps = new Map(peerSystems.map((system) => [system.id, new Map<PeerMeasure, Step[]>()]));
  const latencies = new Map(peerSystems.map((system) => [system.id, [] as number[]]));
  const record = (system: PeerSystem, measure: PeerMeasure, step: Step) => {
    const bySystem = steps.get(system.id);
    bySystem?.set(measure, [...(bySystem.get(measure) ?? []), step]);
  };
  /** Every measurement of one system, in order, on a fresh queue each; `keep` false for the warm-up. */
  const measureSystem = async (system: PeerSystem, count: number, samples: number, keep: boolean) => {
    const keepStep = (measure: PeerMeasure, step: Step) => keep && record(system, measure, step);
    await withInstance(system, backends, async (instance) => {
      await inSession(instance, async (session) => {
        keepStep('enqueue', await enqueueSingly(system, backends, session, count));
        keepStep('drainLow', await drain(system, backends, session, low, count, settings.peerDrainSeconds));
      });
      await inSession(instance, async (session) => {
        keepStep('enqueueBulk', await enqueueInBulk(system, backends, session, count));
        keepStep('drainHigh', await drain(system, backends, session, high, count, settings.peerDrainSeconds));
      });
      const sampled = await inSession(instance, (session) => latency(session, samples));
      if (keep) latencies.get(system.id)?.push(...sampled);
    });
  };
  try {
    if (settings.peerWarmUpJobs > 0) {
      // V8 optimises each system's hot path, and each pool fills, before anything is counted.
      for (const system of peerSystems) {
        log(`peers: warming up ${system.id}`);
        await measureSystem(system, settings.peerWarmUpJobs, 1, false);
      }
    }
    for (let round = 0; round < settings.peerRounds; round++) {
      for (let i = 0; i < peerSystems.length; i++) {
        // The first system rotates, so drift on a shared machine hits all alike.
        const system = peerSystems[(round + i) % peerSystems.length] as PeerSystem;
        log(`peers: round ${round + 1}/${settings.peerRounds}, ${system.id}`);
        await measureSystem(system, jobs, settings.peerLatencySamples, true);
      }
    }
  } finally {
    await postgres.stop();
  }

  const figure = (system: PeerSystem, measure: PeerMeasure): Omit<PeerFigure, 'ratio'> => {
    if (measure === 'latencyP50' || measure === 'latencyP99') {
      const pooled = latencies.get(system.id) ?? [];
      return { value: percentile(pooled, measure === 'latencyP50' ? 50 : 99), rounds: pooled };
    }
    const taken = steps.get(system.id)?.get(measure) ?? [];
    const backend = taken.flatMap((step) => (step.backendCpuUs === undefined ? [] : [step.backendCpuUs]));
    return {
      value: median(taken.map((step) => step.rate)),
      cpuUs: median(taken.map((step) => step.cpuUs)),
      ...(backend.length > 0 ? { backendCpuUs: median(backend) } : {}),
      ...(taken.some((step) => step.limited) ? { limited: true } : {}),
      rounds: taken.map((step) => step.rate),
    };
  };
  const [ours] = peerSystems;
  if (!ours) throw new Error('peerSystems lists no system');
  const oursFigures = Object.fromEntries(measures.map((measure) => [measure, figure(ours, measure)]));
  return peerSystems.map((system) => ({
    id: system.id,
    system: system.system,
    settings: system.settings,
    backend: system.backend === 'redis' ? 'Redis' : 'PostgreSQL',
    figures: Object.fromEntries(
      measures.map((measure) => {
        const own = figure(system, measure);
        const nightshift = oursFigures[measure]?.value ?? Number.NaN;
        return [measure, system === ours ? own : { ...own, ratio: nightshift / own.value }];
      }),
    ) as Record<PeerMeasure, PeerFigure>,
  }));
}
