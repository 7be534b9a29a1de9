import { EventEmitter } from 'node:events';
import { createQueue, createWorker } from '@nightshift/jobs';
import { startWorker } from '@nightshift/worker-runtime';
import BeeQueue from 'bee-queue';
import { Queue, Worker } from 'bullmq';
import { Logger, makeWorkerUtils, run, type WorkerEvents } from 'graphile-worker';
import pg from 'pg';
import { PgBoss } from 'pg-boss';
import type { BenchPostgres } from '../bench-postgres.js';
import type { BenchRedis } from '../bench-redis.js';
import { benchWorkerEnv, discardingLogger, EMAIL, EMAIL_RESULT } from '../fixtures.js';

const QUEUE = 'email';
const NIGHTSHIFT_PREFIX = '{bench-peers}';

/** What a worker tells the measurement: a job's processor started, a job completed, a job failed. */
export interface WorkHooks {
  started(): void;
  completed(): void;
  failed(error: Error): void;
}

/** One measurement's queue: empty when opened, emptied again when closed. */
export interface PeerSession {
  add(): Promise<unknown>;
  /** One batch, in the system's own bulk call. */
  addBulk(count: number): Promise<unknown>;
  /** Starts a worker on the queue; it runs until closed. */
  work(concurrency: number, hooks: WorkHooks): Promise<{ close(): Promise<unknown> }>;
  close(): Promise<unknown>;
}

export interface PeerInstance {
  session(): Promise<PeerSession>;
  close(): Promise<unknown>;
}

export interface PeerBackends {
  redis: BenchRedis;
  postgres: BenchPostgres;
}

/** A job system as a user would set it up: its name, the settings chosen and why, and where it keeps jobs. */
export interface PeerSystem {
  id: string;
  system: string;
  /** Markdown: the settings, named as the system's docs name them. */
  settings: string;
  backend: 'redis' | 'postgres';
  start(backends: PeerBackends): Promise<PeerInstance>;
}

const bullConnection = (redis: BenchRedis) => ({ host: '127.0.0.1', port: redis.port });
const bulk = <T>(count: number, make: () => T): T[] => Array.from({ length: count }, make);

/** Flushes the bench's Redis for every session, so no measurement pays for the last one's keys. */
const redisInstance =
  (open: (redis: BenchRedis) => Promise<PeerSession>) =>
  async ({ redis }: PeerBackends): Promise<PeerInstance> => ({
    async session() {
      await redis.flush();
      return open(redis);
    },
    close: async () => {},
  });

function bullmq(fast: boolean): PeerSystem {
  const defaultJobOptions = fast ? { removeOnComplete: true, removeOnFail: true } : {};
  return {
    id: fast ? 'bullmq-fast' : 'bullmq',
    system: 'BullMQ',
    settings: fast ? '`removeOnComplete: true`, `removeOnFail: true`' : 'defaults',
    backend: 'redis',
    start: redisInstance(async (redis) => {
      const queue = new Queue(QUEUE, { connection: bullConnection(redis), defaultJobOptions });
      return {
        add: () => queue.add('welcome', EMAIL),
        addBulk: (count) => queue.addBulk(bulk(count, () => ({ name: 'welcome', data: EMAIL }))),
        async work(concurrency, hooks) {
          const worker = new Worker(
            QUEUE,
            async () => {
              hooks.started();
              return EMAIL_RESULT;
            },
            { connection: { ...bullConnection(redis), maxRetriesPerRequest: null }, concurrency },
          );
          worker.on('completed', () => hooks.completed());
          worker.on('failed', (_job, error) => hooks.failed(error));
          return { close: () => worker.close() };
        },
        close: () => queue.close(),
      };
    }),
  };
}

/**
 * BullMQ's own job defaults (one attempt, every finished job kept) in place of Nightshift's: the
 * library with them costs only what the layer itself adds, the payload check on dequeue.
 */
const BULLMQ_JOB_DEFAULTS = { attempts: 1, backoff: undefined, removeOnComplete: false, removeOnFail: false };

function nightshift(runtime: boolean, bullmqJobDefaults = false): PeerSystem {
  return {
    id: bullmqJobDefaults ? 'nightshift-bullmq-job-defaults' : runtime ? 'nightshift-runtime' : 'nightshift',
    system: 'Nightshift',
    settings: runtime
      ? '`createQueue` + `startWorker` (production runtime: info logs to /dev/null, metrics)'
      : bullmqJobDefaults
        ? "`createQueue` with `defaultJobOptions` set to BullMQ's defaults + `createWorker`"
        : '`createQueue` + `createWorker`, library defaults',
    backend: 'redis',
    start: redisInstance(async (redis) => {
      const queue = createQueue(QUEUE, {
        redisUrl: redis.url,
        prefix: NIGHTSHIFT_PREFIX,
        ...(bullmqJobDefaults ? { defaultJobOptions: BULLMQ_JOB_DEFAULTS } : {}),
      });
      return {
        add: () => queue.add('welcome', EMAIL),
        addBulk: (count) => queue.addBulk(bulk(count, () => ({ name: 'welcome' as const, data: EMAIL }))),
        async work(concurrency, hooks) {
          const processor = async () => {
            hooks.started();
            return EMAIL_RESULT;
          };
          const worker = runtime
            ? await startWorker({
                queue: QUEUE,
                processor,
                env: benchWorkerEnv(redis.url, NIGHTSHIFT_PREFIX, concurrency),
                logger: discardingLogger(),
                defaultConcurrency: concurrency,
              })
            : createWorker(QUEUE, processor, { redisUrl: redis.url, prefix: NIGHTSHIFT_PREFIX, concurrency });
          const bullWorker = 'worker' in worker ? worker.worker : worker;
          bullWorker.on('completed', () => hooks.completed());
          bullWorker.on('failed', (_job, error) => hooks.failed(error));
          return { close: () => worker.close() };
        },
        close: () => queue.close(),
      };
    }),
  };
}

function beeQueue(fast: boolean): PeerSystem {
  // The README's producer settings; the fast set turns off what a worker only needs for events and job tracking.
  const lean = fast ? { sendEvents: false, storeJobs: false } : {};
  return {
    id: fast ? 'bee-queue-fast' : 'bee-queue',
    system: 'bee-queue',
    settings: fast
      ? 'producer and worker `getEvents: false`, `sendEvents: false`, `storeJobs: false`; worker `removeOnSuccess: true`'
      : 'producer `isWorker: false`, `getEvents: false` (its README); worker defaults',
    backend: 'redis',
    start: redisInstance(async (redis) => {
      const connection = { redis: bullConnection(redis) };
      const producer = new BeeQueue(QUEUE, { ...connection, isWorker: false, getEvents: false, ...lean });
      await producer.ready();
      return {
        add: () => producer.createJob(EMAIL).save(),
        async addBulk(count) {
          const errors = await producer.saveAll(bulk(count, () => producer.createJob(EMAIL)));
          const [first] = errors.values();
          if (first) throw new Error(`bee-queue saveAll: ${errors.size} jobs failed, the first with ${first.message}`);
        },
        async work(concurrency, hooks) {
          const worker = new BeeQueue(QUEUE, {
            ...connection,
            ...(fast ? { getEvents: false, removeOnSuccess: true, ...lean } : {}),
          });
          worker.on('succeeded', () => hooks.completed());
          worker.on('failed', (_job, error) => hooks.failed(error));
          worker.process(concurrency, async () => {
            hooks.started();
            return EMAIL_RESULT;
          });
          await worker.ready();
          return { close: () => worker.close() };
        },
        close: () => producer.close(),
      };
    }),
  };
}

function pgBoss(fast: boolean): PeerSystem {
  return {
    id: fast ? 'pg-boss-fast' : 'pg-boss',
    system: 'pg-boss',
    settings: fast
      ? '`useListenNotify` and queue `notify: true`; `work` with `batchSize` = concurrency, `burstWhenBatchFull`, `pollingIntervalSeconds: 0.5`'
      : '`work` with `localConcurrency` = concurrency, other options default (one job a fetch, a fetch every 2 s when idle)',
    backend: 'postgres',
    async start({ postgres }) {
      const boss = new PgBoss({
        connectionString: postgres.url,
        schema: fast ? 'pgboss_fast' : 'pgboss',
        ...(fast ? { useListenNotify: true } : {}),
      });
      let lastError: Error | undefined;
      boss.on('error', (error: Error) => {
        lastError = error;
      });
      await boss.start();
      let sessions = 0;
      return {
        async session() {
          // A queue per measurement: deleting it takes whatever a time-limited drain left.
          const name = `bench_${++sessions}`;
          await boss.createQueue(name, fast ? { notify: true } : {});
          return {
            add: () => boss.send(name, EMAIL),
            addBulk: (count) =>
              boss.insert(
                name,
                bulk(count, () => ({ data: EMAIL })),
              ),
            async work(concurrency, hooks) {
              const options = fast
                ? { batchSize: concurrency, burstWhenBatchFull: true, pollingIntervalSeconds: 0.5 }
                : { localConcurrency: concurrency };
              // pg-boss completes a batch when its handler returns: the handler's end is the completion it reports.
              const id = await boss.work(name, options, async (jobs) => {
                for (const _ of jobs) hooks.started();
                for (const _ of jobs) hooks.completed();
              });
              return {
                close: async () => {
                  await boss.offWork(name, { id, wait: true });
                  if (lastError) hooks.failed(lastError);
                },
              };
            },
            close: () => boss.deleteQueue(name),
          };
        },
        close: () => boss.stop({ timeout: 5_000 }),
      };
    },
  };
}

function graphileWorker(fast: boolean): PeerSystem {
  const schema = fast ? 'graphile_worker_fast' : 'graphile_worker';
  const task = 'welcome';
  const logger = new Logger(() => () => {});
  return {
    id: fast ? 'graphile-worker-fast' : 'graphile-worker',
    system: 'graphile-worker',
    settings: fast
      ? 'as recommended, plus `localQueue: { size: 500 }` and `completeJobBatchDelay: 0` (its performance page)'
      : '`concurrency`; other options default (its docs advise a pool of `concurrency + 2`, more than this PostgreSQL allows beside the others, so the default 10)',
    backend: 'postgres',
    async start({ postgres }) {
      // Pools of the bench's own, ended and awaited on close: the database is dropped right after.
      const pools: pg.Pool[] = [];
      const pool = (max?: number) => {
        const opened = new pg.Pool({ connectionString: postgres.url, ...(max ? { max } : {}) });
        // Teardown ends these pools' connections; their clients' errors then are expected, and graphile-worker asks for both handlers.
        opened.on('error', () => {});
        opened.on('connect', (client) => client.on('error', () => {}));
        pools.push(opened);
        return opened;
      };
      const utils = await makeWorkerUtils({ pgPool: pool(), schema, logger });
      await utils.migrate();
      return {
        async session() {
          return {
            add: () => utils.addJob(task, EMAIL),
            addBulk: (count) => utils.addJobs(bulk(count, () => ({ identifier: task, payload: EMAIL }))),
            async work(concurrency, hooks) {
              // Ours, so no event of a job that finishes while `run` is still starting is missed.
              const events = new EventEmitter() as WorkerEvents;
              events.on('job:success', () => hooks.completed());
              events.on('job:error', ({ error }) => hooks.failed(error instanceof Error ? error : new Error(String(error))));
              const workerPool = pool();
              const runner = await run({
                pgPool: workerPool,
                schema,
                logger,
                events,
                concurrency,
                noHandleSignals: true,
                taskList: {
                  [task]: async () => {
                    hooks.started();
                  },
                },
                ...(fast ? { preset: { worker: { localQueue: { size: 500 }, completeJobBatchDelay: 0 } } } : {}),
              });
              return {
                close: async () => {
                  await runner.stop();
                  await workerPool.end();
                  pools.splice(pools.indexOf(workerPool), 1);
                },
              };
            },
            // What a time-limited drain left; graphile-worker has no call that empties a queue.
            close: () => utils.withPgClient((client) => client.query(`DELETE FROM ${schema}._private_jobs`)),
          };
        },
        async close() {
          await utils.release();
          await Promise.all(pools.map((opened) => opened.end()));
        },
      };
    },
  };
}

/** Not a peer: the targets measure it to tell what the layer costs from what Nightshift's job defaults cost. */
export const nightshiftWithBullmqJobDefaults = nightshift(false, true);

/** Nightshift's library path first: every other system's ratio is taken against it. */
export const peerSystems: readonly PeerSystem[] = [
  nightshift(false),
  nightshift(true),
  bullmq(false),
  bullmq(true),
  beeQueue(false),
  beeQueue(true),
  pgBoss(false),
  pgBoss(true),
  graphileWorker(false),
  graphileWorker(true),
];
