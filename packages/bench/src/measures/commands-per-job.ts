import type { EmailResult } from '@nightshift/contracts';
import { createQueue, createWorker } from '@nightshift/jobs';
import { startWorker } from '@nightshift/worker-runtime';
import { Queue, Worker } from 'bullmq';
import { type ApiServer, apiHeaders } from '../api-server.js';
import type { BenchContext } from '../context.js';
import { benchWorkerEnv, discardingLogger, EMAIL, noopEmailProcessor } from '../fixtures.js';
import type { CommandBreakdown, ExtraCommand, Row } from '../report.js';

const IN_FLIGHT = 8;
/** Below this many extra calls per job a difference is noise (a stalled-job check falling in the window). */
const NOISE_PER_JOB = 0.05;

interface Pipeline {
  add(): Promise<unknown>;
  /** Pauses and resumes the queue the worker consumes. */
  queue: Queue;
  worker: Worker;
  close(): Promise<unknown>;
}

/**
 * Why a command may run more often per job on our path than on raw BullMQ's. Commands inside
 * BullMQ's Lua scripts count too (`INFO commandstats` counts them), so each reason names what
 * asks for them.
 */
export const EXTRA_COMMAND_REASONS: Record<string, string> = {
  // Our default retention, `removeOnComplete: { age: 3600, count: 10000 }` (raw BullMQ keeps every completed job forever):
  zrevrangebyscore: 'retention: on completion BullMQ lists the completed jobs older than the age kept (removeJobsByMaxAge)',
  zrevrange: 'retention: on completion BullMQ lists the completed jobs beyond the newest it keeps (removeJobsByMaxCount)',
  zremrangebyrank: 'retention: trims the completed set to the newest it keeps',
  del: 'retention: deletes each completed job past the age or count kept, so Redis memory stays bounded instead of growing per job',
  hmget:
    "the API's suppression check: one HMGET for the recipients of the email requests an API process receives in one turn of its event loop (retention also reads a removed job's parent and deduplication fields with it)",
  // The API's `POST`:
  incrby:
    "the API's rate limit, kept in Redis so every API instance spends one budget per token: one count per token for the requests an API process receives in one turn of its event loop",
  evalsha:
    "the API's rate limit: the script that counts a turn's requests of one token and reads the window, one call per token and turn",
  pttl: "the API's rate limit: the time left in the token's window, for the rate-limit headers",
  pexpire: "the API's rate limit: starts a token's window on its first request in it",
  exists: "the API adds under its own UUID job id (not BullMQ's guessable counter), so BullMQ's add script checks the id is free",
};

async function rawPipeline(redisPort: number, prefix: string, concurrency: number): Promise<Pipeline> {
  const connection = { host: '127.0.0.1', port: redisPort };
  const queue = new Queue('email', { connection, prefix });
  const worker = new Worker<unknown, EmailResult>('email', noopEmailProcessor, {
    connection: { ...connection, maxRetriesPerRequest: null },
    prefix,
    concurrency,
  });
  return { add: () => queue.add('welcome', EMAIL), queue, worker, close: () => Promise.all([worker.close(), queue.close()]) };
}

async function libraryPipeline(redisUrl: string, prefix: string, concurrency: number): Promise<Pipeline> {
  const queue = createQueue('email', { redisUrl, prefix });
  const worker = createWorker('email', noopEmailProcessor, { redisUrl, prefix, concurrency });
  return { add: () => queue.add('welcome', EMAIL), queue, worker, close: () => Promise.all([worker.close(), queue.close()]) };
}

async function apiPipeline(redisUrl: string, api: ApiServer, concurrency: number): Promise<Pipeline> {
  const running = await startWorker({
    queue: 'email',
    processor: noopEmailProcessor,
    env: benchWorkerEnv(redisUrl, api.prefix, concurrency),
    logger: discardingLogger(),
    defaultConcurrency: concurrency,
  });
  const queue = createQueue('email', { redisUrl, prefix: api.prefix });
  const body = JSON.stringify({ name: 'welcome', data: EMAIL });
  return {
    async add() {
      const response = await fetch(api.emailJobsUrl, { method: 'POST', headers: apiHeaders, body });
      if (response.status !== 202) throw new Error(`API answered ${response.status}: ${await response.text()}`);
    },
    queue,
    worker: running.worker,
    close: () => Promise.all([running.close(), queue.close()]),
  };
}

/**
 * Calls per job, by command, for `jobs` jobs from enqueue to `completed`. The jobs are added to a
 * paused queue and released together, so every variant's worker finds the same backlog: a worker
 * that drains faster than jobs arrive pays an extra fetch per wake-up, which measures the arrival
 * rate rather than the path.
 */
async function countCommands({ redis }: BenchContext, pipeline: Pipeline, jobs: number): Promise<Map<string, number>> {
  await pipeline.queue.pause();
  await pipeline.worker.waitUntilReady();
  let completed = 0;
  const finished = new Promise<void>((resolve) => {
    pipeline.worker.on('completed', () => {
      if (++completed === jobs) resolve();
    });
  });
  await redis.resetCommandStats();
  let added = 0;
  await Promise.all(
    Array.from({ length: IN_FLIGHT }, async () => {
      while (added++ < jobs) await pipeline.add();
    }),
  );
  await pipeline.queue.resume();
  await finished;
  const stats = await redis.commandStats();
  await pipeline.close();
  // The bench's own bookkeeping, not the pipeline's.
  for (const command of stats.keys()) if (/^(config|info)\b/.test(command)) stats.delete(command);
  return new Map([...stats].map(([command, calls]) => [command, calls / jobs]));
}

const toBreakdown = (variant: string, perCommand: Map<string, number>): CommandBreakdown => ({
  variant,
  perJob: [...perCommand.values()].reduce((sum, calls) => sum + calls, 0),
  byCommand: Object.fromEntries([...perCommand].sort(([, a], [, b]) => b - a).map(([command, calls]) => [command, round(calls)])),
});

const round = (value: number) => Math.round(value * 100) / 100;

/**
 * Redis commands per job, enqueue to completion, from `INFO commandstats`: raw BullMQ, our library
 * (`createQueue` + `createWorker`) and the production path (the API + `startWorker`). Every command
 * ours sends more of is named, with its reason.
 */
export async function measureCommands(
  context: BenchContext,
  api: ApiServer,
): Promise<{ rows: Row[]; commands: CommandBreakdown[]; extras: ExtraCommand[] }> {
  const { redis, settings, log } = context;
  const jobs = settings.commandJobs;
  const concurrency = 10;
  log(`commands per job: ${jobs} jobs per variant`);
  await redis.flush();
  const raw = await countCommands(context, await rawPipeline(redis.port, '{bench-raw}', concurrency), jobs);
  const library = await countCommands(context, await libraryPipeline(redis.url, '{bench-lib}', concurrency), jobs);
  const production = await countCommands(context, await apiPipeline(redis.url, api, concurrency), jobs);
  await redis.flush();

  const commands = [toBreakdown('raw BullMQ', raw), toBreakdown('createQueue + createWorker', library)];
  commands.push(toBreakdown('API + startWorker', production));
  const extras: ExtraCommand[] = [];
  for (const [variant, counted] of [
    ['createQueue + createWorker', library],
    ['API + startWorker', production],
  ] as const) {
    for (const [command, calls] of counted) {
      const extra = calls - (raw.get(command) ?? 0);
      if (extra < NOISE_PER_JOB) continue;
      extras.push({ variant, command, extraPerJob: round(extra), why: EXTRA_COMMAND_REASONS[command] ?? 'UNEXPLAINED' });
    }
  }
  const [rawTotal, libraryTotal, productionTotal] = commands.map((breakdown) => breakdown.perJob) as [number, number, number];
  const justified = (variant: string) => extras.every((extra) => extra.variant !== variant || extra.why !== 'UNEXPLAINED');
  const target = '≤ raw, or each extra named';
  const rows: Row[] = [
    {
      id: 'commands-library',
      label: 'Redis commands per job, enqueue → completed: `createQueue` + `createWorker` vs raw BullMQ',
      unit: 'cmds',
      ours: libraryTotal,
      beside: rawTotal,
      ratio: libraryTotal / rawTotal,
      target,
      met: libraryTotal <= rawTotal || justified('createQueue + createWorker'),
    },
    {
      id: 'commands-api',
      label: '↳ the production path: API `POST` + `startWorker` vs raw BullMQ',
      unit: 'cmds',
      ours: productionTotal,
      beside: rawTotal,
      ratio: productionTotal / rawTotal,
      target,
      met: productionTotal <= rawTotal || justified('API + startWorker'),
    },
  ];
  return { rows, commands, extras };
}
