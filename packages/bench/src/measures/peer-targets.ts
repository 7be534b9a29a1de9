import { BenchPostgres } from '../bench-postgres.js';
import type { BenchContext } from '../context.js';
import type { Row } from '../report.js';
import { median } from '../stats.js';
import { nightshiftWithBullmqJobDefaults, type PeerBackends, type PeerSystem, peerSystems } from './peer-systems.js';
import { drain, inSession, withInstance } from './peers.js';

const FILL_BATCH = 1_000;

/**
 * Each system as a new user sets it up: Nightshift's two paths, and every peer with its recommended
 * settings; then the two that split the gap to raw BullMQ into the layer and the job defaults.
 */
const contenders = [
  'nightshift',
  'nightshift-runtime',
  'bullmq',
  'bee-queue',
  'pg-boss',
  'graphile-worker',
  'nightshift-bullmq-job-defaults',
  'bullmq-fast',
] as const;
type Contender = (typeof contenders)[number];

/** Nightshift's path, the peer, and the least ratio of their rates issue 21 asks for; rows without one explain a gap. */
const targets: readonly { ours: Contender; peer: Contender; atLeast?: number }[] = [
  { ours: 'nightshift', peer: 'bee-queue', atLeast: 1.0 },
  { ours: 'nightshift', peer: 'bullmq', atLeast: 1.1 },
  { ours: 'nightshift-runtime', peer: 'bullmq', atLeast: 1.1 },
  { ours: 'nightshift', peer: 'pg-boss', atLeast: 1.0 },
  { ours: 'nightshift-runtime', peer: 'pg-boss', atLeast: 1.0 },
  { ours: 'nightshift', peer: 'graphile-worker', atLeast: 1.0 },
  { ours: 'nightshift-runtime', peer: 'graphile-worker', atLeast: 1.0 },
  { ours: 'nightshift-bullmq-job-defaults', peer: 'bullmq' },
  { ours: 'nightshift', peer: 'nightshift-bullmq-job-defaults' },
  { ours: 'bullmq-fast', peer: 'bullmq' },
];

const label: Record<Contender, string> = {
  nightshift: 'Nightshift library (`createQueue` + `createWorker`)',
  'nightshift-runtime': 'Nightshift production (`startWorker`: info logs, metrics)',
  bullmq: 'BullMQ, defaults',
  'bee-queue': 'bee-queue, recommended settings',
  'pg-boss': 'pg-boss, defaults',
  'graphile-worker': 'graphile-worker, defaults',
  'nightshift-bullmq-job-defaults':
    'Nightshift library with BullMQ’s job defaults (`defaultJobOptions`: one attempt, every finished job kept): the layer alone',
  'bullmq-fast': 'BullMQ, `removeOnComplete` and `removeOnFail: true` (its fastest: no finished job kept)',
};

/**
 * Issue 21's targets, as a new user meets each system: a queue of no-op jobs filled in bulk, then
 * drained by one worker at one concurrency with each system's defaults. Each round runs every system
 * on one backend once (the first one rotating); the ratio is the median of the rounds' own ratios,
 * so drift between rounds on a shared machine cancels.
 */
export async function measurePeerTargets(context: BenchContext): Promise<Row[]> {
  const { settings, redis, log } = context;
  const { targetJobs: jobs, targetConcurrency: concurrency, targetRounds: rounds } = settings;
  const systems = new Map(
    contenders.map((id) => {
      const system = [...peerSystems, nightshiftWithBullmqJobDefaults].find((candidate) => candidate.id === id);
      if (!system) throw new Error(`peerSystems has no ${id}`);
      return [id, system] as const;
    }),
  );
  const postgres = await BenchPostgres.start();
  const backends: PeerBackends = { redis, postgres };
  const rates = new Map<Contender, number[]>(contenders.map((id) => [id, []]));
  const cpu = new Map<Contender, number[]>(contenders.map((id) => [id, []]));
  const backendCpu = new Map<Contender, number[]>(contenders.map((id) => [id, []]));
  const measure = (system: PeerSystem, count: number) =>
    withInstance(system, backends, (instance) =>
      inSession(instance, async (session) => {
        for (let added = 0; added < count; added += FILL_BATCH) await session.addBulk(Math.min(FILL_BATCH, count - added));
        return drain(system, backends, session, concurrency, count, settings.peerDrainSeconds);
      }),
    );
  try {
    if (settings.peerWarmUpJobs > 0) {
      for (const id of contenders) await measure(systems.get(id) as PeerSystem, settings.peerWarmUpJobs);
    }
    // Every Redis round first, then the PostgreSQL ones: PostgreSQL is not pinned, and its work after
    // a drain (vacuuming the deleted jobs, checkpoints) must not land in the Redis rows, the close ratios.
    for (const backend of ['redis', 'postgres'] as const) {
      const group = contenders.filter((id) => (systems.get(id) as PeerSystem).backend === backend);
      for (let round = 0; round < rounds; round++) {
        for (let i = 0; i < group.length; i++) {
          const id = group[(round + i) % group.length] as Contender;
          log(`peer targets: round ${round + 1}/${rounds}, ${id}`);
          const step = await measure(systems.get(id) as PeerSystem, jobs);
          rates.get(id)?.push(step.rate);
          cpu.get(id)?.push(step.cpuUs);
          backendCpu.get(id)?.push(step.backendCpuUs ?? Number.NaN);
        }
      }
    }
  } finally {
    await postgres.stop();
  }
  const cpuDetail = (id: Contender) => {
    const backend = (systems.get(id) as PeerSystem).backend === 'redis' ? 'Redis' : 'PostgreSQL';
    return `${Math.round(median(cpu.get(id) ?? []))} µs CPU/job + ${backend} ${Math.round(median(backendCpu.get(id) ?? []))}`;
  };
  return targets.map(({ ours, peer, atLeast }) => {
    const oursRates = rates.get(ours) ?? [];
    const peerRates = rates.get(peer) ?? [];
    const ratio = median(oursRates.map((rate, round) => rate / (peerRates[round] ?? Number.NaN)));
    return {
      id: `target-${ours}-vs-${peer}`,
      label: `${jobs.toLocaleString('en-US')} no-op jobs at concurrency ${concurrency}: ${label[ours]} vs ${label[peer]}`,
      unit: 'jobs/s',
      ours: median(oursRates),
      beside: median(peerRates),
      ratio,
      ...(atLeast === undefined ? {} : { target: `≥ ${atLeast.toFixed(1)}`, met: ratio >= atLeast }),
      rounds: { ours: oursRates, beside: peerRates },
      detail: { ours: cpuDetail(ours), beside: cpuDetail(peer) },
      note: 'ratio: the median of the rounds’ own ratios',
    };
  });
}
