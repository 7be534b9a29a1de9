import { OtlpReceiver } from '@nightshift/test-support';
import { ApiServer } from './api-server.js';
import { BenchRedis } from './bench-redis.js';
import type { BenchContext } from './context.js';
import { type CorePlan, pinProcess, planCores } from './cpu-pinning.js';
import { describeMachine, LoadSampler } from './machine.js';
import { measureCommands } from './measures/commands-per-job.js';
import { measureDepth } from './measures/depth.js';
import { measureEnqueue } from './measures/enqueue.js';
import { measureLatency } from './measures/enqueue-latency.js';
import { measureImage } from './measures/image-job.js';
import { measurePeerTargets } from './measures/peer-targets.js';
import { measurePeers } from './measures/peers.js';
import { measureRedisCeiling } from './measures/redis-ceiling.js';
import { measureReports } from './measures/reports.js';
import { measureScale } from './measures/scale.js';
import { measureWorkers } from './measures/worker-throughput.js';
import type { BenchReport, CommandBreakdown, ExtraCommand, PeerSummary, Row } from './report.js';
import type { BenchSettings } from './settings.js';

export const measurementNames = [
  'enqueue',
  'workers',
  'commands',
  'latency',
  'peers',
  'targets',
  'depth',
  'image',
  'reports',
  'scale',
  'redis',
] as const;
export type MeasurementName = (typeof measurementNames)[number];

export interface RunOptions {
  /** A subset, e.g. to profile one path; all by default. */
  only?: readonly MeasurementName[];
  serverNodeArgs?: readonly string[];
  log?: (message: string) => void;
}

/**
 * Starts a Redis of the bench's own, pins it and this process apart, runs every measurement
 * (ours beside what it wraps, alternating, several rounds) and returns the report.
 */
export async function runBench(settings: BenchSettings, options: RunOptions = {}): Promise<BenchReport> {
  const log = options.log ?? (() => {});
  const wanted = new Set(options.only ?? measurementNames);
  const started = performance.now();
  const load = new LoadSampler();
  const redis = await BenchRedis.start();
  let api: ApiServer | undefined;
  let tracedApi: ApiServer | undefined;
  let receiver: OtlpReceiver | undefined;
  try {
    const plan = await planCores();
    if (plan) await pin(plan, settings, await redis.pid());
    const context: BenchContext = { settings, redis, log, serverNodeArgs: options.serverNodeArgs ?? [], redisCores: plan?.redis };
    const rows: Row[] = [];
    const notes: string[] = [];
    let commands: CommandBreakdown[] = [];
    let extraCommands: ExtraCommand[] = [];
    let peers: PeerSummary[] = [];

    if (wanted.has('enqueue') || wanted.has('commands') || wanted.has('depth')) {
      log('starting the API');
      api = await ApiServer.start(redis.url, context.serverNodeArgs);
    }
    if (api && wanted.has('enqueue')) {
      receiver = await OtlpReceiver.start();
      tracedApi = await ApiServer.start(redis.url, context.serverNodeArgs, { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url });
      rows.push(...(await measureEnqueue(context, api, tracedApi)));
    }
    if (wanted.has('workers')) rows.push(...(await measureWorkers(context)));
    if (api && wanted.has('commands')) {
      const counted = await measureCommands(context, api);
      rows.push(...counted.rows);
      commands = counted.commands;
      extraCommands = counted.extras;
    }
    if (wanted.has('latency')) rows.push(...(await measureLatency(context)));
    if (wanted.has('peers')) peers = await measurePeers(context);
    if (wanted.has('targets')) rows.push(...(await measurePeerTargets(context)));
    if (api && wanted.has('depth')) rows.push(...(await measureDepth(context, api)));
    if (wanted.has('image')) rows.push(...(await measureImage(context)));
    if (wanted.has('reports')) rows.push(...(await measureReports(context)));
    if (wanted.has('scale')) rows.push(...(await measureScale(context)));
    if (wanted.has('redis')) rows.push(...(await measureRedisCeiling(context)));

    if (!plan) notes.push('Not pinned: fewer than 2 cores or no `taskset`, so Redis and the load generator shared cores.');
    else if (settings.pinning === 'redis-only') notes.push('Only Redis pinned (smoke mode runs inside vitest).');
    return {
      date: new Date().toISOString(),
      mode: settings.mode,
      durationSeconds: Math.round((performance.now() - started) / 100) / 10,
      rounds: settings.rounds,
      machine: describeMachine(await redis.info('redis_version')),
      load: load.stop(),
      pinning: plan ? { redis: plan.redis, node: settings.pinning === 'all' ? plan.node : [] } : 'none',
      rows,
      commands,
      extraCommands,
      peers,
      ...(peers.length > 0
        ? {
            peerSetup: {
              jobs: settings.peerJobs,
              concurrencies: settings.peerConcurrencies,
              rounds: settings.peerRounds,
              drainLimitSeconds: settings.peerDrainSeconds,
            },
          }
        : {}),
      notes,
    };
  } finally {
    load.stop();
    await api?.stop();
    await tracedApi?.stop();
    await receiver?.close();
    await redis.stop();
  }
}

async function pin(plan: CorePlan, settings: BenchSettings, redisPid: number): Promise<void> {
  await pinProcess(redisPid, plan.redis);
  // Before any server or worker starts, so every child and thread inherits the mask.
  if (settings.pinning === 'all') await pinProcess(process.pid, plan.node);
}
