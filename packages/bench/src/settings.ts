/** How much work each measurement does. The smoke settings only prove that every path still runs. */
export interface BenchSettings {
  mode: 'full' | 'smoke';
  /** Each measurement is repeated this many times, ours and raw alternating; medians are reported. */
  rounds: number;
  /** Seconds of load per round for the enqueue rows (autocannon and the in-process adds). */
  enqueueSeconds: number;
  /** Jobs drained per round by each worker variant. */
  workerJobs: number;
  workerConcurrencies: readonly number[];
  /** Jobs, one at a time onto an idle worker, per round. */
  latencySamples: number;
  /** Jobs taken from enqueue to completion while Redis counts commands. */
  commandJobs: number;
  /** Images per round, bare and through the queue. */
  images: number;
  /** Report sizes in rows, each rendered as PDF and XLSX; and the rounds per size (the largest take a while). */
  reportRows: readonly number[];
  reportRounds: number;
  /** No-op jobs per peer measurement (enqueued singly, drained; enqueued in bulk, drained), the two drain concurrencies, and the rounds. */
  peerJobs: number;
  peerConcurrencies: readonly [number, number];
  peerRounds: number;
  /** Jobs per system in the warm-up before the peer rounds; 0 for none. */
  peerWarmUpJobs: number;
  /** Jobs, one at a time onto an idle worker, per peer and round. */
  peerLatencySamples: number;
  /** A drain stops here: settings that poll every few seconds would otherwise take hours. */
  peerDrainSeconds: number;
  /** Issue 21's targets: no-op jobs drained per system and round at one concurrency, each system with its defaults. */
  targetJobs: number;
  targetConcurrency: number;
  targetRounds: number;
  /** Jobs waiting in the queue while the API's enqueue rate and a worker's processing rate are taken. */
  depths: readonly number[];
  /** Jobs the API enqueues, then the worker processes, at each depth and round. */
  depthJobs: number;
  /** Worker processes per point of the scale curves, the rounds (each starts every process anew), and the jobs (no-op) and images drained per point. */
  scaleProcesses: readonly number[];
  scaleRounds: number;
  scaleJobs: number;
  scaleImages: number;
  /** Requests per `redis-benchmark` run. */
  redisRequests: number;
  /** Pin Redis and this process (with its children) to different cores where `taskset` exists. */
  pinning: 'all' | 'redis-only';
}

export const FULL: BenchSettings = {
  mode: 'full',
  rounds: 5,
  enqueueSeconds: 5,
  workerJobs: 10_000,
  workerConcurrencies: [1, 10, 100],
  latencySamples: 100,
  commandJobs: 500,
  images: 30,
  reportRows: [1_000, 10_000, 100_000],
  reportRounds: 3,
  peerJobs: 20_000,
  peerConcurrencies: [10, 100],
  peerRounds: 3,
  peerWarmUpJobs: 1_000,
  peerLatencySamples: 20,
  peerDrainSeconds: 10,
  targetJobs: 10_000,
  targetConcurrency: 50,
  targetRounds: 5,
  depths: [1_000, 10_000, 100_000],
  depthJobs: 2_000,
  scaleProcesses: [1, 2, 4],
  // One round: each point starts its processes anew, which takes minutes on a loaded 2-core machine.
  scaleRounds: 1,
  scaleJobs: 10_000,
  scaleImages: 30,
  redisRequests: 100_000,
  pinning: 'all',
};

/** For the test suite: tiny counts, one round, and this process left unpinned (vitest reuses it). */
export const SMOKE: BenchSettings = {
  mode: 'smoke',
  rounds: 1,
  // Long enough for one bulk request of each of its few connections to finish on a loaded runner.
  enqueueSeconds: 1.5,
  workerJobs: 50,
  workerConcurrencies: [1, 10],
  latencySamples: 5,
  commandJobs: 100,
  images: 1,
  reportRows: [20],
  reportRounds: 1,
  peerJobs: 50,
  peerConcurrencies: [10, 100],
  peerRounds: 1,
  peerWarmUpJobs: 0,
  peerLatencySamples: 1,
  peerDrainSeconds: 1,
  targetJobs: 50,
  targetConcurrency: 50,
  targetRounds: 1,
  depths: [10, 100],
  depthJobs: 20,
  scaleProcesses: [1, 2],
  scaleRounds: 1,
  scaleJobs: 30,
  scaleImages: 2,
  redisRequests: 2_000,
  pinning: 'redis-only',
};
